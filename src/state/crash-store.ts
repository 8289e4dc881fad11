/** TEST-ONLY: a store whose every append and save passes crash points before and after (see crash-point.ts). */
import { crashPoint } from './crash-point.js';
import type { StateStore } from './types.js';

export function withCrashPoints(store: StateStore): StateStore {
  return {
    ...store,
    async append(entry) {
      crashPoint(`append:${entry.type}`);
      const written = await store.append(entry);
      crashPoint(`appended:${entry.type}`);
      return written;
    },
    async save(state) {
      crashPoint('save');
      await store.save(state);
      crashPoint('saved');
    },
  };
}
