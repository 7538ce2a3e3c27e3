// The registered runtime providers, by kind. Each is loaded on first use; providers are light
// and load their runtime (the kind runtime's Kubernetes and Docker clients) only when asked.
import type { Lab } from '../lab/model.ts';
import type { CreateOptions, RuntimeProvider } from './provider.ts';
import type { Runtime, RuntimeKind } from './runtime.ts';

const PROVIDERS: Readonly<Record<RuntimeKind, () => Promise<RuntimeProvider>>> = {
  netns: async () => (await import('./netns/provider.ts')).netnsProvider,
  kind: async () => (await import('./kind/provider.ts')).kindProvider,
};

export const RUNTIME_KINDS = Object.keys(PROVIDERS) as readonly RuntimeKind[];

export function isRuntimeKind(value: string): value is RuntimeKind {
  return Object.hasOwn(PROVIDERS, value);
}

export function providerOf(kind: RuntimeKind): Promise<RuntimeProvider> {
  return PROVIDERS[kind]();
}

/** The kinds whose provider can dry-run. */
export async function dryRunKinds(): Promise<RuntimeKind[]> {
  const providers = await Promise.all(RUNTIME_KINDS.map(providerOf));
  return providers.filter((p) => p.canDryRun).map((p) => p.kind);
}

/** A runtime for a new instance of `lab` on `kind`. */
export async function createRuntime(kind: RuntimeKind, lab: Lab, options: CreateOptions = {}): Promise<Runtime> {
  return (await providerOf(kind)).create(lab, options);
}
