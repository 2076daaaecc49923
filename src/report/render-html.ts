// One self-contained HTML file: the run, counts by severity, the baseline comparison, then the
// findings grouped by resource (security group, network ACL, VPC) with their evidence and the
// fix, then errors, rules that were not evaluated, suppressions and the rules reference.
//
// It is opened from disk, mailed and attached to tickets, so it loads nothing: inline CSS and one
// inline script, allowed by a Content-Security-Policy that names their hashes and nothing else
// (no network, no other script, not even an inline handler). Every text the audited account
// controls goes through forHtml, in content and in attributes alike; report data never enters
// the script: the filters read data-* attributes in the DOM. Without JavaScript everything is
// shown and the filters, which could not work, stay hidden. Pure and deterministic.
import { compareStrings as cmp } from '../compare.js';
import { createHash } from 'node:crypto';
import { pushTo } from '../model/multimap.js';
import type { ResourceRef } from '../model/types.js';
import { SEVERITIES, severityRank, type Severity } from '../rules-kit/types.js';
import type { RenderContext } from './formats.js';
import { plural, SEVERITY_LABEL, STATUS_LABEL, usedByText } from './describe.js';
import { forHtml } from './sanitize.js';
import type { AuditReport, BaselineFinding, ReportFinding, ReportRule } from './types.js';

const RESOURCE_LABEL: Readonly<Record<ResourceRef['type'], string>> = {
  'security-group': 'Security group',
  'network-acl': 'Network ACL',
  vpc: 'VPC',
  'network-interface': 'Network interface',
};

const RESOURCE_ORDER: readonly ResourceRef['type'][] = ['security-group', 'network-acl', 'vpc', 'network-interface'];

const h = forHtml;


/** A baseline file is only checked for what a baseline needs: the rest may be anything. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
}

/** Text whose `backticked` parts are code (rule descriptions, hints), escaped part by part. */
function withCode(text: string): string {
  return text
    .split('`')
    .map((part, i) => (i % 2 === 1 ? `<code>${h(part)}</code>` : h(part)))
    .join('');
}

/** Multi-line text for a <pre>: each line escaped (forHtml shows a raw newline as `\x0a`). */
function preText(text: string): string {
  return text.split('\n').map(h).join('\n');
}

function badge(severity: Severity): string {
  return `<span class="badge sev-${severity}">${SEVERITY_LABEL[severity]}</span>`;
}


// ---------------------------------------------------------------------------------------------
// Findings by resource

interface ResourceGroup {
  readonly resource: ResourceRef;
  readonly findings: ReportFinding[];
}

/** Worst unsuppressed severity first (groups with only suppressed findings last), then type, account, region, id. */
function groupByResource(findings: readonly ReportFinding[]): ResourceGroup[] {
  const groups = new Map<string, ResourceGroup>();
  for (const f of findings) {
    const r = f.resource;
    const key = [r.type, r.accountId, r.region, r.id].join('\n');
    const group = groups.get(key);
    if (group) group.findings.push(f);
    else groups.set(key, { resource: r, findings: [f] });
  }
  const worst = (g: ResourceGroup, suppressed: boolean) =>
    Math.max(0, ...g.findings.filter((f) => Boolean(f.suppressed) === suppressed).map((f) => severityRank(f.severity)));
  return [...groups.values()].sort(
    (a, b) =>
      worst(b, false) - worst(a, false) ||
      worst(b, true) - worst(a, true) ||
      RESOURCE_ORDER.indexOf(a.resource.type) - RESOURCE_ORDER.indexOf(b.resource.type) ||
      cmp(a.resource.accountId, b.resource.accountId) ||
      cmp(a.resource.region, b.resource.region) ||
      cmp(a.resource.id, b.resource.id),
  );
}

interface Attachments {
  readonly interfaces: number;
  readonly instances: readonly string[];
  readonly publicIps: readonly string[];
}

function attachmentsOf(findings: readonly ReportFinding[]): Attachments | undefined {
  for (const f of findings) {
    const a = f.evidence['attachments'] as Partial<Attachments> | undefined;
    if (typeof a === 'object' && a !== null && typeof a.interfaces === 'number') {
      return {
        interfaces: a.interfaces,
        instances: Array.isArray(a.instances) ? a.instances.map(asText) : [],
        publicIps: Array.isArray(a.publicIps) ? a.publicIps.map(asText) : [],
      };
    }
  }
  return undefined;
}

function fact(label: string, value: string): string {
  return `<div><dt>${label}</dt><dd>${value}</dd></div>`;
}

function idList(ids: readonly string[], max = 12): string {
  const shown = ids.slice(0, max).map((id) => `<code>${h(id)}</code>`);
  if (ids.length > max) shown.push(`and ${ids.length - max} more`);
  return shown.join(', ');
}

