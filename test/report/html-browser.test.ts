// The HTML report in a real browser (Chromium through playwright-core: SG_AUDIT_CHROMIUM, a system
// Chromium, or the one the @sparticuz/chromium devDependency ships; test/helpers/chromium.ts):
// opened from a file:// URL, it requests nothing but itself, raises no console error and no CSP
// violation, shows the counts of the JSON report, and its filters work. A hostile report fires no
// dialog. One browser serves every test; a Chromium that cannot start is a failure, not a skip.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { AuditReport } from '../../src/report/types.js';
import { launchChromium } from '../helpers/chromium.js';
import { runMain } from '../helpers/cli.js';

const DEMO = ['--input', 'examples/demo-account'] as const;
const HOSTILE = ['--input', 'test/fixtures/hostile'] as const;
const dir = mkdtempSync(join(tmpdir(), 'sg-audit-browser-'));

let browser: Browser | undefined;

function theBrowser(): Browser {
  assert.ok(browser, 'the browser did not start (see the error of the first test)');
  return browser;
}

/** Writes the HTML report of a run to a file; returns its file:// URL and the same run as JSON. */
async function reportFile(name: string, args: readonly string[]): Promise<{ url: string; report: AuditReport }> {
  const file = join(dir, `${name}.html`);
  const json = join(dir, `${name}.json`);
  const { stderr } = await runMain([...args, '--format', `html=${file}`, '--format', `json=${json}`, '--quiet']);
  assert.equal(stderr, '');
  return { url: pathToFileURL(file).href, report: JSON.parse(readFileSync(json, 'utf8')) as AuditReport };
}

interface Watched {
  readonly page: Page;
  readonly requests: string[];
  readonly problems: string[];
  readonly dialogs: string[];
}

/**
 * A page that records every request (and lets only the report itself load), every console error,
 * page error and CSP violation, and every dialog (dismissed).
 */
async function open(url: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Watched> {
  const context = await theBrowser().newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (r) => void requests.push(r.url()));
  await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => void problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  // Init scripts run outside the page's CSP; this one only listens. (A string: the tests compile without the DOM lib.)
  await page.addInitScript(
    "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
  );
  await page.goto(url, { waitUntil: 'load' });
  return { page, requests, problems, dialogs };
}

const visibleFindings = (page: Page) => page.locator('article.finding:visible');

