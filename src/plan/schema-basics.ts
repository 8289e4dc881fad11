/**
 * The plan schema's building blocks: names, texts, flag keys, durations and estimates, and the
 * approvers with the identities that may stand behind them (see schema.ts for the plan itself).
 */
import { z } from 'zod';
import { parseDuration, parseEstimate } from './duration.js';

export const slug = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a slug: lower-case letters, digits and dashes');
export const text = z.string().min(1, 'must not be empty');
/** Longer than any rollout runs; past it, times computed from a duration overflow what a date can hold. */
export const MAX_DURATION_MS = 365 * 86_400_000;
const TOO_LONG = 'is too long: a duration in a plan is at most 365d';
/**
 * A flag key names a path segment in the providers' APIs: `.` and `..` would be normalised away (the
 * request would reach another resource), and `/ ? # %`, spaces and control characters would change it.
 */
export const flagKey = text
  .refine((k) => k !== '.' && k !== '..', 'a flag key cannot be "." or ".."')
  .refine(
    (k) => !/[/\\?#%\s\u0000-\u001f\u007f]/.test(k),
    'a flag key cannot hold "/", "\\", "?", "#", "%", spaces or control characters',
  );
export const duration = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, 'must be a duration such as 30m, 48h or 7d')
  .refine((s) => (parseDuration(s) ?? 0) <= MAX_DURATION_MS, TOO_LONG);
export const estimate = z
  .string()
  .refine((s) => parseEstimate(s) !== undefined, 'must be a duration such as 5m, or a range such as 15m-30m')
  .refine((s) => (parseEstimate(s)?.max ?? 0) <= MAX_DURATION_MS, TOO_LONG);

/**
 * Who may stand behind an approver's name: `github:LOGIN` (GITHUB_ACTOR), `gitlab:LOGIN`
 * (GITLAB_USER_LOGIN), `os:USER` or `os:USER@HOST` (the OS account that runs rollout), or an e-mail
 * address (ROLLOUT_USER or git's user.email; `email:` may prefix it). See src/gates/identity.ts.
 */
export const IDENTITY =
  /^(github:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?|gitlab:[\w.-]+|os:[^\s@:]+(?:@[^\s@:]+)?|(?:email:)?[^\s@:]+@[^\s@:]+)$/;
export const identity = z
  .string()
  .regex(IDENTITY, 'an identity is github:LOGIN, gitlab:LOGIN, os:USER, os:USER@HOST or an e-mail address');

/** A name (anyone who runs `approve --by NAME` may use it), or a name with the identities that may use it. */
export const approver = z.union([
  text,
  z.strictObject({ name: text, identities: z.array(identity).min(1, 'list at least one identity') }),
]);

export const approvals = z.strictObject({
  required: z.number().int().min(0),
  approvers: z.array(approver).default([]),
});