function resourceSection(group: ResourceGroup, index: number): string {
  const r = group.resource;
  const first = group.findings[0] as ReportFinding;
  const attachments = attachmentsOf(group.findings);
  const facts = [
    fact('Account', `<code>${h(r.accountId)}</code>`),
    fact('Region', `<code>${h(r.region)}</code>`),
    ...(r.vpcId !== undefined && r.type !== 'vpc' ? [fact('VPC', `<code>${h(r.vpcId)}</code>`)] : []),
    fact('Used by', h(usedByText(first))),
    ...(attachments && attachments.instances.length > 0 ? [fact('Instances', idList(attachments.instances))] : []),
    ...(attachments && attachments.publicIps.length > 0 ? [fact('Public IPs', idList(attachments.publicIps))] : []),
    fact('ARN', `<code>${h(r.arn)}</code>`),
  ];
  const name = r.name && r.name !== r.id ? ` <span class="resource-name">${h(r.name)}</span>` : '';
  const worst = group.findings.map((f) => f.severity).sort((a, b) => severityRank(b) - severityRank(a))[0] as Severity;
  return `<section class="resource worst-${worst}" id="resource-${index + 1}" data-resource="${h(r.id)}" aria-labelledby="resource-${index + 1}-title">
<header class="resource-head">
<h3 id="resource-${index + 1}-title"><span class="resource-kind">${RESOURCE_LABEL[r.type]}</span> <code class="resource-id">${h(r.id)}</code>${name}</h3>
<dl class="facts">${facts.join('')}</dl>
</header>
${group.findings.map((f) => findingArticle(f)).join('\n')}
</section>`;
}

/** A permission as the rules put it in evidence (direction, protocol, ports, source, …). */
interface PermissionEvidence {
  readonly direction: string;
  readonly protocol: string;
  readonly ports: string;
  readonly source: string;
  readonly description: string;
  readonly ruleId: string;
}

/** Every permission-shaped object anywhere in the evidence, once each, in the order found. */
function permissionsIn(evidence: unknown): PermissionEvidence[] {
  const found = new Map<string, PermissionEvidence>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 6 || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    const o = value as Record<string, unknown>;
    if (typeof o['direction'] === 'string' && typeof o['source'] === 'string') {
      const p = {
        direction: asText(o['direction']),
        protocol: asText(o['protocol']),
        ports: asText(o['ports']),
        source: asText(o['source']),
        description: asText(o['description']),
        ruleId: asText(o['ruleId']),
      };
      found.set(JSON.stringify(p), p);
      return;
    }
    for (const key of Object.keys(o)) if (key !== 'attachments') visit(o[key], depth + 1);
  };
  visit(evidence, 0);
  return [...found.values()];
}

function permissionsTable(perms: readonly PermissionEvidence[]): string {
  if (perms.length === 0) return '';
  const rows = perms.map(
    (p) =>
      `<tr><td>${h(p.direction)}</td><td>${h(p.protocol)}</td><td>${h(p.ports)}</td><td><code>${h(p.source)}</code></td><td>${
        p.description ? h(p.description) : '<span class="none">none</span>'
      }</td><td>${p.ruleId ? `<code>${h(p.ruleId)}</code>` : ''}</td></tr>`,
  );
  return `<div class="table-wrap"><table class="perms">
<caption>Permissions at fault</caption>
<thead><tr><th scope="col">Direction</th><th scope="col">Protocol</th><th scope="col">Ports</th><th scope="col">Source</th><th scope="col">Description</th><th scope="col">SG rule</th></tr></thead>
<tbody>${rows.join('')}</tbody>
</table></div>`;
}

function evidenceJson(evidence: Readonly<Record<string, unknown>>): string {
  const rest = Object.fromEntries(Object.entries(evidence).filter(([key]) => key !== 'attachments'));
  if (Object.keys(rest).length === 0) return '';
  return `<details class="evidence"><summary>Evidence (JSON)</summary><pre>${preText(JSON.stringify(rest, null, 2))}</pre></details>`;
}

function suppressionNote(f: ReportFinding): string {
  const mark = f.suppressed;
  if (!mark) return '';
  const details = [
    ...(mark.owner !== undefined ? [`owner <strong>${h(mark.owner)}</strong>`] : []),
    ...(mark.expires !== undefined ? [`expires <strong>${h(mark.expires)}</strong>`] : []),
    `<code>suppressions[${mark.suppression}]</code>`,
  ];
  return `<p class="suppression"><strong>Suppressed:</strong> ${h(mark.reason)} <span class="muted">(${details.join(' · ')})</span></p>`;
}

/** The rule id, linked to its row of the rules reference (catalog ids are kebab-case; anything else is not linked). */
function ruleLink(ruleId: string): string {
  return /^[a-z0-9-]+$/.test(ruleId) ? `<a class="rule-id" href="#rule-${ruleId}">${ruleId}</a>` : `<span class="rule-id">${h(ruleId)}</span>`;
}

