// The terminal report: findings grouped by severity, then what could not be audited, then one
// summary line. Pure: the Chalk instance (colour level) and width are injected by the CLI.
import type { ChalkInstance } from 'chalk';
import { SEVERITIES, type Severity } from '../rules-kit/types.js';
import { forTerminal, truncate } from './sanitize.js';
import type { AuditReport, Finding, ReportFinding } from './types.js';
import { pushTo } from '../model/multimap.js';
import { plural, usedByText } from './describe.js';
import { drawBlock, stitch, type TableBlock } from './table-layout.js';

export interface TableContext {
  readonly chalk: ChalkInstance;
  /** Terminal width in columns. */
  readonly width: number;
}


export function paintSeverity(chalk: ChalkInstance, severity: Severity, text: string = severity.toUpperCase()): string {
  switch (severity) {
    case 'critical':
      return chalk.bgRed.white.bold(text);
    case 'high':
      return chalk.red.bold(text);
    case 'medium':
      return chalk.yellow(text);
    case 'low':
      return chalk.cyan(text);
    case 'info':
      return chalk.dim(text);
  }
}

export function groupLabel(finding: Finding, nameWidth: number): string {
  const { name, id } = finding.resource;
  if (!name || name === id) return id;
  // Truncate the attacker-controllable name, never the id.
  return `${truncate(forTerminal(name), nameWidth)}\n(${id})`;
}

/** "suppressed: <reason> (owner: x · expires 2026-12-31 · suppressions[0])": why a finding is accepted. */
export function suppressedText(finding: ReportFinding): string {
  const mark = finding.suppressed;
  if (!mark) return '';
  const details = [
    ...(mark.owner !== undefined ? [`owner: ${mark.owner}`] : []),
    ...(mark.expires !== undefined ? [`expires ${mark.expires}`] : []),
    `suppressions[${mark.suppression}]`,
  ];
  return `suppressed: ${forTerminal(mark.reason)} (${forTerminal(details.join(' · '))})`;
}

// cli-table3 lays out spanned rows in time that grows faster than the row count; thousands of
// findings are drawn as stacked tables of this many rows, stitched into one.
const ROWS_PER_BLOCK = 100;

/**
 * One row per finding, grouped by severity: the rule id heads the finding cell (ids are what
 * configs and suppressions name, so they are never cut); a suppressed finding says why under its
 * message.
 */
function findingsTable(findings: readonly ReportFinding[], ctx: TableContext): Iterable<string> {
  const { chalk } = ctx;
  // Fixed columns, then the finding column takes what is left of the width.
  const region = findings.reduce((max, f) => Math.max(max, f.resource.region.length), 6);
  const fixed = { severity: 8, resource: 26, region, usedBy: 12 };
  const borders = 6 + 2 * 5;
  const finding = Math.max(36, ctx.width - borders - Object.values(fixed).reduce((a, b) => a + b, 0));
  const widths = [fixed.severity, fixed.resource, fixed.region, finding, fixed.usedBy];
  const head = ['Severity', 'Resource', 'Region', 'Finding', 'Used by'].map((h) => chalk.bold(h));
  // Drawn block by block as the text is written, so the whole table is never held at once.
  function* blocks(): Generator<string> {
    let first = true;
    for (const severity of SEVERITIES) {
      const rows = findings.filter((f) => f.severity === severity);
      for (let start = 0; start < rows.length; start += ROWS_PER_BLOCK) {
        const block: TableBlock = {
          ...(first ? { head } : {}),
          // One severity cell spans its rows, so the table reads as groups.
          span: start === 0 ? paintSeverity(chalk, severity) : '',
          rows: rows.slice(start, start + ROWS_PER_BLOCK).map((f) => findingCells(f, fixed.resource, chalk)),
        };
        first = false;
        yield drawBlock(block, widths);
      }
    }
  }
  return stitch(blocks());
}

/** A finding's cells after the severity, each as its lines: resource, region, finding, used by. */
function findingCells(f: ReportFinding, nameWidth: number, chalk: ChalkInstance): string[][] {
  // With a baseline, what is new is what needs a look: it is the only kind that fails the run.
  const marker = f.baseline === 'new' ? ` ${chalk.magenta.bold('NEW')}` : '';
  return [
    groupLabel(f, nameWidth).split('\n'),
    [f.resource.region],
    [`${chalk.bold(f.ruleId)}${marker}`, forTerminal(f.message), ...(f.suppressed ? [chalk.dim(suppressedText(f))] : [])],
    [usedByText(f)],
  ];
}

// Enough fixed findings to see what changed; the JSON report lists them all.
const FIXED_SHOWN = 20;

