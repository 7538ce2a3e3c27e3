import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { stringifyReport, toJsonDocument, toJsonMultiReport, toJsonReport } from '../../src/report/json.ts';
import { brokenRun, failedCheck, failingRun, passingRun } from './fixtures.ts';

const schema = JSON.parse(readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8')) as object;
// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);

function valid(doc: unknown): boolean {
  return validate(doc);
}

/** Asserts conformance, naming what failed. */
function expectValid(doc: unknown): void {
  const ok = validate(doc);
  expect(ok, ok ? '' : ajv.errorsText(validate.errors)).toBe(true);
}

describe('toJsonReport', () => {
  it('has the fields CI reads', () => {
    const r = toJsonReport(failingRun);
    expect(r).toMatchObject({ passed: false, scenario: 'metallb-evpn-fault', runtime: 'kind', lab: 'singlecluster', bundle: failingRun.bundle });
    expect(r.phases).toEqual(failingRun.phases.map((p) => ({ name: p.name, ms: p.ms })));
    const first = failingRun.checks[0]!;
    expect(r.checks[0]).toEqual({ name: first.name, kind: 'bgp-session', step: 0, mode: 'eventually', status: 'passed', ms: 1200, attempts: 3, expected: first.expected, observed: first.observed });
    expect(r.failures).toEqual([
      { name: failedCheck.name, kind: 'http', step: 2, expected: failedCheck.expected, observed: { exitCode: 28, stderr: expect.any(String), nested: { big: '10' } }, message: failedCheck.message },
    ]);
    expect(r.timeline.at(-1)?.what).toContain('restart-frr');
    expect(r.warnings).toHaveLength(1);
  });

  it('gives a failure without its own message one built from name, expected and observed', () => {
    const r = toJsonReport({ ...failingRun, failures: [{ ...failedCheck, message: undefined as unknown as string }] });
    expect(r.failures[0]!.message).toMatch(/^hostA_red reaches .*: expected HTTP 200 .*, observed \{"exitCode":28/);
  });

  it('names the FRR that ran and where it came from, null where the runtime does not say', () => {
    const frr = { version: '10.3', source: 'Debian package frr 10.3-3+deb13u1 from the private Debian 13 root /x' };
    const r = toJsonReport({ ...passingRun, frr });
    expect(r.frr).toEqual(frr);
    expectValid(r);
    expect(toJsonReport(passingRun).frr).toBeNull();
    expect(valid({ ...r, frr: { version: '10.3' } })).toBe(false);
  });

  it('writes null for a missing bundle and rounds durations', () => {
    const r = toJsonReport({ ...passingRun, ms: 12.6, phases: [{ name: 'x', ms: 0.4 }] });
    expect(r.bundle).toBeNull();
    expect(r.ms).toBe(13);
    expect(r.phases[0]!.ms).toBe(0);
  });

  it('survives observations that JSON.stringify would choke on', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular['self'] = circular;
    const shared = { x: 1 };
    const observed = { circular, big: 2n ** 70n, nan: Number.NaN, fn: () => 1, err: new Error('boom'), when: new Date(0), set: new Set([1]), map: new Map([['k', shared]]), again: shared };
    const r = toJsonReport({ ...failingRun, failures: [{ ...failedCheck, observed }] });
    const text = stringifyReport(r);
    expect(JSON.parse(text).failures[0].observed).toEqual({
      circular: { a: 1, self: '[circular]' },
      big: '1180591620717411303424',
      nan: 'NaN',
      err: { name: 'Error', message: 'boom' },
      when: '1970-01-01T00:00:00.000Z',
      set: [1],
      map: { k: { x: 1 } },
      again: { x: 1 },
    });
    expectValid(r);
  });
});

describe('schemas/report.schema.json', () => {
  it('accepts single reports', () => {
    for (const run of [passingRun, failingRun, brokenRun]) expectValid(JSON.parse(stringifyReport(toJsonReport(run))));
  });

  it('accepts the multi-scenario wrapper', () => {
    const multi = toJsonMultiReport([passingRun, failingRun]);
    expect(multi.passed).toBe(false);
    expect(multi.runs).toHaveLength(2);
    expectValid(JSON.parse(stringifyReport(multi)));
    expect(toJsonMultiReport([passingRun]).passed).toBe(true);
    expect(toJsonMultiReport([]).passed).toBe(false);
  });

  it('toJsonDocument picks the shape by the number of runs', () => {
    expect('runs' in toJsonDocument([passingRun, failingRun])).toBe(true);
    expect('scenario' in toJsonDocument([passingRun])).toBe(true);
    expect('scenario' in toJsonDocument(passingRun)).toBe(true);
  });

  it('rejects documents that break the contract', () => {
    const good = toJsonReport(failingRun);
    expect(valid({ ...good, runtime: 'docker' })).toBe(false);
    expect(valid({ ...good, checks: [{ ...good.checks[0], status: 'flaky' }] })).toBe(false);
    const { failures: _f, ...missing } = good;
    expect(valid(missing)).toBe(false);
    expect(valid({ ...good, surprise: 1 })).toBe(false);
    expect(valid({ ...good, startedAt: 'yesterday' })).toBe(false);
    expect(valid({ passed: true, runs: [{ ...good, ms: -1 }], schemaVersion: 1 })).toBe(false);
  });
});
