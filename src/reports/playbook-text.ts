/** The playbook's phrases: what each contingency action does, and bounds as people read them. */
export const ACTIONS: Record<string, string> = {
  hold: 'the traffic stays where it is; the team adjusts parameters (by flag) and the gate is judged again',
  'reduce-traffic': "the traffic goes back to the previous phase's share (`rollout reduce`)",
  rollback: 'the whole rollback plan below runs (`rollout rollback`)',
  'adjust-flags': 'the canary gets other parameters through its flag; the soak starts again',
};

export const bound = (b: { below?: number | undefined; above?: number | undefined } | undefined, unit = ''): string => {
  if (!b) return '-';
  const u = unit ? ` ${unit}` : '';
  return [b.below !== undefined ? `< ${b.below}${u}` : '', b.above !== undefined ? `> ${b.above}${u}` : '']
    .filter(Boolean)
    .join(' and ');
};

/** Where a severe breach starts: the other side of the severe bound. */
export const beyond = (
  b: { below?: number | undefined; above?: number | undefined } | undefined,
  unit = '',
): string => {
  if (!b) return '-';
  const u = unit ? ` ${unit}` : '';
  return [b.below !== undefined ? `≥ ${b.below}${u}` : '', b.above !== undefined ? `≤ ${b.above}${u}` : '']
    .filter(Boolean)
    .join(' or ');
};
