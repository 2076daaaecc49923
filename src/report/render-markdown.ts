// GitHub-flavoured Markdown for a pull-request comment or a CI job summary ($GITHUB_STEP_SUMMARY).
// The verdict, counts by severity, then what needs a reader's eyes first: with a baseline, the
// findings new since it, each with its fix (the command, as a code block), and the rest (fixed,
// unchanged, suppressed) folded in <details>; without one, the findings by severity as tables,
// suppressed ones folded. Then errors and rules that were not evaluated.
//
// GitHub refuses a comment over 65,536 characters, so the report stays under 60,000: when the
// lists do not fit, whole rows are left out (never part of one: an id, a port or a CIDR is never
// cut), least important first, and each list says how many it left out, of which severities, and
// where to see them. Every text the audited account controls (names, descriptions, messages, tags,
// ids) goes through forMarkdown or into code; only our own fixed text is written raw. Pure and
// deterministic.
import { compareStrings } from '../compare.js';
import { pushTo } from '../model/multimap.js';
import { SEVERITIES, severityRank, type Severity } from '../rules-kit/types.js';
import { causeScope, groupErrors, unevaluatedLine } from './error-causes.js';
import { hiddenText, type RenderContext } from './formats.js';
import { attributionText, plural, SEVERITY_LABEL, STATUS_LABEL, usedByText } from './describe.js';
import { forMarkdown, forTerminal, truncate } from './sanitize.js';
import type { AuditReport, BaselineFinding, ReportFinding } from './types.js';

/** Well under GitHub's 65,536-character limit for a comment, with room for a caller's own lines. */
export const MARKDOWN_BUDGET = 60_000;

// Long attacker text is cut before escaping, so an escape is never cut in half.
const MAX_NAME = 80;
const MAX_MESSAGE = 400;
/** A new finding is read closely: its message is shown up to this length. */
const MAX_NEW_MESSAGE = 1_000;
const MAX_REASON = 200;
/** No AWS id comes near this; only an id made up in a hostile input file is cut. */
const MAX_ID = 256;
// Lists that are not findings are capped by count, so errors stay visible however many findings there are.
const MAX_ERRORS = 50;
const MAX_SKIPPED = 50;
const MAX_WARNINGS = 20;
/** Rows of the other lists kept before the first list takes the rest of the budget. */
const RESERVED_ROWS = 10;
/** Where every finding is, when a list here leaves some out. */
const ELSEWHERE = 'the JSON and HTML reports list them all';

/**
 * Shortens to `max` characters at a space, so what is kept of a message holds whole words: an id,
 * a port range or a CIDR is shown whole or not at all. Text with no space to cut at is cut hard.
 */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  // `max` characters lie within the first 2 × max code units: a huge text is never spread whole.
  const chars = [...text.slice(0, 2 * max)];
  if (chars.length <= max && text.length <= 2 * max) return text;
  const head = chars.slice(0, max - 1).join('');
  const space = head.search(/\s\S*$/);
  return `${space > 0 ? head.slice(0, space).replace(/[\s,;:(]+$/, '') : head}…`;
}

/** Attacker text as one line of Markdown, shortened first. */
function md(text: string, max = MAX_MESSAGE): string {
  return forMarkdown(shorten(text, max));
}

// Ids, regions and commands that hold nothing Markdown or HTML could read as markup (and no `@`)
// are shown as code; anything else is escaped text.
const CODE_SAFE = /^[\w .:/=,+-]+$/;

function code(text: string, max = MAX_ID): string {
  const short = truncate(text, max);
  return CODE_SAFE.test(short) && short.trim() !== '' ? `\`${short}\`` : forMarkdown(short);
}

/**
 * A command as a fenced code block (GitHub shows it with a copy button), indented into a list
 * item. Controls are shown as escapes, so it stays one line; the fence is longer than any run of
 * backticks in it, so nothing in it can close the block. Markup, `@` and links mean nothing there.
 */
