// The terminal report, for a person: one block per resource, worst first; in each, one line per
// finding saying what is open to whom, and the exact fix command under each finding that fails
// the run. It fits the width it is given (ids, ports and CIDRs are never cut; names are elided)
// and ends with what a person reads last: counts, the verdict, what failed it and what to fix
// first. Long evidence (permissions, paths, every attachment, the remediation text) is shown with
// --details, and is in the JSON and HTML reports. Pure: colour and width come in the context.
import type { ChalkInstance } from 'chalk';
import { failingFindings, type FailOn } from '../engine/gate.js';
import { SEVERITIES, severityRank, type Severity } from '../rules-kit/types.js';
import { attributionText, plural } from './describe.js';
import { applyDisplay } from './display.js';
import type { DisplayFilter } from './formats.js';
import { causeLine, groupErrors, unevaluatedLine } from './error-causes.js';
import { forTerminal } from './sanitize.js';
import { elide, widthOf, wrapCommand, wrapSpans, type Span } from './text-layout.js';
import type { AuditReport, ReportFinding } from './types.js';

export interface TableContext {
  readonly chalk: ChalkInstance;
  /** Terminal width in columns. */
  readonly width: number;
  /** Every finding's evidence, remediation text and every attachment (--details). */
  readonly details?: boolean;
  readonly display?: DisplayFilter;
}

// Joins a count to its noun ("7 critical") so a wrapped line never splits them.
const NBSP = '\u00a0';

const TAG: Readonly<Record<Severity, string>> = { critical: 'CRIT', high: 'HIGH', medium: 'MED', low: 'LOW', info: 'INFO' };

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

/** The findings of one resource, and what decides its place. */
interface Block {
  readonly findings: ReportFinding[];
  worst: number;
  failing: number;
}

const resourceKey = (f: ReportFinding) => `${f.resource.accountId}\u0000${f.resource.region}\u0000${f.resource.type}\u0000${f.resource.id}`;

/** Resources worst first: worst severity, then most findings failing the run, then most findings, then where. */
function blocksOf(findings: readonly ReportFinding[], failing: ReadonlySet<ReportFinding>): Block[] {
  const byResource = new Map<string, Block>();
  for (const f of findings) {
    const key = resourceKey(f);
    let block = byResource.get(key);
    if (!block) byResource.set(key, (block = { findings: [], worst: 0, failing: 0 }));
    block.findings.push(f);
    block.worst = Math.max(block.worst, severityRank(f.severity));
    if (failing.has(f)) block.failing++;
  }
  const blocks = [...byResource.values()];
  for (const b of blocks) {
    b.findings.sort((x, y) => severityRank(y.severity) - severityRank(x.severity) || Number(failing.has(y)) - Number(failing.has(x)) || (x.ruleId < y.ruleId ? -1 : x.ruleId > y.ruleId ? 1 : 0));
  }
  return blocks.sort(
    (a, b) =>
      b.worst - a.worst ||
      b.failing - a.failing ||
      b.findings.length - a.findings.length ||
      (resourceKey(a.findings[0] as ReportFinding) < resourceKey(b.findings[0] as ReportFinding) ? -1 : 1),
  );
}

interface AttachmentsEvidence {
  readonly interfaces: number;
  readonly interfaceIds?: readonly string[];
  readonly instances: readonly string[];
  readonly managedInterfaces?: number;
  readonly publicIps: readonly string[];
}

function attachmentsOf(f: ReportFinding): AttachmentsEvidence | undefined {
  const a = f.evidence['attachments'];
  return typeof a === 'object' && a !== null && typeof (a as AttachmentsEvidence).interfaces === 'number' ? (a as AttachmentsEvidence) : undefined;
}

/** "i-1, i-2 and 3 more": ids whole, the list cut at `max` (--details shows them all). */
function idList(ids: readonly string[], max: number): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;
}

