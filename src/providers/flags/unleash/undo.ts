/** Helpers of the Unleash adapter: undoing the steps of a failed call, and the message of an error body. */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `message` of an Unleash error body, else the body as JSON. */
export const message = (body: unknown): string =>
  isRecord(body) && typeof body.message === 'string' ? body.message : JSON.stringify(body);

/** Runs the undo steps newest first; true when all of them worked. */
export async function undoAll(steps: Array<() => Promise<unknown>>): Promise<boolean> {
  let ok = true;
  for (const step of [...steps].reverse()) {
    try {
      await step();
    } catch {
      ok = false;
    }
  }
  return ok;
}
