// Picks the runtime for a lab. Both implement the same interface; nothing above this line
// knows which one it got.
import type { Lab } from '../lab/model.ts';
import type { Runtime } from './runtime.ts';
import { NetnsRuntime } from './netns/runtime.ts';

export type RuntimeKind = 'netns' | 'kind';

export interface CreateRuntimeOptions {
  readonly instance?: string;
  /** kind runtime: print the commands instead of running them. */
  readonly dryRun?: boolean;
  readonly out?: NodeJS.WritableStream;
}

export async function createRuntime(kind: RuntimeKind, lab: Lab, options: CreateRuntimeOptions = {}): Promise<Runtime> {
  if (kind === 'netns') return new NetnsRuntime(lab, options.instance ? { instance: options.instance } : {});
  // Loaded on demand: the Kubernetes and Docker clients are heavy and netns users never need them.
  const { KindRuntime } = await import('./kind/runtime.ts');
  return new KindRuntime(lab, options);
}
