// One self-contained HTML file: the run, counts by severity, the baseline comparison, the findings
// grouped by resource (security group, network ACL, VPC, network interface) with their evidence
// and the fix, then errors, rules that were not evaluated, suppressions and the rules reference.
// With a baseline, the new findings come first, each with its fix; the unchanged ones are folded;
// the fixed ones are listed after them.
//
// It is opened from disk, mailed and attached to tickets, so it loads nothing: inline CSS and one
// inline script, allowed by a Content-Security-Policy that names their hashes and nothing else
// (no network, no other script, not even an inline handler), with Trusted Types required so that
// no string can become markup. Every text the audited account controls goes through forHtml, in
// content and in attributes alike.
//
// At scale (35k findings) the markup of every finding would be far too large to load, so the
// findings travel as compact data, packed (html-data.ts: JSON, gzip, base64), that the script
// unpacks and draws a page at a time (html-script.ts). Without JavaScript the page still says what matters: the verdict, the counts,
// the baseline comparison, the first page of each list (the most severe findings, about
// PAGE_FINDINGS of them, whole resources) and how many more there are. The page is written in
// pieces, so it is never held whole. Pure and deterministic.
import { compareStrings as cmp } from '../compare.js';
import { createHash } from 'node:crypto';
import { pushTo } from '../model/multimap.js';
import type { ResourceRef } from '../model/types.js';
import { SEVERITIES, severityRank, type Severity } from '../rules-kit/types.js';
import { causeScope, groupErrors, unevaluatedLine } from './error-causes.js';
import { hiddenText, type RenderContext } from './formats.js';
import { SEVERITY_LABEL, STATUS_LABEL } from './describe.js';
import {
  asText,
  firstPage,
  pageData,
  packPageData,
  RESOURCE_LABEL,
  RESOURCE_TYPES,
  worstSeverity,
  type FindingRecord,
  type FindingsList,
  type GroupRecord,
  type PageData,
  type PermissionRow,
} from './html-data.js';
import { SCRIPT } from './html-script.js';
import { STYLE } from './html-style.js';
import { forHtml } from './sanitize.js';
import type { AuditReport, BaselineFinding, ReportRule } from './types.js';

const h = forHtml;

/** A count as people read it at scale: 17,735. */
const num = (n: number) => n.toLocaleString('en-US');

function plural(n: number, one: string, many = `${one}s`): string {
  return `${num(n)} ${n === 1 ? one : many}`;
}

/** Fixed findings listed in the page at most; the JSON report has them all. */
export const FIXED_MAX = 500;

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

function fact(label: string, value: string): string {
  return `<div><dt>${label}</dt><dd>${value}</dd></div>`;
}

const severityAt = (index: number) => (SEVERITIES[index] ?? 'info') as Severity;

/** Counts by severity, most severe first, the zeros left out: "3 critical · 5 high". */
function severityCounts(severities: Iterable<Severity>): string {
  const counts = new Map<Severity, number>();
  for (const s of severities) counts.set(s, (counts.get(s) ?? 0) + 1);
  return SEVERITIES.filter((s) => counts.has(s))
    .map((s) => `${num(counts.get(s) ?? 0)} ${s}`)
    .join(' · ');
}

// ---------------------------------------------------------------------------------------------
// Findings, drawn from the page's data: the script draws the same markup (html-script.ts).

function idList(ids: readonly string[], more: number): string {
  const shown = ids.map((id) => `<code>${h(id)}</code>`);
  if (more > 0) shown.push(`and ${num(more)} more`);
  return shown.join(', ');
}

