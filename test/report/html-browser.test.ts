// The HTML report in a real browser (Chromium through playwright-core: SG_AUDIT_CHROMIUM, a system
// Chromium, or the one the @sparticuz/chromium devDependency ships; test/helpers/chromium.ts).
// Opened from a file:// URL, it requests nothing but itself, raises no console error and no CSP
// violation, shows the counts of the JSON report, draws the same findings as the markup written
// for readers without JavaScript, and its filters work. A hostile report fires no dialog and makes
// no element of its text. One browser serves every test; a Chromium that cannot start is a
// failure, not a skip.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
 * page error and CSP violation, and every dialog (dismissed). With JavaScript on, it waits until
 * the page's script has drawn the findings.
 */
async function open(url: string, options: { javaScriptEnabled?: boolean; colorScheme?: 'light' | 'dark' } = {}): Promise<Watched> {
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
  if (options.javaScriptEnabled !== false) await page.waitForSelector('html[data-ready]', { timeout: 10_000 });
  return { page, requests, problems, dialogs };
}

/** The findings drawn (the script draws only those that pass the filters, a page at a time). */
const drawn = (page: Page) => page.locator('article.finding');

/** The number in a count's text ("1,234"). */
const countIn = (text: string | null) => Number((text ?? '').replaceAll(',', ''));

/**
 * The findings lists as a comparable tree: element names, attributes (but `hidden`, which only the
 * script lifts) and text, adjacent text joined and whitespace between elements dropped.
 */
function listsTree(page: Page): Promise<unknown> {
  return page.evaluate(`(() => {
    const tree = (node) => {
      if (node.nodeType === 3) return node.textContent;
      const attrs = Array.from(node.attributes).filter((a) => a.name !== 'hidden').map((a) => a.name + '=' + a.value).sort();
      const kids = [];
      for (const child of node.childNodes) {
        if (child.nodeType === 3) {
          if (child.textContent.trim() === '' && /^\\s*$/.test(child.textContent) && child.textContent.includes('\\n')) continue;
          if (typeof kids[kids.length - 1] === 'string') kids[kids.length - 1] += child.textContent;
          else kids.push(child.textContent);
        } else if (child.nodeType === 1) kids.push(tree(child));
      }
      return [node.localName, attrs, kids];
    };
    return Array.from(document.querySelectorAll('.findings-list')).map(tree);
  })()`);
}

