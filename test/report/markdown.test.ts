// The Markdown report: goldens, the size cap GitHub puts on a comment, and hostile text that must
// not break a table, inject HTML or mention anyone. The clock is fixed by runMain.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Chalk } from 'chalk';
import type { RenderContext } from '../../src/report/formats.js';
import { MARKDOWN_BUDGET, renderMarkdown } from '../../src/report/render-markdown.js';
import type { AuditReport, ReportFinding } from '../../src/report/types.js';
import { REPO_ROOT, runMain } from '../helpers/cli.js';
import { assertGolden } from '../helpers/golden.js';

const DEMO = ['--input', 'examples/demo-account'] as const;
const HOSTILE = ['--input', 'test/fixtures/hostile'] as const;
/** GitHub refuses a comment (and truncates a job summary) over this many characters. */
const GITHUB_LIMIT = 65_536;

const ctx: RenderContext = { chalk: new Chalk({ level: 0 }), width: 120, outcomes: [], cwd: REPO_ROOT };

async function jsonReport(args: readonly string[]): Promise<AuditReport> {
  const { stdout } = await runMain([...args, '--format', 'json']);
  return JSON.parse(stdout) as AuditReport;
}

async function markdown(args: readonly string[]): Promise<string> {
  const { stdout, stderr } = await runMain([...args, '--format', 'markdown']);
  assert.equal(stderr, '');
  return stdout;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sg-audit-md-'));
}

/** `|` not escaped by a backslash (a run of backslashes of even length escapes nothing). */
function unescapedPipes(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== '|') continue;
    let slashes = 0;
    for (let j = i - 1; j >= 0 && line[j] === '\\'; j--) slashes++;
    if (slashes % 2 === 0) n++;
  }
  return n;
}

/** Each table (a run of lines starting with `|`) as its lines. */
function tables(md: string): string[][] {
  const found: string[][] = [];
  let current: string[] | undefined;
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) (current ??= []).push(line);
    else if (current) {
      found.push(current);
      current = undefined;
    }
  }
  if (current) found.push(current);
  return found;
}

/** Every structural check a Markdown report must pass, whatever the input. */
function assertWellFormed(md: string): void {
  for (const table of tables(md)) {
    const columns = unescapedPipes(table[0] as string);
    assert.ok(columns >= 2, `a table header: ${table[0]}`);
    for (const line of table) assert.equal(unescapedPipes(line), columns, `a row with a cell too many or too few:\n${line}`);
    assert.match(table[1] as string, /^\|( -{3}:? \|)+$/, 'the delimiter row follows the header');
  }
  // Our only HTML: line breaks in cells and the collapsible suppressed section.
  const tags = md.match(/<[^>\s]*/g) ?? [];
  for (const tag of tags) assert.ok(['<br', '<details', '</details', '<summary', '</summary'].includes(tag), `unexpected HTML: ${tag}`);
  assert.doesNotMatch(md, /<(script|img|a|iframe|svg)/i);
  assert.doesNotMatch(md, /@/, 'a raw @ would mention (notify) someone in a PR comment');
  assert.doesNotMatch(md, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/);
  assert.doesNotMatch(md, /\]\(/, 'no Markdown link');
  assert.ok(md.length < GITHUB_LIMIT);
}

