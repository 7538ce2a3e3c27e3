// Loads a scenario file and everything it refers to (lab, manifests, check params), so that a
// scenario that loads is one that can run: every problem is found before a namespace exists.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { InputError, InputErrors } from '../errors.ts';
import { checkSpecOf, validateCheck, type CheckSpec } from '../checks/run-check.ts';
import { ResolveError } from '../checks/resolver.ts';
import { loadLab, labPath } from '../lab/load.ts';
import type { Lab } from '../lab/model.ts';
import { LookupError } from '../lab/query.ts';
import { loadManifestFiles } from '../k8s/load.ts';
import { manifestKey, type Manifest } from '../k8s/manifest.ts';
import { validateManifests } from '../k8s/validate.ts';
import { readSingleYamlDocument, type LocatedDocument, type PathSegment } from '../yaml/located.ts';
import { inputErrorAt, parseWith } from '../yaml/validate.ts';
import { checkEntrySchema, faultSchema, scenarioHeaderSchema, type FaultEntry } from './schema.ts';
import { LabResolver } from './resolver.ts';
import { REPO_ROOT } from '../paths.ts';

export type Step =
  | { readonly kind: 'checks'; readonly index: number; readonly name?: string; readonly checks: readonly CheckSpec[] }
  | { readonly kind: 'apply' | 'delete'; readonly index: number; readonly name?: string; readonly files: readonly string[] }
  | { readonly kind: 'fault'; readonly index: number; readonly name?: string; readonly fault: FaultEntry }
  | { readonly kind: 'wait'; readonly index: number; readonly name?: string; readonly check: CheckSpec };

export interface Scenario {
  readonly file: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly runtimes: readonly ('netns' | 'kind')[];
  readonly mode: 'evpn' | 'passthrough';
  readonly lab: Lab;
  readonly manifests: readonly string[];
  readonly steps: readonly Step[];
  /** Every manifest file the scenario touches, parsed (for validation and bundles). */
  readonly manifestsByFile: ReadonlyMap<string, readonly Manifest[]>;
}

const STEP_KEYS = ['check', 'checks', 'apply', 'delete', 'fault', 'wait'] as const;

