import { permissionEvidence, permissionText, sourceId } from '../src/model/exposure.js';
import { defineRule } from '../src/rules-kit/define-rule.js';
import { describeIngressCommand } from '../src/rules-kit/remediation.js';

export default defineRule({
  meta: {
    id: 'rule-missing-description',
    title: 'Security group has inbound rules that do not say why they exist',
    severity: 'low',
    scope: 'security-group',
    requires: ['securityGroups'],
    description:
      'Flags a group with inbound rules whose source has no description: every IPv4 and IPv6 CIDR, prefix ' +
      'list and group reference (the self-reference AWS puts in default groups included) of every ' +
      'protocol, since AWS stores one description per source. One finding per group lists them. Outbound ' +
      'rules are not checked.',
    rationale:
      'A rule nobody can explain is a rule nobody dares remove. Descriptions are how a reviewer tells a ' +
      'deliberate exception from a forgotten test, and how the next engineer finds the owner.',
    remediation: {
      summary:
        'Describe each source: who or what it is, and the ticket that allowed it. The command sets the ' +
        'descriptions of exactly these sources; replace <who and why> first.',
    },
    references: [
      { framework: 'sg-audit best practice', control: 'Document changes' },
      { framework: 'Checkov', control: 'CKV_AWS_23' },
    ],
    messages: {
      missing: '{count} inbound source(s) without a description: {rules}',
    },
    summaries: {
      missing: '{count} inbound source(s) without a description',
    },
  },
  check(group, { report }) {
    const undescribed = group.ingress.filter((p) => !p.description?.trim());
    if (undescribed.length === 0) return;
    report({
      messageId: 'missing',
      key: 'missing-description',
      data: { count: undescribed.length, rules: undescribed.map(permissionText).join('; ') },
      sources: [...new Set(undescribed.map((p) => sourceId(p.source)))],
      remediationCommand: describeIngressCommand(group, undescribed),
      evidence: { permissions: undescribed.map(permissionEvidence) },
    });
  },
});
