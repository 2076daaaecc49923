// GitHub-flavoured Markdown for a pull-request comment or a CI job summary ($GITHUB_STEP_SUMMARY):
// the verdict, counts by severity, the baseline comparison, findings by severity as tables, then
// suppressed and fixed findings, errors and rules that were not evaluated. GitHub refuses a
// comment over 65,536 characters, so the report stays under 60,000: when the lists do not fit,
// they are cut and say how many rows were left out. Every text the audited account controls
// (names, descriptions, messages, tags, ids) goes through forMarkdown; only our own fixed text
// is written raw. Pure and deterministic.
import { pushTo } from '../model/multimap.js';
import { SEVERITIES, type Severity } from '../rules-kit/types.js';
import type { RenderContext } from './formats.js';
import { plural, SEVERITY_LABEL, STATUS_LABEL, usedByText } from './describe.js';
import { forMarkdown, truncate } from './sanitize.js';
import type { AuditReport, BaselineFinding, ReportFinding } from './types.js';

/** Well under GitHub's 65,536-character limit for a comment, with room for a caller's own lines. */
export const MARKDOWN_BUDGET = 60_000;

// Long attacker text is cut before escaping, so an escape is never cut in half.
const MAX_NAME = 80;
const MAX_MESSAGE = 400;
const MAX_REASON = 200;
// Lists that are not findings are capped by count, so errors stay visible however many findings there are.
const MAX_ERRORS = 50;
const MAX_SKIPPED = 50;
const MAX_WARNINGS = 20;
/** Rows of the suppressed and fixed lists kept before the findings take the rest of the budget. */
const RESERVED_ROWS = 10;

/** Attacker text as one line of Markdown, shortened first. */
function md(text: string, max = MAX_MESSAGE): string {
  return forMarkdown(truncate(text, max));
}

// Ids, regions and commands that hold nothing Markdown or HTML could read as markup (and no `@`)
// are shown as code; anything else is escaped text.
const CODE_SAFE = /^[\w .:/=,+-]+$/;

function code(text: string, max = MAX_NAME): string {
  const short = truncate(text, max);
  return CODE_SAFE.test(short) && short.trim() !== '' ? `\`${short}\`` : forMarkdown(short);
}

/**
 * A baseline file is only checked for the fields a baseline needs: the rest of a fixed finding's
 * resource may be anything, so it is read as text defensively.
 */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
}

function severityCell(severity: Severity): string {
  return `**${severity.toUpperCase()}**`;
}

function resourceCell(resource: { readonly id: unknown; readonly name?: unknown; readonly type?: unknown }): string {
  const id = asText(resource.id);
  const name = asText(resource.name);
  const kind = resource.type === 'network-acl' ? 'network ACL ' : resource.type === 'vpc' ? 'VPC ' : resource.type === 'network-interface' ? 'ENI ' : '';
  const idText = `${kind}${code(id)}`;
  return name && name !== id ? `${md(name, MAX_NAME)}<br>${idText}` : idText;
}