/** What uses the resource, in a few words; every id with --details. */
function usedBy(f: ReportFinding, details: boolean): string | undefined {
  const max = details ? Infinity : 2;
  const { evidence, resource } = f;
  if (resource.type === 'network-interface') {
    // The header names the instance; the interface's type is said only when it is not an instance's.
    if (!details && typeof evidence['instanceId'] === 'string') return undefined;
    const instanceId = evidence['instanceId'];
    const name = evidence['instanceName'];
    const type = evidence['interfaceType'];
    if (typeof instanceId === 'string') return `interface of ${instanceId}${typeof name === 'string' ? ` (${forTerminal(elide(name, 40))})` : ''}`;
    return typeof type === 'string' ? `${type} interface` : undefined;
  }
  if (resource.type === 'network-acl') {
    const subnets = evidence['subnets'];
    return Array.isArray(subnets) ? (subnets.length === 0 ? 'used by no subnet' : `used by ${plural(subnets.length, 'subnet')}`) : undefined;
  }
  if (resource.type === 'vpc') {
    const interfaces = evidence['interfaces'];
    return typeof interfaces === 'number' ? `${plural(interfaces, 'network interface')}` : undefined;
  }
  const a = attachmentsOf(f);
  if (!a) return undefined;
  if (a.interfaces === 0) return 'attached to nothing';
  const parts: string[] = [];
  if (a.instances.length === 1) parts.push(`used by ${a.instances[0]}`);
  else if (a.instances.length > 1) parts.push(`used by ${a.instances.length} instances (${idList(a.instances, max)})`);
  const others = a.interfaces - a.instances.length;
  if (a.instances.length === 0) parts.push(`used by ${plural(a.interfaces, 'network interface')}${a.managedInterfaces ? ` (${a.managedInterfaces} AWS-managed)` : ''}`);
  else if (others > 0 && details) parts.push(`${plural(others, 'other interface')}`);
  if (a.publicIps.length > 0) parts.push(`public ${a.publicIps.length === 1 ? 'IP' : 'IPs'} ${idList(a.publicIps, max)}`);
  if (details && a.interfaceIds && a.interfaceIds.length > 0) parts.push(`interfaces ${a.interfaceIds.join(', ')}`);
  return parts.join(' · ');
}

/** "rather than high: …": why severity in context lowered a finding, in brief (the whole reason with --details). */
export function loweredBrief(reason: string): string {
  if (reason.includes('attached to no network interface')) return 'attached to nothing';
  const one = /: it (.*)$/.exec(reason);
  if (one?.[1]) return one[1];
  const many = /\((.*)\)$/.exec(reason);
  return many?.[1] ? `interfaces ${many[1]}` : reason;
}

class Writer {
  readonly lines: string[] = [];
  constructor(readonly ctx: TableContext) {}
  get chalk(): ChalkInstance {
    return this.ctx.chalk;
  }
  push(...lines: string[]): void {
    this.lines.push(...lines);
  }
  /** Spans wrapped to the width after `indent` spaces (and after `lead`, already painted, on the first line). */
  wrap(spans: readonly Span[], indent: number, lead = '', leadWidth = 0, hang = indent): void {
    const lines = wrapSpans(spans, this.ctx.width - indent - leadWidth, this.ctx.width, hang);
    const first = lines[0] ?? '';
    // A lead whose first word went to the next line ends the line without its trailing space.
    this.push(`${' '.repeat(indent)}${first === '' ? lead.trimEnd() : `${lead}${first}`}`, ...lines.slice(1));
  }
}

