// JUnit XML for CI test-report viewers: one testsuite per scenario run, one testcase per check.
// The format has no formal standard; this follows the shape most consumers (Jenkins, GitLab,
// GitHub report actions) read: testsuites > testsuite > testcase > failure | error, with
// system-out. Every string is escaped so that output from FRR or curl can never break the file.
import type { CheckResult, RunResult } from './result.ts';
import { toJsonValue, truncate } from '../text/summary.ts';
import { formatDuration } from '../units/duration.ts';
import { failureMessage } from './text.ts';

/** Characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF), shown as `\xNN` text instead. */
const ILLEGAL_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0').toUpperCase()}` : `\\u${code.toString(16).toUpperCase()}`;
}

export function xmlText(s: string): string {
  return s.replace(ILLEGAL_XML, visible).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values also escape quotes and whitespace, which parsers would otherwise normalise away. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** CDATA keeps multi-line logs readable; `]]>` inside is split across two sections. */
export function xmlCdata(s: string): string {
  return `<![CDATA[${s.replace(ILLEGAL_XML, visible).replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

const seconds = (ms: number) => (Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0).toFixed(3);

/** Ant's JUnit schema wants a timestamp without zone; pelab's are UTC. */
function timestamp(iso: string): string | undefined {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 19);
}

function attrs(pairs: readonly [string, string | undefined][]): string {
  return pairs
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(v)}"`)
    .join('');
}

function failureBody(c: CheckResult): string {
  const observed = typeof c.observed === 'string' ? c.observed : JSON.stringify(toJsonValue(c.observed), null, 2);
  const lines = [
    `check:    ${c.name}`,
    `kind:     ${c.kind} (step ${c.step + 1}, ${c.mode})`,
    `expected: ${c.expected}`,
    `observed: ${observed}`,
    `after ${formatDuration(c.ms)} and ${c.attempts} attempt${c.attempts === 1 ? '' : 's'}`,
  ];
  if (c.message) lines.push('', c.message);
  return lines.join('\n');
}

function testcase(c: CheckResult, classname: string, indent: string): string {
  const head = `${indent}<testcase${attrs([['name', c.name], ['classname', classname], ['time', seconds(c.ms)]])}`;
  if (c.status === 'passed') return `${head}/>`;
  // Viewers show `message` as the one-line headline; keep it short and the detail in the body.
  const message = truncate(failureMessage(c).replace(/\s*\n\s*/g, ' '), 500);
  return [
    `${head}>`,
    `${indent}  <failure${attrs([['message', message], ['type', c.kind]])}>${xmlText(failureBody(c))}</failure>`,
    `${indent}</testcase>`,
  ].join('\n');
}

export function formatTimeline(r: Pick<RunResult, 'timeline'>): string {
  return r.timeline.map((e) => `+${(e.at / 1000).toFixed(3).padStart(9)}s  ${e.what}`).join('\n');
}

function testsuite(r: RunResult, id: number, hostname: string | undefined): string {
  const classname = `pelab.${r.scenario}`;
  const failed = r.checks.filter((c) => c.status === 'failed');
  // A run can fail before or between checks (lab build, apply); without a testcase for it, a
  // viewer would show a red job with an all-green report.
  const runError = !r.passed && failed.length === 0;
  const cases = r.checks.map((c) => testcase(c, classname, '    '));
  if (runError) {
    const last = r.timeline.at(-1)?.what ?? 'no timeline';
    cases.push(
      [
        `    <testcase${attrs([['name', 'run'], ['classname', classname], ['time', seconds(r.ms)]])}>`,
        `      <error${attrs([['message', truncate(`scenario ${r.scenario} failed outside its checks; last event: ${last}`, 500)], ['type', 'run']])}>${xmlText(formatTimeline(r))}</error>`,
        `    </testcase>`,
      ].join('\n'),
    );
  }
  const properties = [
    ['runtime', r.runtime],
    ['lab', r.lab],
    ['startedAt', r.startedAt],
    ...(r.bundle ? [['bundle', r.bundle]] : []),
    ...r.phases.map((p) => [`phase.${p.name}.ms`, String(Math.round(p.ms))]),
  ] as [string, string][];
  const out = [
    `  <testsuite${attrs([
      ['name', r.scenario],
      ['tests', String(cases.length)],
      ['failures', String(failed.length)],
      ['errors', runError ? '1' : '0'],
      ['skipped', '0'],
      ['time', seconds(r.ms)],
      ['timestamp', timestamp(r.startedAt)],
      ['hostname', hostname],
      ['id', String(id)],
      ['package', 'pelab'],
    ])}>`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property${attrs([['name', name], ['value', value]])}/>`),
    '    </properties>',
    ...cases,
    `    <system-out>${xmlCdata(formatTimeline(r))}</system-out>`,
    `    <system-err>${xmlCdata(r.warnings.map((w) => `warning: ${w}`).join('\n'))}</system-err>`,
    '  </testsuite>',
  ];
  return out.join('\n');
}

interface JUnitOptions {
  /** Name of the testsuites element (default "pelab"). */
  readonly name?: string;
  readonly hostname?: string;
}

export function toJUnit(results: RunResult | readonly RunResult[], options: JUnitOptions = {}): string {
  const runs: readonly RunResult[] = Array.isArray(results) ? results : [results as RunResult];
  const tests = runs.reduce((n, r) => n + r.checks.length + (!r.passed && !r.checks.some((c) => c.status === 'failed') ? 1 : 0), 0);
  const failures = runs.reduce((n, r) => n + r.checks.filter((c) => c.status === 'failed').length, 0);
  const errors = runs.filter((r) => !r.passed && !r.checks.some((c) => c.status === 'failed')).length;
  const time = runs.reduce((t, r) => t + (Number.isFinite(r.ms) ? r.ms : 0), 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs([['name', options.name ?? 'pelab'], ['tests', String(tests)], ['failures', String(failures)], ['errors', String(errors)], ['time', seconds(time)]])}>`,
    ...runs.map((r, i) => testsuite(r, i, options.hostname)),
    '</testsuites>',
    '',
  ].join('\n');
}
