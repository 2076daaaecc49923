// The HTML report, read as text: goldens, one self-contained file whose policy allows only its
// own style and script, well-formed markup, hostile strings only ever escaped, the findings' data
// packed whole into the page and the first page of each list drawn from it. The browser tests
// (html-browser.test.ts, html-large.test.ts) check the same files in Chromium.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Chalk } from 'chalk';
import type { RenderContext } from '../../src/report/formats.js';
import { firstPage, LIST_MAX, PAGE_FINDINGS, pageData, unpackPageData, type PageData } from '../../src/report/html-data.js';
import { FIXED_MAX, renderHtml } from '../../src/report/render-html.js';
import type { AuditReport, ReportFinding } from '../../src/report/types.js';
import { REPO_ROOT, runMain } from '../helpers/cli.js';
import { assertGolden } from '../helpers/golden.js';

const DEMO = ['--input', 'examples/demo-account'] as const;
const HOSTILE = ['--input', 'test/fixtures/hostile'] as const;

const ctx: RenderContext = { chalk: new Chalk({ level: 0 }), width: 120, outcomes: [], cwd: REPO_ROOT };

const render = (report: AuditReport) => [...renderHtml(report, ctx)].join('');

async function html(args: readonly string[]): Promise<string> {
  const { stdout, stderr } = await runMain([...args, '--format', 'html']);
  assert.equal(stderr, '');
  return stdout;
}

async function jsonReport(args: readonly string[]): Promise<AuditReport> {
  const { stdout } = await runMain([...args, '--format', 'json']);
  return JSON.parse(stdout) as AuditReport;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The text of the one executable script, or of the one style sheet. */
function only(page: string, tag: 'style' | 'script'): string {
  const all = [...page.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))];
  assert.equal(all.length, 1, `one <${tag}>`);
  return (all[0] as RegExpMatchArray)[1] as string;
}

const DATA_BLOCK = /<script type="application\/gzip" id="sg-audit-data">([A-Za-z0-9+/=]*)<\/script>\n/;

/** The findings' data the page carries (gzipped JSON in base64). */
function dataOf(page: string): PageData {
  const block = page.match(DATA_BLOCK);
  assert.ok(block, 'a data block of base64');
  return unpackPageData(block[1] as string);
}

/**
 * The page as its golden holds it: the data block's base64 (gzip's bytes may differ between zlib
 * builds) stands as a note, and the data itself goes to a golden of its own, a record a line.
 */
function goldens(name: string, page: string): void {
  const data = page.match(DATA_BLOCK) ? dataOf(page) : undefined;
  assertGolden(`html/${name}.html`, page.replace(DATA_BLOCK, '<script type="application/gzip" id="sg-audit-data">[packed: see the golden .data.json]</script>\n'));
  if (data) {
    const lines = (values: readonly unknown[]) => values.map((v) => `  ${JSON.stringify(v)}`).join(',\n');
    const text = [
      `{"strings": [\n${lines(data.strings)}\n],`,
      `"rules": [\n${lines(data.rules)}\n],`,
      `"marks": [\n${lines(data.marks)}\n],`,
      `"resources": [\n${lines(data.resources)}\n],`,
      `"lists": [\n${data.lists
        .map((l) => {
          const groups = l.groups.map((g) => `  [${g[0]}, [\n${g[1].map((f) => `    ${JSON.stringify(f)}`).join(',\n')}\n  ]]`);
          return `{"key": ${JSON.stringify(l.key)}, "findings": ${l.findings}, "groups": [\n${groups.join(',\n')}\n]}`;
        })
        .join(',\n')}\n]}\n`,
    ].join('\n');
    assertGolden(`html/${name}.data.json`, text);
  }
}

function csp(page: string): Map<string, string> {
  const meta = page.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/);
  assert.ok(meta, 'a Content-Security-Policy meta tag');
  return new Map(
    (meta[1] as string).split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name as string, values.join(' ')];
    }),
  );
}

const VOID = new Set(['meta', 'link', 'br', 'input', 'hr', 'img', 'wbr', 'col', 'source']);

/**
 * The markup is well formed: every element closed in order, and nothing but our own tags. Every
 * `<` outside the style and scripts is one of our tags, since any text of the report is escaped.
 */