/** "── sg-1 · name ─────────────── eu-west-1": a resource's header rule. */
function header(w: Writer, f: ReportFinding, showAccount: boolean, showRegion: boolean): void {
  const { chalk } = w;
  const { id, name, type, accountId, region } = f.resource;
  const where = [...(showAccount ? [accountId] : []), ...(showRegion ? [region] : [])].join(' ');
  const kind = type === 'security-group' ? '' : type === 'network-interface' ? 'interface ' : type === 'network-acl' ? 'network ACL ' : 'VPC ';
  // "── " kind id [" · " name] " " fill [" " where " ──"]
  const base = 3 + widthOf(kind) + widthOf(id) + 1 + (where ? 1 + widthOf(where) + 3 : 0);
  const nameRoom = w.ctx.width - base - 2 - 3;
  // An interface is named by its instance: the id, and the instance's Name tag.
  const instanceName = type === 'network-interface' && typeof f.evidence['instanceName'] === 'string' ? ` ${f.evidence['instanceName']}` : '';
  const fullName = `${name}${instanceName}`;
  const showName = fullName !== '' && name !== id && nameRoom >= 8;
  const nameText = showName ? elide(forTerminal(fullName), nameRoom) : '';
  const used = base + (showName ? 3 + widthOf(nameText) : 0);
  const fill = '─'.repeat(Math.max(2, w.ctx.width - used));
  w.push(
    `${chalk.dim('──')} ${kind}${chalk.bold(id)}${showName ? ` ${chalk.dim('·')} ${nameText}` : ''} ${chalk.dim(fill)}${where ? ` ${where} ${chalk.dim('──')}` : ''}`,
  );
}

/** "might be: aws_vpc_security_group_ingress_rule.admin cidr_ipv4 is known after apply, assumed 0.0.0.0/0": a plan's or template's unknown values, in brief. */
export function unknownBrief(values: NonNullable<ReportFinding['unknown']>): string {
  const [first] = values;
  if (!first) return '';
  const more = values.length > 1 ? ` and ${plural(values.length - 1, 'more value')}` : '';
  return `might be: ${first.address} ${first.attribute} ${first.reason.startsWith('known after apply') ? 'is known after apply' : `is unknown (${first.reason})`}, assumed ${first.assumed}${more}`;
}

/** One finding: its line, then (when it fails the run, or with --details) its fix, then details. */
function findingLines(w: Writer, f: ReportFinding, fails: boolean): void {
  const { chalk, ctx } = w;
  const details = Boolean(ctx.details);
  const mark = f.suppressed ? chalk.dim('~') : fails ? chalk.red('✖') : chalk.dim('·');
  const tag = paintSeverity(chalk, f.severity, TAG[f.severity].padEnd(4));
  const isNew = f.baseline === 'new' ? [{ text: 'NEW', paint: (t: string) => chalk.magenta.bold(t) }] : [];
  const summary = forTerminal(f.summary ?? f.message.replace(/ — \w+ rather than \w+: .*$/, ''));
  const lowered = f.context ? [{ text: `(${f.severity} rather than ${f.context.loweredFrom}: ${forTerminal(loweredBrief(f.context.reason))})`, paint: (t: string) => chalk.dim(t) }] : [];
  const might = f.unknown && f.unknown.length > 0 ? [{ text: `(${forTerminal(unknownBrief(f.unknown))})`, paint: (t: string) => chalk.yellow(t) }] : [];
  // "   ✖ HIGH ruleid: summary": 3 + 2 + 5 columns before the rule id.
  w.wrap([...isNew, { text: `${f.ruleId}:`, paint: (t) => chalk.bold(t) }, { text: summary.replace(/ — might be, if .*$/, '') }, ...lowered, ...might], 3, `${mark} ${tag} `, 7, 10);
  const body = 10;
  if (details) {
    w.wrap([{ text: forTerminal(f.message), paint: (t) => chalk.dim(t) }], body);
    w.wrap([{ text: `fix: ${forTerminal(f.remediation)}`, paint: (t) => chalk.dim(t) }], body);
  }
  if (f.suppressed) w.wrap([{ text: suppressedText(f), paint: (t) => chalk.dim(t) }], body);
  if (f.attribution) w.wrap([{ text: forTerminal(attributionText(f.attribution)), paint: (t) => (f.attribution?.events.length ? t : chalk.yellow(t)) }], body);
  if (f.remediationCommand && (fails || details)) {
    const command = wrapCommand(forTerminal(f.remediationCommand), ctx.width, body);
    w.push(...command.map((line) => (line.trimStart().startsWith('#') ? chalk.dim(line) : chalk.cyan(line))));
  }
}

