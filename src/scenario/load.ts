// Loads a scenario file and everything it refers to (lab, manifests, check params), so that a
// scenario that loads is one that can run: every problem is found before a namespace exists.
// The result is final: checks are validated against their kind and the lab, faults carry their
// resolved target, files are absolute. The runner validates nothing again.
import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError, InputErrors } from '../errors.ts';
import { validateCheck, type CheckSpec, type ValidatedCheck } from '../checks/run-check.ts';
import { ResolveError } from '../checks/resolver.ts';
import { loadLab, labPath } from '../lab/load.ts';
import type { Lab } from '../lab/model.ts';
import { clusterNode, LookupError } from '../lab/query.ts';
import { loadManifestFiles } from '../k8s/load.ts';
import { manifestKey, type Manifest } from '../k8s/manifest.ts';
import type { LabelChanges } from '../k8s/plan.ts';
import { validateManifests } from '../k8s/validate.ts';
import type { Fault } from '../runtime/runtime.ts';
import { nodeTarget } from '../runtime/roles.ts';
import { readSingleYamlDocument, type LocatedDocument } from '../yaml/located.ts';
import type { PathSegment } from '../yaml/path.ts';
import { inputErrorAt, parseWith } from '../yaml/validate.ts';
import { scenarioHeaderSchema, STEP_KEYS, STEP_SCHEMAS, type FaultEntry, type RelabelEntry, type StepEntry } from './schema.ts';
import { LabResolver } from './resolver.ts';
import { danglingReferences, knownNames } from './references.ts';
import { REPO_ROOT } from '../paths.ts';

interface StepBase {
  /** 0-based position in `spec.steps`. */
  readonly index: number;
  readonly name?: string;
}

export type Step =
  | (StepBase & { readonly kind: 'checks'; readonly checks: readonly ValidatedCheck[] })
  | (StepBase & { readonly kind: 'apply'; readonly files: readonly string[] })
  | (StepBase & { readonly kind: 'delete'; readonly files: readonly string[] })
  | (StepBase & { readonly kind: 'fault'; readonly fault: Fault })
  | (StepBase & { readonly kind: 'relabel'; readonly node: string; readonly labels: LabelChanges })
  | (StepBase & { readonly kind: 'wait'; readonly check: ValidatedCheck });

export interface Scenario {
  readonly file: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly runtimes: readonly ('netns' | 'kind')[];
  readonly mode: 'evpn' | 'passthrough' | 'l2';
  readonly lab: Lab;
  readonly manifests: readonly string[];
  readonly steps: readonly Step[];
  /** Every manifest file the scenario touches, parsed (for validation and bundles). */
  readonly manifestsByFile: ReadonlyMap<string, readonly Manifest[]>;
}

/** Collects every problem of one pass, so a user sees them all at once. */
class Problems {
  readonly errors: InputError[] = [];
  /** Runs `fn`, keeping its bad-input errors; anything else is a bug and propagates. */
  collect<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      this.add(e);
      return undefined;
    }
  }
  async collectAsync<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      this.add(e);
      return undefined;
    }
  }
  private add(e: unknown): void {
    if (e instanceof InputError) this.errors.push(e);
    else if (e instanceof InputErrors) this.errors.push(...e.errors);
    else throw e;
  }
  throwIfAny(): void {
    if (this.errors.length === 0) return;
    const seen = new Set<string>();
    throw new InputErrors(this.errors.filter((e) => (seen.has(e.message) ? false : (seen.add(e.message), true))));
  }
}

export async function loadScenario(file: string): Promise<Scenario> {
  const path = resolve(file);
  const doc = await readSingleYamlDocument(path);
  const header = parseWith(scenarioHeaderSchema, doc);
  const dir = dirname(path);
  const fileRef = (f: string): string => (isAbsolute(f) ? f : resolve(dir, f));
  const lab = await loadLab(header.spec.lab.includes('/') || header.spec.lab.endsWith('.yaml') ? resolve(dir, header.spec.lab) : labPath(header.spec.lab, REPO_ROOT));

  const problems = new Problems();
  const entries = parseSteps(doc, header.spec.steps as unknown[], problems);
  const steps = resolveSteps(doc, entries, new LabResolver(lab), fileRef, problems);
  const manifests = header.spec.manifests.map(fileRef);
  const manifestsByFile = await readManifests(manifests, steps, problems);
  if (problems.errors.length === 0) validateManifestSequence(manifests, steps, manifestsByFile, problems);
  if (problems.errors.length === 0) checkReferences(doc, entries, lab, manifestsByFile, problems);
  problems.throwIfAny();

  return {
    file: path,
    name: header.metadata.name,
    description: header.metadata.description ?? '',
    tags: header.metadata.tags,
    runtimes: header.spec.runtimes,
    mode: header.spec.mode,
    lab,
    manifests,
    steps,
    manifestsByFile,
  };
}

