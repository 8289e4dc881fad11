import { EXIT_CODES } from '../../errors.js';
import { formatIssue } from '../../plan/issues.js';
import { createIo, type GlobalOptions } from '../io.js';
import { readPlanText, registerSecrets, validateText } from '../load-plan.js';
import { phaseServed } from '../../reports/served.js';

export async function validateCommand(
  planFile: string | undefined,
  _opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const io = await createIo(global);
  const file = planFile!;
  const r = await validateText(readPlanText(file), process.env, (m) => io.log.warn(m));
  if (r.value) registerSecrets(r.value);
  const fmt = (i: Parameters<typeof formatIssue>[1]) => formatIssue(file, i);
  if (global.json) {
    io.json({
      plan: r.value?.plan.name ?? null,
      file,
      valid: Boolean(r.value),
      errors: r.errors.map((i) => ({ ...i, text: fmt(i) })),
      warnings: r.warnings.map((i) => ({ ...i, text: fmt(i) })),
    });
  }
  for (const w of r.warnings) io.err(`${io.style.yellow('warning')} ${fmt(w).replace(' warning: ', ' ')}`);
  if (!r.value) {
    if (!global.json) for (const e of r.errors) io.err(`${io.style.red('error')} ${fmt(e)}`);
    const n = r.errors.length;
    if (!global.json) io.err(`rollout: ${file}: ${n} problem${n === 1 ? '' : 's'}; the plan is not valid`);
    return EXIT_CODES.plan;
  }
  const p = r.value.plan;
  io.out(
    `${io.style.green('✓')} ${file}: plan "${p.name}" is valid — ${p.phases.length} phases (${p.phases.map((x) => `${x.name} ${phaseServed(p, x.name, x.traffic)}`).join(' → ')}), ${p.metrics.length} metrics, ${p.rollback.length} rollback steps`,
  );
  return 0;
}