function findingArticle(f: ReportFinding): string {
  const search = [f.resource.id, f.resource.name, f.message, f.ruleId].join(' ');
  const flags = [
    ...(f.baseline === 'new' ? ['<span class="badge flag-new">New</span>'] : []),
    ...(f.suppressed ? ['<span class="badge flag-suppressed">Suppressed</span>'] : []),
  ];
  const command = f.remediationCommand
    ? `<div class="command"><pre><code>${preText(f.remediationCommand)}</code></pre><button type="button" class="copy" hidden>Copy</button></div>`
    : '';
  return `<article class="finding sev-${f.severity}${f.suppressed ? ' is-suppressed' : ''}" data-severity="${f.severity}" data-rule="${h(f.ruleId)}" data-suppressed="${f.suppressed ? 'true' : 'false'}"${
    f.baseline ? ` data-baseline="${f.baseline}"` : ''
  } data-search="${h(search)}">
<header class="finding-head">${badge(f.severity)}${flags.join('')}<h4>${ruleLink(f.ruleId)} <span class="rule-title">${h(f.title)}</span></h4></header>
${[
    `<p class="message">${h(f.message)}</p>`,
    suppressionNote(f),
    permissionsTable(permissionsIn(f.evidence)),
    `<div class="fix"><p><strong>Fix:</strong> ${withCode(f.remediation)}</p>${command}</div>`,
    evidenceJson(f.evidence),
  ]
    .filter((part) => part !== '')
    .join('\n')}
</article>`;
}

// ---------------------------------------------------------------------------------------------
// Page sections

function verdictText(report: AuditReport): string {
  const { summary: s, run } = report;
  if (s.status === 'incomplete') {
    return `The audit is incomplete: ${plural(s.errors, 'error')} left resources or rules unchecked, so findings may be missing (see <a href="#errors">Errors</a>).`;
  }
  const failOn = `<strong>${h(run.failOn)}</strong>`;
  if (s.status === 'fail') {
    return report.baseline
      ? `${plural(s.failing, 'finding')} at or above ${failOn} ${s.failing === 1 ? 'is' : 'are'} new since the baseline and fail the run.`
      : `${plural(s.failing, 'finding')} at or above ${failOn} fail the run.`;
  }
  if (run.failOn === 'none') return 'No finding fails the run (fail-on: none).';
  return report.baseline ? `No new finding at or above ${failOn} since the baseline: the run passes.` : `No finding at or above ${failOn}: the run passes.`;
}

function pageHeader(report: AuditReport): string {
  const { run, summary: s } = report;
  const list = (items: readonly string[]) => (items.length === 0 ? '<span class="none">none</span>' : items.map((i) => `<code>${h(i)}</code>`).join(' '));
  const facts = [
    fact(run.accounts.length === 1 ? 'Account' : 'Accounts', list(run.accounts)),
    fact(run.regions.length === 1 ? 'Region' : 'Regions', list(run.regions)),
    fact('Source', run.source === 'aws' ? 'live from AWS' : `${plural(run.inputs.length, 'saved file')}`),
    fact('Started', `<time datetime="${h(run.startedAt)}">${h(run.startedAt)}</time>`),
    fact('Finished', `<time datetime="${h(run.finishedAt)}">${h(run.finishedAt)}</time>`),
    fact('Fail on', `<code>${h(run.failOn)}</code>`),
    ...(run.config !== undefined ? [fact('Config', `<code>${h(run.config)}</code>`)] : []),
    fact('Tool', `${h(report.tool.name)} <code>${h(report.tool.version)}</code>`),
  ];
  const inputs =
    run.inputs.length > 0
      ? `<details class="inputs"><summary>Input files (${run.inputs.length})</summary><ul>${run.inputs.map((i) => `<li><code>${h(i)}</code></li>`).join('')}</ul></details>`
      : '';
  return `<header class="page-head">
<div class="title-row"><h1>Security group audit</h1><span class="verdict verdict-${s.status}" data-status="${s.status}">${STATUS_LABEL[s.status]}</span></div>
<p class="verdict-text">${verdictText(report)}</p>
<dl class="facts run-facts">${facts.join('')}</dl>
${inputs}
<nav class="toc" aria-label="Sections"><a href="#summary">Summary</a>${report.baseline ? '<a href="#baseline">Baseline</a>' : ''}<a href="#findings">Findings</a>${
    report.errors.length > 0 ? '<a href="#errors">Errors</a>' : ''
  }${report.skipped.length > 0 ? '<a href="#skipped">Not evaluated</a>' : ''}${report.suppressions.length > 0 ? '<a href="#suppressions">Suppressions</a>' : ''}<a href="#rules">Rules</a></nav>
</header>`;
}

