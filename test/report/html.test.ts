// The HTML run report: a pure rendering of the JSON report, checked as text here and as a page in
// real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core): a screenshot whose
// pixels show the failed nodes red in the fabric picture, the DOM with every check's expected and
// observed values, the timeline's bars, links that resolve to files of a real bundle directory,
// and not one request beyond the page itself.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../src/lab/load.ts';
import { writeBundle } from '../../src/diagnostics/bundle.ts';
import { htmlReport, writeReports } from '../../src/report/files.ts';
import { nodeMarks, renderHtmlReport } from '../../src/report/html.ts';
import { toJsonReport } from '../../src/report/json.ts';
import type { CheckResult, RunResult } from '../../src/report/result.ts';
import { labTargets } from '../../src/runtime/roles.ts';
import { tempDirs } from '../cli/in-process.ts';
import { FakeRuntime } from './fake-runtime.ts';
import { failedCheck, passingRun } from './fixtures.ts';
import { decodePng, shareOf } from './png.ts';

const tmp = tempDirs('pelab-html-');
const lab = await loadLab(fileURLToPath(new URL('../../labs/singlecluster.yaml', import.meta.url)));

const check = (c: Partial<CheckResult> & Pick<CheckResult, 'name' | 'kind' | 'status'>): CheckResult => ({
  step: 0, mode: 'eventually', ms: 1000, attempts: 1, expected: 'something', observed: { ok: true }, ...c,
});

const checks: CheckResult[] = [
  check({ name: 'leafkind1 has BGP session with pe-kind-worker Established', kind: 'bgp-session', status: 'passed', node: 'leafkind1', target: 'leafkind1', at: 3100, ms: 900, attempts: 2, expected: 'Established', observed: { state: 'Established' } }),
  check({ name: 'pe-kind-worker has the red service route', kind: 'bgp-route', status: 'passed', node: 'pe-kind-worker', target: 'pe-kind-worker.pe', at: 3200, ms: 1500, expected: '172.30.0.10/32 in VRF red', observed: { paths: 1 } }),
  check({ name: 'leafA sees red service type-5', kind: 'evpn-route', status: 'failed', node: 'leafA', target: 'leafA', at: 3300, ms: 6000, attempts: 12, expected: '[5]:[0]:[32]:[172.30.0.10] with RT:64514:100', observed: { routes: [] }, message: 'no such route' }),
  { ...failedCheck, node: 'hostA_red', target: 'hostA_red', at: 3400, ms: 3000 },
];

function run(bundle?: string): RunResult {
  return {
    ...passingRun,
    passed: false,
    scenario: 'metallb-evpn',
    lab: lab.name,
    ms: 10_000,
    phases: [{ name: 'up', ms: 3000, at: 0 }, { name: 'apply manifests', ms: 100, at: 3000 }],
    checks,
    failures: checks.filter((c) => c.status === 'failed'),
    warnings: ['a warning with <markup>'],
    ...(bundle ? { bundle } : {}),
  };
}