function codeBlock(command: string, indent: string): string {
  const text = forTerminal(command);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${indent}${fence}sh\n${indent}${text}\n${indent}${fence}`;
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

type ResourceLike = { readonly id: unknown; readonly name?: unknown; readonly type?: unknown };

function idText(resource: ResourceLike): string {
  const kind = resource.type === 'network-acl' ? 'network ACL ' : resource.type === 'vpc' ? 'VPC ' : resource.type === 'network-interface' ? 'ENI ' : '';
  return `${kind}${code(asText(resource.id))}`;
}

function resourceCell(resource: ResourceLike): string {
  const id = asText(resource.id);
  const name = asText(resource.name);
  const defined = definedText(resource);
  return `${name && name !== id ? `${md(name, MAX_NAME)}<br>${idText(resource)}` : idText(resource)}${defined ? `<br>${defined}` : ''}`;
}

/** Where a resource of a plan or template is written: `modules/app/main.tf:9` · `module.app.aws_security_group.web`. */
function definedText(resource: ResourceLike & { readonly address?: unknown; readonly origin?: unknown; readonly line?: unknown }): string {
  if (typeof resource.address !== 'string') return '';
  const file = typeof resource.origin === 'string' ? `${resource.origin}${typeof resource.line === 'number' ? `:${resource.line}` : ''}` : '';
  return [file ? code(file) : '', asText(resource.id).includes(resource.address) ? '' : code(resource.address)].filter(Boolean).join(' · ');
}

/** The text a change's comparison is named by, when the baseline is a plan's (or template's) before side. */
function isChange(report: AuditReport): boolean {
  return report.change !== undefined && report.baseline?.file === report.change.comparedWith;
}

/** The resource on one line: "name (id)". */
function resourceText(resource: ResourceLike): string {
  const id = asText(resource.id);
  const name = asText(resource.name);
  return name && name !== id ? `${md(name, MAX_NAME)} (${idText(resource)})` : idText(resource);
}

function regionCell(resource: { readonly region: unknown; readonly accountId: unknown }, manyAccounts: boolean, separator = '<br>'): string {
  const region = code(asText(resource.region));
  return manyAccounts ? `${region}${separator}${code(asText(resource.accountId))}` : region;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function tableHead(columns: readonly string[]): string {
  return `${row(columns)}\n${row(columns.map(() => '---'))}`;
}

const FINDING_COLUMNS = ['Severity', 'Rule', 'Resource', 'Region', 'Finding'] as const;

function findingRow(f: ReportFinding, manyAccounts: boolean, markNew: boolean, withReason: boolean): string {
  const isNew = markNew && f.baseline === 'new';
  const finding = `${isNew ? '**new** · ' : ''}${md(f.message)}<br>Used by: ${md(usedByText(f))}${f.attribution ? `<br>${md(attributionText(f.attribution), 400)}` : ''}`;
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
  return row([severityCell(severityOf(f)), code(asText(f.ruleId)), resourceCell(f.resource), regionCell(f.resource, manyAccounts), md(asText(f.message))]);
}

function severityOf(f: { readonly severity: unknown }): Severity {
  return (SEVERITIES as readonly unknown[]).includes(f.severity) ? (f.severity as Severity) : 'info';
}

/** Text of our own words around `code`: the code parts as code, the rest escaped (rule remediations, hints). */
function withCode(text: string, max = MAX_REASON): string {
  return text
    .split('`')
    .map((part, i) => (i % 2 === 1 ? code(part, max) : md(part, max)))
    .join('');
}

/**
 * A new finding as a list item: what and where on the first line, the message, what uses the
 * resource, and the fix — the exact command when the rule has one, else the rule's advice.
 */
function newItem(f: ReportFinding, manyAccounts: boolean): string {
  const defined = definedText(f.resource);
  const where = [code(f.ruleId), resourceText(f.resource), regionCell(f.resource, manyAccounts, ', account '), ...(defined ? [defined] : [])].join(' · ');
  const lines = [`- ${severityCell(f.severity)} ${where}<br>`, `  ${md(f.message, MAX_NEW_MESSAGE)}<br>`, ...(f.attribution ? [`  ${md(attributionText(f.attribution), 400)}<br>`] : [])];
  const usedBy = `Used by: ${md(usedByText(f))}.`;
  if (f.remediationCommand !== undefined) lines.push(`  ${usedBy} Fix:`, codeBlock(f.remediationCommand, '  '));
  else lines.push(`  ${usedBy} Fix: ${withCode(f.remediation, MAX_NEW_MESSAGE)}`);
  return lines.join('\n');
}

