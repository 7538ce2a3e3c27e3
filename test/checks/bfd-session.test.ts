// bfd-session on REAL bfdd output (test/fixtures/bfd, FRR 8.4.4 in the metallb-production lab,
// where the speaker's profile is 250/150/5 and the routers' 100/100/3): state, the intervals RFC
// 5880 settles on both ends, what the peer advertises, and the messages when they differ. Names
// resolve through the real lab file, as in a scenario.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bfdSession, evaluateBfdSession, negotiatedTimers } from '../../src/checks/kinds/bfd-session.ts';
import { getCheckKind } from '../../src/checks/registry.ts';
import { loadLab } from '../../src/lab/load.ts';
import { parseBfdPeers } from '../../src/runtime/bfd-peers.ts';
import type { Runtime, Target } from '../../src/runtime/runtime.ts';
import { LabResolver } from '../../src/scenario/resolver.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const recorded = (file: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'bfd', file), 'utf8');
const lab = await loadLab(join(ROOT, 'labs', 'metallb-production.yaml'));
const resolver = new LabResolver(lab);
const planOf = (params: unknown) => bfdSession.plan(bfdSession.params.parse(params), resolver);

const speakerUp = { peers: parseBfdPeers(recorded('prod-worker2-speaker-up.json')) };
const speakerDown = { peers: parseBfdPeers(recorded('prod-worker2-speaker-down.json')) };
const routerUp = { peers: parseBfdPeers(recorded('router-primary-up.json')) };

