// The HTML report of a large account: 10,000 resources and 35,000 findings (made of the demo
// account's findings, test/helpers/large-report.ts). The page is at most 15 MB, a process that
// builds the report and writes the page stays within 512 MB, and in Chromium the page is
// interactive within 5 seconds: the most severe findings drawn, the rest a page at a time, and
// the filters working over all 35,000. Without JavaScript it shows the first page and says how
// many more there are. docs/performance.md has the figures of scripts/bench/html.mjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { unpackPageData, type PageData } from '../../src/report/html-data.js';
import { launchChromium } from '../helpers/chromium.js';
import { REPO_ROOT, runMain } from '../helpers/cli.js';

const RESOURCES = 10_000;
const FINDINGS = 35_000;
const MAX_BYTES = 15 * 1024 * 1024;
const MAX_RSS_MB = 512;
const INTERACTIVE_MS = 5_000;

const dir = mkdtempSync(join(tmpdir(), 'sg-audit-html-large-'));
const file = join(dir, 'large.html');
const url = pathToFileURL(file).href;
const dist = (path: string) => pathToFileURL(join(REPO_ROOT, 'dist', path)).href;

/** Writes the large page in a process of its own, as the CLI would, and returns that process's peak memory. */
function writeLargePage(small: string): { maxRssMB: number; renderMs: number } {
  const code = `
    import { readFileSync } from 'node:fs';
    const { largeReport } = await import(${JSON.stringify(dist('test/helpers/large-report.js'))});
    const { renderHtml } = await import(${JSON.stringify(dist('src/report/render-html.js'))});
    const { writeFileAtomic } = await import(${JSON.stringify(dist('src/cli/write.js'))});
    const report = largeReport(JSON.parse(readFileSync(${JSON.stringify(small)}, 'utf8')), { resources: ${RESOURCES}, findings: ${FINDINGS} });
    const start = performance.now();
    await writeFileAtomic(${JSON.stringify(file)}, renderHtml(report, {}));
    process.stdout.write(JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024, renderMs: performance.now() - start }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as { maxRssMB: number; renderMs: number };
}

const countIn = (text: string | null) => Number((text ?? '').replace(/[^0-9]/g, ''));

/** Waits until a condition holds (the page's own policy forbids the string predicates of waitForFunction). */
async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    assert.ok(Date.now() < deadline, 'timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The findings' data the page carries. */
function dataOf(page: string): PageData {
  const block = page.match(/<script type="application\/gzip" id="sg-audit-data">([^<]*)<\/script>/);
  assert.ok(block);
  return unpackPageData(block[1] as string);
}

describe('html report at scale: 10,000 resources, 35,000 findings', () => {
  let browser: Browser | undefined;
  let written: { maxRssMB: number; renderMs: number };
  let data: PageData;

  before(async () => {
    const small = join(dir, 'demo.json');
    const { stdout } = await runMain(['--input', 'examples/demo-account', '--format', 'json']);
    writeFileSync(small, stdout);
    written = writeLargePage(small);
    data = dataOf(readFileSync(file, 'utf8'));
    ({ browser } = await launchChromium());
  });

  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(javaScriptEnabled = true, initScript?: string): Promise<{ page: Page; problems: string[]; requests: string[]; readyMs: number }> {
    assert.ok(browser, 'the browser did not start');
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled })).newPage();
    if (initScript) await page.addInitScript(initScript);
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('request', (r) => void requests.push(r.url()));
    await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => void problems.push(`page error: ${e.message}`));
    const start = Date.now();
    await page.goto(url, { waitUntil: javaScriptEnabled ? 'commit' : 'load', timeout: 60_000 });
    if (javaScriptEnabled && !initScript) await page.waitForSelector('html[data-ready]', { timeout: 60_000 });
    return { page, problems, requests, readyMs: Date.now() - start };
  }

  test(`the page is at most 15 MB, written by a process within ${MAX_RSS_MB} MB`, (t) => {
    const bytes = statSync(file).size;
    t.diagnostic(`${(bytes / 1024 / 1024).toFixed(1)} MB, peak RSS ${written.maxRssMB.toFixed(0)} MB, rendered and written in ${written.renderMs.toFixed(0)} ms`);
    assert.ok(bytes <= MAX_BYTES, `${(bytes / 1024 / 1024).toFixed(1)} MB`);
    assert.ok(written.maxRssMB <= MAX_RSS_MB, `peak ${written.maxRssMB.toFixed(0)} MB`);
  });

  test('interactive in Chromium within 5 s: the most severe page drawn, the filters work over every finding', async (t) => {
    const { page, problems, requests, readyMs } = await open();
    const start = Date.now() - readyMs;
    assert.equal(await page.locator('#filter-status').textContent(), `Showing ${FINDINGS.toLocaleString('en-US')} of ${FINDINGS.toLocaleString('en-US')} findings`);
    const first = await page.locator('article.finding').count();
    assert.ok(first >= 100 && first < 150, `a first page of whole resources: ${first} findings`);
    assert.equal(await page.locator('article.finding').first().getAttribute('data-severity'), 'critical');
    // The resource at the very end of the list, found by its id.
    const last = data.resources[(data.lists[0]?.groups.at(-1) as PageData['lists'][number]['groups'][number])[0]]?.[1] ?? '';
    assert.match(last, /^[a-z]+-[0-9a-f]+$/);
    await page.locator('#filter-text').fill(last.toUpperCase());
    await until(async () => (await page.locator('section.resource').count()) === 1);
    const interactiveMs = Date.now() - start;
    assert.equal(await page.locator('section.resource').getAttribute('data-resource'), last);
    t.diagnostic(`drawn ${readyMs} ms after navigation; a search over every finding drawn by ${interactiveMs} ms`);
    assert.ok(interactiveMs <= INTERACTIVE_MS, `loaded in ${readyMs} ms, filtered by ${interactiveMs} ms`);
    await page.locator('#filter-text').fill('');

    // A rule: as many findings as its option says, drawn a page at a time.
    const option = page.locator('#filter-rule option[value="unrestricted-egress"]');
    const expected = countIn(((await option.textContent()) ?? '').replace('unrestricted-egress', ''));
    assert.ok(expected > 1_000);
    await page.locator('#filter-rule').selectOption('unrestricted-egress');
    assert.equal(await page.locator('#filter-status').textContent(), `Showing ${expected.toLocaleString('en-US')} of ${FINDINGS.toLocaleString('en-US')} findings`);
    const firstPage = await page.locator('article.finding').count();
    assert.ok(firstPage >= 100 && firstPage < 150, `${firstPage}`);
    assert.equal(await page.locator('article.finding:not([data-rule="unrestricted-egress"])').count(), 0);
    const more = page.locator('.list-more button.show-more');
    assert.equal(await more.textContent(), `Show more (${(expected - firstPage).toLocaleString('en-US')} not shown yet)`);
    await more.click();
    const twoPages = await page.locator('article.finding').count();
    assert.ok(twoPages >= firstPage + 100, `${twoPages}`);
    assert.equal(await page.locator('.list-more .more-note').textContent(), `Showing the first ${twoPages} of ${expected.toLocaleString('en-US')} findings.`);

    // Severity: only the info findings of that rule remain, or none.
    await page.locator('input[name="severity"][value="info"]').uncheck();
    assert.equal(await page.locator('article.finding[data-severity="info"]').count(), 0);
    await page.locator('button[type="reset"]').click();
    const all = `Showing ${FINDINGS.toLocaleString('en-US')} of ${FINDINGS.toLocaleString('en-US')} findings`;
    await until(async () => (await page.locator('#filter-status').textContent()) === all);
    assert.deepEqual(requests, [url]);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  test('without JavaScript: the most severe page, and how many more there are', async () => {
    const { page, problems } = await open(false);
    const shown = await page.locator('article.finding:visible').count();
    assert.ok(shown >= 100 && shown < 150, `${shown}`);
    const note = (await page.locator('noscript').first().evaluate((n) => n.textContent)) ?? '';
    assert.ok(note.includes(`Without JavaScript this page shows the ${shown} most severe of these ${FINDINGS.toLocaleString('en-US')} findings`), note);
    assert.match((await page.locator('.list-more .more-note').textContent()) ?? '', new RegExp(`^The ${shown} most severe of ${FINDINGS.toLocaleString('en-US')} findings are shown\\. The other ${(FINDINGS - shown).toLocaleString('en-US')} findings`));
    assert.equal(await page.locator('#filters').isVisible(), false);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  test('a browser without DecompressionStream keeps the first page and says why there is no more', async () => {
    const { page, problems } = await open(true, 'delete window.DecompressionStream;');
    await until(async () => ((await page.locator('.list-more .more-note').textContent()) ?? '').startsWith('This browser could not unpack'));
    assert.match((await page.locator('.list-more .more-note').textContent()) ?? '', /it has no DecompressionStream\): the most severe are shown above, and the JSON report \(--format json\) has them all\.$/);
    const shown = await page.locator('article.finding:visible').count();
    assert.ok(shown >= 100 && shown < 150, `${shown}`);
    assert.equal(await page.locator('#filters').isVisible(), false, 'no filters over findings it does not have');
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