/** A row of a list, with the severity it counts under when left out. */
interface Row {
  readonly text: string;
  readonly severity?: Severity;
}

/** One block of a list section: a heading or table head, then rows; shown only if a row is. */
interface Group {
  readonly head: string;
  readonly rows: readonly Row[];
}

/** A list that may be cut to fit: a heading, its groups in order, and what its rows are called. */
interface ListSection {
  readonly intro: string;
  readonly groups: readonly Group[];
  readonly what: string;
  /** Rows sure to be shown before the first list takes the rest of the budget. */
  readonly reserve: number;
  /** Rows never shown beyond this, however much room there is. */
  readonly max?: number;
  /** The "… and N more" line as a list item (the lists of errors and skipped rules). */
  readonly bullet?: boolean;
  /** Wraps the rendered body (a <details> block). */
  readonly wrap?: (body: string) => string;
  /** Shown under the heading when rows are left out: the whole list in brief. */
  readonly brief?: (shown: number) => string;
}

function rowCount(section: ListSection): number {
  return section.groups.reduce((n, g) => n + g.rows.length, 0);
}

/** "… and 12 more findings not shown here (2 medium, 10 low): the JSON and HTML reports list them all". */
function leftOutLine(section: ListSection, shown: number): string {
  const left = section.groups.flatMap((g) => g.rows).slice(shown);
  const counts = new Map<Severity, number>();
  for (const r of left) if (r.severity) counts.set(r.severity, (counts.get(r.severity) ?? 0) + 1);
  const bySeverity = SEVERITIES.filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`);
  const what = left.length === 1 ? section.what : `${section.what}s`;
  const line = `… and ${left.length} more ${what} not shown here${bySeverity.length > 0 ? ` (${bySeverity.join(', ')})` : ''}: ${ELSEWHERE}`;
  return section.bullet ? `- ${line}` : line;
}

function renderList(section: ListSection, shown: number): string {
  const total = rowCount(section);
  if (total === 0) return '';
  const parts: string[] = [section.intro];
  if (shown < total && section.brief) parts.push(section.brief(shown));
  let left = shown;
  for (const group of section.groups) {
    if (left <= 0) break;
    const rows = group.rows.slice(0, left);
    left -= rows.length;
    parts.push(`${group.head}${group.head ? '\n' : ''}${rows.map((r) => r.text).join('\n')}`);
  }
  if (shown < total) {
    // A bullet continues the list above it; a paragraph after a table needs a blank line.
    const line = leftOutLine(section, shown);
    if (section.bullet && shown > 0) parts[parts.length - 1] += `\n${line}`;
    else parts.push(line);
  }
  const body = parts.filter((p) => p !== '').join('\n\n');
  return section.wrap ? section.wrap(body) : body;
}

/**
 * How many rows of each list fit in `budget` characters beside the fixed text. Each list is sure
 * of its reserved rows; then the lists take the rest in order, so `sections[0]` (the findings that
 * count) is never crowded out by a long tail of others, nor does it crowd out their first rows.
 */
function fitRows(sections: readonly ListSection[], budget: number): number[] {
  // Each row with its cost: a group's heading and table head come with its first row.
  const costs = sections.map((section) =>
    section.groups.flatMap((group) => group.rows.map((r, i) => r.text.length + 1 + (i === 0 ? group.head.length + 2 : 0))),
  );
  const shown = sections.map(() => 0);
  let left = budget;
  const take = (list: number, max: number): void => {
    const rows = costs[list] ?? [];
    const end = Math.min(rows.length, sections[list]?.max ?? Infinity, (shown[list] ?? 0) + max);
    for (let i = shown[list] ?? 0; i < end; i++) {
      const cost = rows[i] as number;
      if (cost > left) return;
      left -= cost;
      shown[list] = i + 1;
    }
  };
  sections.forEach((section, list) => take(list, section.reserve));
  sections.forEach((_, list) => take(list, Infinity));
  return shown;
}

/** "with this change" (a plan's or template's before side) or "since the baseline". */
function since(report: AuditReport): string {
  return isChange(report) ? 'with this change' : 'since the baseline';
}

function headingLines(report: AuditReport): string[] {
  const { summary: s, run } = report;
  const verdict =
    s.status === 'incomplete'
      ? `The audit is **incomplete**: ${plural(s.errors, 'error')} (listed below) left resources or rules unchecked, so findings may be missing.`
      : s.status === 'fail'
        ? report.baseline
          ? `${plural(s.failing, 'finding')} at or above **${run.failOn}** ${s.failing === 1 ? `is new ${since(report)} and fails` : `are new ${since(report)} and fail`} the run.`
          : `${plural(s.failing, 'finding')} at or above **${run.failOn}** ${s.failing === 1 ? 'fails' : 'fail'} the run.`
        : run.failOn === 'none'
          ? 'No finding fails the run (`failOn: none`).'
          : report.baseline
            ? `No new finding at or above **${run.failOn}** ${since(report)}: the run passes.`
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
  if (isChange(report)) {
    const c = report.change;
    const resources = c?.resources ? [`${c.resources.create} to create`, `${c.resources.update} to update`, `${c.resources.replace} to replace`, `${c.resources.delete} to delete`].filter((p) => !p.startsWith('0 ')) : [];
    const unknown = c && c.unknown > 0 ? ` · ${plural(c.unknown, 'finding')} depend on values known only after apply (the worst assumed)` : '';
    return `**Change** (compared with ${md(b.file, 200)}): **${b.new} new** · ${b.unchanged} unchanged · ${b.fixed} fixed${resources.length > 0 ? ` · resources: ${resources.join(', ')}` : ''}${unknown}`;
  }
  const since = b.startedAt !== undefined ? `, run ${code(b.startedAt)}` : '';
  const counts = [`**${b.new} new**`, `${b.unchanged} unchanged`, `${b.fixed} fixed`];
  if (b.notRechecked > 0) counts.push(`${b.notRechecked} not re-checked (rule or region not audited this time)`);
  return `**Baseline** (${code(b.file, 120)}${since}): ${counts.join(' · ')}`;
}

/** A plan or template: the interfaces the internet would newly reach. */
function newlyExposedText(report: AuditReport): string {
  const list = report.change?.newlyExposed ?? [];
  if (list.length === 0) return '';
  const items = list.slice(0, 20).map((e) => {
    const who = e.resource.address !== undefined ? code(e.resource.address) : code(e.instanceId ?? e.resource.id);
    const ports = e.ports.map((p) => `${code(`${p.protocol} ${p.ports}`)} over ${p.family === 'ipv4' ? 'IPv4' : 'IPv6'}${p.unknown ? ' (might be: known after apply)' : ''}`).join('; ');
    return `- ${who}: ${ports}`;
  });
  const more = list.length > items.length ? `\n- … and ${list.length - items.length} more: ${ELSEWHERE}` : '';
  return `### Newly reachable from the internet (${list.length})\n\n${items.join('\n')}${more}`;
}

