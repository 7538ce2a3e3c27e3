import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReports } from '../../src/report/files.ts';
import { failingRun, passingRun } from './fixtures.ts';
import { parseXml } from './xml-check.ts';

describe('writeReports', () => {
  it('writes JSON and JUnit where asked, creating directories', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pelab-files-'));
    const written = await writeReports([passingRun, failingRun], { json: join(dir, 'out/result.json'), junit: join(dir, 'out/x/junit.xml') });
    expect(written).toHaveLength(2);
    expect(JSON.parse(readFileSync(join(dir, 'out/result.json'), 'utf8'))).toMatchObject({ passed: false, runs: [{}, {}] });
    expect(parseXml(readFileSync(join(dir, 'out/x/junit.xml'), 'utf8')).name).toBe('testsuites');
  });
  it('writes nothing when no path is given', async () => {
    expect(await writeReports(passingRun, {})).toEqual([]);
  });
});
