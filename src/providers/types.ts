/**
 * The narrow interfaces every adapter implements. Providers measure and act; they never judge.
 * A provider that cannot answer throws a ProviderError (src/errors.ts); it never returns a guess.
 */
import type { z } from 'zod';

export type Cohort = 'canary' | 'control' | 'all';

/** An audience as the plan declares it: an attribute match (file provider) or a remote segment key. */
export type AudienceSpec = { name: string; attribute: string; in: string[] } | { name: string; segment: string };

/** What a flag serves now, as read from the provider. */
export interface FlagState {
  /** false when the flag serves nobody the new variant (off, disabled, or missing in the file). */
  enabled: boolean;
  /** percentage (0-100) of the audience that gets the new variant; 0 when disabled. */
  traffic: number;
  /** the audience restricting the rollout, by name or segment key; undefined when everyone is eligible. */
  audience?: string | undefined;
  /** the variant the served share gets when it is not the plain `on` (a light contingency's adjustment) */
  variant?: string | undefined;
  /** provider-specific detail kept for the journal (ids, versions); never contains secrets. */
  detail?: Record<string, unknown>;
}

export interface SetTrafficArgs {
  flag: string;
  /** 0-100; 0 keeps the flag defined but serves the new variant to nobody. */
  traffic: number;
  audience?: AudienceSpec | undefined;
  /**
   * Earlier phases' audiences kept at their earlier shares (same bucketing key and salt), so that
   * exposure only grows while a rollout moves forward. Empty or absent: only `audience` is served.
   */
  keep?: { audience?: AudienceSpec | undefined; traffic: number }[] | undefined;
  /** free text for the provider's change history (phase name, plan). */
  comment: string;
  /** the plan's flag variants with their values (JSON), beside on/off; a provider without variants ignores them */
  variants?: Record<string, unknown> | undefined;
}

export interface ServeVariantArgs extends SetTrafficArgs {
  /** the variant served instead of `on` */
  variant: string;
  /** the plan's variants and their values (JSON) */
  variants: Record<string, unknown>;
}

export interface FlagProvider {
  /** Reads the flag's current state. No side effects. Throws ProviderError when it cannot. */
  read(args: { flag: string }): Promise<FlagState>;
  /**
   * Makes the flag serve `traffic` % of `audience`. Idempotent: setting the state the flag already has
   * changes nothing. Either the whole change lands or none of it does (throws ProviderError).
   * Keeps everyone who had the new variant when traffic rises (sticky bucketing).
   * Returns the state read back after the write.
   */
  setTraffic(args: SetTrafficArgs): Promise<FlagState>;
  /**
   * Optional: like setTraffic, but the served share gets `variant` (one of `variants`, with its JSON
   * value) instead of `on`. Without it, a plan's light contingency cannot serve a variant (it holds).
   */
  serveVariant?(args: ServeVariantArgs): Promise<FlagState>;
  /** Turns the flag off for everyone (the kill switch of a rollback). Idempotent. */
  disable(args: { flag: string; comment: string; variants?: Record<string, unknown> | undefined }): Promise<FlagState>;
}

export interface Point {
  /** epoch milliseconds */
  t: number;
  v: number;
}

export interface MetricQuery {
  /** the metric's name in the plan */
  metric: string;
  /** the rendered query (templates already expanded) */
  query: string;
  /**
   * The query as the plan writes it and the template values, for providers that must not splice values
   * into text: the `command` provider passes them to the shell as environment variables.
   */
  template?: string | undefined;
  values?: Readonly<Record<string, string>> | undefined;
  cohort: Cohort;
  /** epoch ms, inclusive */
  from: number;
  /** epoch ms, inclusive */
  to: number;
  /** the sampling interval the plan declares for this metric (ms), for providers that can ask for one */
  intervalMs?: number | undefined;
}

export interface Series {
  /** points in time order; a value that is not a finite number is dropped by the adapter and counted in `invalid`. */
  points: Point[];
  /** number of points the provider returned as NaN, Inf, null or unparsable. */
  invalid: number;
  /**
   * the sampling interval the provider used or declares (ms): Prometheus' step, the interval asked of
   * Datadog, the provider's `interval` setting, a file's typical spacing. Never inferred from the few
   * points returned: the gate counts a window's points against it.
   */
  stepMs?: number | undefined;
  /** provider warnings (e.g. Prometheus `warnings`); a series with warnings is not trusted for a pass. */
  warnings?: string[] | undefined;
  /** what the data stands for when it is not exactly what was asked (e.g. the whole service for a cohort) */
  note?: string | undefined;
}