/** `params.peer.pe` -> ['peer', 'pe'] inside the YAML entry (params are flat in the file). */
function issuePath(path: string): PathSegment[] {
  const parts = path.split('.').filter((p) => p !== '');
  const inner = parts[0] === 'params' ? parts.slice(1) : parts;
  return inner.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function parseAt<T>(schema: z.ZodType<T>, doc: LocatedDocument, path: PathSegment[], value: unknown): T {
  return parseWith(schema, { ...doc, data: value }, path);
}

export async function loadScenario(file: string): Promise<Scenario> {
  const path = resolve(file);
  const doc = await readSingleYamlDocument(path);
  const raw = parseWith(scenarioHeaderSchema, doc);
  const dir = dirname(path);
  const errors: InputError[] = [];
  const fileRef = (f: string): string => (isAbsolute(f) ? f : resolve(dir, f));

  const lab = await loadLab(raw.spec.lab.includes('/') || raw.spec.lab.endsWith('.yaml') ? resolve(dir, raw.spec.lab) : labPath(raw.spec.lab, REPO_ROOT));
  const resolver = new LabResolver(lab);

  const steps: Step[] = [];
  const rawSteps = (doc.data as { spec: { steps: unknown[] } }).spec.steps;
  rawSteps.forEach((entry, index) => {
    const at: PathSegment[] = ['spec', 'steps', index];
    const keys = entry && typeof entry === 'object' ? STEP_KEYS.filter((k) => k in entry) : [];
    if (keys.length !== 1) {
      errors.push(inputErrorAt(doc, at, `a step with exactly one of ${STEP_KEYS.join(', ')}${keys.length > 1 ? ` (found ${keys.join(' and ')})` : ''}`));
      return;
    }
    const key = keys[0]!;
    const record = entry as Record<string, unknown>;
    const name = typeof record.name === 'string' ? record.name : undefined;
    try {
      switch (key) {
        case 'check': {
          steps.push({ kind: 'checks', index, ...(name ? { name } : {}), checks: [checkSpecOf(parseAt(checkEntrySchema, doc, at, entry), index)] });
          break;
        }
        case 'checks': {
          const list = record.checks;
          if (!Array.isArray(list) || list.length === 0) throw inputErrorAt(doc, [...at, 'checks'], 'a non-empty list of checks');
          extraKeys(doc, at, record, ['name', 'checks']);
          steps.push({ kind: 'checks', index, ...(name ? { name } : {}), checks: list.map((c, j) => checkSpecOf(parseAt(checkEntrySchema, doc, [...at, 'checks', j], c), index)) });
          break;
        }
        case 'wait': {
          extraKeys(doc, at, record, ['name', 'wait']);
          steps.push({ kind: 'wait', index, ...(name ? { name } : {}), check: checkSpecOf(parseAt(checkEntrySchema, doc, [...at, 'wait'], record.wait), index) });
          break;
        }
        case 'fault': {
          extraKeys(doc, at, record, ['name', 'fault']);
          steps.push({ kind: 'fault', index, ...(name ? { name } : {}), fault: parseAt(faultSchema, doc, [...at, 'fault'], record.fault) });
          break;
        }
        case 'apply':
        case 'delete': {
          extraKeys(doc, at, record, ['name', key]);
          const v = record[key];
          const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
          if (list.length === 0 || !list.every((f) => typeof f === 'string' && /\.ya?ml$/.test(f))) {
            throw inputErrorAt(doc, [...at, key], 'a manifest file or a list of them (.yaml, relative to the scenario)');
          }
          steps.push({ kind: key, index, ...(name ? { name } : {}), files: (list as string[]).map(fileRef) });
          break;
        }
      }
    } catch (e) {
      if (e instanceof InputError) errors.push(e);
      else if (e instanceof InputErrors) errors.push(...e.errors);
      else throw e;
    }
  });

  // Check params: validated by their kind, and every lab name they use must exist.
  for (const step of steps) {
    const specs = step.kind === 'checks' ? step.checks.map((c, j) => ({ c, at: ['spec', 'steps', step.index, ...(step.checks.length > 1 || isGroup(rawSteps[step.index]) ? ['checks', j] : [])] as PathSegment[] })) : step.kind === 'wait' ? [{ c: step.check, at: ['spec', 'steps', step.index, 'wait'] as PathSegment[] }] : [];
    for (const { c, at } of specs) {
      const v = validateCheck(c);
      if (!v.ok) {
        for (const issue of v.issues) errors.push(inputErrorAt(doc, [...at, ...issuePath(issue.path)], issue.message));
        continue;
      }
      try {
        v.check.kind.plan(v.check.params as never, resolver);
      } catch (e) {
        if (e instanceof LookupError) errors.push(inputErrorAt(doc, at, e.message));
        else if (!(e instanceof ResolveError)) errors.push(inputErrorAt(doc, at, e instanceof Error ? e.message : String(e)));
      }
    }
  }

  // Manifests: every file must parse, and the set applied at each point must validate.
  const manifests = raw.spec.manifests.map(fileRef);
  const manifestsByFile = new Map<string, readonly Manifest[]>();
  const allFiles = [...new Set([...manifests, ...steps.flatMap((s) => (s.kind === 'apply' || s.kind === 'delete' ? s.files : []))])];
  for (const f of allFiles) {
    try {
      manifestsByFile.set(f, await loadManifestFiles([f]));
    } catch (e) {
      if (e instanceof InputError) errors.push(e);
      else if (e instanceof InputErrors) errors.push(...e.errors);
      else throw e;
    }
  }
  if (errors.length === 0) {
    const applied = new Map<string, Manifest>();
    const applyFiles = (fs: readonly string[], remove: boolean): void => {
      for (const f of fs) for (const m of manifestsByFile.get(f) ?? []) remove ? applied.delete(manifestKey(m)) : applied.set(manifestKey(m), m);
      try {
        validateManifests([...applied.values()]);
      } catch (e) {
        if (e instanceof InputError) errors.push(e);
        else if (e instanceof InputErrors) errors.push(...e.errors);
        else throw e;
      }
    };
    applyFiles(manifests, false);
    for (const s of steps) if (s.kind === 'apply' || s.kind === 'delete') applyFiles(s.files, s.kind === 'delete');
  }
  if (errors.length > 0) throw new InputErrors(dedupe(errors));

  return {
    file: path,
    name: raw.metadata.name,
    description: raw.metadata.description ?? '',
    tags: raw.metadata.tags,
    runtimes: raw.spec.runtimes,
    mode: raw.spec.mode,
    lab,
    manifests,
    steps,
    manifestsByFile,
  };
}

function isGroup(entry: unknown): boolean {
  return Boolean(entry && typeof entry === 'object' && 'checks' in entry);
}

function extraKeys(doc: LocatedDocument, at: PathSegment[], record: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(record).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw inputErrorAt(doc, [...at, extra[0]!], `no field "${extra[0]}" in this step (allowed: ${allowed.join(', ')})`);
}

function dedupe(errors: readonly InputError[]): InputError[] {
  const seen = new Set<string>();
  return errors.filter((e) => (seen.has(e.message) ? false : (seen.add(e.message), true)));
}