describe('bfd-session', () => {
  it('is a registered check kind', () => {
    expect(getCheckKind('bfd-session')).toBe(bfdSession);
  });

  it('resolves the peer through the lab: the speaker of prod-worker2 towards router-primary', () => {
    const plan = planOf({ on: { speaker: 'prod-worker2' }, peer: { router: 'router-primary' } });
    expect(plan.target).toEqual({ kind: 'speaker', node: 'prod-worker2' });
    expect(plan.peer).toBe('10.242.1.1');
    expect(plan.state).toBe('up');
  });

  it('negotiated intervals: each side receives at the slower of its rx and the peer tx, sends at the slower of its tx and the peer rx', () => {
    expect(negotiatedTimers(speakerUp.peers[0]!)).toEqual({ receiveInterval: 250, transmitInterval: 150, detectMultiplier: 5, detectionTime: 750 });
    const fromRouter = routerUp.peers.find((p) => p.peer === '10.242.1.5')!;
    // The router sends every 250 ms because the speaker asks for no more than that; it waits 5 x 150 ms.
    expect(negotiatedTimers(fromRouter)).toEqual({ receiveInterval: 150, transmitInterval: 250, detectMultiplier: 3, detectionTime: 750 });
  });

  it('passes on up with the negotiated intervals and the peer\'s advertised ones', () => {
    const plan = planOf({
      on: { speaker: 'prod-worker2' }, peer: { router: 'router-primary' },
      state: 'up', receiveInterval: 250, transmitInterval: 150, detectMultiplier: 5, detectionTime: 750,
      remote: { receiveInterval: 100, transmitInterval: 100, detectMultiplier: 3 },
    });
    const e = evaluateBfdSession(plan, speakerUp);
    expect(e.ok, e.message).toBe(true);
    expect(e.message).toBe('10.242.1.1 up, rx 250ms, tx 150ms, multiplier 5, detection 750ms');
    expect(e.observed).toMatchObject({ status: 'up', negotiated: { receiveInterval: 250 }, remote: { detectMultiplier: 3 } });
  });

  it('from the router: the node\'s profile as the router sees it (frr-k8s e2e\'s check)', () => {
    const plan = planOf({ on: { router: 'router-primary' }, peer: { speaker: 'prod-worker2' }, remote: { receiveInterval: 250, transmitInterval: 150, detectMultiplier: 5 } });
    expect(plan.peer).toBe('10.242.1.5');
    const e = evaluateBfdSession(plan, routerUp);
    expect(e.ok, e.message).toBe(true);
  });

  it('fails with every interval that differs, named', () => {
    const plan = planOf({ on: { speaker: 'prod-worker2' }, peer: '10.242.1.1', receiveInterval: 100, detectionTime: 300, remote: { detectMultiplier: 5 } });
    const e = evaluateBfdSession(plan, speakerUp);
    expect(e.ok).toBe(false);
    expect(e.message).toBe('receiveInterval 250 (expected 100), detectionTime 750 (expected 300), remote detectMultiplier 3 (expected 5)');
    expect(e.expected).toBe('speaker prod-worker2 has BFD session with 10.242.1.1 up, rx 100ms, detection 300ms; the peer advertises multiplier 5');
  });

  it('a session whose detection timer expired is down: up fails, down and !up pass', () => {
    const up = evaluateBfdSession(planOf({ on: { speaker: 'prod-worker2' }, peer: '10.242.1.1' }), speakerDown);
    expect(up.ok).toBe(false);
    expect(up.message).toBe('state down, expected up');
    expect(up.observed).toMatchObject({ status: 'down', diagnostic: 'control detection time expired' });
    expect(evaluateBfdSession(planOf({ on: { speaker: 'prod-worker2' }, peer: '10.242.1.1', state: 'down' }), speakerDown).ok).toBe(true);
    expect(evaluateBfdSession(planOf({ on: { speaker: 'prod-worker2' }, peer: '10.242.1.1', state: '!up' }), speakerDown).ok).toBe(true);
    expect(evaluateBfdSession(planOf({ on: { speaker: 'prod-worker2' }, peer: '10.242.1.1', state: '!up' }), speakerUp).message).toBe('still up');
  });

  it('a peer bfdd has no session with: absent passes, up fails and lists the sessions there are', () => {
    const plan = planOf({ on: { speaker: 'prod-worker2' }, peer: '10.242.2.1' });
    const e = evaluateBfdSession(plan, speakerUp);
    expect(e.ok).toBe(false);
    expect(e.message).toBe('no BFD session with 10.242.2.1 (sessions: 10.242.1.1)');
    expect(evaluateBfdSession(planOf({ on: { speaker: 'prod-worker2' }, peer: '10.242.2.1', state: 'absent' }), speakerUp).ok).toBe(true);
    // Another VRF is another session.
    expect(evaluateBfdSession(planOf({ on: { speaker: 'prod-worker2' }, peer: '10.242.1.1', vrf: 'red' }), speakerUp).ok).toBe(false);
  });

  it('refuses an unknown state and a non-integer interval', () => {
    expect(bfdSession.params.safeParse({ on: { speaker: 'a' }, peer: '10.0.0.1', state: 'Established' }).success).toBe(false);
    expect(bfdSession.params.safeParse({ on: { speaker: 'a' }, peer: '10.0.0.1', receiveInterval: 0.5 }).success).toBe(false);
    expect(bfdSession.params.safeParse({ on: { speaker: 'a' }, peer: '10.0.0.1', remote: { colour: 1 } }).success).toBe(false);
  });

  it('probe asks bfdd on the target; where bfdd does not run there are no sessions', async () => {
    const asked: string[] = [];
    const runtime = (answer: (t: Target) => string) => ({
      vtysh: async (t: Target, c: string) => {
        asked.push(`${JSON.stringify(t)} ${c}`);
        return answer(t);
      },
    }) as unknown as Runtime;
    const env = (rt: Runtime) => ({ runtime: rt, signal: new AbortController().signal, budgetMs: 1000 });
    const plan = planOf({ on: { speaker: 'prod-worker2' }, peer: '10.242.1.1', vrf: 'red' });
    expect((await bfdSession.probe(plan, env(runtime(() => recorded('prod-worker2-speaker-up.json'))))).peers).toHaveLength(1);
    expect(asked).toEqual(['{"kind":"speaker","node":"prod-worker2"} show bfd vrf red peers json']);
    // What vtysh prints (exit 1) on a router whose configuration asks for no BFD.
    const notRunning = runtime(() => {
      throw new Error('vtysh on pelab_x_spine failed (exit 1): bfdd is not running');
    });
    expect((await bfdSession.probe(plan, env(notRunning))).peers).toEqual([]);
    const broken = runtime(() => {
      throw new Error('vtysh on pelab_x_spine failed (exit 1): % Unknown command');
    });
    await expect(bfdSession.probe(plan, env(broken))).rejects.toThrow(/Unknown command/);
  });
});