describe('markdown report', () => {
  test('golden: demo account', async () => {
    const md = await markdown(DEMO);
    assertWellFormed(md);
    assertGolden('markdown/demo-account.md', md);
  });

  test('golden: hostile strings', async () => {
    const md = await markdown(HOSTILE);
    assertWellFormed(md);
    assertGolden('markdown/hostile.md', md);
  });

  test('the heading says the verdict in plain words', async () => {
    const report = await jsonReport(DEMO);
    assert.ok(report.summary.failing > 1);
    assert.ok(renderMarkdown(report, ctx).startsWith(`## sg-audit: FAIL\n\n${report.summary.failing} findings at or above **high** fail the run.`));
    const pass = { ...report, summary: { ...report.summary, status: 'pass' as const, failing: 0 } };
    assert.match(renderMarkdown(pass, ctx), /^## sg-audit: PASS\n/);
    const incomplete = { ...report, summary: { ...report.summary, status: 'incomplete' as const } };
    assert.match(renderMarkdown(incomplete, ctx), /^## sg-audit: INCOMPLETE\n/);
  });

  test('the summary table has the counts of the JSON report', async () => {
    const report = await jsonReport(DEMO);
    const md = renderMarkdown(report, ctx);
    const s = report.summary;
    const counts = [s.bySeverity.critical, s.bySeverity.high, s.bySeverity.medium, s.bySeverity.low, s.bySeverity.info, s.suppressed, s.errors, s.skipped];
    assert.ok(md.includes(`| Critical | High | Medium | Low | Info | Suppressed | Errors | Not evaluated |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n| ${counts.join(' | ')} |`));
    // One row per finding, under the heading of its severity.
    assert.equal(md.split('\n').filter((l) => /^\| \*\*[A-Z]+\*\* \|/.test(l)).length, report.findings.length);
    assert.ok(md.includes(`#### High (${s.bySeverity.high})\n`));
  });

  test('hostile text: rows keep their cells; no HTML, link, mention or control character gets through', async () => {
    const report = await jsonReport(HOSTILE);
    // Put a mention and more markup everywhere the account controls the text.
    const evil = ' @octocat <script>alert(1)</script> [x](https://evil.example) | \\| ` ![i](x) <!-- -->\r\n#x';
    const findings = report.findings.map((f, i) => ({
      ...f,
      message: `${f.message}${evil}`,
      resource: { ...f.resource, name: `${f.resource.name}${evil}`, region: i === 0 ? `us-east-1${evil}` : f.resource.region },
      ...(i === 1 ? { suppressed: { reason: `accepted${evil}`, owner: `@team${evil}`, expires: '2026-12-31', suppression: 0 } } : {}),
    })) as ReportFinding[];
    const hostile: AuditReport = {
      ...report,
      findings,
      errors: [{ kind: 'collection', accountId: '123456789012', region: 'us-east-1', operation: 'DescribeVpcs', code: `Denied${evil}`, message: `no${evil}` }],
      warnings: [`warned${evil}`],
    };
    const md = renderMarkdown(hostile, ctx);
    assertWellFormed(md);
    assert.ok(md.includes('&#64;octocat'), 'the mention is shown, as an entity');
    assert.ok(md.includes('&lt;script&gt;alert\\(1\\)&lt;/script&gt;'), 'the markup is shown, as text');
    assert.ok(md.includes('<details>'), 'the suppressed finding is in its section');
  });

  test('hostile fixture: the names are in the report, escaped', async () => {
    const md = await markdown(HOSTILE);
    assert.ok(md.includes('\\| pipe \\| \\*\\*bold\\*\\* \\[click\\]\\(javascript:alert\\(1\\)\\) &lt;img src=x onerror=alert\\(1\\)&gt;'));
    assert.ok(md.includes('evil\\\\x1b\\[31m RED'), 'the escape sequence is shown, not obeyed');
  });

  test('size cap: thousands of findings are cut to fit a PR comment, saying how many were left out', async () => {
    const report = await jsonReport(DEMO);
    const copies = 60;
    const findings = Array.from({ length: copies }, (_, copy) =>
      report.findings.map((f) => ({ ...f, resource: { ...f.resource, id: `${f.resource.id}-${copy}` } })),
    ).flat();
    // Findings are sorted by severity, as the engine sorts them.
    const order = ['critical', 'high', 'medium', 'low', 'info'];
    findings.sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity));
    const errors = Array.from({ length: 80 }, (_, i) => ({
      kind: 'rule' as const,
      accountId: '123456789012',
      region: 'us-east-1',
      ruleId: 'ssh-open-to-internet',
      resourceId: `sg-${i}`,
      code: 'RuleError',
      message: 'boom',
    }));
    const big: AuditReport = { ...report, findings, errors, summary: { ...report.summary, status: 'incomplete', errors: errors.length } };
    const md = renderMarkdown(big, ctx);
    assert.ok(md.length <= MARKDOWN_BUDGET, `${md.length} characters`);
    assert.ok(md.length > MARKDOWN_BUDGET - 2_000, `the budget is used, not wasted: ${md.length} characters`);
    assertWellFormed(md);
    const rows = md.split('\n').filter((l) => /^\| \*\*[A-Z]+\*\* \|/.test(l)).length;
    assert.ok(rows > 50 && rows < findings.length, `${rows} rows`);
    assert.ok(md.includes(`… and ${findings.length - rows} more findings (see the full report)`));
    // The first rows are the worst; errors are listed however many findings there are.
    assert.ok(md.includes(`#### Critical (${copies * report.summary.bySeverity.critical})\n`));
    assert.ok(md.includes('### Errors: the audit is incomplete (80)'));
    assert.ok(md.includes('- … and 30 more errors (see the full report)'));
    assert.match(md, /^## sg-audit: INCOMPLETE\n/);
  });

  test('size cap: suppressed and fixed findings are cut too, after the findings that count', async () => {
    const report = await jsonReport(DEMO);
    const many = Array.from({ length: 40 }, () => report.findings).flat();
    const findings = many.map((f) => ({ ...f, suppressed: { reason: 'accepted', suppression: 0 } }));
    const big: AuditReport = {
      ...report,
      findings,
      baseline: { file: 'old.json', new: 0, unchanged: 0, fixed: many.length, notRechecked: 0, fixedFindings: many },
    };
    const md = renderMarkdown(big, ctx);
    assert.ok(md.length <= MARKDOWN_BUDGET, `${md.length} characters`);
    assertWellFormed(md);
    assert.match(md, /… and \d+ more suppressed findings \(see the full report\)\n\n<\/details>/);
    assert.match(md, /… and \d+ more fixed findings \(see the full report\)/);
    assert.ok(md.includes('No unsuppressed findings.'));
  });

  test('deterministic: the same report renders the same text', async () => {
    const report = await jsonReport(DEMO);
    assert.equal(renderMarkdown(report, ctx), renderMarkdown(structuredClone(report), ctx));
  });

  test('--baseline: new / unchanged / fixed line, new findings marked, fixed ones listed', async () => {
    const dir = tempDir();
    const first = join(dir, 'first.json');
    const { code } = await runMain([...DEMO, '--format', `json=${first}`]);
    assert.equal(code, 1);
    const earlier = JSON.parse(readFileSync(first, 'utf8')) as AuditReport;
    const [gone, ...kept] = earlier.findings.slice(2);
    assert.ok(gone);
    // Two findings the baseline lacks are new; one it has that this run lacks is fixed.
    const fixed = { ...gone, fingerprint: 'f'.repeat(32), message: 'an old finding <b>@someone</b>' };
    const baselineFile = join(dir, 'baseline.json');
    writeFileSync(baselineFile, JSON.stringify({ ...earlier, findings: [gone, ...kept, fixed] }));
    const md = await markdown([...DEMO, '--baseline', baselineFile]);
    assertWellFormed(md);
    assert.match(md, /\*\*Baseline\*\* \(.*baseline\\?\.json.*, run `2026-01-02T03:04:05\.000Z`\): \*\*2 new\*\* · 77 unchanged · 1 fixed\n/);
    assert.equal((md.match(/\| \*\*new\*\* · /g) ?? []).length, 2);
    assert.ok(md.includes('### Fixed since the baseline (1)'));
    assert.ok(md.includes('an old finding &lt;b&gt;&#64;someone&lt;/b&gt;'));
  });

  test('suppressed findings: a collapsible section with the reason, owner and expiry', async () => {
    const dir = tempDir();
    const config = join(dir, 'sg-audit.yml');
    writeFileSync(
      config,
      'suppressions:\n  - rule: unrestricted-egress\n    resource: "*"\n    reason: "egress goes through the proxy | <b>@netops</b>"\n    owner: "@netops"\n    expires: "2026-12-31"\n',
    );
    const md = await markdown([...DEMO, '--config', config]);
    assertWellFormed(md);
    const section = md.slice(md.indexOf('<details>'), md.indexOf('</details>'));
    assert.match(section, /^<details>\n<summary>Suppressed findings \(17\): accepted in the config, they do not fail the run<\/summary>\n\n\| Severity \| Rule \| Resource \| Region \| Finding \| Reason \|/);
    assert.equal((section.match(/^\| \*\*INFO\*\* \| `unrestricted-egress`/gm) ?? []).length, 17);
    assert.ok(section.includes('egress goes through the proxy \\| &lt;b&gt;&#64;netops&lt;/b&gt;<br>owner: &#64;netops · expires 2026\\-12\\-31 · suppressions[0]'));
    assert.doesNotMatch(md.slice(0, md.indexOf('<details>')), /unrestricted-egress/, 'suppressed findings are not in the main tables');
  });
});