function regionCell(resource: { readonly region: unknown; readonly accountId: unknown }, manyAccounts: boolean): string {
  const region = code(asText(resource.region));
  return manyAccounts ? `${region}<br>${code(asText(resource.accountId))}` : region;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function tableHead(columns: readonly string[]): string {
  return `${row(columns)}\n${row(columns.map(() => '---'))}`;
}

const FINDING_COLUMNS = ['Severity', 'Rule', 'Resource', 'Region', 'Finding'] as const;

function findingRow(f: ReportFinding, manyAccounts: boolean, baseline: boolean, withReason: boolean): string {
  const isNew = baseline && f.baseline === 'new';
  const finding = `${isNew ? '**new** · ' : ''}${md(f.message)}<br>Used by: ${usedByText(f)}`;
  const cells = [severityCell(f.severity), code(f.ruleId), resourceCell(f.resource), regionCell(f.resource, manyAccounts), finding];
  if (withReason) cells.push(reasonCell(f));
  return row(cells);
}

function reasonCell(f: ReportFinding): string {
  const mark = f.suppressed;
  if (!mark) return '';
  const details = [
    ...(mark.owner !== undefined ? [`owner: ${md(mark.owner, MAX_NAME)}`] : []),
    ...(mark.expires !== undefined ? [`expires ${md(mark.expires, MAX_NAME)}`] : []),
    `suppressions[${mark.suppression}]`,
  ];
  return `${md(mark.reason, MAX_REASON)}<br>${details.join(' · ')}`;
}

function fixedRow(f: BaselineFinding, manyAccounts: boolean): string {
  const severity = (SEVERITIES as readonly unknown[]).includes(f.severity) ? f.severity : 'info';
  return row([severityCell(severity), code(asText(f.ruleId)), resourceCell(f.resource), regionCell(f.resource, manyAccounts), md(asText(f.message))]);
}

function more(n: number, what: string): string {
  return `… and ${n} more ${n === 1 ? what : `${what}s`} (see the full report)`;
}

/** One block of a list section: a heading and table head, then rows; shown only if a row is. */
interface Group {
  readonly head: string;
  readonly rows: readonly string[];
}

/** A list that may be cut to fit: a heading, its groups in order, and what its rows are called. */
interface ListSection {
  readonly intro: string;
  readonly groups: readonly Group[];
  readonly what: string;
  /** Wraps the rendered body (the <details> of suppressed findings). */
  readonly wrap?: (body: string) => string;
}

function rowCount(section: ListSection): number {
  return section.groups.reduce((n, g) => n + g.rows.length, 0);
}

function renderList(section: ListSection, shown: number): string {
  const total = rowCount(section);
  if (total === 0) return '';
  const parts: string[] = [section.intro];
  let left = shown;
  for (const group of section.groups) {
    if (left <= 0) break;
    const rows = group.rows.slice(0, left);
    left -= rows.length;
    parts.push(`${group.head}\n${rows.join('\n')}`);
  }
  if (shown < total) parts.push(more(total - shown, section.what));
  const body = parts.filter((p) => p !== '').join('\n\n');
  return section.wrap ? section.wrap(body) : body;
}

/**
 * How many rows of each list fit in `budget` characters beside the fixed text. The first list
 * (the findings that count) comes first, but the others are sure of their first rows, so a
 * suppressed or fixed finding is not crowded out by a long tail of low ones.
 */
function fitRows(sections: readonly ListSection[], budget: number): number[] {
  // Each row with its cost: a group's heading and table head come with its first row.
  const costs = sections.map((section) =>
    section.groups.flatMap((group) => group.rows.map((r, i) => r.length + 1 + (i === 0 ? group.head.length + 2 : 0))),
  );
  const shown = sections.map(() => 0);
  let left = budget;
  const take = (list: number, max: number): void => {
    const rows = costs[list] ?? [];
    const end = Math.min(rows.length, (shown[list] ?? 0) + max);
    for (let i = shown[list] ?? 0; i < end; i++) {
      const cost = rows[i] as number;
      if (cost > left) return;
      left -= cost;
      shown[list] = i + 1;
    }
  };
  for (let list = 1; list < sections.length; list++) take(list, RESERVED_ROWS);
  for (let list = 0; list < sections.length; list++) take(list, Infinity);
  return shown;
}

function headingLines(report: AuditReport): string[] {
  const { summary: s, run } = report;
  const verdict =
    s.status === 'incomplete'
      ? `The audit is **incomplete**: ${plural(s.errors, 'error')} (listed below) left resources or rules unchecked, so findings may be missing.`
      : s.status === 'fail'
        ? report.baseline
          ? `${plural(s.failing, 'finding')} at or above **${run.failOn}** ${s.failing === 1 ? 'is' : 'are'} new since the baseline and fail the run.`
          : `${plural(s.failing, 'finding')} at or above **${run.failOn}** fail the run.`
        : run.failOn === 'none'
          ? 'No finding fails the run (`failOn: none`).'
          : report.baseline
            ? `No new finding at or above **${run.failOn}** since the baseline: the run passes.`
            : `No finding at or above **${run.failOn}**: the run passes.`;
  const facts = [
    run.accounts.length === 1 ? `account ${code(run.accounts[0] ?? '')}` : plural(run.accounts.length, 'account'),
    run.regions.length <= 3 ? run.regions.map((r) => code(r)).join(', ') || 'no region' : plural(run.regions.length, 'region'),
    plural(s.securityGroups, 'security group'),
    plural(s.rulesEvaluated, 'rule'),
    run.source === 'aws' ? 'live from AWS' : `from ${plural(run.inputs.length, 'saved file')}`,
    run.startedAt ? code(run.startedAt) : '',
    `sg-audit ${code(report.tool.version)}`,
  ].filter(Boolean);
  return [`## sg-audit: ${STATUS_LABEL[s.status]}`, verdict, facts.join(' · ')];
}

function summaryTable(report: AuditReport): string {
  const s = report.summary;
  const columns = [...SEVERITIES.map((sev) => SEVERITY_LABEL[sev]), 'Suppressed', 'Errors', 'Not evaluated'];
  const values = [...SEVERITIES.map((sev) => String(s.bySeverity[sev])), String(s.suppressed), String(s.errors), String(s.skipped)];
  return `${row(columns)}\n${row(columns.map(() => '---:'))}\n${row(values)}`;
}

function baselineLine(report: AuditReport): string {
  const b = report.baseline;
  if (!b) return '';
  const since = b.startedAt !== undefined ? `, run ${code(b.startedAt)}` : '';
  const counts = [`**${b.new} new**`, `${b.unchanged} unchanged`, `${b.fixed} fixed`];
  if (b.notRechecked > 0) counts.push(`${b.notRechecked} not re-checked (rule or region not audited this time)`);
  return `**Baseline** (${code(b.file, 120)}${since}): ${counts.join(' · ')}`;
}

function errorsSection(report: AuditReport): string {
  if (report.errors.length === 0) return '';
  const lines = report.errors.slice(0, MAX_ERRORS).map((e) => {
    const what =
      e.kind === 'collection'
        ? code(e.operation ?? 'collection')
        : `rule ${code(e.ruleId ?? '')}${e.resourceId ? ` on ${code(e.resourceId)}` : ''}`;
    const hint = e.hint ? ` (${md(e.hint, MAX_REASON)})` : '';
    return `- ${code(e.accountId)} ${code(e.region)} ${what}: ${code(e.code)} — ${md(e.message)}${hint}`;
  });
  if (report.errors.length > MAX_ERRORS) lines.push(`- ${more(report.errors.length - MAX_ERRORS, 'error')}`);
  return `### Errors: the audit is incomplete (${report.errors.length})\n\n${lines.join('\n')}`;
}

/** A hint of our own words around `commands` that hold a region from the input: the commands as code. */
function hintText(hint: string): string {
  return hint
    .split('`')
    .map((part, i) => (i % 2 === 1 ? code(part, MAX_REASON) : md(part, MAX_REASON)))
    .join('');
}

function skippedSection(report: AuditReport): string {
  if (report.skipped.length === 0) return '';
  // One line per (region, hint): the rules that the same missing file would enable.
  const byHint = new Map<string, string[]>();
  for (const s of report.skipped) pushTo(byHint, `${s.region}\u0000${s.hint}`, s.ruleId);
  const entries = [...byHint];
  const lines = entries.slice(0, MAX_SKIPPED).map(([key, ruleIds]) => {
    const [region, hint] = key.split('\u0000') as [string, string];
    return `- ${code(region)}: ${[...new Set(ruleIds)].map((id) => code(id)).join(', ')} — ${hintText(hint)}`;
  });
  if (entries.length > MAX_SKIPPED) lines.push(`- ${more(entries.length - MAX_SKIPPED, 'line')}`);
  return `### Not evaluated: the input does not contain the data these rules need\n\n${lines.join('\n')}`;
}

function warningsSection(report: AuditReport): string {
  if (report.warnings.length === 0) return '';
  const lines = report.warnings.slice(0, MAX_WARNINGS).map((w) => `- ${md(w)}`);
  if (report.warnings.length > MAX_WARNINGS) lines.push(`- ${more(report.warnings.length - MAX_WARNINGS, 'warning')}`);
  return `### Warnings\n\n${lines.join('\n')}`;
}

function bySeverity<T extends { readonly severity: Severity }>(items: readonly T[], toRow: (item: T) => string, withHeadings: boolean, columns: readonly string[]): Group[] {
  return SEVERITIES.flatMap((sev) => {
    const rows = items.filter((f) => f.severity === sev).map(toRow);
    if (rows.length === 0) return [];
    const heading = withHeadings ? `#### ${SEVERITY_LABEL[sev]} (${rows.length})\n\n` : '';
    return [{ head: `${heading}${tableHead(columns)}`, rows }];
  });
}

export function renderMarkdown(report: AuditReport, ctx: RenderContext): string {
  void ctx;
  const manyAccounts = report.run.accounts.length > 1;
  const withBaseline = report.baseline !== undefined;
  const active = report.findings.filter((f) => !f.suppressed);
  const suppressed = report.findings.filter((f) => f.suppressed);
  const fixed = report.baseline?.fixedFindings ?? [];

  const findings: ListSection = {
    intro: `### Findings (${active.length})`,
    groups: bySeverity(active, (f) => findingRow(f, manyAccounts, withBaseline, false), true, FINDING_COLUMNS),
    what: 'finding',
  };
  const suppressedList: ListSection = {
    intro: '',
    groups: bySeverity(suppressed, (f) => findingRow(f, manyAccounts, withBaseline, true), false, [...FINDING_COLUMNS, 'Reason']),
    what: 'suppressed finding',
    wrap: (body) => `<details>\n<summary>Suppressed findings (${suppressed.length}): accepted in the config, they do not fail the run</summary>\n\n${body}\n\n</details>`,
  };
  const fixedList: ListSection = {
    intro: `### Fixed since the baseline (${fixed.length})`,
    groups: bySeverity(fixed, (f) => fixedRow(f, manyAccounts), false, FINDING_COLUMNS),
    what: 'fixed finding',
  };
  const lists = [findings, suppressedList, fixedList];

  const assemble = (shown: readonly number[]): string => {
    const [nFindings = 0, nSuppressed = 0, nFixed = 0] = shown;
    const blocks = [
      ...headingLines(report),
      summaryTable(report),
      baselineLine(report),
      active.length === 0 ? (suppressed.length > 0 ? 'No unsuppressed findings.' : 'No findings.') : renderList(findings, nFindings),
      renderList(suppressedList, nSuppressed),
      renderList(fixedList, nFixed),
      errorsSection(report),
      skippedSection(report),
      warningsSection(report),
    ].filter((b) => b !== '');
    return `${blocks.join('\n\n')}\n`;
  };

  const all = lists.map(rowCount);
  const full = assemble(all);
  if (full.length <= MARKDOWN_BUDGET) return full;
  // Too long: the fixed text (with every list cut to nothing, so each says how much is left out)
  // is kept whole, and the rows that fit in the rest are shown, findings first.
  const bare = assemble(lists.map(() => 0));
  // Room for the "… and N more" lines whose counts shrink and the intros that appear with a first row.
  const slack = 200;
  return assemble(fitRows(lists, MARKDOWN_BUDGET - bare.length - slack));
}
