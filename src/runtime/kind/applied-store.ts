// What pelab applied through an instance (for status, `pelab dump` and cross-object validation of
// later applies). A real instance keeps it in its work directory; a dry run keeps it in memory,
// so a later delete in the same dry run sees what it "applied" and nothing is written.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LabelChanges } from '../../k8s/plan.ts';
import type { ManifestSource } from '../../k8s/manifest.ts';

export interface AppliedState {
  readonly manifests: readonly { readonly key: string; readonly body: Record<string, unknown>; readonly source: ManifestSource }[];
  /** Labels a scenario changed on running nodes (node -> key -> value, null = removed), for the model's plan. */
  readonly labelChanges?: Readonly<Record<string, LabelChanges>>;
}

export interface AppliedStore {
  read(): AppliedState;
  write(state: AppliedState): Promise<void>;
}

const NOTHING: AppliedState = { manifests: [] };

/** applied.json in the work directory; unreadable or absent reads as nothing applied. */
export function fileAppliedStore(path: string): AppliedStore {
  return {
    read() {
      if (!existsSync(path)) return NOTHING;
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as AppliedState;
      } catch {
        return NOTHING;
      }
    },
    async write(state) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, `${JSON.stringify(state, null, 1)}\n`);
    },
  };
}

export function memoryAppliedStore(): AppliedStore {
  let state = NOTHING;
  return {
    read: () => state,
    async write(next) {
      state = next;
    },
  };
}