function resourceSection(data: PageData, list: number, group: GroupRecord): string {
  const r = data.resources[group[0]];
  if (!r) return '';
  const S = data.strings;
  const str = (ref: number) => h(S[ref] ?? '');
  const id = `res-${list}-${group[0]}`;
  const facts = [
    fact('Account', `<code>${str(r[3])}</code>`),
    fact('Region', `<code>${str(r[4])}</code>`),
    ...(r[5] !== 0 ? [fact('VPC', `<code>${str(r[5])}</code>`)] : []),
    fact('Used by', str(r[7])),
    ...(r[8].length > 0 ? [fact('Instances', idList(r[8], r[9]))] : []),
    ...(r[10].length > 0 ? [fact('Public IPs', idList(r[10], r[11]))] : []),
    fact('ARN', `<code>${h(r[6])}</code>`),
  ];
  const kind = RESOURCE_LABEL[RESOURCE_TYPES[r[0]] ?? 'security-group'];
  const name = r[2] !== '' ? ` <span class="resource-name">${h(r[2])}</span>` : '';
  return `<section class="resource worst-${worstSeverity(group)}" data-resource="${h(r[1])}" aria-labelledby="${id}">
<header class="resource-head">
<h3 id="${id}"><span class="resource-kind">${kind}</span> <code class="resource-id">${h(r[1])}</code>${name}</h3>
<dl class="facts">${facts.join('')}</dl>
</header>
${group[1].map((f) => findingArticle(data, f)).join('\n')}
</section>`;
}

function permissionsTable(S: readonly string[], rows: readonly PermissionRow[]): string {
  if (rows.length === 0) return '';
  const str = (ref: number) => h(S[ref] ?? '');
  const body = rows.map(
    (p) =>
      `<tr><td>${str(p[0])}</td><td>${str(p[1])}</td><td>${str(p[2])}</td><td><code>${str(p[3])}</code></td><td>${
        p[4] !== 0 ? str(p[4]) : '<span class="none">none</span>'
      }</td><td>${p[5] !== '' ? `<code>${h(p[5])}</code>` : ''}</td></tr>`,
  );
  return `<div class="table-wrap"><table class="perms">
<caption>Permissions at fault</caption>
<thead><tr><th scope="col">Direction</th><th scope="col">Protocol</th><th scope="col">Ports</th><th scope="col">Source</th><th scope="col">Description</th><th scope="col">SG rule</th></tr></thead>
<tbody>${body.join('')}</tbody>
</table></div>`;
}

/** The rule id, linked to its row of the rules reference (catalog ids are kebab-case; anything else is not linked). */
function ruleLink(ruleId: string): string {
  return /^[a-z0-9-]+$/.test(ruleId) ? `<a class="rule-id" href="#rule-${ruleId}">${ruleId}</a>` : `<span class="rule-id">${h(ruleId)}</span>`;
}

function findingArticle(data: PageData, f: FindingRecord): string {
  const [ruleId, title, remediation] = data.rules[f[0]] ?? ['', '', ''];
  const severity = severityAt(f[1]);
  const mark = f[2] > 0 ? data.marks[f[2] - 1] : undefined;
  const hasBaseline = (data.lists[0] as FindingsList).key !== 'all';
  const flags = [
    ...(f[3] === 1 ? ['<span class="badge flag-new">New</span>'] : []),
    ...(mark ? ['<span class="badge flag-suppressed">Suppressed</span>'] : []),
  ];
  const suppression = mark
    ? `<p class="suppression"><strong>Suppressed:</strong> ${h(mark[0])} <span class="muted">(${[
        ...(mark[1] !== '' ? [`owner <strong>${h(mark[1])}</strong>`] : []),
        ...(mark[2] !== '' ? [`expires <strong>${h(mark[2])}</strong>`] : []),
        `<code>suppressions[${mark[3]}]</code>`,
      ].join(' · ')})</span></p>`
    : '';
  const command = f[5] !== '' ? `<div class="command"><pre><code>${preText(f[5])}</code></pre><button type="button" class="copy" hidden>Copy</button></div>` : '';
  const evidence =
    f[7] !== 0 ? `<details class="evidence"><summary>Evidence (JSON)</summary><pre>${preText(JSON.stringify(f[7], null, 2))}</pre></details>` : '';
  return `<article class="finding sev-${severity}${mark ? ' is-suppressed' : ''}" data-severity="${severity}" data-rule="${h(ruleId)}" data-suppressed="${mark ? 'true' : 'false'}"${
    hasBaseline ? ` data-baseline="${f[3] === 1 ? 'new' : 'unchanged'}"` : ''
  }>
<header class="finding-head">${badge(severity)}${flags.join('')}<h4>${ruleLink(ruleId)} <span class="rule-title">${h(title)}</span></h4></header>
${[
    `<p class="message">${h(f[4])}</p>`,
    suppression,
    permissionsTable(data.strings, f[6]),
    `<div class="fix"><p><strong>Fix:</strong> ${withCode(remediation)}</p>${command}</div>`,
    evidence,
  ]
    .filter((part) => part !== '')
    .join('\n')}
</article>`;
}

