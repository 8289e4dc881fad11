/**
 * How many samples a comparison needs and how long that takes (statistics.md §6): the fixed
 * one-sided sample size, the sequential "last-look" size for the §3 gate (bisection), and the
 * time to go at the current rate.
 */
import { RolloutError } from '../errors.js';
import { normalQuantile } from './distributions.js';
import { halfWidth } from './msprt.js';

/** Fixed-horizon sizes; `canary` and `control` are before rounding up. */
export interface FixedSampleSize {
  canaryRate: number;
  canary: number;
  control: number;
  /** expected canary events n_T·p_T */
  canaryEvents: number;
  /** total exposure n_T/f */
  total: number;
}

/**
 * n_T = (z_{1−α} + z_{1−β})²·[p_T(1−p_T) + p_C(1−p_C)/k]/(p_T − p_C)², n_C = k·n_T, with
 * k = (1 − f)/f, p_T = p_C(1 + change) (change −0.1 for a 10 % drop), one-sided α.
 */
export function fixedSampleSize(p: {
  controlRate: number;
  relativeChange: number;
  canaryShare: number;
  alpha: number;
  power: number;
}): FixedSampleSize {
  const { controlRate: pC, canaryShare: f } = p;
  const pT = pC * (1 + p.relativeChange);
  if (!(pC > 0 && pC < 1 && pT > 0 && pT < 1 && pT !== pC && f > 0 && f < 1)) {
    throw new RolloutError('internal', 'fixedSampleSize needs rates in (0, 1) that differ and a share in (0, 1)');
  }
  const k = (1 - f) / f;
  const z = normalQuantile(1 - p.alpha) + normalQuantile(p.power);
  const canary = (z * z * (pT * (1 - pT) + (pC * (1 - pC)) / k)) / (pT - pC) ** 2;
  return { canaryRate: pT, canary, control: k * canary, canaryEvents: canary * pT, total: canary / f };
}

/**
 * The smallest n_T (continuous) with h(v(n_T)) + z_{1−β}·√v(n_T) ≤ distance, where
 * v(n) = p_T(1−p_T)/n + p_C(1−p_C)/(k·n) and h is the CS half-width at level α (two-sided) with
 * the given τ². For a one-sample check pass `ratio: Infinity` (no control term). Conservative:
 * earlier looks only add power. undefined when distance ≤ 0 or the rates give no variance.
 */
export function sequentialSampleSize(p: {
  canaryRate: number;
  controlRate: number;
  /** k = n_C/n_T */
  ratio: number;
  distance: number;
  tau2: number;
  alpha: number;
  power: number;
}): number | undefined {
  const perUnit = p.canaryRate * (1 - p.canaryRate) + (p.controlRate * (1 - p.controlRate)) / p.ratio;
  if (!(p.distance > 0 && perUnit > 0 && Number.isFinite(perUnit) && p.tau2 > 0)) return undefined;
  const zBeta = normalQuantile(p.power);
  const excess = (n: number) => {
    const v = perUnit / n;
    return halfWidth({ variance: v, tau2: p.tau2, alpha: p.alpha }) + zBeta * Math.sqrt(v) - p.distance;
  };
  let lo = 1e-9;
  let hi = 1;
  while (excess(hi) > 0) {
    lo = hi;
    hi *= 2;
    if (hi > 1e18) return undefined;
  }
  if (excess(lo) <= 0) return lo;
  for (let i = 0; i < 200 && hi - lo > 1e-10 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (excess(mid) > 0) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** "Need about ΔN more samples (≈ ΔN·p̂_C events), about T hours at the current rate." */
export interface TimeToGo {
  /** more canary units needed: max(0, required − current) */
  more: number;
  /** more events expected at the control's rate */
  events: number;
  /** canary units per hour so far; null when elapsed time or units are 0 */
  ratePerHour: number | null;
  /** hours at the current rate; null without a rate */
  hours: number | null;
}

/** ΔN = max(0, required − current), rate = current/elapsed hours, T = ΔN/rate. */
export function timeToGo(p: {
  required: number;
  current: number;
  elapsedHours: number;
  controlRate: number;
}): TimeToGo {
  const more = Math.max(0, p.required - p.current);
  const ratePerHour =
    p.elapsedHours > 0 && p.current > 0 && Number.isFinite(p.elapsedHours) ? p.current / p.elapsedHours : null;
  return { more, events: more * p.controlRate, ratePerHour, hours: ratePerHour === null ? null : more / ratePerHour };
}
