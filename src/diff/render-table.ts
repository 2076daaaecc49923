// The diff for a person at a terminal (or in a cron mail): what newly exposes something first (new
// findings, interfaces the internet now reaches), then every change by group with who made it,
// then what was fixed or closed, what could not be compared, and a summary read last. The block
// layout of the audit's table (src/report/render-table.ts): a header rule per group, a line per
// change; it fits the width it is given and never cuts an id, port, CIDR or ARN (names and user
// agents are elided). Pure: colour and width come in.
import type { ChalkInstance } from 'chalk';
import type { AttributedEvent, Attribution } from '../cloudtrail/attribute.js';
import { failingFindings } from '../engine/gate.js';
import { plural } from '../report/describe.js';
import { causeLine, groupErrors, unevaluatedLine } from '../report/error-causes.js';
import { paintSeverity } from '../report/render-table.js';
import { forTerminal } from '../report/sanitize.js';
import { elide, widthOf, wrapSpans, type Span } from '../report/text-layout.js';
import { SEVERITIES, severityRank } from '../rules-kit/types.js';
import { failingExposure } from './build.js';
import type { DiffReport, ExposureChange, FixedFinding, GroupDiff, NewFinding, ReachChange, RuleChange } from './types.js';

export interface DiffTableContext {
  readonly chalk: ChalkInstance;
  readonly width: number;
  /** Every event of each change, with what it did; a deleted group's rules. */
  readonly details?: boolean;
}

const TAG = { critical: 'CRIT', high: 'HIGH', medium: 'MED', low: 'LOW', info: 'INFO' } as const;

/** 2026-01-02T09:14:03Z → "2026-01-02 09:14 UTC". */
export function whenText(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;
}

/** What made the call, in a word or two: the console, the AWS CLI and its version, Terraform, CloudFormation … */
export function agentBrief(userAgent: string | undefined, invokedBy?: string): string | undefined {
  if (invokedBy && invokedBy !== 'AWS Internal') return `via ${invokedBy}`;
  if (!userAgent) return undefined;
  if (/console\.([\w-]+\.)?amazonaws\.com|^AWS Internal$|signin\.amazonaws/.test(userAgent)) return 'console';
  const known = /\b(aws-cli\/[\w.]+|Terraform\/[\w.]+|terraform-provider-aws\/[\w.]+|Boto3\/[\w.]+|aws-sdk-[\w-]+\/[\w.]+|cloudformation\.amazonaws\.com|Pulumi\/[\w.]+|aws-cdk\/[\w.]+)/i.exec(userAgent);
  return known ? known[1] : elide(userAgent, 32);
}

class Writer {
  readonly lines: string[] = [];
  constructor(readonly ctx: DiffTableContext) {}
  get chalk(): ChalkInstance {
    return this.ctx.chalk;
  }
  push(...lines: string[]): void {
    this.lines.push(...lines);
  }
  /**
   * Spans whose later lines start further left when a word (an ARN: up to 2048 characters) would
   * not fit at `indent`, so it stays whole and within the width when it can.
   */
  wrapLong(spans: readonly Span[], indent: number): void {
    const longest = Math.max(0, ...spans.flatMap((s) => s.text.split(' ').map(widthOf)));
    const hang = Math.max(2, Math.min(indent, this.ctx.width - longest));
    const lines = wrapSpans(spans, this.ctx.width - indent, this.ctx.width, hang);
    this.push(`${' '.repeat(indent)}${lines[0] ?? ''}`, ...lines.slice(1));
  }
  /** Spans wrapped after `indent` spaces (a painted `lead` of `leadWidth` columns first), later lines at `hang`. */
  wrap(spans: readonly Span[], indent: number, lead = '', leadWidth = 0, hang = indent + leadWidth): void {
    const lines = wrapSpans(spans, this.ctx.width - indent - leadWidth, this.ctx.width, hang);
    const first = lines[0] ?? '';
    this.push(`${' '.repeat(indent)}${first === '' ? lead.trimEnd() : `${lead}${first}`}`, ...lines.slice(1));
  }
}