/**
 * A list of findings: its first page, drawn here, then what is not shown. Without JavaScript that
 * line says how many more there are and where to see them; the script turns it into a button.
 */
function findingsList(data: PageData, index: number): string {
  const list = data.lists[index] as FindingsList;
  const page = firstPage(list.groups);
  const shown = page.reduce((n, g) => n + g[1].length, 0);
  const rest = list.findings - shown;
  const resources = list.groups.length - page.length;
  const note =
    rest === 0
      ? `Showing the first ${num(shown)} of ${num(list.findings)} findings.`
      : `The ${num(shown)} most severe of ${num(list.findings)} findings are shown. The other ${plural(rest, 'finding')} (on ${plural(resources, 'resource')}) are drawn by the page's script: open this file with JavaScript on, or read the JSON report (<code>--format json</code>).`;
  const withoutScript =
    rest === 0
      ? ''
      : `<noscript><p class="more-note">Without JavaScript this page shows the ${num(shown)} most severe of these ${num(list.findings)} findings; the JSON report (<code>--format json</code>) has them all.</p></noscript>\n`;
  return `${withoutScript}<div class="findings-list" data-list="${index}">
${page.map((g) => resourceSection(data, index, g)).join('\n')}
</div>
<div class="list-more" data-list="${index}"${rest === 0 ? ' hidden' : ''}><p class="more-note">${note}</p><button type="button" class="show-more" hidden>Show more</button></div>`;
}

/** "(79 findings on 44 resources)", with a slot the filters fill in. */
function listCount(list: FindingsList, index: number, extra = ''): string {
  return `<span class="muted">(${plural(list.findings, 'finding')} on ${plural(list.groups.length, 'resource')}${extra}<span class="list-count" data-list="${index}"></span>)</span>`;
}

function filtersForm(report: AuditReport): string {
  const counts = new Map<string, number>();
  const bySeverity = new Map<Severity, number>();
  let suppressed = 0;
  let fresh = 0;
  for (const f of report.findings) {
    counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
    bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
    if (f.suppressed) suppressed++;
    if (f.baseline === 'new') fresh++;
  }
  const severities = SEVERITIES.map(
    (sev) =>
      `<label class="check"><input type="checkbox" name="severity" value="${sev}" checked> ${badge(sev)} <span class="n">${num(bySeverity.get(sev) ?? 0)}</span></label>`,
  );
  const rules = [...counts].sort(([a], [b]) => cmp(a, b)).map(([id, n]) => `<option value="${h(id)}">${h(id)} (${num(n)})</option>`);
  return `<form id="filters" class="filters" role="search" aria-label="Filter findings" hidden>
<fieldset class="severity-filter"><legend>Severity</legend>${severities.join('')}</fieldset>
<label class="field">Rule <select id="filter-rule"><option value="">All rules</option>${rules.join('')}</select></label>
<label class="field grow">Search <input type="search" id="filter-text" placeholder="Resource id, name or message" autocomplete="off"></label>
<label class="check"><input type="checkbox" id="filter-suppressed" checked> Show suppressed <span class="n">${num(suppressed)}</span></label>
${report.baseline ? `<label class="check"><input type="checkbox" id="filter-new"> New only <span class="n">${num(fresh)}</span></label>\n` : ''}<button type="reset">Reset</button>
<output id="filter-status" aria-live="polite">Showing ${num(report.findings.length)} of ${num(report.findings.length)} findings</output>
</form>`;
}