function blockLines(w: Writer, blocks: readonly Block[], failing: ReadonlySet<ReportFinding>, showAccount: boolean, showRegion: boolean): void {
  for (const block of blocks) {
    const first = block.findings[0] as ReportFinding;
    header(w, first, showAccount, showRegion);
    // A resource of a plan or template: where its code is.
    const { address, origin, line } = first.resource;
    if (address !== undefined) {
      const at = origin !== undefined ? `${origin}${line !== undefined ? `:${line}` : ''}` : '';
      w.wrap([{ text: forTerminal(at && !at.includes(address) ? `${at} · ${address}` : address), paint: (t) => w.chalk.dim(t) }], 3);
    }
    const used = usedBy(block.findings.find((f) => attachmentsOf(f)) ?? first, Boolean(w.ctx.details));
    if (used) w.wrap([{ text: forTerminal(used), paint: (t) => w.chalk.dim(t) }], 3);
    for (const f of block.findings) findingLines(w, f, failing.has(f));
  }
}

/** "7 critical · 13 high · …" as spans, each count painted in its severity's colour. */
function severitySpans(chalk: ChalkInstance, findings: readonly ReportFinding[]): Span[] {
  const counts = new Map<Severity, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  return SEVERITIES.filter((s) => (counts.get(s) ?? 0) > 0).flatMap((s, i) => [
    ...(i > 0 ? [{ text: '·' }] : []),
    { text: `${counts.get(s)}${NBSP}${s}`, paint: (t: string) => paintSeverity(chalk, s, t) },
  ]);
}

function verdictLine(report: AuditReport, chalk: ChalkInstance): string {
  const s = report.summary;
  const failOn = report.run.failOn as FailOn;
  if (s.status === 'incomplete') {
    return `${chalk.red.bold('INCOMPLETE')}: the audit could not collect or check everything (above); it is not a pass · exit 3`;
  }
  if (s.status === 'fail') {
    const what = report.baseline ? plural(s.failing, 'new finding') : plural(s.failing, 'finding');
    return `${chalk.red.bold('FAIL')}: ${what} at or above ${failOn} (marked ✖) · exit 1`;
  }
  return `${chalk.green.bold('PASS')}: ${failOn === 'none' ? 'nothing fails the run (--fail-on none)' : `no ${report.baseline ? 'new ' : ''}finding at or above ${failOn}`} · exit 0`;
}

/** The first few resources with findings that fail the run (the blocks' order: worst first), and what fails on each. */
function fixFirst(w: Writer, blocks: readonly Block[], failing: ReadonlySet<ReportFinding>, max = 3): void {
  const ranked = blocks.filter((b) => b.failing > 0);
  if (ranked.length === 0) return;
  const { chalk } = w;
  w.push(chalk.bold('Fix first:'));
  for (const block of ranked.slice(0, max)) {
    const f = block.findings[0] as ReportFinding;
    const rules = [...new Set(block.findings.filter((x) => failing.has(x)).map((x) => x.ruleId))];
    const lead = `  ${f.resource.id}`;
    const instanceName = typeof f.evidence['instanceName'] === 'string' ? ` ${f.evidence['instanceName']}` : '';
    const name = f.resource.name && f.resource.name !== f.resource.id ? forTerminal(`${f.resource.name}${instanceName}`) : '';
    const room = Math.min(32, w.ctx.width - widthOf(lead) - 4);
    const label = name && room >= 8 ? ` ${elide(name, room)}` : '';
    w.wrap([{ text: rules.join(', ') }], 0, `  ${chalk.bold(f.resource.id)}${label}: `, widthOf(`${lead}${label}: `), 4);
  }
  if (ranked.length > max) w.push(chalk.dim(`  and ${plural(ranked.length - max, 'more resource')} with findings that fail the run`));
}

