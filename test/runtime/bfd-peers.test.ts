// The bfdd output parser behind BGPSessionState's bfdStatus. The JSON is what FRR 8.4's
// `show bfd peers json` printed on prod-worker2's speaker in the metallb-bgp-production lab (recorded 2026-12-01).
import { describe, expect, test } from 'vitest';
import { parseBfdPeers } from '../../src/runtime/bfd-peers.ts';

const RECORDED = `[{"multihop":false,"peer":"10.242.1.1","local":"10.242.1.5","vrf":"default","interface":"fab1","id":816131990,"remote-id":3899986850,"passive-mode":false,"status":"up","uptime":1,"diagnostic":"ok","remote-diagnostic":"ok","receive-interval":100,"transmit-interval":100,"echo-receive-interval":50,"echo-transmit-interval":0,"detect-multiplier":3,"remote-receive-interval":100,"remote-transmit-interval":100,"remote-echo-receive-interval":50,"remote-detect-multiplier":3,"rtt-min":0,"rtt-avg":0,"rtt-max":0}]`;

describe('parseBfdPeers', () => {
  test('state and the intervals both ends use', () => {
    expect(parseBfdPeers(RECORDED)).toEqual([
      { peer: '10.242.1.1', local: '10.242.1.5', vrf: 'default', multihop: false, status: 'up', receiveIntervalMs: 100, transmitIntervalMs: 100, detectMultiplier: 3, remoteReceiveIntervalMs: 100, remoteTransmitIntervalMs: 100, remoteDetectMultiplier: 3, diagnostic: 'ok' },
    ]);
  });
  test('text instead of JSON is an error that shows it', () => {
    expect(() => parseBfdPeers('% bfdd is not running')).toThrow(/cannot parse show bfd peers json: % bfdd is not running/);
    expect(() => parseBfdPeers('{}')).toThrow(/expected a list of peers/);
  });
});