function findingsSection(report: AuditReport, data: PageData): string {
  const resources = data.resources.length;
  const head = `<h2 id="findings-title">Findings <span class="muted">(${plural(report.findings.length, 'finding')} on ${plural(resources, 'resource')})</span></h2>`;
  if (report.findings.length === 0) {
    return `<section id="findings" aria-labelledby="findings-title">
${head}
<p class="empty">No findings.</p>
</section>`;
  }
  const noMatch = '<p id="no-match" class="empty" hidden>No finding matches the filters.</p>';
  if (!report.baseline) {
    return `<section id="findings" aria-labelledby="findings-title">
${head}
${filtersForm(report)}
${findingsList(data, 0)}
${noMatch}
</section>`;
  }
  const [fresh, unchanged] = data.lists as [FindingsList, FindingsList];
  const severities = (list: FindingsList) => list.groups.flatMap((g) => g[1].map((f) => severityAt(f[1])));
  const unchangedCounts = severityCounts(severities(unchanged));
  return `<section id="findings" aria-labelledby="findings-title">
${head}
${filtersForm(report)}
${noMatch}
<section id="new-findings" class="list-section" aria-labelledby="new-findings-title">
<h3 id="new-findings-title" class="list-title"><span class="badge flag-new">New</span> New ${since(report)} ${listCount(fresh, 0)}</h3>
${fresh.findings === 0 ? `<p class="empty">No new finding ${since(report)}.</p>\n` : ''}${findingsList(data, 0)}
</section>
<details id="unchanged-findings" class="list-section fold">
<summary><h3 class="list-title">Unchanged ${since(report)} ${listCount(unchanged, 1, unchangedCounts ? `: ${unchangedCounts}` : '')}</h3></summary>
${findingsList(data, 1)}
</details>
</section>`;
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
      ? `${plural(s.failing, 'finding')} at or above ${failOn} ${s.failing === 1 ? 'is' : 'are'} new ${since(report)} and fail the run.`
      : `${plural(s.failing, 'finding')} at or above ${failOn} fail the run.`;
  }
  if (run.failOn === 'none') return 'No finding fails the run (fail-on: none).';
  return report.baseline ? `No new finding at or above ${failOn} ${since(report)}: the run passes.` : `No finding at or above ${failOn}: the run passes.`;
}

/** A plan's or template's before side as the baseline: "with this change"; else "since the baseline". */
function since(report: AuditReport): string {
  return isChange(report) ? 'with this change' : 'since the baseline';
}

function isChange(report: AuditReport): boolean {
  return report.change !== undefined && report.baseline?.file === report.change.comparedWith;
}

/** A plan or template: the interfaces the internet would newly reach. */
function newlyExposedList(report: AuditReport): string {
  const list = report.change?.newlyExposed ?? [];
  if (list.length === 0) return '';
  const items = list.map((e) => {
    const ports = e.ports.map((p) => `<code>${h(`${p.protocol} ${p.ports}`)}</code> over ${p.family === 'ipv4' ? 'IPv4' : 'IPv6'}${p.unknown ? ' (might be: known after apply)' : ''}`).join('; ');
    return `<li><code>${h(e.resource.address ?? e.instanceId ?? e.resource.id)}</code>: ${ports}</li>`;
  });
  return `<h3>Newly reachable from the internet (${num(list.length)})</h3>\n<ul>${items.join('')}</ul>\n`;
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
    `<li class="card ${cls}${n === 0 ? ' is-zero' : ''}"><span class="count" data-count="${key}">${num(n)}</span><span class="label">${label}</span></li>`;
  const cards = [
    ...SEVERITIES.map((sev) => card(`sev-${sev}`, sev, s.bySeverity[sev], SEVERITY_LABEL[sev])),
    card('other', 'suppressed', s.suppressed, 'Suppressed'),
    card(s.errors > 0 ? 'other is-error' : 'other', 'errors', s.errors, 'Errors'),
    card('other', 'skipped', s.skipped, 'Not evaluated'),
  ];
  const totals = [
    `<span data-count="securityGroups">${num(s.securityGroups)}</span> security groups`,
    `<span data-count="rulesEvaluated">${num(s.rulesEvaluated)}</span> rules`,
    `<span data-count="findings">${num(s.findings)}</span> unsuppressed findings`,
    `<span data-count="failing">${num(s.failing)}</span> failing the run`,
  ];
  return `<section id="summary" aria-labelledby="summary-title">
<h2 id="summary-title">Summary</h2>
<ul class="cards">${cards.join('')}</ul>
<p class="totals">${totals.join(' · ')}</p>
${report.warnings.length > 0 ? `<ul class="warnings">${report.warnings.map((w) => `<li>${h(w)}</li>`).join('')}</ul>\n` : ''}</section>`;
}