/** "── sg-1 · name (created) ─────── 111122223333 us-east-1 ──" */
function header(w: Writer, id: string, name: string | undefined, note: string, where: string): void {
  const { chalk, ctx } = w;
  const noteText = note ? ` (${note})` : '';
  const base = 3 + widthOf(id) + widthOf(noteText) + 1 + (where ? 1 + widthOf(where) + 3 : 0);
  const room = ctx.width - base - 3 - 2;
  const nameText = name && name !== id && room >= 8 ? elide(forTerminal(name), room) : '';
  const used = base + (nameText ? 3 + widthOf(nameText) : 0);
  const fill = '─'.repeat(Math.max(2, ctx.width - used));
  w.push(`${chalk.dim('──')} ${chalk.bold(id)}${nameText ? ` ${chalk.dim('·')} ${nameText}` : ''}${noteText} ${chalk.dim(fill)}${where ? ` ${where} ${chalk.dim('──')}` : ''}`);
}

/** Two lines per event: who (and the person behind a shared role), then when, the call, from where and with what. */
function eventLines(w: Writer, e: AttributedEvent, indent: number, withWhat: boolean): void {
  const { chalk } = w;
  const who: Span[] = [{ text: 'by', paint: (t) => chalk.dim(t) }, { text: forTerminal(e.principal), paint: (t) => chalk.bold(t) }];
  if (e.sourceIdentity) who.push({ text: `(source identity ${forTerminal(e.sourceIdentity)})` });
  w.wrapLong(who, indent);
  const agent = agentBrief(e.userAgent, e.invokedBy);
  const how: Span[] = [
    { text: whenText(e.eventTime) },
    { text: '·', paint: (t) => chalk.dim(t) },
    { text: e.eventName },
    ...(e.sourceIp ? [{ text: '· from', paint: (t: string) => chalk.dim(t) }, { text: forTerminal(e.sourceIp) }] : []),
    ...(agent ? [{ text: '·', paint: (t: string) => chalk.dim(t) }, { text: forTerminal(agent) }] : []),
  ];
  w.wrap(how, indent);
  if (withWhat) w.wrap([{ text: forTerminal(e.did), paint: (t) => chalk.dim(t) }], indent);
}

function attributionLines(w: Writer, a: Attribution | undefined, indent: number): void {
  if (!a) return;
  const { chalk, ctx } = w;
  if (a.events.length === 0) {
    w.wrap([{ text: 'no matching CloudTrail event:', paint: (t) => chalk.yellow(t) }, { text: forTerminal(a.unmatched ?? ''), paint: (t) => chalk.dim(t) }], indent);
    return;
  }
  // Several events (created, then modified; revoked, then added again): each says what it did.
  const shown = ctx.details ? a.events : a.events.slice(-3);
  if (shown.length < a.events.length) w.wrap([{ text: `… ${plural(a.events.length - shown.length, 'earlier event')} (--details)`, paint: (t) => chalk.dim(t) }], indent);
  for (const e of shown) eventLines(w, e, indent, a.events.length > 1 || Boolean(ctx.details));
}

/** The newest event: who opened (or closed) it, in one or two lines. */
function briefAttribution(w: Writer, a: Attribution | undefined, verb: string, indent: number): void {
  if (!a) return;
  const { chalk } = w;
  const e = a.events[a.events.length - 1];
  if (!e) {
    w.wrap([{ text: `${verb} by: no matching CloudTrail event`, paint: (t) => chalk.yellow(t) }], indent);
    return;
  }
  w.wrapLong([{ text: `${verb} by`, paint: (t) => chalk.dim(t) }, { text: forTerminal(e.principal), paint: (t) => chalk.bold(t) }], indent);
  const others = new Set(a.events.map((x) => x.eventId)).size - 1;
  w.wrap([{ text: `${whenText(e.eventTime)} · ${e.eventName}${others > 0 ? ` (and ${plural(others, 'more event')}: see the changes)` : ''}`, paint: (t) => chalk.dim(t) }], indent);
}

const MARK: Readonly<Record<RuleChange['change'], string>> = { added: '+', removed: '-', modified: '~', recreated: '↻', description: '~' };

