// TEMPORARY until the doctor lands.
import { RolloutError } from '../../errors.js';
import type { GlobalOptions } from '../io.js';
export async function doctorCommand(_p: string | undefined, _o: Record<string, unknown>, _g: GlobalOptions): Promise<number> {
  throw new RolloutError('internal', 'doctor is not implemented yet');
}
