/** Limits on plan files, shared by the parser and the file reader. */
export const MAX_PLAN_BYTES = 1024 * 1024;
export const MAX_DEPTH = 32;
/** Aliases in a plan (`*name`): a plan needs few; many are how a YAML "billion laughs" blows up. */
export const MAX_ALIASES = 50;