function errorsList(report: AuditReport): ListSection {
  // One row per cause (a refused endpoint, a missing permission), and one per set of scopes whose
  // rules it left unevaluated; the JSON report lists every error.
  const { causes, unevaluated } = groupErrors(report.errors);
  const rows: Row[] = [
    ...causes.map((c): Row => ({ text: `- ${code(c.code)}: ${md(c.message)} · ${md(causeScope(c))}${c.hint ? ` — ${md(c.hint, MAX_REASON)}` : ''}` })),
    ...unevaluated.map((u): Row => ({ text: `- ${md(unevaluatedLine(u))}` })),
  ];
  return {
    intro: `### Errors: the audit is incomplete (${plural(causes.length, 'cause')}, ${plural(report.errors.length, 'error')})`,
    groups: [{ head: '', rows }],
    what: 'error',
    reserve: MAX_ERRORS,
    max: MAX_ERRORS,
    bullet: true,
  };
}

function skippedList(report: AuditReport): ListSection {
  // One line per (region, hint): the rules that the same missing file would enable.
  const byHint = new Map<string, string[]>();
  for (const s of report.skipped) pushTo(byHint, `${s.region}\u0000${s.hint}`, s.ruleId);
  const rows = [...byHint].map(([key, ruleIds]): Row => {
    const [region, hint] = key.split('\u0000') as [string, string];
    return { text: `- ${code(region)}: ${[...new Set(ruleIds)].map((id) => code(id)).join(', ')} — ${withCode(hint)}` };
  });
  return {
    intro: '### Not evaluated: the input does not contain the data these rules need',
    groups: [{ head: '', rows }],
    what: 'line',
    reserve: MAX_SKIPPED,
    max: MAX_SKIPPED,
    bullet: true,
  };
}