function summarySection(report: AuditReport): string {
  const s = report.summary;
  const card = (cls: string, key: string, n: number, label: string) =>
    `<li class="card ${cls}${n === 0 ? ' is-zero' : ''}"><span class="count" data-count="${key}">${n}</span><span class="label">${label}</span></li>`;
  const cards = [
    ...SEVERITIES.map((sev) => card(`sev-${sev}`, sev, s.bySeverity[sev], SEVERITY_LABEL[sev])),
    card('other', 'suppressed', s.suppressed, 'Suppressed'),
    card(s.errors > 0 ? 'other is-error' : 'other', 'errors', s.errors, 'Errors'),
    card('other', 'skipped', s.skipped, 'Not evaluated'),
  ];
  const totals = [
    `<span data-count="securityGroups">${s.securityGroups}</span> security groups`,
    `<span data-count="rulesEvaluated">${s.rulesEvaluated}</span> rules`,
    `<span data-count="findings">${s.findings}</span> unsuppressed findings`,
    `<span data-count="failing">${s.failing}</span> failing the run`,
  ];
  return `<section id="summary" aria-labelledby="summary-title">
<h2 id="summary-title">Summary</h2>
<ul class="cards">${cards.join('')}</ul>
<p class="totals">${totals.join(' · ')}</p>
${report.warnings.length > 0 ? `<ul class="warnings">${report.warnings.map((w) => `<li>${h(w)}</li>`).join('')}</ul>\n` : ''}</section>`;
}

function fixedTable(fixed: readonly BaselineFinding[]): string {
  if (fixed.length === 0) return '';
  const rows = fixed.map((f) => {
    const severity = (SEVERITIES as readonly unknown[]).includes(f.severity) ? f.severity : 'info';
    const r = f.resource as Partial<Record<keyof ResourceRef, unknown>>;
    const name = asText(r.name);
    const id = asText(r.id);
    return `<tr><td>${badge(severity)}</td><td><code>${h(asText(f.ruleId))}</code></td><td><code>${h(id)}</code>${
      name && name !== id ? `<br><span class="resource-name">${h(name)}</span>` : ''
    }</td><td class="nowrap"><code>${h(asText(r.region))}</code></td><td>${h(asText(f.message))}</td></tr>`;
  });
  return `<h3 class="fixed-title">Fixed since the baseline (${fixed.length})</h3>
<div class="table-wrap"><table class="data">
<thead><tr><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Resource</th><th scope="col">Region</th><th scope="col">Finding</th></tr></thead>
<tbody>${rows.join('')}</tbody>
</table></div>`;
}

function baselineSection(report: AuditReport): string {
  const b = report.baseline;
  if (!b) return '';
  const card = (key: string, n: number, label: string) => `<li class="card other"><span class="count" data-count="baseline-${key}">${n}</span><span class="label">${label}</span></li>`;
  return `<section id="baseline" aria-labelledby="baseline-title">
<h2 id="baseline-title">Baseline</h2>
<p>Compared with <code>${h(b.file)}</code>${b.startedAt !== undefined ? `, a report of the run started <time datetime="${h(b.startedAt)}">${h(b.startedAt)}</time>` : ''}. Only new findings fail the run.</p>
<ul class="cards">${card('new', b.new, 'New')}${card('unchanged', b.unchanged, 'Unchanged')}${card('fixed', b.fixed, 'Fixed')}${card('not-rechecked', b.notRechecked, 'Not re-checked')}</ul>
${fixedTable(b.fixedFindings)}
</section>`;
}

