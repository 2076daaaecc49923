// The diff as GitHub-flavoured Markdown (a PR comment, a ticket, a mail): the verdict and counts,
// then what newly exposes something, every change by group with who made it, what was fixed, and
// what could not be compared. Ids are code; every other text (group and instance names,
// descriptions, principals, session names, user agents) goes through forMarkdown. Pure.
import type { Attribution } from '../cloudtrail/attribute.js';
import { failingFindings } from '../engine/gate.js';
import { plural } from '../report/describe.js';
import { causeLine, groupErrors } from '../report/error-causes.js';
import { forMarkdown, truncate } from '../report/sanitize.js';
import { failingExposure } from './build.js';
import { reachText, whenText } from './render-table.js';
import type { DiffReport, GroupDiff, RuleChange } from './types.js';

const CODE_SAFE = /^[\w .:/=,+-]+$/;

function code(text: string, max = 256): string {
  const short = truncate(text, max);
  return CODE_SAFE.test(short) && short.trim() !== '' ? `\`${short}\`` : forMarkdown(short);
}

const md = (text: string, max = 200) => forMarkdown(truncate(text, max));
const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
const head = (columns: readonly string[]) => `${row(columns)}\n${row(columns.map(() => '---'))}`;

/** Who, when, which call, from where: the newest event, with the others counted. */
function whoCell(a: Attribution | undefined): string {
  if (!a) return '';
  const e = a.events[a.events.length - 1];
  if (!e) return `_no matching event_`;
  const more = a.events.length > 1 ? `<br>(and ${plural(a.events.length - 1, 'earlier event')})` : '';
  const identity = e.sourceIdentity ? ` (source identity ${md(e.sourceIdentity, 80)})` : '';
  return `${code(e.principal)}${identity}<br>${code(whenText(e.eventTime))} · ${code(e.eventName)}${e.sourceIp ? ` from ${code(e.sourceIp)}` : ''}${more}`;
}

const CHANGE_WORD: Readonly<Record<RuleChange['change'], string>> = {
  added: 'added',
  removed: 'removed',
  modified: 'modified',
  recreated: 're-created',
  description: 'description',
};

function ruleCell(r: RuleChange): string {
  const id = (text?: string) => (text ? ` ${code(text)}` : '');
  switch (r.change) {
    case 'added':
      return `${md(r.after?.text ?? '')}${id(r.after?.ruleId)}`;
    case 'removed':
      return `${md(r.before?.text ?? '')}${id(r.before?.ruleId)}`;
    case 'modified':
      return `${md(r.before?.text ?? '')} → **${md(r.after?.text ?? '')}**${id(r.after?.ruleId)}`;
    case 'recreated':
      return `${md(r.after?.text ?? '')}: ${code(r.before?.ruleId ?? '?')} → ${code(r.after?.ruleId ?? '?')}`;
    case 'description':
      return `${md(r.after?.text ?? '')}${id(r.after?.ruleId)}: “${md(r.before?.description ?? '')}” → “${md(r.after?.description ?? '')}”`;
  }
}

function groupSection(g: GroupDiff, attributed: boolean): string[] {
  const name = g.name && g.name !== g.groupId ? ` ${md(g.name, 80)}` : '';
  const lines = [`#### ${code(g.groupId)}${name} · ${code(g.region)}${g.change === 'changed' ? '' : ` · ${g.change}`}`, ''];
  if (g.change !== 'changed' && g.attribution) lines.push(`${g.change === 'created' ? 'Created' : 'Deleted'} by ${whoCell(g.attribution)}`, '');
  const columns = ['Change', 'Rule or interface', ...(attributed ? ['By'] : [])];
  const rows = [
    ...g.rules.map((r) => row([`${CHANGE_WORD[r.change]} (${r.direction === 'ingress' ? 'in' : 'out'})`, ruleCell(r), ...(attributed ? [whoCell(r.attribution)] : [])])),
    ...g.attachments.map((a) =>
      row([
        a.change === 'gained' ? 'attached' : 'detached',
        `${code(a.interfaceId)}${a.instanceId ? ` of ${code(a.instanceId)}` : ''}${a.name ? ` ${md(a.name, 60)}` : ''}`,
        ...(attributed ? [whoCell(a.attribution)] : []),
      ]),
    ),
  ];
  if (rows.length > 0) lines.push(head(columns), ...rows, '');
  return lines;
}

