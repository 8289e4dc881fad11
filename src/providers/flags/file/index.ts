/**
 * Flags in a flagd flag-definition file. Flags the plan does not drive are left untouched. Several
 * plans (or people) may share one file: every change locks the file (proper-lockfile), reads it
 * again under the lock, changes its own flag and replaces the file atomically, so no change made
 * by another run is lost between our read and our write.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import { ProviderError } from '../../../errors.js';
import { prepareWrite } from '../../../state/safe-path.js';
import { jsonErrorAt, readTextFile } from '../../file-text.js';
import type { AdapterContext, FlagProvider, FlagState } from '../../types.js';
import type { FileFlagSettings } from './settings.js';
import { disabledDefinition, flagdDefinition, readFlagdState, type FlagdFlag } from './flagd.js';

interface FlagdFile {
  $schema?: string;
  flags: Record<string, FlagdFlag>;
  [k: string]: unknown;
}

const SCHEMA = 'https://flagd.dev/schema/v0/flags.json';
/** How long a change waits for another writer of the same file (they hold it for milliseconds). */
const LOCK_RETRIES = { retries: 60, factor: 1.3, minTimeout: 20, maxTimeout: 500, randomize: true };
/** A lock not refreshed for this long belongs to a dead process and is taken over. */
const LOCK_STALE_MS = 10_000;

export async function createFileFlags(settings: FileFlagSettings, ctx: AdapterContext): Promise<FlagProvider> {
  const file = path.resolve(ctx.baseDir, settings.path);

  const load = (): FlagdFile => {
    if (!existsSync(file)) return { $schema: SCHEMA, flags: {} };
    let text: string;
    try {
      text = readTextFile(file, 64 * 1024 * 1024);
    } catch (e) {
      throw new ProviderError(ctx.name, `cannot read the flag file ${file}: it ${(e as Error).message}`, {
        hint: 'rollout never overwrites a file it cannot read',
      });
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new ProviderError(ctx.name, `the flag file ${file} is not valid JSON (${jsonErrorAt(e, text)})`, {
        hint: 'fix or remove it; rollout never overwrites a file it cannot read',
      });
    }
    if (
      !doc ||
      typeof doc !== 'object' ||
      typeof (doc as FlagdFile).flags !== 'object' ||
      (doc as FlagdFile).flags === null ||
      Array.isArray((doc as FlagdFile).flags)
    ) {
      throw new ProviderError(ctx.name, `the flag file ${file} is not a flagd definition (no "flags" object)`);
    }
    return doc as FlagdFile;
  };

  /** Read-modify-write of one flag under the file's lock; returns what the flag serves once written. */
  const change = async (flag: string, def: FlagdFlag): Promise<FlagState> => {
    mkdirSync(path.dirname(file), { recursive: true });
    // nothing is written through a link that leaves the flag file's folder
    prepareWrite(file, path.dirname(file));
    // loaded here: reads (status, doctor) never pay for it
    const [{ default: lockfile }, { default: writeFileAtomic }] = await Promise.all([
      import('proper-lockfile'),
      import('write-file-atomic'),
    ]);
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(file, { realpath: false, retries: LOCK_RETRIES, stale: LOCK_STALE_MS });
    } catch (e) {
      throw new ProviderError(
        ctx.name,
        `cannot lock the flag file ${file}: ${(e as NodeJS.ErrnoException).code === 'ELOCKED' ? 'another run keeps it locked' : (e as Error).message}`,
        {
          hint: 'another rollout sharing the file may be writing it; run again in a moment',
        },
      );
    }
    try {
      const doc = load();
      doc.flags[flag] = def;
      await writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`, { fsync: true });
      return readFlagdState(load().flags[flag]);
    } finally {
      await release().catch(() => undefined);
    }
  };

  return {
    async read({ flag }) {
      const state = readFlagdState(load().flags[flag]);
      return existsSync(file) ? state : { ...state, detail: { ...state.detail, fileMissing: true } };
    },
    async setTraffic({ flag, traffic, audience, keep, comment, variants }) {
      if (!(traffic >= 0 && traffic <= 100)) throw new ProviderError(ctx.name, `traffic ${traffic} is outside 0-100`);
      return change(flag, flagdDefinition({ traffic, audience, keep, plan: ctx.plan, comment, values: variants }));
    },
    async serveVariant({ flag, traffic, audience, keep, comment, variant, variants }) {
      if (!(traffic >= 0 && traffic <= 100)) throw new ProviderError(ctx.name, `traffic ${traffic} is outside 0-100`);
      if (!(variant in variants))
        throw new ProviderError(ctx.name, `the plan gives no value for the variant ${variant}`);
      const def = flagdDefinition({ traffic, audience, keep, plan: ctx.plan, comment, variant, values: variants });
      return change(flag, def);
    },
    async disable({ flag, comment, variants }) {
      // off for everyone; the variants' values stay, so an application reading them keeps its type
      return change(flag, disabledDefinition(ctx.plan, comment, variants));
    },
  };
}

/** The name every adapter folder exports its factory under (definition.ts loads it). */
export { createFileFlags as create };