function warningsList(report: AuditReport): ListSection {
  const rows = report.warnings.map((w): Row => ({ text: `- ${md(w)}` }));
  return { intro: '### Warnings', groups: [{ head: '', rows }], what: 'warning', reserve: MAX_WARNINGS, max: MAX_WARNINGS, bullet: true };
}

/** Most severe first; the report's order within a severity. */
function bySeverityFirst<T extends { readonly severity: unknown }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => severityRank(severityOf(b)) - severityRank(severityOf(a)));
}

function tablesBySeverity<T extends { readonly severity: unknown }>(items: readonly T[], toRow: (item: T) => string, withHeadings: boolean, columns: readonly string[]): Group[] {
  return SEVERITIES.flatMap((sev) => {
    const rows = items.filter((f) => severityOf(f) === sev).map((f): Row => ({ text: toRow(f), severity: sev }));
    if (rows.length === 0) return [];
    const heading = withHeadings ? `#### ${SEVERITY_LABEL[sev]} (${rows.length})\n\n` : '';
    return [{ head: `${heading}${tableHead(columns)}`, rows }];
  });
}

/**
 * The findings of a list that is cut, by rule and severity: how many there are and how many are
 * listed, so a reader sees the whole at a glance and what the rows below leave out.
 */
function byRuleBrief(findings: readonly ReportFinding[], what: string): (shown: number) => string {
  return (shown) => {
    const listed = new Set(bySeverityFirst(findings).slice(0, shown));
    const counts = new Map<string, { ruleId: string; severity: Severity; all: number; listed: number }>();
    for (const f of findings) {
      const key = `${f.severity}\u0000${f.ruleId}`;
      const entry = counts.get(key) ?? { ruleId: f.ruleId, severity: f.severity, all: 0, listed: 0 };
      entry.all++;
      if (listed.has(f)) entry.listed++;
      counts.set(key, entry);
    }
    const rows = [...counts.values()]
      .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.all - a.all || compareStrings(a.ruleId, b.ruleId))
      .map((e) => row([code(e.ruleId), SEVERITY_LABEL[e.severity], String(e.all), String(e.listed)]));
    const head = row(['Rule', 'Severity', `${what.charAt(0).toUpperCase()}${what.slice(1)}s`, 'Listed']);
    return `Too many ${what}s for one comment: ${shown} are listed below, most severe first. All of them by rule:\n\n${head}\n${row(['---', '---', '---:', '---:'])}\n${rows.join('\n')}`;
  };
}