/** "Baseline sg.json (2026-11-20): 2 new, 71 unchanged, 1 fixed", then the fixed findings. */
export function baselineLines(report: AuditReport, ctx: TableContext): string[] {
  const b = report.baseline;
  if (!b) return [];
  const when = b.startedAt ? ` (${forTerminal(b.startedAt.slice(0, 10))})` : '';
  const counts = [
    ctx.chalk.magenta.bold(`${b.new} new`),
    `${b.unchanged} unchanged`,
    ctx.chalk.green(`${b.fixed} fixed`),
    ...(b.notRechecked > 0 ? [`${b.notRechecked} not re-checked (rule or region not audited this time)`] : []),
  ];
  const lines = [`${ctx.chalk.bold('Baseline')} ${forTerminal(b.file)}${when}: ${counts.join(', ')}`];
  for (const f of b.fixedFindings.slice(0, FIXED_SHOWN)) {
    const name = f.resource.name && f.resource.name !== f.resource.id ? ` (${truncate(forTerminal(f.resource.name), 40)})` : '';
    lines.push(`  ${ctx.chalk.green('✔')} fixed: ${f.ruleId} on ${forTerminal(f.resource.id)}${name} ${forTerminal(f.resource.region)}`);
  }
  if (b.fixedFindings.length > FIXED_SHOWN) lines.push(`  … and ${b.fixedFindings.length - FIXED_SHOWN} more fixed (see the JSON report)`);
  return lines;
}

function errorLines(report: AuditReport, ctx: TableContext): string[] {
  if (report.errors.length === 0) return [];
  const lines = [ctx.chalk.red.bold(`Errors: the audit is incomplete (${plural(report.errors.length, 'error')})`)];
  for (const e of report.errors) {
    const what = e.kind === 'collection' ? e.operation : `rule ${e.ruleId}${e.resourceId ? ` on ${e.resourceId}` : ''}`;
    lines.push(`  ${ctx.chalk.red('✖')} ${e.accountId} ${e.region} ${what}: ${forTerminal(e.code)} — ${forTerminal(e.message)}`);
  }
  return lines;
}

function skippedLines(report: AuditReport, ctx: TableContext): string[] {
  if (report.skipped.length === 0) return [];
  // One line per (region, hint): the rules that the same missing file would enable.
  const byHint = new Map<string, string[]>();
  for (const s of report.skipped) {
    const key = `${s.region}\u0000${s.hint}`;
    pushTo(byHint, key, s.ruleId);
  }
  const lines = [ctx.chalk.yellow.bold('Not evaluated: the input does not contain the data these rules need')];
  for (const [key, ruleIds] of byHint) {
    const [region, hint] = key.split('\u0000') as [string, string];
    lines.push(`  ${ctx.chalk.yellow('○')} ${region}: ${[...new Set(ruleIds)].join(', ')} — ${hint}`);
  }
  return lines;
}

export function summaryLine(report: AuditReport, chalk: ChalkInstance): string {
  const s = report.summary;
  const severities = SEVERITIES.filter((sev) => s.bySeverity[sev] > 0)
    .map((sev) => paintSeverity(chalk, sev, `${s.bySeverity[sev]} ${sev}`))
    .join(', ');
  const parts = [
    plural(report.run.accounts.length, 'account'),
    plural(report.run.regions.length, 'region'),
    plural(s.securityGroups, 'security group'),
    plural(s.rulesEvaluated, 'rule'),
    `${plural(s.findings, 'finding')}${severities ? ` (${severities})` : ''}`,
    ...(s.suppressed > 0 ? [`${s.suppressed} suppressed`] : []),
    plural(s.errors, 'error'),
  ];
  if (s.skipped > 0) parts.push(`${s.skipped} not evaluated`);
  const verdict =
    s.status === 'incomplete'
      ? chalk.red.bold('INCOMPLETE')
      : s.status === 'fail'
        ? chalk.red.bold(`FAIL (${plural(s.failing, report.baseline ? 'new finding' : 'finding')} at or above ${report.run.failOn})`)
        : chalk.green.bold('PASS');
  return `${parts.join(' · ')} · ${verdict}`;
}

export function renderTable(report: AuditReport, ctx: TableContext): string {
  return [...renderTableChunks(report, ctx)].join('');
}

/**
 * renderTable's text in pieces (a table of 50k findings runs to tens of megabytes): the findings
 * tables block by block, then the sections after them, one blank line apart.
 */
export function* renderTableChunks(report: AuditReport, ctx: TableContext): Generator<string> {
  const sections: (string | Iterable<string>)[] = [];
  const active = report.findings.filter((f) => !f.suppressed);
  const suppressed = report.findings.filter((f) => f.suppressed);
  if (active.length > 0) sections.push(findingsTable(active, ctx));
  else sections.push(ctx.chalk.green(suppressed.length > 0 ? 'No unsuppressed findings.' : 'No findings.'));
  // Suppressed findings stay visible, apart from the ones that count, with why they are accepted.
  if (suppressed.length > 0) {
    sections.push([`${ctx.chalk.bold(`Suppressed (${suppressed.length})`)}\n`, ...findingsTable(suppressed, ctx)]);
  }
  const baseline = baselineLines(report, ctx);
  if (baseline.length > 0) sections.push(baseline.join('\n'));
  const errors = errorLines(report, ctx);
  if (errors.length > 0) sections.push(errors.join('\n'));
  const skipped = skippedLines(report, ctx);
  if (skipped.length > 0) sections.push(skipped.join('\n'));
  if (report.warnings.length > 0) {
    sections.push(
      [ctx.chalk.yellow.bold('Warnings'), ...report.warnings.map((w) => `  ${ctx.chalk.yellow('!')} ${forTerminal(w)}`)].join('\n'),
    );
  }
  sections.push(summaryLine(report, ctx.chalk));
  for (const [i, section] of sections.entries()) {
    if (i > 0) yield '\n\n';
    if (typeof section === 'string') yield section;
    else yield* section;
  }
  yield '\n';
}