describe('renderHtmlReport (pure)', () => {
  it('marks nodes by their checks: failed wins over passed', () => {
    const marks = nodeMarks(toJsonReport({ ...run(), checks: [...checks, check({ name: 'x', kind: 'bgp-session', status: 'passed', node: 'leafA' })] }));
    expect(Object.fromEntries(marks)).toEqual({ leafkind1: 'passed', 'pe-kind-worker': 'passed', leafA: 'failed', hostA_red: 'failed' });
  });

  it('is self-contained, escapes what runs produce, links the bundle relatively', async () => {
    const dir = tmp();
    const html = await htmlReport(run(join(dir, 'out', 'bundles', 'metallb evpn')), join(dir, 'out', 'report.html'), { labs: new Map([['metallb-evpn', lab]]) });
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'`);
    expect(html).not.toMatch(/<script|src="http|href="http|url\(/i);
    expect(html).not.toContain('<markup>');
    expect(html).toContain('&lt;markup&gt;');
    expect(html).toContain('<a href="bundles/metallb%20evpn/index.md">');
    expect(html).toContain('<a href="bundles/metallb%20evpn/leafA/">leafA/</a>');
    // The picture is inline SVG with the failed nodes classed for the eye and for tools.
    expect(html).toMatch(/<svg[\s\S]*class="node check_failed"[\s\S]*<\/svg>/);
  });

  it('without a bundle or a lab there is nothing to link and no picture', () => {
    const html = renderHtmlReport(toJsonReport({ ...run(), passed: true, failures: [], checks: checks.slice(0, 2) }), { runs: [] });
    expect(html).not.toContain('<svg');
    expect(html).not.toContain('<a href');
    expect(html).toContain('class="verdict passed"');
  });
});

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
// A machine without it skips and says so; `make test` and `make e2e` install it (scripts/setup.sh, the
// requirement list), so .ci/run runs this test.
if (!haveChromium) console.log(`SKIP HTML report browser test: ${CHROMIUM} is absent (Debian package chromium; make test installs it)`);

describe.skipIf(!haveChromium)('the HTML report in headless Chromium', () => {
  it('shows failed nodes red, every check with expected and observed, the timeline, and working bundle links', { timeout: 120_000 }, async () => {
    const dir = tmp();
    const out = join(dir, 'out');
    const bundle = await writeBundle(new FakeRuntime(lab, labTargets(lab)), join(out, 'bundles', 'metallb-evpn-1'), { result: run(), reason: 'checks failed' });
    const file = join(out, 'report.html');
    await writeReports(run(bundle), { html: file }, { labs: new Map([['metallb-evpn', lab]]) });

    const { chromium } = await import('playwright-core');
    const profile = join(dir, 'profile');
    mkdirSync(profile);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1600, height: 1000 },
    });
    try {
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      const url = pathToFileURL(file).href;
      await page.goto(url);

      // Not one fetch beyond the page itself.
      expect(requests).toEqual([url]);

      // DOM: every check, with expected and observed; failed rows marked.
      const rows = page.locator('table.checks tr.check');
      expect(await rows.count()).toBe(checks.length);
      expect(await page.locator('table.checks tr.check.failed').count()).toBe(2);
      const leafRow = page.locator('tr.check.failed[data-node="leafA"]');
      expect(await leafRow.locator('td.expected').innerText()).toBe('[5]:[0]:[32]:[172.30.0.10] with RT:64514:100');
      expect(JSON.parse(await leafRow.locator('td.observed').innerText())).toEqual({ routes: [] });
      expect(await page.locator('tr.check.passed[data-node="pe-kind-worker"] td.observed').innerText()).toContain('"paths": 1');

      // Every link resolves to a file or folder of the bundle on disk.
      const hrefs = (await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))).map((h) => new URL(h, url).href);
      expect(hrefs.length).toBeGreaterThanOrEqual(3 + 2);
      for (const h of hrefs) expect(existsSync(fileURLToPath(h)), h).toBe(true);
      expect(readFileSync(fileURLToPath(hrefs.find((h) => h.endsWith('/index.md'))!), 'utf8')).toContain('## Why this bundle exists');

      // Timeline: one bar per check; the bars' widths follow the times to hold.
      const bars = page.locator('.timeline .row:not(.phase) .bar');
      expect(await bars.count()).toBe(checks.length);
      const widths = await bars.evaluateAll((bs) => bs.map((b) => b.getBoundingClientRect().width));
      expect(widths[2]! / widths[0]!).toBeCloseTo(6000 / 900, 0);

      // Screenshot: the failed nodes are red, the passed ones are not.
      const png = await page.screenshot({ fullPage: true });
      const img = decodePng(png);
      const red = (r: number, g: number, b: number) => r > 180 && g < 60 && b < 60;
      const nodeBox = async (name: string) => {
        const box = await page.locator('.picture g.node', { has: page.locator(`title:text-is("${name}")`) }).boundingBox();
        expect(box, `node ${name} in the picture`).not.toBeNull();
        return box!;
      };
      for (const name of ['leafA', 'hostA_red']) expect(shareOf(img, await nodeBox(name), red), name).toBeGreaterThan(0.3);
      for (const name of ['leafkind1', 'spine', 'pe-kind-worker']) expect(shareOf(img, await nodeBox(name), red), name).toBeLessThan(0.02);
      // A passed node keeps its own fill but gets a green outline.
      const green = (r: number, g: number, b: number) => g > 70 && g < 110 && r < 50 && b < 50;
      expect(shareOf(img, await nodeBox('leafkind1'), green)).toBeGreaterThan(0.01);
      expect(shareOf(img, await nodeBox('spine'), green)).toBe(0);
    } finally {
      await context.close();
    }
  });
});