/** Each step parsed by the schema branch its one action key selects. */
function parseSteps(doc: LocatedDocument, raw: readonly unknown[], problems: Problems): { index: number; entry: StepEntry }[] {
  const out: { index: number; entry: StepEntry }[] = [];
  raw.forEach((value, index) => {
    const at: PathSegment[] = ['spec', 'steps', index];
    const keys = value && typeof value === 'object' ? STEP_KEYS.filter((k) => k in value) : [];
    if (keys.length !== 1) {
      const found = keys.length > 1 ? ` (found ${keys.join(' and ')})` : '';
      problems.collect(() => {
        throw inputErrorAt(doc, at, `a step with exactly one of ${STEP_KEYS.join(', ')}${found}`);
      });
      return;
    }
    const entry = problems.collect(() => parseWith<StepEntry>(STEP_SCHEMAS[keys[0]!], { ...doc, data: value }, at));
    if (entry) out.push({ index, entry });
  });
  return out;
}

/** Where a check of a step sits in the file: `checks[j]` of a group, `wait`, or the step itself. */
function checkPaths(entry: StepEntry, index: number): { spec: CheckSpec; at: PathSegment[] }[] {
  const at: PathSegment[] = ['spec', 'steps', index];
  if (entry.kind === 'checks') return entry.checks.map((spec, j) => ({ spec, at: entry.grouped ? [...at, 'checks', j] : at }));
  if (entry.kind === 'wait') return [{ spec: entry.check, at: [...at, 'wait'] }];
  return [];
}

