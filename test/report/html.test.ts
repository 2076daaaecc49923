// The HTML report, read as text: goldens, one self-contained file whose policy allows only its
// own style and script, well-formed markup, and hostile strings only ever escaped. The browser
// test (html-browser.test.ts) checks the same file in Chromium.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Chalk } from 'chalk';
import type { RenderContext } from '../../src/report/formats.js';
import { renderHtml } from '../../src/report/render-html.js';
import type { AuditReport, ReportFinding } from '../../src/report/types.js';
import { REPO_ROOT, runMain } from '../helpers/cli.js';
import { assertGolden } from '../helpers/golden.js';

const DEMO = ['--input', 'examples/demo-account'] as const;
const HOSTILE = ['--input', 'test/fixtures/hostile'] as const;

const ctx: RenderContext = { chalk: new Chalk({ level: 0 }), width: 120, outcomes: [], cwd: REPO_ROOT };

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

/** The text of the one element `tag` (style or script). */
function only(page: string, tag: 'style' | 'script'): string {
  const all = [...page.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))];
  assert.equal(all.length, 1, `one <${tag}>`);
  return (all[0] as RegExpMatchArray)[1] as string;
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
 * `<` outside the style and script is one of our tags, since any text of the report is escaped.
 */
function assertWellFormed(page: string): void {
  assert.ok(page.startsWith('<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'), 'doctype, then charset first');
  const body = page.replace(/<(style|script)>[\s\S]*?<\/\1>/g, '<$1></$1>').slice('<!doctype html>'.length);
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
  assert.equal((page.match(/<script/gi) ?? []).length, 1, 'one script element');
  for (const [, attr, value] of page.matchAll(/\s(src|href|action|srcset|poster|formaction|xlink:href)="([^"]*)"/g)) {
    assert.match(value as string, /^(#[\w-]+|data:,)$/, `${attr}="${value}" refers to the page itself, nothing to load`);
  }
  assert.doesNotMatch(only(page, 'style'), /url\(|@import|@font-face/, 'the style loads nothing');
  assert.doesNotMatch(page, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/);
}

describe('html report', () => {
  test('golden: demo account', async () => {
    const page = await html(DEMO);
    assertWellFormed(page);
    assertSelfContained(page);
    assertGolden('html/demo-account.html', page);
  });

  test('golden: hostile strings', async () => {
    const page = await html(HOSTILE);
    assertWellFormed(page);
    assertGolden('html/hostile.html', page);
  });

  test('hostile fixture: the names appear only escaped; the script holds no report data', async () => {
    const page = await html(HOSTILE);
    // The fixture's group name with markup, as text, in the heading and in the filter attribute.
    const name = '| pipe | **bold** [click](javascript:alert(1)) &lt;img src=x onerror=alert(1)&gt; `code` _em_ # head @octocat https://evil.example.com www.evil.example';
    assert.ok(page.includes(`<span class="resource-name">${name}</span>`));
    assert.ok(page.includes(`data-search="sg-0badc0ffee0000003 ${name} RDP`));
    assert.doesNotMatch(page, /<img|<a [^>]*javascript|onerror=alert\(1\)>/i);
    assert.ok(page.includes('evil\\x1b[31m RED'), 'the escape sequence is shown, not obeyed');
    assert.ok(page.includes('\\u{202e}evil-rtl'), 'the RTL override is shown as an escape');
    const demo = await html(DEMO);
    assert.equal(only(page, 'script'), only(demo, 'script'), 'the same script for every report');
  });

  test('hostile text in every field: content and attributes stay escaped', async () => {
    const report = await jsonReport(HOSTILE);
    const evil = `"'><script>alert(1)</script><img src=x onerror=alert(2)>&amp; https://evil.example/x`;
    const findings = report.findings.map((f, i) => ({
      ...f,
      ruleId: i === 0 ? `${f.ruleId}${evil}` : f.ruleId,
      message: `${f.message}${evil}`,
      remediationCommand: `${f.remediationCommand ?? ''}${evil}`,
      evidence: { ...f.evidence, note: evil, permissions: [{ direction: 'ingress', protocol: 'tcp', ports: evil, source: evil, description: evil, ruleId: evil }] },
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
    const page = renderHtml(hostile, ctx);
    assertWellFormed(page);
    assertSelfContained(page);
    assert.ok(page.includes('&quot;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&amp;amp;'));
  });

  test('one finding element per finding, with the data the filters read', async () => {
    const report = await jsonReport(DEMO);
    const page = await html(DEMO);
    const articles = [...page.matchAll(/<article class="finding sev-(\w+)[^"]*" data-severity="(\w+)" data-rule="([^"]+)" data-suppressed="(true|false)"/g)];
    assert.equal(articles.length, report.findings.length);
    for (const [, cls, severity] of articles) assert.equal(cls, severity);
    const bySeverity = Object.fromEntries(['critical', 'high', 'medium', 'low', 'info'].map((s) => [s, articles.filter((a) => a[2] === s).length]));
    assert.deepEqual(bySeverity, report.summary.bySeverity);
    // One section per resource: security groups, an ACL and VPCs.
    const resources = new Set(report.findings.map((f) => `${f.resource.type}/${f.resource.region}/${f.resource.id}`));
    assert.equal((page.match(/<section class="resource /g) ?? []).length, resources.size);
    assert.ok(page.includes('<span class="resource-kind">Network ACL</span>'));
    assert.ok(page.includes('<span class="resource-kind">VPC</span>'));
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

  test('without JavaScript everything is shown: the filters and copy buttons start hidden, nothing else does', async () => {
    const page = await html(DEMO);
    const hidden = [...page.matchAll(/<(\w+)[^>]*\shidden[\s>][^>]*/g)].map((m) => m[0]);
    assert.ok(hidden.length > 0);
    for (const tag of hidden) assert.match(tag, /^<form id="filters"|^<button type="button" class="copy"|^<p id="no-match"/, tag);
  });

  test('--baseline and suppressions: badges, the new-only filter, the reason, fixed findings', async () => {
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
    assert.ok(page.includes('<input type="checkbox" id="filter-new"> New only <span class="n">1</span>'));
    assert.equal((page.match(/<span class="badge flag-new">New<\/span>/g) ?? []).length, 1);
    assert.ok(page.includes('<strong>Suppressed:</strong> kept for &lt;DR&gt; <span class="muted">(owner <strong>ops</strong> · expires <strong>2026-06-30</strong> · <code>suppressions[0]</code>)</span>'));
    assert.match(page, /data-count="baseline-new">1<.*data-count="baseline-unchanged">78<.*data-count="baseline-fixed">1</s);
    assert.ok(page.includes('<h3 class="fixed-title">Fixed since the baseline (1)</h3>'));
    assert.ok(page.includes('<section id="suppressions"'));
  });

  test('deterministic: the same report renders the same page', async () => {
    const report = await jsonReport(HOSTILE);
    assert.equal(renderHtml(report, ctx), renderHtml(structuredClone(report), ctx));
  });
});