function errorSection(w: Writer, report: AuditReport): void {
  if (report.errors.length === 0) return;
  const { chalk } = w;
  const { causes, unevaluated } = groupErrors(report.errors);
  w.push('', chalk.red.bold(`Errors: the audit is incomplete (${plural(causes.length, 'cause')})`));
  for (const cause of causes) w.wrap([{ text: forTerminal(causeLine(cause)) }], 2, `${chalk.red('✖')} `, 2, 4);
  for (const entry of unevaluated) w.wrap([{ text: unevaluatedLine(entry) }], 2, `${chalk.yellow('○')} `, 2, 4);
}

function skippedSection(w: Writer, report: AuditReport): void {
  if (report.skipped.length === 0) return;
  const { chalk } = w;
  // The rules, then each command whose saved output would let them run, one a line to copy; the
  // region becomes <region> when several regions lack the same files.
  const rules = [...new Set(report.skipped.map((s) => s.ruleId))];
  const regions = [...new Set(report.skipped.map((s) => s.region))];
  const commands = [...new Set(report.skipped.flatMap((s) => [...s.hint.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string)))];
  const shown = regions.length === 1 ? commands : [...new Set(commands.map((c) => c.replace(/ --region [\w-]+/, ' --region <region>')))];
  w.push('');
  w.wrap([{ text: `Not evaluated (the input lacks their data) in ${regions.join(', ')}:`, paint: (t) => chalk.yellow.bold(t) }, { text: rules.join(', ') }], 0, '', 0, 2);
  // A plan or template: the account's data goes to --context.
  w.push(report.skipped.some((s) => s.hint.includes('--context')) ? '  give with --context the output of:' : '  add to --input the output of:');
  for (const command of shown) w.push(...wrapCommand(forTerminal(command), w.ctx.width, 4));
}

function baselineSection(w: Writer, report: AuditReport, unchanged: readonly ReportFinding[], hiddenUnchanged: boolean): void {
  const b = report.baseline;
  if (!b) return;
  const { chalk } = w;
  const when = b.startedAt ? ` (${forTerminal(b.startedAt.slice(0, 10))})` : '';
  w.push('');
  const isChange = report.change !== undefined && b.file === report.change.comparedWith;
  w.wrap(
    [
      { text: isChange ? 'Change' : 'Baseline', paint: (t) => chalk.bold(t) },
      { text: `${isChange ? `compared with ${forTerminal(b.file)}` : forTerminal(b.file)}${when}:` },
      { text: `${b.new}${NBSP}new,`, paint: (t) => chalk.magenta.bold(t) },
      { text: `${b.unchanged}${NBSP}unchanged,` },
      { text: `${b.fixed}${NBSP}fixed`, paint: (t) => chalk.green(t) },
      ...(b.notRechecked > 0 ? [{ text: `· ${b.notRechecked} not re-checked (rule or region not audited this time)` }] : []),
    ],
    0,
    '',
    0,
    2,
  );
  if (unchanged.length > 0 && !w.ctx.details) {
    const resources = new Set(unchanged.map(resourceKey)).size;
    w.wrap(
      [
        { text: `${plural(unchanged.length, 'unchanged finding')} on ${plural(resources, 'resource')} ${hiddenUnchanged ? 'hidden by --only-new' : 'not shown (--details lists them)'}:` },
        ...severitySpans(chalk, unchanged),
      ],
      2,
    );
  }
  const shown = b.fixedFindings.slice(0, w.ctx.details ? Infinity : 10);
  for (const f of shown) {
    const name = f.resource.name && f.resource.name !== f.resource.id ? ` (${elide(forTerminal(f.resource.name), 30)})` : '';
    w.wrap([{ text: `fixed: ${f.ruleId} on ${forTerminal(f.resource.id)}${name} ${forTerminal(f.resource.region)}` }], 2, `${chalk.green('✔')} `, 2, 4);
  }
  if (b.fixedFindings.length > shown.length) w.push(`  … and ${b.fixedFindings.length - shown.length} more fixed (--details, or the JSON report)`);
}