export interface MetricsProvider {
  /** Returns the series for one cohort over [from, to]. No data is an empty series, never zeros. */
  query(q: MetricQuery): Promise<Series>;
  /**
   * Optional: the total of a count query for one cohort over [from, to] (Prometheus' increase(),
   * Datadog's .as_count()). undefined = no data; NaN = invalid. Without it, the series is summed.
   */
  count?(q: { query: string; cohort: 'canary' | 'control'; from: number; to: number }): Promise<number | undefined>;
  /**
   * Optional: a histogram's bucket counts for one cohort, increased over [from, to], by `le` (as the
   * provider labels it: "0.5", "+Inf"). undefined = no data; a count NaN = invalid. Without it, the
   * provider cannot judge `kind: histogram` metrics (they hold).
   */
  buckets?(q: {
    query: string;
    cohort: 'canary' | 'control';
    from: number;
    to: number;
  }): Promise<BucketCount[] | undefined>;
}

/** One histogram bucket as a provider answers it: observations ≤ `le` (cumulative in `le`). */
export interface BucketCount {
  le: string;
  count: number;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export interface Incident {
  id: string;
  severity: Severity;
  title: string;
  openedAt?: string | undefined;
  url?: string | undefined;
}

export interface IncidentProvider {
  /** Incidents open now (resolved, silenced and inhibited ones excluded). Throws ProviderError when it cannot tell. */
  open(args: { now: number }): Promise<Incident[]>;
}

export type NotificationKind =
  | 'advanced'
  | 'held'
  | 'failed'
  | 'contingency-applied'
  | 'rolled-back'
  | 'completed'
  | 'reduced'
  /** a stakeholder digest (`rollout digest --send`): summary and lines are the digest */
  | 'digest'
  /** `rollout watch` (without --advance): the gate of the current phase would pass now */
  | 'eligible';

export interface NotificationEvent {
  kind: NotificationKind;
  plan: string;
  title: string;
  phase: string;
  to?: string | undefined;
  /** one-line human summary */
  summary: string;
  /** the reasons or criteria, one line each */
  lines: string[];
  at: string;
}

export interface Notifier {
  /** Delivers one event. Throws ProviderError on failure; callers report it and carry on. */
  send(event: NotificationEvent): Promise<void>;
}

/** What an adapter gets besides its settings. */
export interface AdapterContext {
  /** the provider's name in the plan (providers.flags.NAME) */
  name: string;
  /** folder of the plan file; relative paths resolve against it */
  baseDir: string;
  /** the plan's name */
  plan: string;
  /** warnings go here (stderr), never secrets */
  warn: (message: string) => void;
  /** the tool's clock (epoch ms) */
  now: () => number;
  /**
   * The environment variable a setting's value came from (`token` -> `LD_API_TOKEN`), so errors can say
   * which credential was rejected without showing it.
   */
  envOf: (setting: string) => string | undefined;
  /**
   * The user's cache folder for adapters that keep what they fetched (HMAC-signed entries, see
   * cli/plan-cache.ts); undefined when the cache is off (`ROLLOUT_NO_CACHE`) or cannot be trusted.
   */
  cache?: KeyedCache | undefined;
}

/** Text (or bytes) kept under a key; a read of anything missing, damaged or not ours is undefined. */
export interface KeyedCache {
  read(key: string): string | undefined;
  write(key: string, body: string): void;
  /** bytes under a key of their own (not the text's): for data that would cost more to parse than to read */
  readBytes?(key: string): Buffer | undefined;
  writeBytes?(key: string, bytes: readonly Uint8Array[]): void;
}

/** One adapter's settings schema (checked by `validate`); `Role` ties it to the role's registry. */
export interface AdapterDefinition<Role, S extends z.ZodType = z.ZodType> {
  settings: S;
  /** short description for `rollout schema` and doctor output */
  description: string;
  /** phantom: which interface the adapter implements */
  readonly role?: Role;
}

/** Erases an adapter's settings type so definitions of different settings fit one registry. */
export function defineAdapter<Role, S extends z.ZodType>(def: AdapterDefinition<Role, S>): AdapterDefinition<Role> {
  return def as unknown as AdapterDefinition<Role>;
}
