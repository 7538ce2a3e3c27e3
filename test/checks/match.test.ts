import { describe, expect, it } from 'vitest';
import { ABSENT, ANY, ORDERED, formatMismatches, jsonMatch, matches } from '../../src/checks/match.ts';
import { fixture } from './fixtures.ts';

describe('jsonMatch: objects', () => {
  it('accepts a subset and ignores extra observed keys', () => {
    expect(jsonMatch({ a: 1, b: { c: 'x' } }, { a: 1, b: { c: 'x', d: 2 }, e: 3 })).toEqual([]);
  });

  it('reports a wrong value with its path, expected and observed', () => {
    const m = jsonMatch({ peers: { '192.168.11.3': { state: 'Established' } } }, { peers: { '192.168.11.3': { state: 'Active' } } });
    expect(m).toEqual([{ path: '$.peers["192.168.11.3"].state', reason: 'value', expected: 'Established', observed: 'Active' }]);
    expect(formatMismatches(m)).toBe('$.peers["192.168.11.3"].state: expected "Established", observed "Active"');
  });

  it('reports a missing key', () => {
    expect(jsonMatch({ a: { b: 1 } }, { a: {} })).toEqual([{ path: '$.a.b', reason: 'missing', expected: 1, observed: undefined }]);
  });

  it('reports a type mismatch', () => {
    expect(jsonMatch({ a: { b: 1 } }, { a: [1] })[0]?.reason).toBe('type');
    expect(jsonMatch({ a: [1] }, { a: { b: 1 } })[0]?.reason).toBe('type');
  });

  it('compares numbers and numeric strings as equal (FRR prints vni both ways), nothing else loosely', () => {
    expect(matches({ vni: 100 }, { vni: '100' })).toBe(true);
    expect(matches({ vni: '100' }, { vni: 100 })).toBe(true);
    expect(matches({ vni: 100 }, { vni: '200' })).toBe(false);
    expect(matches({ ok: true }, { ok: 'true' })).toBe(false);
    expect(matches({ n: 0 }, { n: '' })).toBe(false);
  });
});

describe('jsonMatch: <absent> and null', () => {
  it('"<absent>" passes when the key is not there', () => {
    expect(jsonMatch({ bgpNoSuchNeighbor: ABSENT }, { '192.168.11.3': {} })).toEqual([]);
  });

  it('"<absent>" fails when the key is there, even with a null value', () => {
    const m = jsonMatch({ a: ABSENT }, { a: null });
    expect(m).toEqual([{ path: '$.a', reason: 'unexpected', expected: ABSENT, observed: null }]);
    expect(formatMismatches(m)).toContain('expected absent');
  });

  it('null means absent, like topotests', () => {
    expect(matches({ a: null }, { b: 1 })).toBe(true);
    expect(matches({ a: null }, { a: 1 })).toBe(false);
  });

  it('at the top level, absent means nothing there', () => {
    expect(matches(ABSENT, undefined)).toBe(true);
    expect(matches(null, {})).toBe(false);
  });
});

describe('jsonMatch: <any>', () => {
  it('requires the key, accepts any value', () => {
    expect(matches({ a: ANY }, { a: { deep: [1] } })).toBe(true);
    expect(matches({ a: ANY }, { a: null })).toBe(true);
    expect(jsonMatch({ a: ANY }, {})).toEqual([{ path: '$.a', reason: 'missing', expected: ANY, observed: undefined }]);
  });
});

describe('jsonMatch: arrays', () => {
  it('each expected element must match some observed element, in any order', () => {
    expect(matches([{ ip: 'b' }, { ip: 'a' }], [{ ip: 'a', x: 1 }, { ip: 'b' }, { ip: 'c' }])).toBe(true);
  });

  it('each expected element needs its own observed element', () => {
    expect(matches([{ ip: 'a' }, { ip: 'a' }], [{ ip: 'a' }])).toBe(false);
    expect(matches([{ ip: 'a' }, { ip: 'a' }], [{ ip: 'a' }, { ip: 'a', x: 1 }])).toBe(true);
  });

  it('is not fooled by the order of expected elements (matching, not greedy)', () => {
    // Greedy would give observed[0] to the first expected element and fail the second.
    expect(matches([{ a: 1 }, { a: 1, b: 2 }], [{ a: 1, b: 2 }, { a: 1 }])).toBe(true);
  });

  it('names the closest element when nothing matches', () => {
    const m = jsonMatch({ paths: [{ vni: 200, rt: 'RT:64514:200' }] }, { paths: [{ vni: 100, rt: 'RT:64514:100' }, { vni: 7 }] });
    expect(m).toHaveLength(1);
    expect(m[0]?.reason).toBe('no-element');
    expect(m[0]?.path).toBe('$.paths[0]');
    const text = formatMismatches(m);
    expect(text).toContain('no element matches');
    expect(text).toContain('$.paths[0].vni: expected 200, observed 100');
  });

  it('an empty expected array matches any array', () => {
    expect(matches([], [1, 2])).toBe(true);
    expect(matches({ a: [] }, { a: 'x' })).toBe(false);
  });

  it('ordered: "__ordered__" marker or option compares element by element', () => {
    expect(matches([ORDERED, 1, 2], [1, 2, 3])).toBe(true);
    expect(matches([ORDERED, 2, 1], [1, 2])).toBe(false);
    expect(matches([2, 1], [1, 2], { ordered: true })).toBe(false);
    expect(matches([2, 1], [1, 2])).toBe(true);
    expect(jsonMatch([ORDERED, 1, 2, 3], [1, 2])[0]).toMatchObject({ reason: 'length', expected: 3, observed: 2 });
  });

  it('scalars in arrays', () => {
    expect(matches(['RT:64514:100'], ['ET:8', 'RT:64514:100'])).toBe(true);
    expect(matches(['RT:64514:200'], ['ET:8', 'RT:64514:100'])).toBe(false);
  });
});

describe('jsonMatch on a recorded FRR output', () => {
  const summary = JSON.parse(fixture('leafA-bgp-summary.json')) as unknown;

  it('finds the dynamic PE session Established and the other one not', () => {
    expect(matches({ ipv4Unicast: { peers: { '192.168.11.3': { state: 'Established', dynamicPeer: true } } } }, summary)).toBe(true);
    const m = jsonMatch({ ipv4Unicast: { peers: { '192.168.11.99': { state: 'Established' } } } }, summary);
    expect(formatMismatches(m)).toBe('$.ipv4Unicast.peers["192.168.11.99"].state: expected "Established", observed "Active"');
  });

  it('asserts a neighbor is absent', () => {
    expect(matches({ ipv4Unicast: { peers: { '192.168.11.77': ABSENT } } }, summary)).toBe(true);
    expect(matches({ l2VpnEvpn: { peers: { '192.168.11.99': null } } }, summary)).toBe(true);
  });
});