function filtersForm(report: AuditReport): string {
  const counts = new Map<string, number>();
  for (const f of report.findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  const bySev = (sev: Severity) => report.findings.filter((f) => f.severity === sev).length;
  const severities = SEVERITIES.map(
    (sev) =>
      `<label class="check"><input type="checkbox" name="severity" value="${sev}" checked> ${badge(sev)} <span class="n">${bySev(sev)}</span></label>`,
  );
  const rules = [...counts].sort(([a], [b]) => cmp(a, b)).map(([id, n]) => `<option value="${h(id)}">${h(id)} (${n})</option>`);
  const suppressed = report.findings.filter((f) => f.suppressed).length;
  const fresh = report.findings.filter((f) => f.baseline === 'new').length;
  return `<form id="filters" class="filters" role="search" aria-label="Filter findings" hidden>
<fieldset class="severity-filter"><legend>Severity</legend>${severities.join('')}</fieldset>
<label class="field">Rule <select id="filter-rule"><option value="">All rules</option>${rules.join('')}</select></label>
<label class="field grow">Search <input type="search" id="filter-text" placeholder="Resource id, name or message" autocomplete="off"></label>
<label class="check"><input type="checkbox" id="filter-suppressed" checked> Show suppressed <span class="n">${suppressed}</span></label>
${report.baseline ? `<label class="check"><input type="checkbox" id="filter-new"> New only <span class="n">${fresh}</span></label>\n` : ''}<button type="reset">Reset</button>
<output id="filter-status" aria-live="polite">Showing ${report.findings.length} of ${report.findings.length} findings</output>
</form>`;
}

function findingsSection(report: AuditReport): string {
  const groups = groupByResource(report.findings);
  const body =
    groups.length === 0
      ? '<p class="empty">No findings.</p>'
      : `${groups.map(resourceSection).join('\n')}\n<p id="no-match" class="empty" hidden>No finding matches the filters.</p>`;
  return `<section id="findings" aria-labelledby="findings-title">
<h2 id="findings-title">Findings <span class="muted">(${plural(report.findings.length, 'finding')} on ${plural(groups.length, 'resource')})</span></h2>
${groups.length > 0 ? filtersForm(report) : ''}
${body}
</section>`;
}

function errorsSection(report: AuditReport): string {
  if (report.errors.length === 0) return '';
  const rows = report.errors.map((e) => {
    const what =
      e.kind === 'collection'
        ? `<code>${h(e.operation ?? '')}</code>`
        : `rule <code>${h(e.ruleId ?? '')}</code>${e.resourceId ? ` on <code>${h(e.resourceId)}</code>` : ''}`;
    return `<tr><td>${h(e.kind)}</td><td class="nowrap"><code>${h(e.accountId)}</code></td><td class="nowrap"><code>${h(e.region)}</code></td><td>${what}</td><td><code>${h(e.code)}</code></td><td>${h(e.message)}${
      e.hint ? `<br><span class="muted">${h(e.hint)}</span>` : ''
    }</td></tr>`;
  });
  return `<section id="errors" aria-labelledby="errors-title">
<h2 id="errors-title">Errors <span class="muted">(the audit is incomplete)</span></h2>
<div class="table-wrap"><table class="data">
<thead><tr><th scope="col">Kind</th><th scope="col">Account</th><th scope="col">Region</th><th scope="col">What</th><th scope="col">Code</th><th scope="col">Message</th></tr></thead>
<tbody>${rows.join('')}</tbody>
</table></div>
</section>`;
}

function skippedSection(report: AuditReport): string {
  if (report.skipped.length === 0) return '';
  // One row per (account, region, hint): the rules that the same missing file would enable.
  const byHint = new Map<string, string[]>();
  for (const s of report.skipped) pushTo(byHint, `${s.accountId}\u0000${s.region}\u0000${s.hint}`, s.ruleId);
  const rows = [...byHint].map(([key, ruleIds]) => {
    const [account, region, hint] = key.split('\u0000') as [string, string, string];
    const rules = [...new Set(ruleIds)].map((id) => `<code>${h(id)}</code>`).join(' ');
    return `<tr><td class="nowrap"><code>${h(account)}</code></td><td class="nowrap"><code>${h(region)}</code></td><td>${rules}</td><td>${withCode(hint)}</td></tr>`;
  });
  return `<section id="skipped" aria-labelledby="skipped-title">
<h2 id="skipped-title">Not evaluated</h2>
<p>The input does not contain the data these rules need.</p>
<div class="table-wrap"><table class="data">
<thead><tr><th scope="col">Account</th><th scope="col">Region</th><th scope="col">Rules</th><th scope="col">To evaluate them</th></tr></thead>
<tbody>${rows.join('')}</tbody>
</table></div>
</section>`;
}

function suppressionsSection(report: AuditReport): string {
  if (report.suppressions.length === 0) return '';
  const rows = report.suppressions.map((s) => {
    const scope = [
      ...(s.ports ? [`ports ${s.ports.map((p) => `<code>${h(p)}</code>`).join(', ')}`] : []),
      ...(s.source !== undefined ? [`source <code>${h(s.source)}</code>`] : []),
      ...(s.account !== undefined ? [`account <code>${h(s.account)}</code>`] : []),
      ...(s.region !== undefined ? [`region <code>${h(s.region)}</code>`] : []),
    ];
    return `<tr><td><code>suppressions[${s.index}]</code></td><td><code>${h(s.rule)}</code></td><td><code>${h(s.resource)}</code>${
      scope.length > 0 ? `<br><span class="muted">${scope.join(' · ')}</span>` : ''
    }</td><td>${h(s.reason)}</td><td>${s.owner !== undefined ? h(s.owner) : ''}</td><td>${s.expires !== undefined ? h(s.expires) : ''}</td><td><span class="status status-${s.status}">${h(s.status)}</span></td><td class="num">${s.matched}</td></tr>`;
  });
  return `<section id="suppressions" aria-labelledby="suppressions-title">
<h2 id="suppressions-title">Suppressions</h2>
<div class="table-wrap"><table class="data">
<thead><tr><th scope="col">Entry</th><th scope="col">Rule</th><th scope="col">Resource</th><th scope="col">Reason</th><th scope="col">Owner</th><th scope="col">Expires</th><th scope="col">Status</th><th scope="col" class="num">Matched</th></tr></thead>
<tbody>${rows.join('')}</tbody>
</table></div>
</section>`;
}

function rulesSection(rules: readonly ReportRule[]): string {
  const rows = [...rules]
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || cmp(a.id, b.id))
    .map((r) => {
      const c = r.checks;
      const checks = `<span class="check-pass">${c.pass} pass</span><span${c.fail > 0 ? ' class="check-fail"' : ''}>${c.fail} fail</span>${
        c.notApplicable > 0 ? `<span>${c.notApplicable} not applicable</span>` : ''
      }${c.error > 0 ? `<span class="check-error">${c.error} error</span>` : ''}`;
      const refs = r.references.length > 0 ? `<p class="refs">${r.references.map((ref) => h(ref)).join(' · ')}</p>` : '';
      return `<tr${/^[a-z0-9-]+$/.test(r.id) ? ` id="rule-${r.id}"` : ''}><td>${badge(r.severity)}</td><td><code class="rule-id">${h(r.id)}</code><p class="rule-name">${h(r.title)}</p></td><td>${withCode(
        r.description,
      )}${refs}</td><td>${withCode(r.remediation)}</td><td class="checks">${checks}</td></tr>`;
    });
  return `<section id="rules" aria-labelledby="rules-title">
<h2 id="rules-title">Rules <span class="muted">(${plural(rules.length, 'rule')} evaluated)</span></h2>
<div class="table-wrap"><table class="data rules">
<thead><tr><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">What it checks</th><th scope="col">Fix</th><th scope="col">Checks</th></tr></thead>
<tbody>${rows.join('')}</tbody>
</table></div>
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Style and script: fixed text, allowed by their hashes in the CSP.

const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --surface: #ffffff; --text: #1f2328; --muted: #59636e; --border: #d8dee4; --code-bg: #eff1f3;
  --accent: #0b63c5; --pass: #1a7f37; --fail: #cf222e;
  --critical: #8b0d23; --high: #d1242f; --medium: #b35900; --low: #0969da; --info: #6e7781;
  --critical-bg: #ffe2e5; --high-bg: #ffebe9; --medium-bg: #fff1d6; --low-bg: #ddf4ff; --info-bg: #eaeef2;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --surface: #161b22; --text: #e6edf3; --muted: #9198a1; --border: #30363d; --code-bg: #21262d;
    --accent: #4493f8; --pass: #3fb950; --fail: #f85149;
    --critical: #ff6b81; --high: #f85149; --medium: #e3b341; --low: #58a6ff; --info: #9198a1;
    --critical-bg: #3d0d17; --high-bg: #3d1214; --medium-bg: #3a2a05; --low-bg: #0c2d52; --info-bg: #262c33;
  }
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.5 var(--font); }
main, .page-head { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
a { color: var(--accent); }
code, pre { font-family: var(--mono); font-size: 0.88em; }
code { background: var(--code-bg); border-radius: 4px; padding: 0.1em 0.35em; overflow-wrap: break-word; }
pre { background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: 10px 12px; margin: 0; overflow-x: auto; white-space: pre-wrap; overflow-wrap: break-word; }
pre code { background: none; padding: 0; font-size: 1em; }
h1, h2, h3, h4 { line-height: 1.25; }
h1 { font-size: 1.75rem; margin: 0; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.75rem; padding-bottom: 0.3rem; border-bottom: 1px solid var(--border); }
h3 { font-size: 1.05rem; margin: 0; }
h4 { font-size: 0.98rem; margin: 0; font-weight: 600; }
.muted, .none { color: var(--muted); font-weight: normal; }
.page-head { padding-top: 24px; }
.title-row { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; }
.verdict { font-weight: 700; letter-spacing: 0.06em; padding: 3px 12px; border-radius: 999px; font-size: 0.95rem; border: 2px solid currentColor; }
.verdict-pass { color: var(--pass); }
.verdict-fail { color: var(--fail); }
.verdict-incomplete { color: var(--medium); }
.verdict-text { font-size: 1.05rem; margin: 8px 0 14px; }
dl.facts { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 0; }
dl.facts div { min-width: 0; }
dl.facts dt { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.inputs { margin-top: 10px; font-size: 0.9rem; }
.inputs ul { margin: 6px 0; padding-left: 20px; columns: 2 28em; }
.toc { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-top: 14px; padding: 8px 0; border-top: 1px solid var(--border); font-size: 0.92rem; }
.cards { list-style: none; display: grid; grid-template-columns: repeat(auto-fill, minmax(120px, 1fr)); gap: 10px; padding: 0; margin: 0; }
.card { background: var(--surface); border: 1px solid var(--border); border-left: 6px solid var(--info); border-radius: 8px; padding: 10px 14px; display: flex; flex-direction: column; }
.card .count { font-size: 1.8rem; font-weight: 700; line-height: 1.1; font-variant-numeric: tabular-nums; }
.card .label { font-size: 0.85rem; color: var(--muted); }
.card.is-zero .count { color: var(--muted); }
.card.other { border-left-color: var(--border); }
.card.is-error { border-left-color: var(--fail); }
.card.sev-critical { border-left-color: var(--critical); }
.card.sev-high { border-left-color: var(--high); }
.card.sev-medium { border-left-color: var(--medium); }
.card.sev-low { border-left-color: var(--low); }
.card.sev-info { border-left-color: var(--info); }
.fixed-title { margin: 18px 0 0; }
.totals { color: var(--muted); margin: 10px 0 0; }
.totals span { color: var(--text); font-weight: 600; }
.warnings { margin: 12px 0 0; padding: 10px 14px 10px 32px; background: var(--medium-bg); border-radius: 6px; }
.badge { display: inline-block; font-size: 0.72rem; font-weight: 700; letter-spacing: 0.04em; text-transform: uppercase; padding: 2px 8px; border-radius: 999px; white-space: nowrap; border: 1px solid transparent; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.badge.sev-critical { background: var(--critical); color: #fff; }
.badge.sev-high { background: var(--high); color: #fff; }
.badge.sev-medium { background: var(--medium-bg); color: var(--medium); border-color: var(--medium); }
.badge.sev-low { background: var(--low-bg); color: var(--low); border-color: var(--low); }
.badge.sev-info { background: var(--info-bg); color: var(--info); border-color: var(--info); }
.badge.flag-new { background: var(--accent); color: #fff; }
.badge.flag-suppressed { background: var(--info-bg); color: var(--muted); border-color: var(--border); }
.filters { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; align-items: center; gap: 10px 18px; background: var(--surface); border: 1px solid var(--border); border-radius: 8px; padding: 10px 14px; margin: 0 0 16px; box-shadow: 0 2px 6px rgba(0,0,0,0.06); }
.filters fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; }
.filters legend { float: left; margin-right: 8px; font-size: 0.85rem; color: var(--muted); }
.filters .check { display: inline-flex; align-items: center; gap: 5px; cursor: pointer; white-space: nowrap; }
.filters .field { display: inline-flex; align-items: center; gap: 6px; font-size: 0.9rem; color: var(--muted); }
.filters .grow { flex: 1 1 220px; }
.filters .grow input { flex: 1; min-width: 0; }
.filters select { max-width: 22em; }
.filters input[type=search], .filters select, .filters button { font: inherit; font-size: 0.9rem; color: var(--text); background: var(--bg); border: 1px solid var(--border); border-radius: 6px; padding: 4px 8px; }
.filters button { cursor: pointer; }
.filters .n { color: var(--muted); font-size: 0.85rem; font-variant-numeric: tabular-nums; }
#filter-status { font-size: 0.85rem; color: var(--muted); margin-left: auto; }
.resource { background: var(--surface); border: 1px solid var(--border); border-left: 6px solid var(--info); border-radius: 8px; margin: 0 0 16px; overflow: hidden; }
.resource.worst-critical { border-left-color: var(--critical); }
.resource.worst-high { border-left-color: var(--high); }
.resource.worst-medium { border-left-color: var(--medium); }
.resource.worst-low { border-left-color: var(--low); }
.resource-head { padding: 12px 16px; border-bottom: 1px solid var(--border); }
.resource-head h3 { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; margin-bottom: 6px; }
.resource-kind { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); font-weight: 600; }
.resource-id { font-size: 0.95rem; }
.resource-name { font-weight: 600; overflow-wrap: anywhere; min-width: 0; }
.resource-head dl.facts { font-size: 0.88rem; gap: 4px 20px; }
.finding { padding: 12px 16px 14px; border-top: 1px solid var(--border); }
.finding:first-of-type { border-top: 0; }
.finding.is-suppressed { background: repeating-linear-gradient(135deg, transparent 0 12px, rgba(127,127,127,0.05) 12px 24px); }
.finding.is-suppressed .message, .finding.is-suppressed h4 { opacity: 0.8; }
.finding-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 8px; }
.finding-head h4 { flex: 1 1 300px; }
.rule-id { font-family: var(--mono); font-size: 0.9em; font-weight: 600; }
a.rule-id { text-decoration: none; }
a.rule-id:hover { text-decoration: underline; }
.rule-title { font-weight: 400; color: var(--muted); }
.message { margin: 8px 0; overflow-wrap: anywhere; }
.suppression { margin: 8px 0; padding: 6px 10px; border-left: 3px solid var(--muted); background: var(--info-bg); border-radius: 0 6px 6px 0; font-size: 0.92rem; overflow-wrap: anywhere; }
.fix { margin-top: 10px; }
.fix p { margin: 0 0 6px; }
.command { position: relative; }
.command pre { padding-right: 70px; }
.copy { position: absolute; top: 6px; right: 6px; font: inherit; font-size: 0.78rem; padding: 2px 10px; border-radius: 6px; border: 1px solid var(--border); background: var(--surface); color: var(--text); cursor: pointer; }
.copy:hover { border-color: var(--accent); }
details.evidence { margin-top: 8px; font-size: 0.9rem; }
details summary { cursor: pointer; color: var(--muted); }
details.evidence pre { margin-top: 6px; max-height: 360px; overflow: auto; }
.table-wrap { overflow-x: auto; margin: 8px 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
caption { text-align: left; font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); padding-bottom: 4px; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--border); overflow-wrap: break-word; }
th { font-weight: 600; background: var(--code-bg); }
table.data { background: var(--surface); border: 1px solid var(--border); }
table.perms td:nth-child(-n+3) { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.nowrap { white-space: nowrap; }
table.rules { table-layout: fixed; }
.rules th:nth-child(1) { width: 7.5em; }
.rules th:nth-child(2) { width: 22%; }
.rules th:nth-child(4) { width: 22%; }
.rules th:nth-child(5) { width: 8.5em; }
.rules .checks span { display: block; white-space: nowrap; }
.rules .rule-name { margin: 4px 0 0; }
.refs { margin: 6px 0 0; color: var(--muted); font-size: 0.85rem; }
.check-fail { color: var(--fail); }
.check-pass { color: var(--pass); }
.check-error { color: var(--fail); font-weight: 700; }
.status { font-weight: 600; }
.status-expired, .status-unused { color: var(--medium); }
.status-active { color: var(--pass); }
.empty { padding: 16px; background: var(--surface); border: 1px dashed var(--border); border-radius: 8px; color: var(--muted); }
footer.page-foot { max-width: 1180px; margin: 32px auto 0; padding: 0 20px 24px; color: var(--muted); font-size: 0.85rem; }
footer.page-foot p { margin: 0; padding-top: 12px; border-top: 1px solid var(--border); }
@media (max-width: 640px) {
  body { font-size: 14px; }
  main, .page-head { padding: 0 12px; }
  .page-head { padding-top: 16px; }
  .filters { position: static; }
  #filter-status { margin-left: 0; }
  .finding, .resource-head { padding-left: 12px; padding-right: 12px; }
}
@media print {
  :root { --bg: #fff; --surface: #fff; --text: #000; --muted: #444; --border: #bbb; --code-bg: #f3f3f3; }
  body { font-size: 11pt; }
  .filters, .copy, .toc { display: none !important; }
  .card, .finding, tr { break-inside: avoid; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  pre { white-space: pre-wrap; max-height: none !important; }
}
`;

// Plain ES2017, no modules: runs from file:// in any current browser. It reads only the DOM.
const SCRIPT = `
(function () {
  'use strict';
  var form = document.getElementById('filters');
  var copyButtons = document.querySelectorAll('button.copy');
  Array.prototype.forEach.call(copyButtons, function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var code = button.parentNode.querySelector('code');
      var text = code.textContent;
      var done = function (label) {
        button.textContent = label;
        setTimeout(function () { button.textContent = 'Copy'; }, 1500);
      };
      var select = function () {
        var range = document.createRange();
        range.selectNodeContents(code);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        done('Press Ctrl+C');
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done('Copied'); }, select);
      } else {
        select();
      }
    });
  });
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) { d.open = true; });
  });
  if (!form) return;
  var findings = Array.prototype.slice.call(document.querySelectorAll('article.finding'));
  var resources = Array.prototype.slice.call(document.querySelectorAll('section.resource'));
  var severityBoxes = Array.prototype.slice.call(form.querySelectorAll('input[name="severity"]'));
  var rule = document.getElementById('filter-rule');
  var text = document.getElementById('filter-text');
  var showSuppressed = document.getElementById('filter-suppressed');
  var newOnly = document.getElementById('filter-new');
  var status = document.getElementById('filter-status');
  var noMatch = document.getElementById('no-match');
  var apply = function () {
    var severities = Object.create(null);
    severityBoxes.forEach(function (box) { severities[box.value] = box.checked; });
    var query = text.value.trim().toLowerCase();
    var shown = 0;
    findings.forEach(function (finding) {
      var d = finding.dataset;
      var visible = severities[d.severity] === true &&
        (rule.value === '' || d.rule === rule.value) &&
        (showSuppressed.checked || d.suppressed !== 'true') &&
        (!newOnly || !newOnly.checked || d.baseline === 'new') &&
        (query === '' || (d.search || '').toLowerCase().indexOf(query) !== -1);
      finding.hidden = !visible;
      if (visible) shown += 1;
    });
    resources.forEach(function (resource) {
      resource.hidden = resource.querySelector('article.finding:not([hidden])') === null;
    });
    status.textContent = 'Showing ' + shown + ' of ' + findings.length + ' findings';
    if (noMatch) noMatch.hidden = shown !== 0;
  };
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  form.addEventListener('reset', function () { setTimeout(apply, 0); });
  form.hidden = false;
  apply();
})();
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The policy: nothing may load, only our own style and script may run. */
export function contentSecurityPolicy(style: string = STYLE, script: string = SCRIPT): string {
  return [
    "default-src 'none'",
    `style-src ${sha256(style)}`,
    `script-src ${sha256(script)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function renderHtml(report: AuditReport, ctx: RenderContext): string {
  void ctx;
  const { run, summary: s } = report;
  const title = `sg-audit ${STATUS_LABEL[s.status]}: ${plural(s.findings, 'finding')} · ${run.accounts.join(', ')} · ${run.startedAt}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="${h(report.tool.name)} ${h(report.tool.version)}">
<title>${h(title)}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
${pageHeader(report)}
<main>
${[
  summarySection(report),
  baselineSection(report),
  findingsSection(report),
  errorsSection(report),
  skippedSection(report),
  suppressionsSection(report),
  rulesSection(report.rules),
]
  .filter((section) => section !== '')
  .join('\n')}
</main>
<footer class="page-foot"><p>Written by ${h(report.tool.name)} ${h(report.tool.version)} (report schema ${report.schemaVersion}) for the run started ${h(run.startedAt)}. This file loads nothing from the network.</p></footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