function baselineSection(report: AuditReport): string {
  const b = report.baseline;
  if (!b) return '';
  const card = (key: string, n: number, label: string, cls = 'other') =>
    `<li class="card ${cls}${n === 0 ? ' is-zero' : ''}"><span class="count" data-count="baseline-${key}">${num(n)}</span><span class="label">${label}</span></li>`;
  return `<section id="baseline" aria-labelledby="baseline-title">
<h2 id="baseline-title">${isChange(report) ? 'The change' : 'Baseline'}</h2>
<p>Compared with <code>${h(b.file)}</code>${b.startedAt !== undefined ? `, a report of the run started <time datetime="${h(b.startedAt)}">${h(b.startedAt)}</time>` : ''}. Only new findings fail the run. <a href="#new-findings">New findings</a> come first below, with their fix; the unchanged ones are folded${
    b.fixed > 0 ? `; the <a href="#fixed">fixed ones</a> are listed after them` : ''
  }.</p>
<ul class="cards">${card('new', b.new, 'New', 'is-new')}${card('unchanged', b.unchanged, 'Unchanged')}${card('fixed', b.fixed, 'Fixed', 'is-fixed')}${card('not-rechecked', b.notRechecked, 'Not re-checked')}</ul>
${newlyExposedList(report)}</section>`;
}

function fixedSection(report: AuditReport): string {
  const b = report.baseline;
  if (!b || b.fixedFindings.length === 0) return '';
  const fixed: readonly BaselineFinding[] = b.fixedFindings;
  const rows = fixed.slice(0, FIXED_MAX).map((f) => {
    const severity = (SEVERITIES as readonly unknown[]).includes(f.severity) ? f.severity : 'info';
    const r = f.resource as Partial<Record<keyof ResourceRef, unknown>>;
    const name = asText(r.name);
    const id = asText(r.id);
    return `<tr><td>${badge(severity)}</td><td><code>${h(asText(f.ruleId))}</code></td><td><code>${h(id)}</code>${
      name && name !== id ? `<br><span class="resource-name">${h(name)}</span>` : ''
    }</td><td class="nowrap"><code>${h(asText(r.region))}</code></td><td>${h(asText(f.message))}</td></tr>`;
  });
  const more =
    fixed.length > FIXED_MAX
      ? `<p class="more-note">The first ${num(FIXED_MAX)} are listed; the other ${num(fixed.length - FIXED_MAX)} are in the JSON report (<code>baseline.fixedFindings</code>).</p>\n`
      : '';
  return `<section id="fixed" aria-labelledby="fixed-title">
<h2 id="fixed-title">Fixed ${isChange(report) ? 'by this change' : 'since the baseline'} <span class="muted">(${plural(fixed.length, 'finding')})</span></h2>
<p>In the baseline, re-checked by this run and no longer found.</p>
<div class="table-wrap"><table class="data">
<thead><tr><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Resource</th><th scope="col">Region</th><th scope="col">Finding</th></tr></thead>
<tbody>${rows.join('')}</tbody>
</table></div>
${more}</section>`;
}

