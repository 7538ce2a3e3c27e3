// `show bfd peers json` (bfdd): one entry per session with its state and the intervals both
// ends negotiated. The emulated BGPSessionState's bfdStatus reads this. Kept free of src/checks
// imports: runtime code must not depend on the checks layer (that would be an import cycle).

export interface BfdPeer {
  readonly peer: string;
  readonly local?: string;
  readonly vrf: string;
  readonly multihop: boolean;
  /** bfdd's word for the state: up, down, init, shutdown (frr-k8s reports it as bfdStatus). */
  readonly status: string;
  readonly receiveIntervalMs?: number;
  readonly transmitIntervalMs?: number;
  readonly detectMultiplier?: number;
  readonly remoteReceiveIntervalMs?: number;
  readonly remoteTransmitIntervalMs?: number;
  readonly remoteDetectMultiplier?: number;
  readonly diagnostic?: string;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseBfdPeers(text: string): BfdPeer[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`cannot parse show bfd peers json: ${text.trim().slice(0, 200) || '(empty output)'}`);
  }
  if (!Array.isArray(data)) throw new Error(`cannot parse show bfd peers json (expected a list of peers): ${text.trim().slice(0, 200)}`);
  return data.filter(isObject).map((p) => ({
    peer: String(p.peer ?? ''),
    ...(typeof p.local === 'string' ? { local: p.local } : {}),
    vrf: typeof p.vrf === 'string' ? p.vrf : 'default',
    multihop: p.multihop === true,
    status: String(p.status ?? 'unknown'),
    ...(num(p['receive-interval']) !== undefined ? { receiveIntervalMs: num(p['receive-interval']) } : {}),
    ...(num(p['transmit-interval']) !== undefined ? { transmitIntervalMs: num(p['transmit-interval']) } : {}),
    ...(num(p['detect-multiplier']) !== undefined ? { detectMultiplier: num(p['detect-multiplier']) } : {}),
    ...(num(p['remote-receive-interval']) !== undefined ? { remoteReceiveIntervalMs: num(p['remote-receive-interval']) } : {}),
    ...(num(p['remote-transmit-interval']) !== undefined ? { remoteTransmitIntervalMs: num(p['remote-transmit-interval']) } : {}),
    ...(num(p['remote-detect-multiplier']) !== undefined ? { remoteDetectMultiplier: num(p['remote-detect-multiplier']) } : {}),
    ...(typeof p.diagnostic === 'string' ? { diagnostic: p.diagnostic } : {}),
  }));
}
