// The Markdown report: goldens, the size cap GitHub puts on a comment, what a baseline puts first,
// and hostile text that must not break a table, inject HTML or mention anyone — checked on the
// text and on the HTML a GFM renderer makes of it (test/helpers/gfm.ts), as a PR comment shows it.
// The clock is fixed by runMain.
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
import { htmlShape, renderGfm } from '../helpers/gfm.js';
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

/** The text outside fenced code blocks (a command in one may hold `<`, `@` and anything else). */
function outsideCodeBlocks(md: string): string {
  return md.replace(/^( *)(`{3,})sh\n[^\n]*\n\1\2$/gm, '');
}

/** HTML elements a report may make: Markdown's own, and the <br>, <details> and <summary> it writes. */
const ELEMENTS = new Set(['h2', 'h3', 'h4', 'p', 'strong', 'code', 'pre', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'br', 'details', 'summary', 'ul', 'li']);

/** Every structural check a Markdown report must pass, whatever the input: on the text, and as GitHub would render it. */
function assertWellFormed(md: string): void {
  const text = outsideCodeBlocks(md);
  for (const table of tables(text)) {
    const columns = unescapedPipes(table[0] as string);
    assert.ok(columns >= 2, `a table header: ${table[0]}`);
    for (const line of table) assert.equal(unescapedPipes(line), columns, `a row with a cell too many or too few:\n${line}`);
    assert.match(table[1] as string, /^\|( -{3}:? \|)+$/, 'the delimiter row follows the header');
  }
  // Our only HTML: line breaks in cells and the collapsible sections.
  const tags = text.match(/<[^>\s]*/g) ?? [];
  for (const tag of tags) assert.ok(['<br', '<details', '</details', '<summary', '</summary'].includes(tag), `unexpected HTML: ${tag}`);
  assert.doesNotMatch(text, /<(script|img|a|iframe|svg)/i);
  assert.doesNotMatch(text, /@/, 'a raw @ would mention (notify) someone in a PR comment');
  assert.doesNotMatch(md, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/);
  assert.doesNotMatch(text, /\]\(/, 'no Markdown link');
  assert.ok(md.length <= MARKDOWN_BUDGET && MARKDOWN_BUDGET < GITHUB_LIMIT, `${md.length} characters`);

  const shape = htmlShape(renderGfm(md));
  for (const element of shape.elements) assert.ok(ELEMENTS.has(element), `an element a report does not make: <${element}>`);
  assert.deepEqual(shape.impliedCloses, [], 'every element is closed where the Markdown closes it');
  assert.equal(shape.unbalancedDetails, 0, 'every <details> is closed');
  assert.equal(shape.detailsWithSummary, shape.details, 'every <details> opens with its <summary>');
  for (const cells of shape.tables) assert.ok(cells.every((n) => n === cells[0]), `a table row with a cell too many or too few: ${cells.join(',')}`);
  // GitHub mentions @user and links #123 in the rendered text, however escaped; a zero-width space after the sign stops it.
  assert.doesNotMatch(shape.prose, /@(?!\u200b)/, 'no mention outside code');
  assert.doesNotMatch(shape.prose, /#(?!\u200b)\d/, 'no issue reference outside code');
  assert.doesNotMatch(shape.prose, /https?:\/\/|www\./i, 'no text GitHub would make a link of');
}

/** The findings as rows of a table or items of the New list, in the order shown. */
function shownRows(md: string): string[] {
  return md.split('\n').filter((l) => /^(\| |- )\*\*[A-Z]+\*\* /.test(l));
}

/** A report of `copies` copies of the demo account's findings, each copy with its own ids and fingerprints. */
function copiesOf(report: AuditReport, copies: number): ReportFinding[] {
  const findings = Array.from({ length: copies }, (_, copy) =>
    report.findings.map((f) => ({ ...f, fingerprint: `${f.fingerprint}-${copy}`, resource: { ...f.resource, id: `${f.resource.id}-${copy}` } })),
  ).flat();
  // Sorted by severity, as the engine sorts them.
  const order = ['critical', 'high', 'medium', 'low', 'info'];
  return findings.sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity));
}

function countBySeverity(findings: readonly ReportFinding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return counts;
}

/** The demo account, its JSON report as a baseline less two findings: two are new, 77 unchanged. */
async function demoWithTwoNew(): Promise<{ md: string; report: AuditReport; fresh: ReportFinding[] }> {
  const dir = tempDir();
  const first = join(dir, 'first.json');
  await runMain([...DEMO, '--format', `json=${first}`]);
  const earlier = JSON.parse(readFileSync(first, 'utf8')) as AuditReport;
  // One critical with a remediation command, one high.
  const critical = earlier.findings.findIndex((f) => f.severity === 'critical' && f.remediationCommand !== undefined);
  const high = earlier.findings.findIndex((f) => f.severity === 'high');
  const baselineFile = join(dir, 'baseline.json');
  writeFileSync(baselineFile, JSON.stringify({ ...earlier, findings: earlier.findings.filter((_, i) => i !== critical && i !== high) }));
  const md = await markdown([...DEMO, '--baseline', baselineFile]);
  const report = await jsonReport([...DEMO, '--baseline', baselineFile]);
  return { md, report, fresh: report.findings.filter((f) => f.baseline === 'new') };
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
    assert.ok(md.includes('&#64;&#8203;octocat'), 'the mention is shown, as an entity');
    assert.ok(md.includes('&lt;script&gt;alert\\(1\\)&lt;/script&gt;'), 'the markup is shown, as text');
    assert.ok(md.includes('<details>'), 'the suppressed finding is in its section');
  });

  test('hostile fixture: the names are in the report, escaped', async () => {
    const md = await markdown(HOSTILE);
    assert.ok(md.includes('\\| pipe \\| \\*\\*bold\\*\\* \\[click\\]\\(javascript:alert\\(1\\)\\) &lt;img src=x onerror=alert\\(1\\)&gt;'));
    assert.ok(md.includes('evil\\\\x1b\\[31m RED'), 'the escape sequence is shown, not obeyed');
  });

  test('size cap: thousands of findings are cut to fit a PR comment, whole rows, saying how many were left out and where', async () => {
    const report = await jsonReport(DEMO);
    const copies = 60;
    const findings = copiesOf(report, copies);
    const errors = Array.from({ length: 80 }, (_, i) => ({
      kind: 'rule' as const,
      accountId: '123456789012',
      region: 'us-east-1',
      ruleId: 'ssh-open-to-internet',
      resourceId: `sg-${i}`,
      code: 'RuleError',
      // Each its own cause: errors of one cause would be one line.
      message: `boom ${'x'.repeat(i)}`,
    }));
    const big: AuditReport = { ...report, findings, errors, summary: { ...report.summary, status: 'incomplete', errors: errors.length } };
    const md = renderMarkdown(big, ctx);
    assert.ok(md.length > MARKDOWN_BUDGET - 2_000, `the budget is used, not wasted: ${md.length} characters`);
    assertWellFormed(md);
    const rows = shownRows(md).length;
    assert.ok(rows > 50 && rows < findings.length, `${rows} rows`);
    // The rows shown are the first ones, most severe first; the line says what the rest are.
    const left = countBySeverity(findings.slice(rows));
    const bySeverity = ['critical', 'high', 'medium', 'low', 'info'].filter((s) => left[s]).map((s) => `${left[s]} ${s}`);
    assert.ok(md.includes(`… and ${findings.length - rows} more findings not shown here (${bySeverity.join(', ')}): the JSON and HTML reports list them all`));
    assert.ok(md.includes(`#### Critical (${copies * report.summary.bySeverity.critical})\n`));
    // The whole list in brief, by rule, above the rows.
    assert.ok(md.includes(`Too many findings for one comment: ${rows} are listed below, most severe first. All of them by rule:`));
    // Errors are listed however many findings there are.
    assert.ok(md.includes('### Errors: the audit is incomplete (80 causes, 80 errors)'));
    assert.ok(md.includes('- … and 30 more errors not shown here: the JSON and HTML reports list them all'));
    assert.match(md, /^## sg-audit: INCOMPLETE\n/);
  });

  test('35,000 findings: under the limit, most severe first, every row whole, readable', async () => {
    const report = await jsonReport(DEMO);
    const findings = copiesOf(report, 450);
    assert.ok(findings.length > 35_000);
    const md = renderMarkdown({ ...report, findings }, ctx);
    assertWellFormed(md);
    const rows = shownRows(md);
    assert.ok(rows.length > 30, `${rows.length} rows`);
    assert.ok(rows.every((r) => r.startsWith('| **CRITICAL** ')), 'the most severe first');
    // Each row shown is one finding's whole row: its resource id whole, as the finding has it.
    const ids = new Set(findings.map((f) => f.resource.id));
    for (const r of rows) {
      const id = /`((?:sg|eni|acl|vpc)-[0-9a-z-]+)`/.exec(r)?.[1];
      assert.ok(id !== undefined && ids.has(id), `a whole id in: ${r}`);
    }
    const brief = md.slice(md.indexOf('All of them by rule:'), md.indexOf('#### Critical'));
    const critical = findings.filter((f) => f.severity === 'critical').length;
    assert.ok(brief.includes('| `instance-exposed-to-internet` | Critical | '), 'the brief names every rule with findings');
    assert.equal(
      brief.split('\n').filter((l) => l.startsWith('| `')).reduce((n, l) => n + Number(l.split('|')[3]), 0),
      findings.length,
      'the brief counts every finding',
    );
    assert.ok(critical > rows.length);
  });

  test('a message is cut at a space: never an id, a port range or a CIDR in half', async () => {
    const report = await jsonReport(DEMO);
    const long = report.findings.filter((f) => f.message.length > 400);
    assert.ok(long.length >= 3, 'the demo account has long messages');
    const md = renderMarkdown(report, ctx);
    const prose = htmlShape(renderGfm(md)).prose;
    for (const f of long) {
      const start = prose.indexOf(f.message.slice(0, 60));
      assert.ok(start >= 0, `the message is shown: ${f.message.slice(0, 60)}`);
      const shown = prose.slice(start, prose.indexOf('…', start));
      assert.ok(f.message.startsWith(shown), `what is shown is the message's start: ${shown}`);
      assert.match(f.message.slice(shown.length), /^[,;:(]*\s/, `cut at a space: …${shown.slice(-30)}|${f.message.slice(shown.length, shown.length + 20)}`);
    }
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
    assertWellFormed(md);
    assert.match(md, /… and \d+ more suppressed findings not shown here \(.*\): the JSON and HTML reports list them all\n\n<\/details>/);
    assert.match(md, /… and \d+ more fixed findings not shown here \(.*\): the JSON and HTML reports list them all\n\n<\/details>/);
    assert.ok(md.includes('No new findings since the baseline.'));
  });

  test('deterministic: the same report renders the same text', async () => {
    const report = await jsonReport(DEMO);
    assert.equal(renderMarkdown(report, ctx), renderMarkdown(structuredClone(report), ctx));
  });

  test('--baseline, 79 findings and 2 new: the new ones first with their fix, the rest folded', async () => {
    const { md, fresh } = await demoWithTwoNew();
    assertWellFormed(md);
    assert.equal(fresh.length, 2);
    assert.match(md, /^## sg-audit: FAIL\n\n2 findings at or above \*\*high\*\* are new since the baseline and fail the run\.\n/);
    assert.match(md, /\*\*Baseline\*\* \(.*baseline\\?\.json.*, run `2026-01-02T03:04:05\.000Z`\): \*\*2 new\*\* · 77 unchanged · 0 fixed\n/);
    // The New section comes before anything folded, one item per new finding, most severe first.
    const newSection = md.slice(md.indexOf('### New since the baseline (2)'), md.indexOf('<details>'));
    assert.ok(md.indexOf('### New since the baseline (2)') > 0);
    const items = newSection.split('\n').filter((l) => l.startsWith('- '));
    assert.deepEqual(
      items.map((l) => /^- \*\*([A-Z]+)\*\* `([a-z-]+)`/.exec(l)?.slice(1, 3)),
      fresh.map((f) => [f.severity.toUpperCase(), f.ruleId]),
    );
    // Each with its fix: the exact command as a code block, or the rule's advice.
    const shape = htmlShape(renderGfm(newSection));
    const commands = fresh.flatMap((f) => (f.remediationCommand ? [f.remediationCommand] : []));
    assert.ok(commands.length >= 1);
    assert.deepEqual(shape.codeBlocks, commands.map((c) => `${c}\n`));
    for (const f of fresh) assert.ok(newSection.includes(`\`${f.resource.id}\``), `the id whole: ${f.resource.id}`);
    // The 77 unchanged findings are folded, as tables by severity.
    const folded = md.slice(md.indexOf('<details>'), md.indexOf('</details>'));
    assert.match(folded, /^<details>\n<summary>Unchanged since the baseline \(77\): accepted there, they do not fail the run<\/summary>\n\n#### /);
    assert.equal(shownRows(folded).length, 77);
    assert.equal(shownRows(md).length, 79, 'every finding once');
    assert.doesNotMatch(md, /\*\*new\*\* · /, 'no inline marker: the new ones have their own section');
    // Readable in a comment: well under the limit, and what is open is short.
    assert.ok(md.length < 30_000, `${md.length} characters`);
    assert.ok(md.indexOf('<details>') < 4_000, `the part shown unfolded: ${md.indexOf('<details>')} characters`);
  });

  test('--baseline: fixed findings folded, with hostile text from the baseline file escaped', async () => {
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
    assert.match(md, /\*\*2 new\*\* · 77 unchanged · 1 fixed\n/);
    assert.equal(shownRows(md.slice(md.indexOf('### New'), md.indexOf('<details>'))).length, 2);
    assert.ok(md.includes('<details>\n<summary>Fixed since the baseline (1): in the baseline, not found again</summary>'));
    assert.ok(md.includes('an old finding &lt;b&gt;&#64;&#8203;someone&lt;/b&gt;'));
  });

  test('--baseline, nothing new: says so, and folds the rest', async () => {
    const dir = tempDir();
    const first = join(dir, 'first.json');
    await runMain([...DEMO, '--format', `json=${first}`]);
    const md = await markdown([...DEMO, '--baseline', first]);
    assertWellFormed(md);
    assert.match(md, /No new finding at or above \*\*high\*\* since the baseline: the run passes\./);
    assert.ok(md.includes('\n\nNo new findings since the baseline.\n\n<details>\n<summary>Unchanged since the baseline (79)'));
  });

  test('--baseline, 35,000 new (an empty baseline): whole items, most severe first, the rest counted', async () => {
    const report = await jsonReport(DEMO);
    const findings = copiesOf(report, 450).map((f) => ({ ...f, baseline: 'new' as const }));
    const md = renderMarkdown(
      { ...report, findings, baseline: { file: 'empty.json', new: findings.length, unchanged: 0, fixed: 0, notRechecked: 0, fixedFindings: [] } },
      ctx,
    );
    assertWellFormed(md);
    const items = shownRows(md);
    assert.ok(items.length > 20, `${items.length} items`);
    assert.ok(items.every((l) => l.startsWith('- **CRITICAL** ')));
    // Every item shown is whole: its fix block closed (the HTML has one code block per item with a command).
    const shown = findings.slice(0, items.length);
    assert.equal(htmlShape(renderGfm(md)).codeBlocks.length, shown.filter((f) => f.remediationCommand).length);
    const left = countBySeverity(findings.slice(items.length));
    const bySeverity = ['critical', 'high', 'medium', 'low', 'info'].filter((s) => left[s]).map((s) => `${left[s]} ${s}`);
    assert.ok(md.includes(`… and ${findings.length - items.length} more new findings not shown here (${bySeverity.join(', ')}): the JSON and HTML reports list them all`));
    assert.ok(md.includes(`Too many new findings for one comment: ${items.length} are listed below, most severe first. All of them by rule:`));
  });

  test('hostile text in the New section: names, messages, commands and advice cannot break out', async () => {
    const { report } = await demoWithTwoNew();
    const evil = ' @octocat <script>alert(1)</script> [x](https://evil.example) | \\| ` ``` ![i](x) <!-- --> </details>\r\n#x\n```\n- item';
    const findings = report.findings.map((f, i) =>
      f.baseline !== 'new'
        ? f
        : {
            ...f,
            message: `${f.message}${evil}`,
            resource: { ...f.resource, name: `name${evil}`, id: `${f.resource.id}${i === 0 ? evil : ''}` },
            ...(f.remediationCommand !== undefined ? { remediationCommand: `${f.remediationCommand}${evil}` } : {}),
            remediation: `Do this: \`cmd ${evil}\` ${evil}`,
          },
    ) as ReportFinding[];
    const noCommand = findings.map((f) => (f.baseline === 'new' && f.severity === 'high' ? { ...f, remediationCommand: undefined } : f)) as ReportFinding[];
    for (const list of [findings, noCommand]) {
      const md = renderMarkdown({ ...report, findings: list }, ctx);
      assertWellFormed(md);
      const shape = htmlShape(renderGfm(md));
      // A command is shown exactly, controls as escapes, in its own block: nothing closes it early.
      for (const f of list.filter((x) => x.baseline === 'new' && x.remediationCommand)) {
        assert.ok(shape.codeBlocks.includes(`${(f.remediationCommand ?? '').replace(/\r/g, '\\x0d').replace(/\n/g, '\\x0a')}\n`), 'the command whole, in one block');
      }
      assert.equal(shape.elements.filter((e) => e === 'li').length, 2, 'one list item per new finding, no more');
    }
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
    assert.ok(section.includes('egress goes through the proxy \\| &lt;b&gt;&#64;&#8203;netops&lt;/b&gt;<br>owner: &#64;&#8203;netops · expires 2026\\-12\\-31 · suppressions[0]'));
    assert.doesNotMatch(md.slice(0, md.indexOf('<details>')), /unrestricted-egress/, 'suppressed findings are not in the main tables');
  });
});
