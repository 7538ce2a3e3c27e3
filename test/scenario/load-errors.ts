// The input errors loading a scenario file gives; a test that expects a rejection fails when the
// file loads. Shared by the scenario loader's tests.
import { loadScenario } from '../../src/scenario/load.ts';
import { InputError, InputErrors } from '../../src/errors.ts';

export async function loadErrors(file: string): Promise<InputError[]> {
  try {
    await loadScenario(file);
  } catch (e) {
    if (e instanceof InputErrors) return [...e.errors];
    if (e instanceof InputError) return [e];
    throw e;
  }
  throw new Error('expected the scenario to be rejected');
}