/** `params.peer.pe` -> ['peer', 'pe'] inside the YAML entry (params are flat in the file). */
function issuePath(path: string): PathSegment[] {
  const parts = path.split('.').filter((p) => p !== '');
  const inner = parts[0] === 'params' ? parts.slice(1) : parts;
  return inner.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * A check validated by its kind, with every lab name it uses resolved once (a name the lab lacks
 * is bad input; something only the applied manifests will provide is resolved when it runs).
 */
function validateAt(doc: LocatedDocument, spec: CheckSpec, at: PathSegment[], step: number, resolver: LabResolver): ValidatedCheck {
  const v = validateCheck({ ...spec, step });
  if (!v.ok) throw new InputErrors(v.issues.map((issue) => inputErrorAt(doc, [...at, ...issuePath(issue.path)], issue.message)));
  try {
    v.check.kind.plan(v.check.params as never, resolver);
  } catch (e) {
    if (!(e instanceof ResolveError)) throw inputErrorAt(doc, at, e instanceof Error ? e.message : String(e));
  }
  return v.check;
}

function resolveFault(entry: FaultEntry, resolver: LabResolver): Fault {
  const on = (link: { node: string; interface: string }, clusterSide: 'pe' | 'speaker') => ({
    target: nodeTarget(resolver.lab, link.node, clusterSide),
    interface: link.interface,
  });
  if ('linkDown' in entry) return { kind: 'link-down', ...on(entry.linkDown, 'pe') };
  if ('linkUp' in entry) return { kind: 'link-up', ...on(entry.linkUp, 'pe') };
  if ('dropTraffic' in entry) return { kind: 'drop-traffic', ...on(entry.dropTraffic, 'speaker') };
  if ('restoreTraffic' in entry) return { kind: 'restore-traffic', ...on(entry.restoreTraffic, 'speaker') };
  if ('speakerDown' in entry) return { kind: 'speaker-down', target: { kind: 'speaker', node: clusterNode(resolver.lab, entry.speakerDown.node).name } };
  if ('speakerUp' in entry) return { kind: 'speaker-up', target: { kind: 'speaker', node: clusterNode(resolver.lab, entry.speakerUp.node).name } };
  return { kind: 'restart-frr', target: resolver.target(entry.restartFrr) };
}

function resolveSteps(
  doc: LocatedDocument,
  entries: readonly { index: number; entry: StepEntry }[],
  resolver: LabResolver,
  fileRef: (f: string) => string,
  problems: Problems,
): Step[] {
  const steps: Step[] = [];
  for (const { index, entry } of entries) {
    const base: StepBase = { index, ...(entry.name !== undefined ? { name: entry.name } : {}) };
    const checks = checkPaths(entry, index).map(({ spec, at }) => problems.collect(() => validateAt(doc, spec, at, index, resolver)));
    const valid = checks.filter((c): c is ValidatedCheck => c !== undefined);
    switch (entry.kind) {
      case 'checks':
        if (valid.length === checks.length) steps.push({ ...base, kind: 'checks', checks: valid });
        break;
      case 'wait':
        if (valid[0]) steps.push({ ...base, kind: 'wait', check: valid[0] });
        break;
      case 'apply':
      case 'delete':
        steps.push(entry.kind === 'apply' ? { ...base, kind: 'apply', files: entry.files.map(fileRef) } : { ...base, kind: 'delete', files: entry.files.map(fileRef) });
        break;
      case 'fault': {
        const fault = problems.collect(() => {
          try {
            return resolveFault(entry.fault, resolver);
          } catch (e) {
            if (e instanceof LookupError) throw inputErrorAt(doc, ['spec', 'steps', index, 'fault'], e.message);
            throw e;
          }
        });
        if (fault) steps.push({ ...base, kind: 'fault', fault });
        break;
      }
      case 'relabel': {
        const ok = problems.collect(() => checkRelabel(doc, index, entry.relabel, resolver.lab));
        if (ok) steps.push({ ...base, kind: 'relabel', node: entry.relabel.node, labels: entry.relabel.labels });
        break;
      }
    }
  }
  return steps;
}

/**
 * Labels the kubelet keeps setting from the machine itself (kubelet_node_status.go
 * updateDefaultLabels): a change would be undone, and no real cluster can be relabelled that way.
 */
const KUBELET_LABELS = ['kubernetes.io/hostname', 'kubernetes.io/os', 'kubernetes.io/arch', 'beta.kubernetes.io/os', 'beta.kubernetes.io/arch'];

function checkRelabel(doc: LocatedDocument, index: number, r: RelabelEntry, lab: Lab): true {
  const at = ['spec', 'steps', index, 'relabel'];
  const nodes = lab.cluster?.nodes ?? [];
  if (!nodes.some((n) => n.name === r.node)) {
    throw inputErrorAt(doc, [...at, 'node'], `a cluster node of lab ${lab.name} (${r.node} is not; nodes: ${nodes.map((n) => n.name).join(', ') || 'none'})`);
  }
  for (const key of Object.keys(r.labels)) {
    if (KUBELET_LABELS.includes(key)) throw inputErrorAt(doc, [...at, 'labels', key], `a label the kubelet does not own (it sets ${key} from the machine and would undo the change)`);
  }
  return true;
}

/** Services and VRFs the checks name must be defined by the lab or some manifest of the scenario. */
function checkReferences(doc: LocatedDocument, entries: readonly { index: number; entry: StepEntry }[], lab: Lab, byFile: ReadonlyMap<string, readonly Manifest[]>, problems: Problems): void {
  const known = knownNames(lab, [...byFile.values()].flat());
  for (const { index, entry } of entries) {
    for (const { at } of checkPaths(entry, index)) {
      for (const d of danglingReferences(dataAt(doc.data, at), known)) problems.collect(() => { throw inputErrorAt(doc, [...at, ...d.path], d.message); });
    }
  }
}

function dataAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v = data;
  for (const seg of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

const stepFiles = (steps: readonly Step[]): string[] => steps.flatMap((s) => (s.kind === 'apply' || s.kind === 'delete' ? s.files : []));

/** Every manifest file the scenario names, parsed once. */
async function readManifests(manifests: readonly string[], steps: readonly Step[], problems: Problems): Promise<Map<string, readonly Manifest[]>> {
  const byFile = new Map<string, readonly Manifest[]>();
  for (const f of new Set([...manifests, ...stepFiles(steps)])) {
    const parsed = await problems.collectAsync(() => loadManifestFiles([f]));
    if (parsed) byFile.set(f, parsed);
  }
  return byFile;
}

/** The set of objects applied at each point of the scenario must validate as a whole. */
function validateManifestSequence(manifests: readonly string[], steps: readonly Step[], byFile: ReadonlyMap<string, readonly Manifest[]>, problems: Problems): void {
  const applied = new Map<string, Manifest>();
  const change = (files: readonly string[], remove: boolean): void => {
    for (const f of files) for (const m of byFile.get(f) ?? []) remove ? applied.delete(manifestKey(m)) : applied.set(manifestKey(m), m);
    problems.collect(() => validateManifests([...applied.values()]));
  };
  change(manifests, false);
  for (const s of steps) if (s.kind === 'apply' || s.kind === 'delete') change(s.files, s.kind === 'delete');
}