function ruleSpans(r: RuleChange, chalk: ChalkInstance): Span[] {
  const id = (text?: string) => (text ? [{ text: `(${text})`, paint: (t: string) => chalk.dim(t) }] : []);
  const desc = (text?: string) => (text ? `"${forTerminal(text)}"` : 'none');
  const before = r.before;
  const after = r.after;
  switch (r.change) {
    case 'added':
      return [{ text: forTerminal(after?.text ?? ''), paint: (t) => chalk.bold(t) }, ...id(after?.ruleId)];
    case 'removed':
      return [{ text: forTerminal(before?.text ?? '') }, ...id(before?.ruleId)];
    case 'modified':
      return [{ text: forTerminal(before?.text ?? '') }, { text: '→', paint: (t) => chalk.dim(t) }, { text: forTerminal(after?.text ?? ''), paint: (t) => chalk.bold(t) }, ...id(after?.ruleId)];
    case 'recreated':
      return [{ text: forTerminal(after?.text ?? '') }, { text: `re-created: ${before?.ruleId ?? '?'} → ${after?.ruleId ?? '?'}`, paint: (t) => chalk.dim(t) }];
    case 'description':
      return [{ text: forTerminal(after?.text ?? '') }, ...id(after?.ruleId), { text: `description ${desc(before?.description)} → ${desc(after?.description)}`, paint: (t) => chalk.dim(t) }];
  }
}

function groupBlock(w: Writer, g: GroupDiff, where: string): void {
  const { chalk, ctx } = w;
  header(w, g.groupId, g.name, g.change === 'changed' ? '' : g.change, where);
  if (g.change !== 'changed') attributionLines(w, g.attribution, 5);
  // A deleted group's rules went with it: counted, listed with --details.
  const rules = g.change === 'deleted' && !ctx.details ? [] : g.rules;
  if (g.change === 'deleted' && !ctx.details && g.rules.length > 0) w.wrap([{ text: `its ${plural(g.rules.length, 'rule')} went with it (--details lists them)`, paint: (t) => chalk.dim(t) }], 5);
  for (const r of rules) {
    const mark = MARK[r.change];
    const paint = r.change === 'added' ? chalk.yellow : r.change === 'removed' ? chalk.green : chalk.cyan;
    w.wrap(ruleSpans(r, chalk), 3, `${paint(mark)} `, 2, 5);
    attributionLines(w, r.attribution, 5);
  }
  for (const a of g.attachments) {
    const of = [a.instanceId ? `of ${a.instanceId}` : '', a.name ? elide(forTerminal(a.name), 30) : ''].filter(Boolean).join(' ');
    const paint = a.change === 'gained' ? chalk.yellow : chalk.green;
    w.wrap([{ text: a.change === 'gained' ? 'now on' : 'no longer on' }, { text: a.interfaceId, paint: (t) => chalk.bold(t) }, ...(of ? [{ text: of }] : [])], 3, `${paint(a.change === 'gained' ? '+' : '-')} `, 2, 5);
    attributionLines(w, a.attribution, 5);
  }
}

const FAMILY = { ipv4: 'IPv4', ipv6: 'IPv6' } as const;

/** "IPv4 tcp 22, 8080; IPv6 tcp 22" */
export function reachText(changes: readonly ReachChange[]): string {
  const parts: string[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const mine = changes.filter((c) => c.family === family);
    if (mine.length > 0) parts.push(`${FAMILY[family]} ${mine.map((c) => `${c.protocol} ${c.ports}`).join('; ')}`);
  }
  return parts.join('; ');
}