/** A plan or template: the resources it changes, and the interfaces the internet would newly reach. */
function changeSection(w: Writer, report: AuditReport): void {
  const c = report.change;
  if (!c) return;
  const { chalk } = w;
  if (c.resources) {
    const r = c.resources;
    const parts = [`${r.create} to create`, `${r.update} to update`, `${r.replace} to replace`, `${r.delete} to delete`].filter((p) => !p.startsWith('0 '));
    w.wrap([{ text: `Resources sg-audit reads: ${parts.length > 0 ? parts.join(', ') : 'none changed'}`, paint: (t) => chalk.dim(t) }], 2);
  }
  if (c.unknown > 0) w.wrap([{ text: `${plural(c.unknown, 'finding')} depend on values known only after apply (assumed the worst; marked "might be")`, paint: (t) => chalk.yellow(t) }], 2);
  if (c.newlyExposed.length === 0) return;
  w.push('', chalk.bold(`Newly reachable from the internet (${c.newlyExposed.length})`));
  for (const e of c.newlyExposed) {
    const who = forTerminal(e.resource.address ?? e.instanceId ?? e.resource.id);
    const ports = e.ports.map((p) => `${p.protocol} ${p.ports} over ${p.family === 'ipv4' ? 'IPv4' : 'IPv6'}${p.unknown ? ' (might be: known after apply)' : ''}`).join('; ');
    w.wrap([{ text: `${who}:` }, { text: ports }], 2, `${chalk.red('▲')} `, 2, 4);
  }
}

function suppressedSection(w: Writer, suppressed: readonly ReportFinding[]): void {
  if (suppressed.length === 0) return;
  const { chalk } = w;
  w.push('', chalk.bold(`Suppressed (${suppressed.length}): accepted in the config, not failing the run`));
  for (const f of suppressed) {
    const mark = f.suppressed;
    if (!mark) continue;
    const name = f.resource.name && f.resource.name !== f.resource.id ? ` (${elide(forTerminal(f.resource.name), 30)})` : '';
    const who = [mark.owner !== undefined ? `owner ${mark.owner}` : '', mark.expires !== undefined ? `until ${mark.expires}` : ''].filter(Boolean).join(', ');
    w.wrap(
      [{ text: `${f.ruleId} on ${f.resource.id}${name}:`, paint: (t) => chalk.dim(t) }, { text: `${forTerminal(mark.reason)}${who ? ` (${forTerminal(who)})` : ''}` }],
      2,
      `${chalk.dim('~')} `,
      2,
      4,
    );
  }
}

export function renderTable(report: AuditReport, ctx: TableContext): string {
  return [...renderTableChunks(report, ctx)].join('');
}

/**
 * renderTable's text in pieces: the blocks of a large account are written as they are laid out,
 * so the whole report is never held at once.
 */
