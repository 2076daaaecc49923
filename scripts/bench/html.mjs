#!/usr/bin/env node
// The HTML report at scale: how large the page is, the peak memory of a process that writes it,
// and how soon Chromium makes it interactive. Run `npx tsc -p tsconfig.json` first (it imports the
// compiled code under dist/).
//
//   node scripts/bench/html.mjs --report REPORT.json     the page of a saved JSON report (e.g. of
//                                                        an audit of a synth.mjs account)
//   node scripts/bench/html.mjs [--resources 10000 --findings 35000]
//                                                        a report made of the demo account's
//                                                        findings (test/helpers/large-report.ts)
//   --out FILE.html   keep the page there (default: a temporary file, removed)
//
// The writing process loads the report (from the file, or by making it), then renders and writes
// the page as the CLI does (renderHtml's pieces through writeFileAtomic); its peak RSS includes the
// report itself. In Chromium (test/helpers/chromium.ts: SG_AUDIT_CHROMIUM, a system Chromium, or
// the packaged one), "drawn" is from navigation to the script's first page of findings (the page
// marks <html data-ready>); "search" is typing a resource id that only the last resource of the
// list has, until that resource alone is drawn; "show more" is one click of the button.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (path) => pathToFileURL(join(REPO, 'dist', path)).href;
const { values: opts } = parseArgs({
  options: { report: { type: 'string' }, resources: { type: 'string', default: '10000' }, findings: { type: 'string', default: '35000' }, out: { type: 'string' } },
});

const work = mkdtempSync(join(tmpdir(), 'sg-audit-bench-html-'));
const page = opts.out ? resolve(opts.out) : join(work, 'report.html');
let source = opts.report ? resolve(opts.report) : undefined;
if (!source) {
  const { runMain } = await import(dist('test/helpers/cli.js'));
  const { stdout } = await runMain(['--input', join(REPO, 'examples', 'demo-account'), '--format', 'json']);
  source = join(work, 'demo.json');
  writeFileSync(source, stdout);
}

const writer = `
  import { readFileSync } from 'node:fs';
  const { renderHtml } = await import(${JSON.stringify(dist('src/report/render-html.js'))});
  const { writeFileAtomic } = await import(${JSON.stringify(dist('src/cli/write.js'))});
  let report = JSON.parse(readFileSync(${JSON.stringify(source)}, 'utf8'));
  ${opts.report ? '' : `const { largeReport } = await import(${JSON.stringify(dist('test/helpers/large-report.js'))});
  report = largeReport(report, { resources: ${Number(opts.resources)}, findings: ${Number(opts.findings)} });`}
  const loadedMB = process.memoryUsage().rss / 1048576;
  const start = performance.now();
  await writeFileAtomic(${JSON.stringify(page)}, renderHtml(report, {}));
  const resources = new Set(report.findings.map((f) => f.resource.type + '/' + f.resource.id)).size;
  process.stdout.write(JSON.stringify({ findings: report.findings.length, resources, loadedMB, peakMB: process.resourceUsage().maxRSS / 1024, renderMs: performance.now() - start }));
`;
const child = spawnSync(process.execPath, ['--input-type=module', '-e', writer], { encoding: 'utf8', maxBuffer: 1 << 20 });
if (child.status !== 0) {
  process.stderr.write(child.stderr);
  process.exit(1);
}
const written = JSON.parse(child.stdout);
const bytes = statSync(page).size;

const { launchChromium } = await import(dist('test/helpers/chromium.js'));
const { unpackPageData } = await import(dist('src/report/html-data.js'));
const html = readFileSync(page, 'utf8');
const data = unpackPageData(html.match(/<script type="application\/gzip" id="sg-audit-data">([^<]*)<\/script>/)[1]);
const lastList = data.lists.at(-1);
const lastId = data.resources[lastList.groups.at(-1)[0]][1];
const { browser, choice } = await launchChromium();
const url = pathToFileURL(page).href;
const browserPage = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
const errors = [];
browserPage.on('pageerror', (e) => errors.push(e.message));
await browserPage.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
const until = async (condition) => {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 10));
};
const start = Date.now();
await browserPage.goto(url, { waitUntil: 'commit', timeout: 120_000 });
await browserPage.waitForSelector('html[data-ready]', { timeout: 120_000 });
const drawnMs = Date.now() - start;
// With a baseline the last resource may be in the folded list: open it.
await browserPage.evaluate("document.querySelectorAll('details.fold').forEach((d) => { d.open = true; })");
const searchStart = Date.now();
await browserPage.locator('#filter-text').fill(lastId);
await until(async () => (await browserPage.locator('section.resource').count()) === 1);
const searchMs = Date.now() - searchStart;
await browserPage.locator('#filter-text').fill('');
await until(async () => (await browserPage.locator('section.resource').count()) > 1);
const more = browserPage.locator('.list-more:not([hidden]) button.show-more').first();
let moreMs;
if ((await more.count()) > 0) {
  const before = await browserPage.locator('article.finding').count();
  const moreStart = Date.now();
  await more.click();
  await until(async () => (await browserPage.locator('article.finding').count()) > before);
  moreMs = Date.now() - moreStart;
}
await browser.close();
if (!opts.out) rmSync(work, { recursive: true, force: true });
if (errors.length > 0) {
  process.stderr.write(`page errors: ${errors.join('; ')}\n`);
  process.exit(1);
}

const mb = (n) => (n / 1048576).toFixed(1);
const result = {
  report: opts.report ?? `made of the demo account's findings (${opts.resources} resources, ${opts.findings} findings)`,
  findings: written.findings,
  resources: written.resources,
  pageMB: Number(mb(bytes)),
  writerPeakMB: Math.round(written.peakMB),
  writerRssAfterLoadingMB: Math.round(written.loadedMB),
  renderAndWriteMs: Math.round(written.renderMs),
  chromium: `${choice.source} (${choice.path})`,
  drawnMs,
  searchMs,
  showMoreMs: moreMs,
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