function exposureLines(w: Writer, c: ExposureChange, failing: boolean, showAccount: boolean): void {
  const { chalk } = w;
  const opening = c.change === 'newly' || c.change === 'more';
  const mark = opening ? (failing ? chalk.red('✖') : chalk.dim('·')) : chalk.green('✔');
  const risk = c.risk === 'critical' ? 'critical' : c.risk === 'high' ? 'high' : 'info';
  const tag = opening ? `${paintSeverity(chalk, risk, TAG[risk].padEnd(4))} ` : '';
  const who = [c.instanceId, c.name ? elide(forTerminal(c.name), 30) : undefined].filter(Boolean).join(' ');
  const where = [...(showAccount ? [c.accountId] : []), c.region].join(' ');
  w.wrap([{ text: c.interfaceId, paint: (t) => chalk.bold(t) }, ...(who ? [{ text: who }] : []), { text: where, paint: (t) => chalk.dim(t) }], 3, `${mark} ${tag}`, opening ? 7 : 2, 10);
  const verb = c.change === 'newly' ? 'now reachable on' : c.change === 'more' ? 'now also reachable on' : c.change === 'no-longer' ? 'no longer reachable on' : 'no longer reachable on';
  w.wrap([{ text: verb, paint: (t) => chalk.dim(t) }, { text: reachText(opening ? c.gained : c.lost) }], 10);
  if (opening) briefAttribution(w, c.attribution, 'opened', 10);
}

function newFindingLines(w: Writer, f: NewFinding, fails: boolean, showAccount: boolean, was?: FixedFinding): void {
  const { chalk } = w;
  const mark = f.suppressed ? chalk.dim('~') : fails ? chalk.red('✖') : chalk.dim('·');
  const tag = paintSeverity(chalk, f.severity, TAG[f.severity].padEnd(4));
  const name = f.resource.name && f.resource.name !== f.resource.id ? elide(forTerminal(f.resource.name), 30) : '';
  const where = [...(showAccount ? [f.resource.accountId] : []), f.resource.region].join(' ');
  w.wrap([{ text: `${f.ruleId} on`, paint: (t) => chalk.bold(t) }, { text: f.resource.id }, ...(name ? [{ text: name }] : []), { text: where, paint: (t) => chalk.dim(t) }], 3, `${mark} ${tag} `, 7, 10);
  w.wrap([...(was ? [{ text: 'now', paint: (t: string) => chalk.dim(t) }] : []), { text: forTerminal(summaryOf(f)) }], 10);
  if (was) w.wrap([{ text: `was ${forTerminal(summaryOf(was))}`, paint: (t) => chalk.dim(t) }], 10);
  if (f.suppressed) w.wrap([{ text: `suppressed: ${forTerminal(f.suppressed.reason)}`, paint: (t) => chalk.dim(t) }], 10);
  briefAttribution(w, f.attribution, 'opened', 10);
}

/** A finding's one-line summary; a fixed one (from an earlier report) may have only its message. */
function summaryOf(f: { readonly message: string; readonly summary?: string }): string {
  return (f.summary ?? f.message).replace(/ — \w+ rather than \w+: .*$/, '');
}

// Joins a count to its noun ("7 critical"), as the audit's table does, so a wrapped line never splits them.
const NBSP = '\u00a0';
const count = (n: number, one: string, many = `${one}s`) => `${n}${NBSP}${n === 1 ? one : many}`;

function summaryCounts(report: DiffReport, chalk: ChalkInstance): Span[][] {
  const s = report.summary;
  const lines: Span[][] = [];
  const groups = s.groupsCreated + s.groupsDeleted + s.groupsChanged;
  const parts = [
    groups > 0
      ? `${count(groups, 'group')}: ${[s.groupsCreated ? `${s.groupsCreated}${NBSP}created` : '', s.groupsDeleted ? `${s.groupsDeleted}${NBSP}deleted` : '', s.groupsChanged ? `${s.groupsChanged}${NBSP}changed` : ''].filter(Boolean).join(', ')}`
      : 'no group changed',
    s.rulesAdded || s.rulesRemoved || s.rulesModified ? `rules: ${s.rulesAdded}${NBSP}added, ${s.rulesRemoved}${NBSP}removed, ${s.rulesModified}${NBSP}changed` : '',
    s.attachmentsGained || s.attachmentsLost ? `attachments: ${s.attachmentsGained}${NBSP}gained, ${s.attachmentsLost}${NBSP}lost` : '',
  ].filter(Boolean);
  const reportSide = report.run.before.kind === 'report' || report.run.after.kind === 'report';
  lines.push([{ text: reportSide ? 'groups, attachments and reachability not compared (a JSON report side)' : parts.join(' · ') }]);
  const bySeverity = SEVERITIES.filter((sev) => s.newBySeverity[sev] > 0).map((sev) => paintSeverity(chalk, sev, `${s.newBySeverity[sev]}${NBSP}${sev}`));
  lines.push([
    {
      text: `${count(s.newFindings + s.widerFindings, 'new finding')}${bySeverity.length > 0 ? ` (${bySeverity.join(', ')})` : ''}${s.widerFindings > 0 ? `, ${s.widerFindings} of them wider than before` : ''} · ${s.fixedFindings + s.narrowerFindings}${NBSP}fixed${s.narrowerFindings > 0 ? ' or narrower' : ''}`,
    },
    ...(reportSide ? [] : [{ text: `· ${count(s.newlyReachable, 'interface')} newly reachable, ${s.noLongerReachable}${NBSP}no longer` }]),
  ]);
  return lines;
}

