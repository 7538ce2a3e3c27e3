// l2-announcement on outputs recorded from a real metallb-l2 lab (test/fixtures/l2/README.md):
// arping's replies, the client's neighbor table, and the verdict with observed vs expected.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { evaluateL2Announcement, parseArpingReplies, parseNeighbor, type L2AnnouncementPlan } from '../../src/checks/kinds/l2-announcement.ts';
import { repoRoot } from '../lab/helpers.ts';

const fixture = (name: string): string => readFileSync(join(repoRoot, 'test', 'fixtures', 'l2', name), 'utf8');
const nodeMacs = (JSON.parse(fixture('node-macs.json')) as { nodes: Record<string, string> }).nodes;
const macs = Object.fromEntries(Object.entries(nodeMacs).map(([node, mac]) => [mac, node]));
const W1 = nodeMacs['l2-worker']!;
const W2 = nodeMacs['l2-worker2']!;

const plan = (node: string | undefined, arpProbe = true): L2AnnouncementPlan => ({
  service: 'default/envoy-gateway',
  ip: '172.18.255.200',
  from: 'client',
  fromTarget: { kind: 'host', name: 'client' },
  ...(node !== undefined ? { node } : {}),
  nodes: ['l2-control-plane', 'l2-worker', 'l2-worker2'],
  arpProbe,
});

describe('parsers', () => {
  test('arping: every reply line, MACs in lower case', () => {
    expect(parseArpingReplies(fixture('arping-one.txt'))).toEqual([W2]);
    expect(parseArpingReplies(fixture('arping-two.txt'))).toEqual([W2, W1]);
    expect(parseArpingReplies(fixture('arping-none.txt'))).toEqual([]);
  });

  test('ip -j neigh: the MAC of a usable entry, none for a missing or unresolved one', () => {
    expect(parseNeighbor(fixture('neigh-reachable.json'))).toBe(W2);
    expect(parseNeighbor(fixture('neigh-none.json'))).toBeNull();
    expect(parseNeighbor(fixture('neigh-incomplete.json'))).toBeNull();
  });
});

describe('evaluateL2Announcement', () => {
  const seen = (replies: string | undefined, neighbor: string, elected: string | null = 'l2-worker2') => ({
    elected,
    ...(replies !== undefined ? { replies: parseArpingReplies(fixture(replies)) } : {}),
    neighbor: parseNeighbor(fixture(neighbor)),
    macs,
  });

  test('passes when the expected node alone answers, is elected and the client sends to it', () => {
    const e = evaluateL2Announcement(plan('l2-worker2'), seen('arping-one.txt', 'neigh-reachable.json'));
    expect(e.ok).toBe(true);
    expect(e.observed).toEqual({ elected: 'l2-worker2', arpAnsweredBy: ['l2-worker2'], clientNeighbor: 'l2-worker2' });
  });

  test('a wrong expected node fails, naming what was observed', () => {
    const e = evaluateL2Announcement(plan('l2-worker'), seen('arping-one.txt', 'neigh-reachable.json'));
    expect(e.ok).toBe(false);
    expect(e.message).toBe(
      'elected l2-worker2, ARP answered by l2-worker2, client still sends to l2-worker2; expected l2-worker (elected l2-worker2, ARP answered by l2-worker2, client\'s neighbor entry l2-worker2)',
    );
  });

  test('two nodes answering fails even when one of them is the expected one', () => {
    const e = evaluateL2Announcement(plan('l2-worker2'), seen('arping-two.txt', 'neigh-reachable.json'));
    expect(e.ok).toBe(false);
    expect(e.message).toContain('ARP answered by l2-worker2 and l2-worker');
  });

  test('no reply fails; "none" passes only when nobody answers and nobody is elected', () => {
    expect(evaluateL2Announcement(plan('l2-worker2'), seen('arping-none.txt', 'neigh-none.json')).message).toContain('no ARP reply');
    expect(evaluateL2Announcement(plan(undefined), seen('arping-none.txt', 'neigh-none.json', null)).ok).toBe(true);
    expect(evaluateL2Announcement(plan(undefined), seen('arping-one.txt', 'neigh-none.json', null)).ok).toBe(false);
    expect(evaluateL2Announcement(plan(undefined), seen('arping-none.txt', 'neigh-none.json', 'l2-worker')).ok).toBe(false);
  });

  test('arpProbe false: the client\'s own neighbor entry must already point at the elected node', () => {
    expect(evaluateL2Announcement(plan('l2-worker2', false), seen(undefined, 'neigh-reachable.json')).ok).toBe(true);
    const stale = evaluateL2Announcement(plan('l2-worker', false), seen(undefined, 'neigh-reachable.json', 'l2-worker'));
    expect(stale.ok).toBe(false);
    expect(stale.message).toContain('client still sends to l2-worker2');
    expect(evaluateL2Announcement(plan('l2-worker', false), seen(undefined, 'neigh-incomplete.json', 'l2-worker')).message).toContain('client has no neighbor entry');
  });
});