function assertWellFormed(page: string): void {
  assert.ok(page.startsWith('<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'), 'doctype, then charset first');
  const body = page.replace(/<(style|script)([^>]*)>[\s\S]*?<\/\1>/g, '<$1$2></$1>').slice('<!doctype html>'.length);
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([^\s>/]*)([^>]*)>/g)) {
    const [tag, closing, name = '', attrs = ''] = m;
    assert.match(name, /^[a-z][a-z0-9]*$/, `a tag: ${tag}`);
    assert.doesNotMatch(attrs, /[<"'=]\s*(on\w+|style)\s*=/i, `no handler or style attribute: ${tag}`);
    // Attributes: name="value" pairs, or bare booleans; values hold no quote or angle bracket.
    assert.match(attrs, /^(\s+[a-z-]+(="[^"<>]*")?)*$/, `attributes of ${tag}`);
    if (closing) assert.equal(stack.pop(), name, `</${name}> closes the element opened last`);
    else if (!VOID.has(name)) stack.push(name);
  }
  assert.deepEqual(stack, [], 'every element is closed');
  assert.equal(body.replace(/<[^>]*>/g, '').includes('>'), false, 'no stray >');
}

function assertSelfContained(page: string): void {
  const policy = csp(page);
  assert.equal(policy.get('default-src'), "'none'");
  assert.equal(policy.get('script-src'), sha256(only(page, 'script')), 'the policy allows exactly the inline script');
  assert.equal(policy.get('style-src'), sha256(only(page, 'style')), 'the policy allows exactly the inline style');
  assert.equal(policy.get('img-src'), 'data:');
  assert.equal(policy.get('require-trusted-types-for'), "'script'", 'no string may become markup');
  assert.equal(policy.get('trusted-types'), "'none'", 'and no policy may be made to allow one');
  const scripts = [...page.matchAll(/<script([^>]*)>/gi)].map((m) => m[1]);
  assert.deepEqual(
    scripts.filter((attrs) => attrs !== ''),
    page.match(DATA_BLOCK) ? [' type="application/gzip" id="sg-audit-data"'] : [],
    'one script that runs, and at most the data block, which never runs',
  );
  for (const [, attr, value] of page.matchAll(/\s(src|href|action|srcset|poster|formaction|xlink:href)="([^"]*)"/g)) {
    assert.match(value as string, /^(#[\w-]+|data:,)$/, `${attr}="${value}" refers to the page itself, nothing to load`);
  }
  assert.doesNotMatch(only(page, 'style'), /url\(|@import|@font-face/, 'the style loads nothing');
  assert.doesNotMatch(page, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/);
}

/** Every string anywhere in a value. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return (Array.isArray(value) ? value : [...Object.keys(value), ...Object.values(value)]).flatMap(stringsIn);
}

describe('html report', () => {
  test('golden: demo account', async () => {
    const page = await html(DEMO);
    assertWellFormed(page);
    assertSelfContained(page);
    goldens('demo-account', page);
  });

  test('golden: hostile strings', async () => {
    const page = await html(HOSTILE);
    assertWellFormed(page);
    goldens('hostile', page);
  });

  test('hostile fixture: the names appear only escaped, in the markup and in the data; the script is the same for every report', async () => {
    const page = await html(HOSTILE);
    // The fixture's group name with markup, as text, in the heading.
    const name = '| pipe | **bold** [click](javascript:alert(1)) <img src=x onerror=alert(1)> `code` _em_ # head @octocat https://evil.example.com www.evil.example';
    assert.ok(page.includes(`<span class="resource-name">${name.replaceAll('<', '&lt;').replaceAll('>', '&gt;')}</span>`));
    assert.doesNotMatch(page, /<img|<a [^>]*javascript|onerror=alert\(1\)>/i);
    assert.ok(page.includes('evil\\x1b[31m RED'), 'the escape sequence is shown, not obeyed');
    assert.ok(page.includes('\\u{202e}evil-rtl'), 'the RTL override is shown as an escape');
    // The data holds the same text, made visible the same way: no raw control character at all.
    const data = dataOf(page);
    const strings = stringsIn(data);
    assert.ok(strings.includes(name));
    assert.ok(strings.some((s) => s.startsWith('evil\\x1b[31m RED')));
    for (const s of strings) assert.doesNotMatch(s, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/, s);
    const demo = await html(DEMO);
    assert.equal(only(page, 'script'), only(demo, 'script'), 'the same script for every report: no report data in it');
  });

  test('hostile text in every field: content and attributes stay escaped, the data holds it visible', async () => {
    const report = await jsonReport(HOSTILE);
    const evil = `"'><script>alert(1)</script><img src=x onerror=alert(2)>&amp; https://evil.example/x \u001b[2J\u202e`;
    const findings = report.findings.map((f, i) => ({
      ...f,
      ruleId: i === 0 ? `${f.ruleId}${evil}` : f.ruleId,
      message: `${f.message}${evil}`,
      remediationCommand: `${f.remediationCommand ?? ''}${evil}`,
      evidence: { ...f.evidence, note: evil, [evil]: [evil], permissions: [{ direction: 'ingress', protocol: 'tcp', ports: evil, source: evil, description: evil, ruleId: evil }] },
      resource: { ...f.resource, id: `${f.resource.id}${evil}`, name: evil, region: evil, accountId: evil, vpcId: evil, arn: evil },
      ...(i === 1 ? { suppressed: { reason: evil, owner: evil, expires: evil, suppression: 0 } } : {}),
      ...(i === 2 ? { baseline: 'new' as const } : {}),
    })) as ReportFinding[];
    const hostile: AuditReport = {
      ...report,
      tool: { ...report.tool, version: evil },
      run: { ...report.run, accounts: [evil], regions: [evil], inputs: [evil], config: evil },
      findings,
      errors: [{ kind: 'rule', accountId: evil, region: evil, ruleId: evil, resourceId: evil, code: evil, message: evil, hint: evil }],
      skipped: report.skipped.map((s) => ({ ...s, region: evil, hint: `${s.hint} \`${evil}\`` })),
      warnings: [evil],
      suppressions: [{ index: 0, rule: evil, resource: evil, ports: [evil], source: evil, reason: evil, owner: evil, expires: evil, status: 'active', matched: 1 }],
      baseline: {
        file: evil,
        startedAt: evil,
        new: 1,
        unchanged: 3,
        fixed: 1,
        notRechecked: 0,
        fixedFindings: [{ ...(findings[0] as ReportFinding), ruleId: evil, message: evil }],
      },
    };
    const page = render(hostile);
    assertWellFormed(page);
    assertSelfContained(page);
    assert.ok(page.includes('&quot;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&amp;amp; https://evil.example/x \\x1b[2J\\u{202e}'));
    const strings = stringsIn(dataOf(page));
    assert.ok(strings.includes(`"'><script>alert(1)</script><img src=x onerror=alert(2)>&amp; https://evil.example/x \\x1b[2J\\u{202e}`), 'the data holds the text as text, made visible');
    for (const s of strings) assert.doesNotMatch(s, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/, s);
  });

  test('the data holds every finding once, in lists of resources most severe first', async () => {
    const report = await jsonReport(DEMO);
    const page = await html(DEMO);
    const data = dataOf(page);
    assert.deepEqual(data, JSON.parse(JSON.stringify(pageData(report))), 'the page carries exactly pageData(report)');
    assert.deepEqual(data.lists.map((l) => l.key), ['all']);
    const list = data.lists[0] as PageData['lists'][number];
    const records = list.groups.flatMap((g) => g[1]);
    assert.equal(records.length, report.findings.length);
    assert.equal(list.findings, report.findings.length);
    const bySeverity = Object.fromEntries(['critical', 'high', 'medium', 'low', 'info'].map((s, i) => [s, records.filter((f) => f[1] === i).length]));
    assert.deepEqual(bySeverity, report.summary.bySeverity);
    // One group per resource, the worst first.
    const resources = new Set(report.findings.map((f) => `${f.resource.type}/${f.resource.region}/${f.resource.id}`));
    assert.equal(list.groups.length, resources.size);
    const worst = list.groups.map((g) => Math.min(...g[1].map((f) => f[1])));
    assert.deepEqual(worst, [...worst].sort((a, b) => a - b));
    // What repeats is stored once: each rule's text, each resource, each string.
    assert.equal(new Set(data.rules.map((r) => r[0])).size, data.rules.length);
    assert.equal(data.resources.length, resources.size);
    assert.equal(new Set(data.strings).size, data.strings.length);
    // The demo fits on the first page: every finding is drawn in the markup too, one article each.
    const articles = [...page.matchAll(/<article class="finding sev-(\w+)[^"]*" data-severity="(\w+)" data-rule="([^"]+)" data-suppressed="(true|false)"/g)];
    assert.equal(articles.length, report.findings.length);
    for (const [, cls, severity] of articles) assert.equal(cls, severity);
    assert.equal((page.match(/<section class="resource /g) ?? []).length, resources.size);
    assert.ok(page.includes('<span class="resource-kind">Network ACL</span>'));
    assert.ok(page.includes('<span class="resource-kind">VPC</span>'));
  });

  test('the evidence shown: permissions in their table, attachments in the facts, long lists cut', () => {
    const finding = {
      ruleId: 'x',
      severity: 'low',
      title: 't',
      message: 'm',
      remediation: 'r',
      key: 'k',
      fingerprint: 'f',
      resource: { type: 'vpc', id: 'vpc-1', arn: 'arn', accountId: '1', region: 'r' },
      evidence: {
        permissions: [{ direction: 'ingress', protocol: 'tcp', ports: '22', source: '0.0.0.0/0', ruleId: 'sgr-1' }],
        attachments: { interfaces: 1, instances: [], publicIps: [] },
        uncovered: Array.from({ length: LIST_MAX + 5 }, (_, i) => `eni-${i}`),
      },
    } as unknown as ReportFinding;
    const report = { findings: [finding] } as unknown as AuditReport;
    const record = (pageData(report).lists[0]?.groups[0]?.[1][0]) as PageData['lists'][number]['groups'][number][1][number];
    assert.equal(record[6].length, 1, 'the permission, for its table');
    assert.deepEqual(record[7], { uncovered: [...Array.from({ length: LIST_MAX }, (_, i) => `eni-${i}`), '… and 5 more (the JSON report has them all)'] });
  });

  test('summary counts, run facts and the rules reference come from the report', async () => {
    const report = await jsonReport(DEMO);
    const page = await html(DEMO);
    const s = report.summary;
    for (const [key, value] of Object.entries({ ...s.bySeverity, suppressed: s.suppressed, errors: s.errors, skipped: s.skipped, findings: s.findings, failing: s.failing })) {
      assert.ok(page.includes(`data-count="${key}">${value}<`), `${key} = ${value}`);
    }
    assert.ok(page.includes('<span class="verdict verdict-fail" data-status="fail">FAIL</span>'));
    assert.ok(page.includes('<title>sg-audit FAIL: 79 findings · 123456789012 · 2026-01-02T03:04:05.000Z</title>'));
    for (const rule of report.rules) assert.ok(page.includes(`<tr id="rule-${rule.id}">`), rule.id);
    // A copyable command for each finding that has one.
    assert.equal((page.match(/<div class="command"><pre><code>/g) ?? []).length, report.findings.filter((f) => f.remediationCommand).length);
  });

  test('without JavaScript: the filters, copy and show-more buttons start hidden; nothing else of a small report does', async () => {
    const page = await html(DEMO);
    const hidden = [...page.matchAll(/<(\w+)[^>]*\shidden[\s>][^>]*/g)].map((m) => m[0]);
    assert.ok(hidden.length > 0);
    for (const tag of hidden) {
      assert.match(tag, /^<form id="filters"|^<button type="button" class="copy"|^<button type="button" class="show-more"|^<div class="list-more"|^<p id="no-match"/, tag);
    }
    assert.doesNotMatch(page, /<noscript>/, 'nothing is missing without JavaScript');
  });

  test('a large report: the first page of the most severe findings, whole resources, and how many more there are', async () => {
    const small = await jsonReport(DEMO);
    // 40 copies of the demo's findings on as many resources each.
    const findings = Array.from({ length: 40 }, (_, i) =>
      small.findings.map((f) => ({ ...f, resource: { ...f.resource, id: `${f.resource.id}-${i}` } })),
    ).flat();
    const report = { ...small, findings };
    const page = render(report);
    assertWellFormed(page);
    assertSelfContained(page);
    const data = dataOf(page);
    const list = data.lists[0] as PageData['lists'][number];
    const first = firstPage(list.groups);
    const shown = first.reduce((n, g) => n + g[1].length, 0);
    assert.ok(shown >= PAGE_FINDINGS && shown - (first.at(-1) as (typeof first)[number])[1].length < PAGE_FINDINGS, `whole resources until ${PAGE_FINDINGS} findings: ${shown}`);
    assert.equal((page.match(/<article class="finding /g) ?? []).length, shown);
    assert.equal((page.match(/<section class="resource /g) ?? []).length, first.length);
    const order = ['critical', 'high', 'medium', 'low', 'info'];
    const worst = [...page.matchAll(/<section class="resource worst-(\w+)"/g)].map((m) => order.indexOf(m[1] as string));
    assert.deepEqual(worst, [...worst].sort((a, b) => a - b), 'the most severe first');
    assert.equal(worst[0], 0);
    const more = findings.length - shown;
    assert.ok(
      page.includes(`<noscript><p class="more-note">Without JavaScript this page shows the ${shown} most severe of these ${findings.length.toLocaleString('en-US')} findings; the JSON report (<code>--format json</code>) has them all.</p></noscript>`),
    );
    assert.ok(page.includes(`<div class="list-more" data-list="0"><p class="more-note">The ${shown} most severe of ${findings.length.toLocaleString('en-US')} findings are shown. The other ${more.toLocaleString('en-US')} findings (on ${(list.groups.length - first.length).toLocaleString('en-US')} resources) are drawn by the page's script`));
  });

  test('written in pieces: the page is never one string, and its pieces join to the same page every time', async () => {
    const report = await jsonReport(HOSTILE);
    const pieces = [...renderHtml(report, ctx)];
    assert.ok(pieces.length > 3);
    assert.equal(pieces.join(''), render(structuredClone(report)), 'deterministic');
  });

  test('--baseline and suppressions: new findings first with their fix, the unchanged folded, the fixed listed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-audit-html-'));
    const first = join(dir, 'first.json');
    await runMain([...DEMO, '--format', `json=${first}`]);
    const earlier = JSON.parse(readFileSync(first, 'utf8')) as AuditReport;
    const [gone, ...kept] = earlier.findings.slice(1);
    assert.ok(gone);
    const baseline = join(dir, 'baseline.json');
    writeFileSync(baseline, JSON.stringify({ ...earlier, findings: [gone, ...kept, { ...gone, fingerprint: '0'.repeat(32) }] }));
    const config = join(dir, 'sg-audit.yml');
    writeFileSync(config, 'suppressions:\n  - rule: unused-sg\n    resource: "*"\n    reason: "kept for <DR>"\n    owner: ops\n    expires: "2026-06-30"\n');
    const page = await html([...DEMO, '--baseline', baseline, '--config', config]);
    assertWellFormed(page);
    assertSelfContained(page);
    goldens('demo-baseline', page.replaceAll(dir, '<tmp>'));
    const fresh = earlier.findings[0] as ReportFinding;
    assert.ok(page.includes('<input type="checkbox" id="filter-new"> New only <span class="n">1</span>'));
    // The order of the page: the new finding (with its command), then the unchanged ones folded, then the fixed.
    const at = (text: string) => {
      const i = page.indexOf(text);
      assert.ok(i >= 0, text);
      return i;
    };
    assert.ok(at('<section id="new-findings"') < at('data-baseline="new"'));
    assert.ok(at('data-baseline="new"') < at('<details id="unchanged-findings" class="list-section fold">'));
    assert.ok(at('<details id="unchanged-findings"') < page.indexOf('data-baseline="unchanged"'));
    assert.ok(at('<details id="unchanged-findings"') < at('<section id="fixed"'));
    const newArticle = page.slice(at('data-baseline="new"'), page.indexOf('</article>', at('data-baseline="new"')));
    assert.ok(newArticle.includes(`<div class="command"><pre><code>${fresh.remediationCommand}</code></pre>`), 'the new finding comes with its fix');
    assert.equal((page.match(/<span class="badge flag-new">New<\/span>/g) ?? []).length, 2, 'the finding and its section');
    assert.match(page, /<summary><h3 class="list-title">Unchanged since the baseline <span class="muted">\(78 findings on 44 resources: 6 critical · 13 high · 24 medium · 18 low · 17 info/);
    assert.ok(page.includes('<strong>Suppressed:</strong> kept for &lt;DR&gt; <span class="muted">(owner <strong>ops</strong> · expires <strong>2026-06-30</strong> · <code>suppressions[0]</code>)</span>'));
    assert.match(page, /data-count="baseline-new">1<.*data-count="baseline-unchanged">78<.*data-count="baseline-fixed">1</s);
    assert.ok(page.includes('<h2 id="fixed-title">Fixed since the baseline <span class="muted">(1 finding)</span></h2>'));
    assert.ok(page.includes('<section id="suppressions"'));
    const data = dataOf(page);
    assert.deepEqual(data.lists.map((l) => [l.key, l.findings]), [['new', 1], ['unchanged', 78]]);
  });

  test('the fixed findings are listed up to FIXED_MAX, the rest counted', async () => {
    const report = await jsonReport(DEMO);
    const fixedFindings = Array.from({ length: FIXED_MAX + 3 }, (_, i) => ({ ...(report.findings[i % report.findings.length] as ReportFinding), message: `fixed #${i}` }));
    const page = render({ ...report, baseline: { file: 'b.json', new: 0, unchanged: report.findings.length, fixed: fixedFindings.length, notRechecked: 0, fixedFindings } });
    assert.ok(page.includes(`<td>fixed #${FIXED_MAX - 1}</td>`));
    assert.ok(!page.includes(`<td>fixed #${FIXED_MAX}</td>`));
    assert.ok(page.includes(`The first ${FIXED_MAX} are listed; the other 3 are in the JSON report`));
    assert.ok(page.includes('<p class="empty">No new finding since the baseline.</p>'));
  });
});
