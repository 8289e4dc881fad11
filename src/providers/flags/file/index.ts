/** Flags in a flagd flag-definition file. Flags the plan does not drive are left untouched. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { ProviderError } from '../../../errors.js';
import type { AdapterContext, FlagProvider } from '../../types.js';
import type { FileFlagSettings } from './settings.js';
import { disabledDefinition, flagdDefinition, readFlagdState, type FlagdFlag } from './flagd.js';

interface FlagdFile {
  $schema?: string;
  flags: Record<string, FlagdFlag>;
  [k: string]: unknown;
}

const SCHEMA = 'https://flagd.dev/schema/v0/flags.json';

export async function createFileFlags(settings: FileFlagSettings, ctx: AdapterContext): Promise<FlagProvider> {
  const file = path.resolve(ctx.baseDir, settings.path);

  const load = (): FlagdFile => {
    if (!existsSync(file)) return { $schema: SCHEMA, flags: {} };
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ProviderError(ctx.name, `the flag file ${file} is not valid JSON (${(e as Error).message})`, {
        hint: 'fix or remove it; rollout never overwrites a file it cannot read',
      });
    }
    if (!doc || typeof doc !== 'object' || typeof (doc as FlagdFile).flags !== 'object' || (doc as FlagdFile).flags === null) {
      throw new ProviderError(ctx.name, `the flag file ${file} is not a flagd definition (no "flags" object)`);
    }
    return doc as FlagdFile;
  };

  const write = async (doc: FlagdFile) => {
    mkdirSync(path.dirname(file), { recursive: true });
    const { default: writeFileAtomic } = await import('write-file-atomic');
    await writeFileAtomic(file, JSON.stringify(doc, null, 2) + '\n', { fsync: true });
  };

  const change = async (flag: string, def: FlagdFlag) => {
    const doc = load();
    doc.flags[flag] = def;
    await write(doc);
    return readFlagdState(load().flags[flag]);
  };

  return {
    async read({ flag }) {
      return readFlagdState(load().flags[flag]);
    },
    async setTraffic({ flag, traffic, audience, comment }) {
      if (!(traffic >= 0 && traffic <= 100)) throw new ProviderError(ctx.name, `traffic ${traffic} is outside 0-100`);
      return change(flag, flagdDefinition({ traffic, audience, plan: ctx.plan, comment }));
    },
    async disable({ flag, comment }) {
      return change(flag, disabledDefinition(ctx.plan, comment));
    },
  };
}