function folded(summary: string): (body: string) => string {
  return (body) => `<details>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

export function renderMarkdown(report: AuditReport, ctx: RenderContext): string {
  const hidden = ctx.display && ctx.hidden ? `_${md(hiddenText(ctx.hidden, ctx.display))}_` : '';
  const manyAccounts = report.run.accounts.length > 1;
  const withBaseline = report.baseline !== undefined;
  const active = report.findings.filter((f) => !f.suppressed);
  const suppressed = report.findings.filter((f) => f.suppressed);
  const fresh = withBaseline ? bySeverityFirst(active.filter((f) => f.baseline !== 'unchanged')) : [];
  const unchanged = withBaseline ? active.filter((f) => f.baseline === 'unchanged') : [];
  const fixed = report.baseline?.fixedFindings ?? [];

  // Without a baseline every finding counts; with one, the new ones, each with its fix.
  const primary: ListSection = withBaseline
    ? {
        intro: `### New ${since(report)} (${fresh.length})`,
        groups: [{ head: '', rows: fresh.map((f): Row => ({ text: newItem(f, manyAccounts), severity: f.severity })) }],
        what: 'new finding',
        reserve: 0,
        brief: byRuleBrief(fresh, 'new finding'),
      }
    : {
        intro: `### Findings (${active.length})`,
        groups: tablesBySeverity(active, (f) => findingRow(f, manyAccounts, false, false), true, FINDING_COLUMNS),
        what: 'finding',
        reserve: 0,
        brief: byRuleBrief(active, 'finding'),
      };
  const unchangedList: ListSection = {
    intro: '',
    groups: tablesBySeverity(unchanged, (f) => findingRow(f, manyAccounts, false, false), true, FINDING_COLUMNS),
    what: 'unchanged finding',
    reserve: RESERVED_ROWS,
    wrap: folded(isChange(report) ? `Unchanged by this change (${unchanged.length}): there before it, they do not fail the run` : `Unchanged since the baseline (${unchanged.length}): accepted there, they do not fail the run`),
  };
  const suppressedList: ListSection = {
    intro: '',
    groups: tablesBySeverity(suppressed, (f) => findingRow(f, manyAccounts, withBaseline, true), false, [...FINDING_COLUMNS, 'Reason']),
    what: 'suppressed finding',
    reserve: RESERVED_ROWS,
    wrap: folded(`Suppressed findings (${suppressed.length}): accepted in the config, they do not fail the run`),
  };
  const fixedList: ListSection = {
    intro: '',
    groups: tablesBySeverity(fixed, (f) => fixedRow(f, manyAccounts), false, FINDING_COLUMNS),
    what: 'fixed finding',
    reserve: RESERVED_ROWS,
    wrap: folded(isChange(report) ? `Fixed by this change (${fixed.length})` : `Fixed since the baseline (${fixed.length}): in the baseline, not found again`),
  };
  const errors = errorsList(report);
  const skipped = skippedList(report);
  const warnings = warningsList(report);
  // In the order they take room: errors first (an incomplete audit must say why), then what counts.
  const lists = [errors, primary, fixedList, unchangedList, suppressedList, skipped, warnings];

  const assemble = (shown: readonly number[]): string => {
    const part = (list: ListSection): string => renderList(list, shown[lists.indexOf(list)] ?? 0);
    const findings = withBaseline
      ? [fresh.length === 0 ? `No new findings ${since(report)}.` : part(primary), newlyExposedText(report), part(fixedList), part(unchangedList)]
      : [active.length === 0 ? (suppressed.length > 0 ? 'No unsuppressed findings.' : 'No findings.') : part(primary)];
    const blocks = [
      ...headingLines(report),
      summaryTable(report),
      baselineLine(report),
      hidden,
      ...findings,
      part(suppressedList),
      part(errors),
      part(skipped),
      part(warnings),
    ].filter((b) => b !== '');
    return `${blocks.join('\n\n')}\n`;
  };

  const all = lists.map((list) => Math.min(rowCount(list), list.max ?? Infinity));
  const full = assemble(all);
  if (full.length <= MARKDOWN_BUDGET) return full;
  // Too long: the fixed text (with every list cut to nothing, so each says how much is left out)
  // is kept whole, and the rows that fit in the rest are shown.
  const bare = assemble(lists.map(() => 0));
  const shown = fitRows(lists, MARKDOWN_BUDGET - bare.length);
  let text = assemble(shown);
  // The estimate leaves out the few characters a left-out line's counts may add: take rows off
  // the last lists until it fits.
  for (let list = lists.length - 1; text.length > MARKDOWN_BUDGET && list >= 0; ) {
    if ((shown[list] ?? 0) === 0) list--;
    else {
      shown[list] = (shown[list] ?? 0) - 1;
      text = assemble(shown);
    }
  }
  return text;
}
