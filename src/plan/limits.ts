/** Limits on plan files, shared by the parser and the file reader. */
export const MAX_PLAN_BYTES = 1024 * 1024;
export const MAX_DEPTH = 32;
