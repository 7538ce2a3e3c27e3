// What every runtime offers for lab instances as a whole: create one, attach to one that is up,
// list what exists on this machine, destroy one (also half built or crashed). The CLI and the
// scenario runner reach runtimes only through this and the Runtime interface; the registry
// (registry.ts) maps a runtime kind to its provider. Anchor: containerlab's runtime/ interface
// with registered implementations.
import type { Lab } from '../lab/model.ts';
import type { Runtime, RuntimeKind } from './runtime.ts';

export interface CreateOptions {
  /** Instance name (default: the lab's name); prefixes every object the instance creates. */
  readonly instance?: string;
  /** Print what would be done instead of doing it (only where the provider canDryRun). */
  readonly dryRun?: boolean;
  /** Where a dry run prints (default stdout). */
  readonly out?: NodeJS.WritableStream;
  /**
   * `KEY=VALUE` replacements of pinned external artifacts (charts, images) for runtimes that pull
   * them (kind: runtime/kind/artifacts.ts); a runtime that pulls nothing refuses them.
   */
  readonly artifacts?: readonly string[];
}

export interface AttachOptions {
  /** The lab to use instead of the one the instance recorded (the CLI's --lab). */
  readonly lab?: Lab;
  readonly dryRun?: boolean;
  readonly out?: NodeJS.WritableStream;
}

export interface DestroyReport {
  /** What was removed, for one line of output ("12 namespaces, 30 processes, 4 mounts"). */
  readonly detail: string;
  readonly ms: number;
  /** True when nothing was removed because the provider only printed what it would do. */
  readonly dryRun: boolean;
}

/** Why no instance was found, and what to run about it. */
export interface NoInstanceHelp {
  readonly problem: string;
  readonly hint: string;
}

export interface RuntimeProvider {
  readonly kind: RuntimeKind;
  /** Whether create/attach/destroy accept dryRun. */
  readonly canDryRun: boolean;
  /** A runtime for an instance of `lab` (not brought up yet: call up()). */
  create(lab: Lab, options?: CreateOptions): Promise<Runtime>;
  /** The runtime of an instance that exists, rebuilt from what it recorded. Throws when it does not exist. */
  attach(instance: string, options?: AttachOptions): Promise<Runtime>;
  /** Names of the instances with anything left on this machine (up, half built or crashed). */
  list(): Promise<string[]>;
  /** Removes everything of an instance, whatever state it is in; no-op when nothing is left. */
  destroy(instance: string, options?: AttachOptions): Promise<DestroyReport>;
  /** What to tell the user when list() is empty. */
  noInstanceHelp(): NoInstanceHelp;
}
