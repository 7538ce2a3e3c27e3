// The check layer's public surface: the scenario runner imports from here.
export { ABSENT, ANY, ORDERED, jsonMatch, matches, formatMismatches, brief, type Mismatch, type MatchOptions } from './match.ts';
export { eventually, consistently, MIN_ATTEMPT_MS, type Attempt, type PollOptions, type PollResult, type Probe, type ProbeContext } from './poll.ts';
export { parseDuration, formatDuration, durationSchema } from './duration.ts';
export { CHECK_DEFAULTS, type CheckDefaults } from './defaults.ts';
export { CHECK_KINDS, getCheckKind, checkKindNames, type CheckKindName } from './registry.ts';
export {
  runCheck, runValidatedCheck, validateCheck, checkStepSchema,
  type CheckSpec, type ValidatedCheck, type CheckIssue, type AttemptInfo, type RunCheckOptions,
} from './run-check.ts';
export {
  ResolveError, resolveAddress, resolvePeer, resolvePrefix, nodeRefSchema, peerRefSchema, vtepRefSchema, prefixRefSchema, addressRefSchema,
  type Resolver, type NodeRef, type PeerRef, type VtepRef, type PrefixRef, type AddressRef,
} from './resolver.ts';
export type { CheckKind, AnyCheckKind, CheckMode, Evaluation, ProbeEnv } from './kinds/types.ts';