export function renderDiffMarkdown(report: DiffReport): string {
  const s = report.summary;
  const attributed = report.run.cloudtrail !== undefined;
  const status = s.status === 'incomplete' ? 'INCOMPLETE (exit 3)' : s.status === 'fail' ? 'FAIL (exit 1)' : 'PASS (exit 0)';
  const side = (x: DiffReport['run']['before']) => `${code(x.input)} (${x.kind}${x.time ? `, ${code(whenText(x.time))}` : ''})`;
  const out: string[] = [
    `## sg-audit diff: ${status}`,
    '',
    `From ${side(report.run.before)} to ${side(report.run.after)}; fails on ${code(report.run.failOn)}.`,
    '',
    `**${plural(s.newFindings + s.widerFindings, 'new finding')}**${s.widerFindings ? ` (${s.widerFindings} wider than before)` : ''} · ${s.fixedFindings + s.narrowerFindings} fixed or narrower · **${plural(s.newlyReachable, 'interface')} newly reachable** · ${s.noLongerReachable} no longer · ` +
      `groups ${s.groupsCreated} created, ${s.groupsDeleted} deleted, ${s.groupsChanged} changed · rules ${s.rulesAdded} added, ${s.rulesRemoved} removed, ${s.rulesModified} changed · ` +
      `attachments ${s.attachmentsGained} gained, ${s.attachmentsLost} lost`,
    '',
  ];
  if (report.run.cloudtrail) {
    const ct = report.run.cloudtrail;
    out.push(`CloudTrail: ${s.attributed ?? 0} of ${plural((s.attributed ?? 0) + (s.unattributed ?? 0), 'change')} attributed, from ${plural(ct.events, 'event')} (${ct.source === 'lookup' ? 'LookupEvents' : plural(ct.inputs.length, 'file')}).`, '');
  }
  const wider = report.findings.changed.filter((c) => c.change === 'wider');
  const fresh = [...report.findings.new.map((f) => ({ f, was: undefined })), ...wider.map((c) => ({ f: c.after, was: c.before }))];
  const failingNew = new Set(failingFindings(fresh.map((x) => x.f), report.run.failOn));
  if (fresh.length > 0) {
    out.push('### New findings', '', head(['', 'Severity', 'Rule', 'Resource', 'Region', 'Finding', ...(attributed ? ['Opened by'] : [])]));
    for (const { f, was } of fresh) {
      const name = f.resource.name && f.resource.name !== f.resource.id ? `${md(f.resource.name, 60)}<br>` : '';
      out.push(
        row([
          failingNew.has(f) ? '✖' : f.suppressed ? '~' : '',
          `**${f.severity.toUpperCase()}**`,
          code(f.ruleId),
          `${name}${code(f.resource.id)}`,
          code(f.resource.region),
          was ? `now ${md(f.summary ?? f.message)}<br>was ${md(was.summary ?? was.message)}` : md(f.summary ?? f.message),
          ...(attributed ? [whoCell(f.attribution)] : []),
        ]),
      );
    }
    out.push('');
  }
  const failingReach = new Set(failingExposure(report.exposure, report.run.failOn));
  const opened = report.exposure.filter((c) => c.change === 'newly' || c.change === 'more');
  if (opened.length > 0) {
    out.push('### Newly reachable from the internet', '', head(['', 'Risk', 'Interface', 'Region', 'Now reachable on', ...(attributed ? ['Opened by'] : [])]));
    for (const c of opened) {
      const who = `${code(c.interfaceId)}${c.instanceId ? `<br>${code(c.instanceId)}` : ''}${c.name ? ` ${md(c.name, 60)}` : ''}`;
      out.push(row([failingReach.has(c) ? '✖' : '', `**${c.risk.toUpperCase()}**`, who, code(c.region), md(reachText(c.gained)), ...(attributed ? [whoCell(c.attribution)] : [])]));
    }
    out.push('');
  }
  if (report.groups.length > 0) {
    out.push(`### Changes (${plural(report.groups.length, 'group')})`, '');
    for (const g of report.groups) out.push(...groupSection(g, attributed));
  }
  const closed = report.exposure.filter((c) => c.change === 'no-longer' || c.change === 'less');
  const narrower = report.findings.changed.filter((c) => c.change === 'narrower');
  if (report.findings.fixed.length > 0 || narrower.length > 0 || closed.length > 0) {
    out.push('<details><summary>Fixed or closed</summary>', '', head(['Rule or interface', 'Resource', 'Region', ...(attributed ? ['Closed by'] : [])]));
    for (const f of report.findings.fixed) out.push(row([code(f.ruleId), code(f.resource.id), code(f.resource.region), ...(attributed ? [whoCell(f.attribution)] : [])]));
    for (const c of narrower) out.push(row([`${code(c.after.ruleId)} narrower: now ${md(c.after.summary ?? c.after.message)}`, code(c.after.resource.id), code(c.after.resource.region), ...(attributed ? [whoCell(c.before.attribution)] : [])]));
    for (const c of closed) out.push(row([`no longer reachable on ${md(reachText(c.lost))}`, code(c.interfaceId), code(c.region), ...(attributed ? [''] : [])]));
    out.push('', '</details>', '');
  }
  if (report.limits.length > 0) {
    out.push('### Not compared', '', ...report.limits.map((l) => `- ${md(l, 400)}`), '');
  }
  if (report.errors.length > 0) {
    out.push('### Errors: the diff is incomplete', '', ...groupErrors(report.errors).causes.map((c) => `- ${md(causeLine(c), 400)}`), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