function errorsSection(report: AuditReport): string {
  if (report.errors.length === 0) return '';
  // One row per cause, and one per set of scopes whose rules it left unevaluated; the JSON report lists every error.
  const { causes, unevaluated } = groupErrors(report.errors);
  const rows = [
    ...causes.map(
      (c) =>
        `<tr><td><code>${h(c.code)}</code></td><td>${h(c.message)}${c.hint ? `<br><span class="muted">${h(c.hint)}</span>` : ''}</td><td>${h(causeScope(c))}</td></tr>`,
    ),
    ...unevaluated.map((u) => `<tr><td><code>IncompleteData</code></td><td>${h(unevaluatedLine(u))}</td><td>${h(u.scopes.join(', '))}</td></tr>`),
  ];
  return `<section id="errors" aria-labelledby="errors-title">
<h2 id="errors-title">Errors <span class="muted">(the audit is incomplete: ${h(plural(causes.length, 'cause'))}, ${h(plural(report.errors.length, 'error'))})</span></h2>
<div class="table-wrap"><table class="data">
<thead><tr><th scope="col">Code</th><th scope="col">Cause</th><th scope="col">Where</th></tr></thead>
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
    }</td><td>${h(s.reason)}</td><td>${s.owner !== undefined ? h(s.owner) : ''}</td><td>${s.expires !== undefined ? h(s.expires) : ''}</td><td><span class="status status-${s.status}">${h(s.status)}</span></td><td class="num">${num(s.matched)}</td></tr>`;
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
      const checks = `<span class="check-pass">${num(c.pass)} pass</span><span${c.fail > 0 ? ' class="check-fail"' : ''}>${num(c.fail)} fail</span>${
        c.notApplicable > 0 ? `<span>${num(c.notApplicable)} not applicable</span>` : ''
      }${c.error > 0 ? `<span class="check-error">${num(c.error)} error</span>` : ''}`;
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
// The page

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The policy: nothing may load, only our own style and script may run, and no string may be
 * written into the DOM as markup (Trusted Types, with no policy to make any).
 */
export function contentSecurityPolicy(style: string = STYLE, script: string = SCRIPT): string {
  return [
    "default-src 'none'",
    `style-src ${sha256(style)}`,
    `script-src ${sha256(script)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}

/** The page, in pieces: the findings' data is written a resource at a time, never held whole. */
export function* renderHtml(report: AuditReport, ctx: RenderContext): Generator<string> {
  const { run, summary: s } = report;
  const data = pageData(report);
  const title = `sg-audit ${STATUS_LABEL[s.status]}: ${plural(s.findings, 'finding')} · ${run.accounts.join(', ')} · ${run.startedAt}`;
  yield `<!doctype html>
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
`;
  // A display filter (--min-severity, --only-new) left findings out of this page: say so where the findings begin.
  const hidden = ctx.display && ctx.hidden ? `<p class="display-note" id="display-filter">${h(hiddenText(ctx.hidden, ctx.display))}</p>` : '';
  yield [summarySection(report), baselineSection(report), hidden, findingsSection(report, data), fixedSection(report), errorsSection(report), skippedSection(report), suppressionsSection(report), rulesSection(report.rules)]
    .filter((section) => section !== '')
    .join('\n');
  yield `
</main>
<footer class="page-foot"><p>Written by ${h(report.tool.name)} ${h(report.tool.version)} (report schema ${report.schemaVersion}) for the run started ${h(run.startedAt)}. This file loads nothing from the network.</p></footer>
`;
  if (report.findings.length > 0) {
    // A data block, never run: gzipped JSON in base64 (html-data.ts), unpacked by the script.
    yield `<script type="application/gzip" id="sg-audit-data">${packPageData(data)}</script>\n`;
  }
  yield `<script>${SCRIPT}</script>
</body>
</html>
`;
}
