/** What people and digests leave in the state: notes (`rollout note`) and the digests sent. */
/** A note a person added with `rollout note`: text cleaned of control characters, secrets masked. */
export interface NoteRecord {
  at: string;
  by: string;
  kind: 'issue' | 'feedback';
  phase: string;
  text: string;
  /** who ran the command (OS account, host, CI login) */
  runner?: unknown;
}

/** One digest to one notifier: `sending` is saved before the provider call, `sent` after it answered. */
export interface DigestRecord {
  audience: string;
  key: string;
  notifier: string;
  status: 'sending' | 'sent';
  at: string;
  /** for an each-change digest: the last journal seq it covered */
  upToSeq?: number | undefined;
}