describe('html report in Chromium', () => {
  let demo: { url: string; report: AuditReport };

  before(async () => {
    ({ browser } = await launchChromium());
    demo = await reportFile('demo', DEMO);
  });

  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('demo: loads nothing but itself, no console error or CSP violation, the counts of the JSON report', async () => {
    const { page, requests, problems } = await open(demo.url);
    assert.deepEqual(requests, [demo.url]);
    assert.deepEqual(problems, []);
    const counts = await page.$$eval('[data-count]', (els) => els.map((e) => [e.getAttribute('data-count'), e.textContent] as const));
    const s = demo.report.summary;
    assert.deepEqual(Object.fromEntries(counts.map(([key, text]) => [key, countIn(text)])), {
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
    // The script ran: the filters are shown and count every finding, all of them drawn.
    assert.equal(await page.locator('#filters').isVisible(), true);
    assert.equal(await page.locator('#filter-status').textContent(), `Showing ${demo.report.findings.length} of ${demo.report.findings.length} findings`);
    assert.equal(await drawn(page).count(), demo.report.findings.length);
    assert.equal(await page.locator('.list-more').isVisible(), false, 'nothing more to show');
    const shot = join(dir, 'demo.png');
    await page.screenshot({ path: shot, fullPage: false });
    assert.ok(statSync(shot).size > 30_000, `a real picture, not a blank page: ${statSync(shot).size} bytes`);
    await page.context().close();
  });

  test('the script draws exactly the markup written for readers without JavaScript', async () => {
    for (const run of [demo, await reportFile('hostile-tree', HOSTILE)]) {
      const withoutScript = await open(run.url, { javaScriptEnabled: false });
      const withScript = await open(run.url);
      const expected = await listsTree(withoutScript.page);
      assert.ok(JSON.stringify(expected).length > 2_000);
      assert.deepEqual(await listsTree(withScript.page), expected);
      // And again after the filters were used and reset.
      await withScript.page.locator('#filter-text').fill('zzz');
      await withScript.page.locator('button[type="reset"]').click();
      for (let i = 0; i < 50 && (await drawn(withScript.page).count()) !== run.report.findings.length; i++) await withScript.page.waitForTimeout(20);
      assert.deepEqual(await listsTree(withScript.page), expected);
      assert.deepEqual(withScript.problems, []);
      await withoutScript.page.context().close();
      await withScript.page.context().close();
    }
  });

  test('the policy is enforced: a script the page did not ship is refused, and no string becomes markup', async () => {
    const { page, problems } = await open(demo.url);
    const ran = await page.evaluate(
      "(() => { try { const s = document.createElement('script'); s.textContent = 'window.injected = true'; document.body.append(s); } catch (e) { return 'refused: ' + e.name; } return window.injected === true; })()",
    );
    assert.equal(ran, 'refused: TypeError', 'Trusted Types refuse the script text itself');
    const markup = await page.evaluate(
      "(() => { try { document.body.insertAdjacentHTML('beforeend', '<img src=x>'); return 'inserted'; } catch (e) { return 'refused: ' + e.name; } })()",
    );
    assert.equal(markup, 'refused: TypeError');
    assert.equal(await page.locator('img').count(), 0);
    await page.waitForTimeout(50);
    assert.ok(problems.some((p) => p.includes('require-trusted-types-for')), problems.join('\n'));
    await page.context().close();
  });

  test('filters: severity, rule, search by group id, reset', async () => {
    const { page, problems } = await open(demo.url);
    const { findings, summary } = demo.report;
    assert.equal(await drawn(page).count(), findings.length);

    await page.locator('input[name="severity"][value="info"]').uncheck();
    assert.equal(await drawn(page).count(), findings.length - summary.bySeverity.info);
    assert.equal(await page.locator('article.finding[data-severity="info"]').count(), 0);
    assert.equal(await page.locator('#filter-status').textContent(), `Showing ${findings.length - summary.bySeverity.info} of ${findings.length} findings`);
    await page.locator('input[name="severity"][value="info"]').check();

    await page.locator('#filter-rule').selectOption('ssh-open-to-internet');
    const ssh = findings.filter((f) => f.ruleId === 'ssh-open-to-internet').length;
    assert.equal(await drawn(page).count(), ssh);
    assert.equal(await page.locator('article.finding:not([data-rule="ssh-open-to-internet"])').count(), 0);
    await page.locator('#filter-rule').selectOption('');

    // A group whose id no other finding mentions: searching it leaves that group alone.
    const target = findings.find(
      (f) => f.resource.type === 'security-group' && findings.every((g) => g.resource.id === f.resource.id || !`${g.resource.name} ${g.message}`.includes(f.resource.id)),
    );
    assert.ok(target);
    await page.locator('#filter-text').fill(target.resource.id.toUpperCase());
    const shown = await page.locator('section.resource').evaluateAll((els) => els.map((e) => e.getAttribute('data-resource')));
    assert.deepEqual(shown, [target.resource.id]);
    assert.equal(await drawn(page).count(), findings.filter((f) => f.resource.id === target.resource.id).length);

    await page.locator('#filter-text').fill('no such thing anywhere');
    assert.equal(await drawn(page).count(), 0);
    assert.equal(await page.locator('#no-match').isVisible(), true);

    await page.locator('button[type="reset"]').click();
    // The reset event fires before the form's fields are reset; the page re-filters just after.
    for (let i = 0; i < 50 && (await drawn(page).count()) !== findings.length; i++) await page.waitForTimeout(20);
    assert.equal(await drawn(page).count(), findings.length);
    assert.equal(await page.locator('#filter-text').inputValue(), '');
    assert.equal(await page.locator('#no-match').isVisible(), false);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  test('a baseline: the new findings first with their fix, the unchanged folded with counts, the fixed listed; suppressed and new-only filters', async () => {
    const first = join(dir, 'first.json');
    await runMain([...DEMO, '--format', `json=${first}`, '--quiet']);
    const earlier = JSON.parse(readFileSync(first, 'utf8')) as AuditReport;
    const baseline = join(dir, 'baseline.json');
    const fixed = { ...(earlier.findings[5] as AuditReport['findings'][number]), fingerprint: 'f'.repeat(32), message: 'a finding fixed since' };
    writeFileSync(baseline, JSON.stringify({ ...earlier, findings: [...earlier.findings.slice(3), fixed] }));
    const config = join(dir, 'sg-audit.yml');
    writeFileSync(config, 'suppressions:\n  - rule: unrestricted-egress\n    resource: "*"\n    reason: egress goes through the proxy\n    owner: netops\n');
    const run = await reportFile('suppressed', [...DEMO, '--config', config, '--baseline', baseline]);
    const { page, requests, problems } = await open(run.url);
    assert.deepEqual(requests, [run.url]);
    const total = run.report.findings.length;
    const suppressed = run.report.findings.filter((f) => f.suppressed).length;
    const fresh = run.report.findings.filter((f) => f.baseline === 'new');
    assert.ok(suppressed > 0 && fresh.length === 3);

    // New first: what a reader sees on opening are the three new findings, each with its command.
    const visibleArticles = page.locator('article.finding:visible');
    assert.equal(await visibleArticles.count(), 3, 'only the new findings are open');
    assert.deepEqual(await visibleArticles.evaluateAll((els) => els.map((e) => e.getAttribute('data-baseline'))), ['new', 'new', 'new']);
    const commands = await page.locator('#new-findings .command code').allTextContents();
    assert.deepEqual(commands.sort(), fresh.flatMap((f) => (f.remediationCommand ? [f.remediationCommand] : [])).sort());
    // The rest folded, with its counts; opened, it holds every unchanged finding.
    const fold = page.locator('#unchanged-findings');
    assert.equal(await fold.getAttribute('open'), null);
    assert.match((await fold.locator(':scope > summary').textContent()) ?? '', new RegExp(`^Unchanged since the baseline \\(${total - 3} findings on \\d+ resources: \\d+ critical · `));
    assert.equal(await drawn(page).count(), total, 'every finding is drawn, the unchanged inside the fold');
    await fold.locator(':scope > summary').click();
    assert.equal(await visibleArticles.count(), total);
    // Fixed findings listed.
    assert.match((await page.locator('#fixed').textContent()) ?? '', /a finding fixed since/);
    assert.equal(await page.locator('#fixed tbody tr').count(), 1);

    assert.equal(await page.locator('article.finding[data-suppressed="true"] .suppression').first().textContent(), 'Suppressed: egress goes through the proxy (owner netops · suppressions[0])');
    await page.locator('#filter-suppressed').uncheck();
    assert.equal(await drawn(page).count(), total - suppressed);
    assert.equal(await page.locator('article.finding[data-suppressed="true"]').count(), 0);
    assert.match((await fold.locator(':scope > summary').textContent()) ?? '', new RegExp(`, ${total - 3 - suppressed} matching the filters\\)`));
    await page.locator('#filter-suppressed').check();
    assert.equal(await drawn(page).count(), total);

    await page.locator('#filter-new').check();
    assert.equal(await drawn(page).count(), 3);
    assert.equal(await page.locator('article.finding .flag-new').count(), 3);
    assert.equal(await page.locator('#unchanged-findings article.finding').count(), 0);
    assert.deepEqual(problems, []);
    for (const scheme of ['light', 'dark'] as const) {
      const shot = join(dir, `baseline-${scheme}.png`);
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: shot });
      assert.ok(statSync(shot).size > 30_000);
    }
    await page.context().close();
  });

  test('without JavaScript every finding of a small report is shown, and the filters, which could not work, are not', async () => {
    const { page, problems } = await open(demo.url, { javaScriptEnabled: false });
    assert.equal(await page.locator('article.finding:visible').count(), demo.report.findings.length);
    assert.equal(await page.locator('#filters').isVisible(), false);
    assert.equal(await page.locator('button.copy:visible').count(), 0);
    assert.equal(await page.locator('.list-more').isVisible(), false);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  test('dark mode: the page follows the system scheme', async () => {
    const colours: unknown[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page } = await open(demo.url, { colorScheme });
      colours.push(await page.evaluate("getComputedStyle(document.body).backgroundColor + ' ' + getComputedStyle(document.querySelector('.resource')).backgroundColor"));
      await page.context().close();
    }
    assert.deepEqual(colours, ['rgb(246, 247, 249) rgb(255, 255, 255)', 'rgb(13, 17, 23) rgb(22, 27, 34)']);
  });

  test('hostile names: no dialog, no element made of them, shown as text', async () => {
    const hostile = await reportFile('hostile', HOSTILE);
    const { page, requests, problems, dialogs } = await open(hostile.url);
    // Give anything that would fire (onerror of an injected image) the time to.
    await page.waitForTimeout(200);
    await page.locator('#filter-text').fill('pipe');
    await page.locator('#filter-text').fill('');
    for (const details of await page.locator('details').all()) await details.evaluate((d) => d.setAttribute('open', ''));
    await page.waitForTimeout(100);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(requests, [hostile.url]);
    assert.deepEqual(problems, []);
    assert.equal(await page.locator('img, iframe, object, embed').count(), 0);
    assert.equal(await page.locator('script').count(), 2, 'the page script and its data block, nothing more');
    const hrefs = await page.locator('a[href]').evaluateAll((els) => els.map((e) => e.getAttribute('href') ?? ''));
    assert.ok(hrefs.every((href) => /^#[\w-]+$/.test(href)), hrefs.join(' '));
    const names = await page.locator('.resource-name').allTextContents();
    assert.ok(names.includes('| pipe | **bold** [click](javascript:alert(1)) <img src=x onerror=alert(1)> `code` _em_ # head @octocat https://evil.example.com www.evil.example'), names.join('\n'));
    assert.ok(names.some((n) => n.startsWith('evil\\x1b[31m RED ') && n.endsWith('\\u{202e}evil-rtl')), names.join('\n'));
    await page.context().close();
  });
});
