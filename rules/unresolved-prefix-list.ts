import { permissionEvidence, permissionText } from '../src/model/exposure.js';
import { defineRule } from '../src/rules-kit/define-rule.js';

export default defineRule({
  meta: {
    id: 'unresolved-prefix-list',
    title: 'Security group references a prefix list whose entries are unknown',
    severity: 'info',
    scope: 'security-group',
    requires: ['securityGroups'],
    uses: ['prefixLists', 'prefixListEntries'],
    description:
      'Flags inbound rules whose source is a managed prefix list (`pl-…`) whose entries were not collected ' +
      '(GetManagedPrefixListEntries was not allowed, or, offline, no get-managed-prefix-list-entries.<pl-id>.json ' +
      'was given). Until they are known, the exposure rules can neither call such a source open to the ' +
      'internet nor private: this rule says so instead of passing silently.',
    rationale:
      'A prefix list can hold 0.0.0.0/0. An audit that cannot see inside it cannot vouch for the rules that ' +
      'use it.',
    remediation: {
      summary:
        'Live: grant ec2:GetManagedPrefixListEntries (a Get* action that AmazonEC2ReadOnlyAccess lacks; ' +
        'SecurityAudit has it). Offline: save each list\'s entries next to the other files.',
      cli: 'aws ec2 get-managed-prefix-list-entries --region {region} --prefix-list-id <pl-id> --output json > get-managed-prefix-list-entries.<pl-id>.json',
    },
    references: [{ framework: 'AWS EC2 API', control: 'GetManagedPrefixListEntries' }],
    messages: {
      unresolved: 'Exposure unknown: inbound rules use prefix list(s) {lists} whose entries were not collected',
    },
  },
  check(group, { report }) {
    const perms = group.ingress.filter((p) => p.source.kind === 'prefix-list' && p.source.entries === undefined);
    if (perms.length === 0) return;
    const lists = [...new Set(perms.map((p) => (p.source.kind === 'prefix-list' ? p.source.prefixListId : '')))].sort();
    report({
      messageId: 'unresolved',
      key: lists.join(','),
      data: { lists: lists.join(', '), via: perms.map(permissionText).join('; ') },
      sources: lists,
      evidence: { prefixLists: lists, permissions: perms.map(permissionEvidence) },
    });
  },
});