function verdictLine(report: DiffReport, chalk: ChalkInstance): string {
  const s = report.summary;
  if (s.status === 'incomplete') return `${chalk.red.bold('INCOMPLETE')}: a side or CloudTrail could not be read whole (errors above); not a pass · exit 3`;
  if (s.status === 'fail' && s.failing === 0) return `${chalk.red.bold('FAIL')}: ${plural(s.changes, 'change')}, none newly exposing anything at or above ${report.run.failOn} (--fail-on-change) · exit 1`;
  if (s.status === 'fail') return `${chalk.red.bold('FAIL')}: ${s.failing === 1 ? '1 change newly exposes' : `${s.failing} changes newly expose`} something at or above ${report.run.failOn} (marked ✖) · exit 1`;
  if (report.run.failOnChange) return `${chalk.green.bold('PASS')}: nothing changed · exit 0`;
  return `${chalk.green.bold('PASS')}: ${report.run.failOn === 'none' ? 'nothing fails the run (--fail-on none)' : `nothing newly exposed at or above ${report.run.failOn}`} · exit 0`;
}

function sideText(side: DiffReport['run']['before']): string {
  return `${forTerminal(side.input)} (${side.kind}${side.time ? `, ${whenText(side.time)}` : ''})`;
}

export function renderDiffTable(report: DiffReport, ctx: DiffTableContext): string {
  const w = new Writer(ctx);
  const { chalk } = w;
  const showAccount = new Set([...report.run.before.accounts, ...report.run.after.accounts]).size > 1;
  const failingNew = new Set(failingFindings([...report.findings.new, ...report.findings.changed.filter((c) => c.change === 'wider').map((c) => c.after)], report.run.failOn));
  const failingReach = new Set(failingExposure(report.exposure, report.run.failOn));
  const opened = report.exposure.filter((c) => c.change === 'newly' || c.change === 'more');
  const closed = report.exposure.filter((c) => c.change === 'no-longer' || c.change === 'less');
  const section = (title: string) => {
    if (w.lines.length > 0) w.push('');
    w.push(chalk.bold(title));
  };

  w.wrap([{ text: 'Changes from', paint: (t) => chalk.bold(t) }, { text: sideText(report.run.before) }, { text: 'to', paint: (t) => chalk.bold(t) }, { text: sideText(report.run.after) }], 0, '', 0, 2);

  // New findings, and findings that now cover more than before: failing ones first.
  const wider = report.findings.changed.filter((c) => c.change === 'wider');
  const fresh: { f: NewFinding; was?: FixedFinding }[] = [...report.findings.new.map((f) => ({ f })), ...wider.map((c) => ({ f: c.after, was: c.before }))];
  if (fresh.length > 0) {
    section(`New findings (${fresh.length})`);
    const ordered = fresh.sort((a, b) => Number(failingNew.has(b.f)) - Number(failingNew.has(a.f)) || severityRank(b.f.severity) - severityRank(a.f.severity));
    for (const { f, was } of ordered) newFindingLines(w, f, failingNew.has(f), showAccount, was);
  }
  if (opened.length > 0) {
    section(`Newly reachable from the internet (${opened.length})`);
    for (const c of opened) exposureLines(w, c, failingReach.has(c), showAccount);
  }
  const changes = report.groups.reduce((n, g) => n + g.rules.length + g.attachments.length + (g.change === 'changed' ? 0 : 1), 0);
  if (report.groups.length > 0) {
    section(`Changes (${changes} in ${plural(report.groups.length, 'group')})`);
    for (const g of report.groups) groupBlock(w, g, [...(showAccount ? [g.accountId] : []), g.region].join(' '));
  } else if (!report.limits.some((l) => l.startsWith('rules, groups and attachments not compared'))) {
    section('No security group changed.');
  }
  const narrower = report.findings.changed.filter((c) => c.change === 'narrower');
  const gone: { f: FixedFinding; now?: NewFinding }[] = [...report.findings.fixed.map((f) => ({ f })), ...narrower.map((c) => ({ f: c.before, now: c.after }))];
  if (gone.length > 0 || closed.length > 0) {
    section(`Fixed or closed (${gone.length + closed.length})`);
    const shown = ctx.details ? gone : gone.slice(0, 15);
    for (const { f, now } of shown) {
      const name = f.resource.name && f.resource.name !== f.resource.id ? ` ${elide(forTerminal(f.resource.name), 30)}` : '';
      w.wrap([{ text: `${f.ruleId} on ${f.resource.id}${name}` }, { text: f.resource.region, paint: (t) => chalk.dim(t) }], 3, `${chalk.green('✔')} `, 2, 5);
      if (now) w.wrap([{ text: `narrower: now ${forTerminal(summaryOf(now))}`, paint: (t) => chalk.dim(t) }], 5);
      briefAttribution(w, f.attribution, 'closed', 5);
    }
    if (shown.length < gone.length) w.wrap([{ text: `… and ${gone.length - shown.length} more (--details, or the JSON report)`, paint: (t) => chalk.dim(t) }], 3);
    for (const c of closed) exposureLines(w, c, false, showAccount);
  }
  if (report.limits.length > 0) {
    section('Not compared');
    for (const limit of report.limits) w.wrap([{ text: forTerminal(limit) }], 2, `${chalk.yellow('○')} `, 2, 4);
  }
  if (report.errors.length > 0) {
    const { causes, unevaluated } = groupErrors(report.errors);
    section(chalk.red(`Errors: the diff is incomplete (${plural(causes.length, 'cause')})`));
    for (const cause of causes) w.wrap([{ text: forTerminal(causeLine(cause)) }], 2, `${chalk.red('✖')} `, 2, 4);
    for (const entry of unevaluated) w.wrap([{ text: unevaluatedLine(entry) }], 2, `${chalk.yellow('○')} `, 2, 4);
  }
  if (report.warnings.length > 0) {
    section(chalk.yellow('Warnings'));
    for (const warning of report.warnings) w.wrap([{ text: forTerminal(warning) }], 2, `${chalk.yellow('!')} `, 2, 4);
  }

  // The summary: read last.
  w.push('', chalk.dim('─'.repeat(ctx.width)));
  for (const spans of summaryCounts(report, chalk)) w.wrap(spans, 0, '', 0, 2);
  const ct = report.run.cloudtrail;
  if (ct) {
    const s = report.summary;
    const window = ct.since || ct.until ? `, ${ct.since ? whenText(ct.since) : '…'} to ${ct.until ? whenText(ct.until) : '…'}` : '';
    w.wrap(
      [{ text: `CloudTrail: ${s.attributed ?? 0} of ${count((s.attributed ?? 0) + (s.unattributed ?? 0), 'change')} attributed; ${count(ct.events, 'event')} (${ct.source === 'lookup' ? 'LookupEvents' : ct.inputs.length <= 2 ? forTerminal(ct.inputs.join(', ')) : `${ct.inputs.length} files`}${window})`, paint: (t) => chalk.dim(t) }],
      0,
      '',
      0,
      2,
    );
  }
  w.push(verdictLine(report, chalk));
  return `${w.lines.join('\n')}\n`;
}
