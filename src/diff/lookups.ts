// What to ask CloudTrail for: only the calls that could explain the changes found, only in the
// accounts and regions where something changed. Each event name is a LookupEvents query of its
// own, paced at 2 a second per account and region, so asking for fewer is faster. Pure.
import type { ExposureEventName } from '../cloudtrail/events.js';
import type { ReportFinding } from '../report/types.js';
import type { DiffReport, RuleChange } from './types.js';

const SET_GROUPS: readonly ExposureEventName[] = ['ModifyNetworkInterfaceAttribute', 'ModifyInstanceAttribute', 'RunInstances', 'CreateNetworkInterface'];
const UNSET_GROUPS: readonly ExposureEventName[] = ['ModifyNetworkInterfaceAttribute', 'ModifyInstanceAttribute', 'TerminateInstances', 'DeleteNetworkInterface'];
const OPEN_RULES: readonly ExposureEventName[] = ['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'ModifySecurityGroupRules', 'CreateSecurityGroup'];
const CLOSE_RULES: readonly ExposureEventName[] = ['RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'ModifySecurityGroupRules', 'DeleteSecurityGroup'];

function ruleEvents(change: RuleChange): ExposureEventName[] {
  const dir = change.direction === 'ingress' ? 'Ingress' : 'Egress';
  switch (change.change) {
    case 'added':
      return [`AuthorizeSecurityGroup${dir}`, 'ModifySecurityGroupRules', 'CreateSecurityGroup'];
    case 'removed':
      return [`RevokeSecurityGroup${dir}`, 'DeleteSecurityGroup'];
    case 'modified':
    case 'description':
      return ['ModifySecurityGroupRules', `UpdateSecurityGroupRuleDescriptions${dir}`];
    case 'recreated':
      return [`RevokeSecurityGroup${dir}`, `AuthorizeSecurityGroup${dir}`];
  }
}

/** Event names per "account/region" that could explain the diff's changes. */
export function lookupsForDiff(report: DiffReport): Map<string, Set<ExposureEventName>> {
  const wanted = new Map<string, Set<ExposureEventName>>();
  const add = (accountId: string, region: string, names: readonly ExposureEventName[]) => {
    const key = `${accountId}/${region}`;
    let set = wanted.get(key);
    if (!set) wanted.set(key, (set = new Set()));
    for (const name of names) set.add(name);
  };
  for (const g of report.groups) {
    if (g.change === 'created') add(g.accountId, g.region, ['CreateSecurityGroup']);
    if (g.change === 'deleted') add(g.accountId, g.region, ['DeleteSecurityGroup']);
    for (const r of g.rules) add(g.accountId, g.region, ruleEvents(r));
    for (const a of g.attachments) add(g.accountId, g.region, a.change === 'gained' ? SET_GROUPS : UNSET_GROUPS);
  }
  for (const f of report.findings.new) add(f.resource.accountId, f.resource.region, [...OPEN_RULES, ...(f.resource.type === 'network-interface' ? SET_GROUPS : [])]);
  for (const c of report.findings.changed) {
    const f = c.after;
    add(f.resource.accountId, f.resource.region, c.change === 'wider' ? [...OPEN_RULES, ...(f.resource.type === 'network-interface' ? SET_GROUPS : [])] : [...CLOSE_RULES, ...(f.resource.type === 'network-interface' ? UNSET_GROUPS : [])]);
  }
  for (const f of report.findings.fixed) add(f.resource.accountId, f.resource.region, [...CLOSE_RULES, ...(f.resource.type === 'network-interface' ? UNSET_GROUPS : [])]);
  for (const c of report.exposure) if (c.change === 'newly' || c.change === 'more') add(c.accountId, c.region, [...OPEN_RULES, ...SET_GROUPS, 'AssociateAddress']);
  return wanted;
}

/** Event names per "account/region" that could explain an audit's findings (what opened them). */
export function lookupsForFindings(findings: readonly ReportFinding[]): Map<string, Set<ExposureEventName>> {
  const wanted = new Map<string, Set<ExposureEventName>>();
  for (const f of findings) {
    if (f.resource.type !== 'security-group' && f.resource.type !== 'network-interface') continue;
    const key = `${f.resource.accountId}/${f.resource.region}`;
    let set = wanted.get(key);
    if (!set) wanted.set(key, (set = new Set()));
    for (const name of [...OPEN_RULES, ...(f.resource.type === 'network-interface' ? SET_GROUPS : [])]) set.add(name);
  }
  return wanted;
}
