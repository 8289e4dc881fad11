/** The seed's whole plan pointed at the LaunchDarkly fake, and the JSON flag it drives (the plan's on/off values). */
import type { LdFlag } from '../../src/providers/flags/launchdarkly/api.js';
import { booleanFlag } from './fakes/launchdarkly.js';

export const FULL_ON = { modelo: 'v2', maxItens: 10 };
export const FULL_OFF = { modelo: 'v1', maxItens: 10 };

/** A multivariate JSON flag with the plan's `on` and `off` parameters (off serves `off`). */
export function fullPlanFlag(key: string): LdFlag {
  return {
    ...booleanFlag({ key }),
    kind: 'multivariate',
    variations: [
      { _id: 'v-on', name: 'on', value: FULL_ON },
      { _id: 'v-off', name: 'off', value: FULL_OFF },
    ],
  };
}

/** plans/recommendations-full.yaml on LaunchDarkly: `${LD_URL}` and `${LD_API_TOKEN}` from the environment. */
export const fullPlanOnLaunchDarkly = (yaml: string, flag: string): string =>
  yaml
    // the sample-ratio check is left out as in full-plan.test.ts (the walks enter phases minutes later)
    .replace(/\n {2}exposure: users\n/, '\n')
    .replace('  provider: local\n  key: recomendacoes-completo\n', `  provider: launchdarkly\n  key: ${flag}\n`)
    .replace(
      '  flags:\n',
      '  flags:\n    launchdarkly: { type: launchdarkly, url: "${LD_URL}", token: "${LD_API_TOKEN}", project: default, environment: production }\n',
    );
