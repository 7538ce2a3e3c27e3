import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { toJUnit, xmlAttr, xmlCdata, xmlText } from '../../src/report/junit.ts';
import { brokenRun, failedCheck, failingRun, nasty, passingRun } from './fixtures.ts';
import { findAll, parseXml, XmlError } from './xml-check.ts';
import { needsTool } from './tools.ts';

const xsd = new URL('./junit.xsd', import.meta.url).pathname;

describe('escaping', () => {
  it('escapes markup and makes control characters visible', () => {
    expect(xmlText('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
    expect(xmlText('x\x1b[31my\x00')).toBe('x\\x1B[31my\\x00');
    expect(xmlText('tab\tnl\ncr\r')).toBe('tab\tnl\ncr\r');
    expect(xmlText('bad \uFFFF \ud800 ok \ud83d\ude00')).toBe('bad \\uFFFF \\uD800 ok \ud83d\ude00');
  });
  it('keeps attribute whitespace and quotes', () => {
    expect(xmlAttr(`a"b'c\nd\te`)).toBe('a&quot;b&apos;c&#10;d&#9;e');
  });
  it('splits CDATA terminators', () => {
    const c = xmlCdata('x ]]> y');
    expect(c).toBe('<![CDATA[x ]]]]><![CDATA[> y]]>');
    expect(parseXml(`<r>${c}</r>`).text).toBe('x ]]> y');
  });
  it('the checker itself rejects what it should', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(XmlError);
    expect(() => parseXml('<a x=1/>')).toThrow(XmlError);
    expect(() => parseXml('<a>\x1b</a>')).toThrow(XmlError);
    expect(() => parseXml('<a>]]></a>')).toThrow(XmlError);
    expect(() => parseXml('<a>&bogus;</a>')).toThrow(XmlError);
    expect(() => parseXml('<a/><b/>')).toThrow(XmlError);
  });
});

describe('toJUnit', () => {
  const xml = toJUnit([passingRun, failingRun, brokenRun], { hostname: 'ci-runner' });
  const root = parseXml(xml);

  it('is well-formed with testsuites > testsuite per scenario > testcase per check', () => {
    expect(root.name).toBe('testsuites');
    const suites = findAll(root, 'testsuite');
    expect(suites.map((s) => s.attrs['name'])).toEqual(['metallb-evpn', 'metallb-evpn-fault', 'broken-lab']);
    expect(findAll(suites[0]!, 'testcase')).toHaveLength(passingRun.checks.length);
    expect(root.attrs).toMatchObject({ tests: String(passingRun.checks.length + failingRun.checks.length + 1), failures: '1', errors: '1' });
  });

  it('uses classname pelab.<scenario> and seconds', () => {
    const cases = findAll(findAll(root, 'testsuite')[1]!, 'testcase');
    expect(new Set(cases.map((c) => c.attrs['classname']))).toEqual(new Set(['pelab.metallb-evpn-fault']));
    const failed = cases.find((c) => c.attrs['name'] === failedCheck.name)!;
    expect(failed.attrs['time']).toBe('300.000');
    expect(findAll(root, 'testsuite')[1]!.attrs['time']).toBe('312.000');
  });

  it('names the failing check with expected and observed state, escaped', () => {
    const failures = findAll(root, 'failure');
    expect(failures).toHaveLength(1);
    const f = failures[0]!;
    expect(f.attrs['type']).toBe('http');
    expect(f.attrs['message']).toContain('hostA_red reaches 172.30.0.10');
    expect(f.text).toContain(`check:    ${failedCheck.name}`);
    expect(f.text).toContain('expected: HTTP 200 from http://172.30.0.10/');
    expect(f.text).toContain('"exitCode": 28');
    expect(f.text).toContain('Failed <to> connect & \\"quoted\\"');
    expect(f.text).toContain('\\u001b[31mred');
  });

  it('makes control characters in a raw string observation visible', () => {
    const doc = parseXml(toJUnit({ ...failingRun, checks: [{ ...failedCheck, observed: nasty }] }));
    const text = findAll(doc, 'failure')[0]!.text;
    expect(text).toContain('\\x1B[31mred\\x1B[0m \\x00 nul \\x07 bell \\uFFFF end \\uD800 lone');
  });

  it('puts the timeline in system-out, survives ]]> in it, and warnings in system-err', () => {
    const suite = findAll(root, 'testsuite')[1]!;
    const out = suite.children.find((c) => c.name === 'system-out')!;
    expect(out.text).toContain('lab up');
    expect(out.text).toContain('fault restart-frr on leafA');
    expect(out.text).toContain(']]>');
    expect(suite.children.find((c) => c.name === 'system-err')!.text).toContain('legacy field');
    const props = findAll(suite, 'property');
    expect(props.find((p) => p.attrs['name'] === 'bundle')?.attrs['value']).toBe(failingRun.bundle);
  });

  it('reports a run that failed outside its checks as an error testcase', () => {
    const suite = findAll(root, 'testsuite')[2]!;
    const error = findAll(suite, 'error');
    expect(error).toHaveLength(1);
    expect(error[0]!.attrs['message']).toContain('zebra did not start');
  });

  it('a single run gives one testsuite', () => {
    expect(findAll(parseXml(toJUnit(passingRun)), 'testsuite')).toHaveLength(1);
  });

  it('escapes a nasty scenario name too', () => {
    const doc = toJUnit({ ...failingRun, scenario: `s ${nasty}` });
    expect(() => parseXml(doc)).not.toThrow();
  });

  describe.runIf(needsTool('xmllint'))('with xmllint (Debian libxml2-utils)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pelab-junit-'));
    const file = join(dir, 'junit.xml');
    writeFileSync(file, xml);
    it('xmllint --noout accepts it', async () => {
      const r = await execa('xmllint', ['--noout', file], { reject: false });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
    });
    it('validates against the JUnit schema in test/report/junit.xsd', async () => {
      const r = await execa('xmllint', ['--noout', '--schema', xsd, file], { reject: false });
      expect(r.stderr).toContain('validates');
      expect(r.exitCode).toBe(0);
    });
    it('the schema rejects a testcase without classname', async () => {
      const bad = join(dir, 'bad.xml');
      writeFileSync(bad, xml.replace(/ classname="[^"]*"/, ''));
      const r = await execa('xmllint', ['--noout', '--schema', xsd, bad], { reject: false });
      expect(r.exitCode).not.toBe(0);
    });
  });
});