export function* renderTableChunks(report: AuditReport, ctx: TableContext): Generator<string> {
  const w = new Writer(ctx);
  const { chalk } = w;
  const failOn = report.run.failOn as FailOn;
  const failing = new Set(failingFindings(report.findings, failOn));
  const active = report.findings.filter((f) => !f.suppressed);
  const suppressed = report.findings.filter((f) => f.suppressed);
  const { shown, hidden } = applyDisplay(active, ctx.display);
  const showAccount = report.run.accounts.length > 1;
  const showRegion = report.run.regions.length > 1;
  // With a baseline, what is new comes first; the rest is folded into a count (all of it with --details).
  const baseline = report.baseline !== undefined;
  const fresh = baseline ? shown.filter((f) => f.baseline !== 'unchanged') : shown;
  const unchanged = baseline ? active.filter((f) => f.baseline === 'unchanged') : [];
  const listed = baseline && !ctx.details ? fresh : shown;
  const blocks = blocksOf(listed, failing);

  // A plan or template compared with its before side: what the change brings.
  const since = report.change && report.baseline?.file === report.change.comparedWith ? 'with this change' : 'since the baseline';
  if (baseline) w.push(chalk.bold(fresh.length > 0 ? `New ${since} (${fresh.length})` : `Nothing new ${since}`));
  else if (active.length === 0 && report.summary.status !== 'incomplete') w.push(chalk.green(suppressed.length > 0 ? 'No unsuppressed findings.' : 'No findings.'));
  else if (active.length === 0) w.push(chalk.red.bold('Nothing was found, but the audit is incomplete: see the errors below.'));

  // Blocks go out as they are drawn.
  for (let i = 0; i < blocks.length; i += 50) {
    blockLines(w, blocks.slice(i, i + 50), failing, showAccount, showRegion);
    yield `${w.lines.splice(0).join('\n')}\n`;
  }
  if (hidden > 0) {
    const why = [ctx.display?.minSeverity !== undefined ? `below ${ctx.display.minSeverity} (--min-severity)` : '', ctx.display?.onlyNew ? 'unchanged (--only-new)' : ''].filter(Boolean).join(' or ');
    w.push('');
    w.wrap([{ text: `${plural(hidden, 'finding')} ${why} not shown; the exit code and the machine formats count them`, paint: (t) => chalk.dim(t) }], 0);
  }
  baselineSection(w, report, unchanged, Boolean(ctx.display?.onlyNew));
  changeSection(w, report);
  suppressedSection(w, suppressed);
  skippedSection(w, report);
  errorSection(w, report);
  if (report.warnings.length > 0) {
    w.push('', chalk.yellow.bold('Warnings'));
    for (const warning of report.warnings) w.wrap([{ text: forTerminal(warning) }], 2, `${chalk.yellow('!')} `, 2, 4);
  }

  // The summary: read last.
  const s = report.summary;
  w.push('', chalk.dim('─'.repeat(ctx.width)));
  const resources = new Set(active.map(resourceKey)).size;
  // An incomplete run with nothing found says so in its verdict, never "No findings".
  if (active.length > 0) {
    w.wrap(
      [
        { text: `${plural(active.length, 'finding')} on ${plural(resources, 'resource')}:` },
        ...severitySpans(chalk, active),
        ...(suppressed.length > 0 ? [{ text: `· ${suppressed.length} suppressed` }] : []),
      ],
      0,
    );
  } else if (report.summary.status !== 'incomplete') {
    w.push(`No findings${suppressed.length > 0 ? ` (${suppressed.length} suppressed)` : ''}`);
  }
  w.push(verdictLine(report, chalk));
  fixFirst(w, blocksOf(active, failing), failing);
  const scope = [
    plural(report.run.accounts.length, 'account'),
    plural(report.run.regions.length, 'region'),
    plural(s.securityGroups, 'security group'),
    plural(s.rulesEvaluated, 'rule'),
    ...(s.skipped > 0 ? [`${s.skipped} not evaluated`] : []),
    plural(groupErrors(report.errors).causes.length, 'error'),
    // A shard says which part of its run it is: sg-audit merge joins the N reports.
    ...(report.run.shard ? [`shard ${report.run.shard.index} of ${report.run.shard.total} (${Object.values(report.run.shard.pairs).flat().length} of ${report.run.shard.plan.pairs} account × region pairs)`] : []),
  ];
  w.wrap([{ text: `Audited ${scope.join(' · ')}`, paint: (t) => chalk.dim(t) }], 0);
  yield `${w.lines.splice(0).join('\n')}\n`;
}