describe('html report in Chromium', () => {
  let demo: { url: string; report: AuditReport };

  before(async () => {
    ({ browser } = await launchChromium());
    demo = await reportFile('demo', DEMO);
  });

  after(async () => {
    await browser?.close();
  });

  test('demo: loads nothing but itself, no console error or CSP violation, the counts of the JSON report', async () => {
    const { page, requests, problems } = await open(demo.url);
    assert.deepEqual(requests, [demo.url]);
    assert.deepEqual(problems, []);
    const counts = await page.$$eval('[data-count]', (els) => els.map((e) => [e.getAttribute('data-count'), Number(e.textContent)] as const));
    const s = demo.report.summary;
    assert.deepEqual(Object.fromEntries(counts), {
      ...s.bySeverity,
      suppressed: s.suppressed,
      errors: s.errors,
      skipped: s.skipped,
      securityGroups: s.securityGroups,
      rulesEvaluated: s.rulesEvaluated,
      findings: s.findings,
      failing: s.failing,
    });
    assert.equal(await page.locator('.verdict').textContent(), 'FAIL');
    assert.equal(await page.title(), 'sg-audit FAIL: 79 findings · 123456789012 · 2026-01-02T03:04:05.000Z');
    // The script ran: the filters are shown and count every finding.
    assert.equal(await page.locator('#filters').isVisible(), true);
    assert.equal(await page.locator('#filter-status').textContent(), `Showing ${demo.report.findings.length} of ${demo.report.findings.length} findings`);
    const shot = join(dir, 'demo.png');
    await page.screenshot({ path: shot, fullPage: false });
    assert.ok(statSync(shot).size > 30_000, `a real picture, not a blank page: ${statSync(shot).size} bytes`);
    await page.context().close();
  });

  test('the policy is enforced: a script the page did not ship is refused', async () => {
    const { page, problems } = await open(demo.url);
    const ran = await page.evaluate(
      "(() => { const s = document.createElement('script'); s.textContent = 'window.injected = true'; document.body.append(s); return window.injected === true; })()",
    );
    assert.equal(ran, false);
    await page.waitForTimeout(50);
    assert.ok(problems.some((p) => p.includes('script-src')), problems.join('\n'));
    await page.context().close();
  });

  test('filters: severity, rule, search by group id, reset', async () => {
    const { page, problems } = await open(demo.url);
    const { findings, summary } = demo.report;
    assert.equal(await visibleFindings(page).count(), findings.length);

    await page.locator('input[name="severity"][value="info"]').uncheck();
    assert.equal(await visibleFindings(page).count(), findings.length - summary.bySeverity.info);
    assert.equal(await page.locator('article.finding[data-severity="info"]:visible').count(), 0);
    assert.equal(await page.locator('#filter-status').textContent(), `Showing ${findings.length - summary.bySeverity.info} of ${findings.length} findings`);
    await page.locator('input[name="severity"][value="info"]').check();

    await page.locator('#filter-rule').selectOption('ssh-open-to-internet');
    const ssh = findings.filter((f) => f.ruleId === 'ssh-open-to-internet').length;
    assert.equal(await visibleFindings(page).count(), ssh);
    assert.equal(await page.locator('article.finding:visible:not([data-rule="ssh-open-to-internet"])').count(), 0);
    await page.locator('#filter-rule').selectOption('');

    // A group whose id no other finding mentions: searching it leaves that group alone.
    const target = findings.find(
      (f) => f.resource.type === 'security-group' && findings.every((g) => g.resource.id === f.resource.id || !`${g.resource.name} ${g.message}`.includes(f.resource.id)),
    );
    assert.ok(target);
    await page.locator('#filter-text').fill(target.resource.id.toUpperCase());
    const shown = await page.locator('section.resource:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-resource')));
    assert.deepEqual(shown, [target.resource.id]);
    assert.equal(await visibleFindings(page).count(), findings.filter((f) => f.resource.id === target.resource.id).length);

    await page.locator('#filter-text').fill('no such thing anywhere');
    assert.equal(await visibleFindings(page).count(), 0);
    assert.equal(await page.locator('#no-match').isVisible(), true);

    await page.locator('button[type="reset"]').click();
    // The reset event fires before the form's fields are reset; the page re-filters just after.
    for (let i = 0; i < 50 && (await visibleFindings(page).count()) !== findings.length; i++) await page.waitForTimeout(20);
    assert.equal(await visibleFindings(page).count(), findings.length);
    assert.equal(await page.locator('#filter-text').inputValue(), '');
    assert.equal(await page.locator('section.resource:visible').count(), await page.locator('section.resource').count());
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  test('filters: show/hide suppressed, new only (a run with suppressions and a baseline)', async () => {
    const first = join(dir, 'first.json');
    await runMain([...DEMO, '--format', `json=${first}`, '--quiet']);
      const earlier = JSON.parse(readFileSync(first, 'utf8')) as AuditReport;
    const baseline = join(dir, 'baseline.json');
    writeFileSync(baseline, JSON.stringify({ ...earlier, findings: earlier.findings.slice(3) }));
    const config = join(dir, 'sg-audit.yml');
    writeFileSync(config, 'suppressions:\n  - rule: unrestricted-egress\n    resource: "*"\n    reason: egress goes through the proxy\n    owner: netops\n');
    const run = await reportFile('suppressed', [...DEMO, '--config', config, '--baseline', baseline]);
    const { page, requests, problems } = await open(run.url);
    assert.deepEqual(requests, [run.url]);
    const total = run.report.findings.length;
    const suppressed = run.report.findings.filter((f) => f.suppressed).length;
    const fresh = run.report.findings.filter((f) => f.baseline === 'new').length;
    assert.ok(suppressed > 0 && fresh === 3);
    assert.equal(await visibleFindings(page).count(), total, 'suppressed findings are shown by default');
    assert.equal(await page.locator('article.finding[data-suppressed="true"] .suppression').first().textContent(), 'Suppressed: egress goes through the proxy (owner netops · suppressions[0])');

    await page.locator('#filter-suppressed').uncheck();
    assert.equal(await visibleFindings(page).count(), total - suppressed);
    assert.equal(await page.locator('article.finding[data-suppressed="true"]:visible').count(), 0);
    await page.locator('#filter-suppressed').check();
    assert.equal(await visibleFindings(page).count(), total);

    await page.locator('#filter-new').check();
    assert.equal(await visibleFindings(page).count(), fresh);
    assert.equal(await page.locator('article.finding:visible .flag-new').count(), fresh);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  test('without JavaScript every finding is shown and the filters, which could not work, are not', async () => {
    const { page, problems } = await open(demo.url, { javaScriptEnabled: false });
    assert.equal(await visibleFindings(page).count(), demo.report.findings.length);
    assert.equal(await page.locator('#filters').isVisible(), false);
    assert.equal(await page.locator('button.copy:visible').count(), 0);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  test('hostile names: no dialog, no element made of them, shown as text', async () => {
    const hostile = await reportFile('hostile', HOSTILE);
    const { page, requests, problems, dialogs } = await open(hostile.url);
    // Give anything that would fire (onerror of an injected image) the time to.
    await page.waitForTimeout(200);
    await page.locator('#filter-text').fill('pipe');
    await page.locator('#filter-text').fill('');
    assert.deepEqual(dialogs, []);
    assert.deepEqual(requests, [hostile.url]);
    assert.deepEqual(problems, []);
    assert.equal(await page.locator('img, iframe, object, embed').count(), 0);
    assert.equal(await page.locator('script').count(), 1);
    const hrefs = await page.locator('a[href]').evaluateAll((els) => els.map((e) => e.getAttribute('href') ?? ''));
    assert.ok(hrefs.every((href) => /^#[\w-]+$/.test(href)), hrefs.join(' '));
    const names = await page.locator('.resource-name').allTextContents();
    assert.ok(names.includes('| pipe | **bold** [click](javascript:alert(1)) <img src=x onerror=alert(1)> `code` _em_ # head @octocat https://evil.example.com www.evil.example'), names.join('\n'));
    assert.ok(names.some((n) => n.startsWith('evil\\x1b[31m RED ') && n.endsWith('\\u{202e}evil-rtl')), names.join('\n'));
    await page.context().close();
  });
});
