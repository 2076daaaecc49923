import { defineRule } from '../src/rules-kit/define-rule.js';
import { CIS_ADMIN_PORT_REFERENCES, PORT_LIST_SCHEMA, PORT_RULE_USES, REVOKE_INGRESS_BY_RULE_ID_CLI, combinePortExposures, portExposures } from '../src/rules-kit/port-exposure.js';

export default defineRule({
  meta: {
    id: 'ssh-open-to-internet',
    title: 'Security group allows SSH from the whole internet',
    severity: 'high',
    scope: 'security-group',
    requires: ['securityGroups'],
    uses: PORT_RULE_USES,
    exposureContext: true,
    description:
      'Flags a group whose ingress opens TCP port 22 (option `ports`) to all public IPv4 or all public IPv6 ' +
      'space: through a tcp range that covers the port (22, 20-25, 0-65535; protocol "6" counts as tcp) or ' +
      'through protocol `all` ("-1"), from 0.0.0.0/0, ::/0 or any set of CIDRs whose union holds the whole ' +
      'public address space (0.0.0.0/1 + 128.0.0.0/1). Private ranges, a /32, group references, ICMP and ' +
      'other protocol numbers (GRE, ESP) do not count. Permissions already reported by ' +
      'all-traffic-open-to-internet are not reported again.',
    rationale:
      'An SSH daemon reachable from the whole internet is scanned within minutes and exposed to brute ' +
      'force and to every sshd vulnerability; a stolen key works from anywhere.',
    remediation: {
      summary:
        'Restrict the source to known CIDRs (office, VPN) or a managed prefix list, or drop inbound SSH and ' +
        'use SSM Session Manager or EC2 Instance Connect Endpoint.',
      cli: REVOKE_INGRESS_BY_RULE_ID_CLI,
    },
    references: [
      ...CIS_ADMIN_PORT_REFERENCES,
      { framework: 'AWS FSBP', control: 'EC2.13' },
      { framework: 'AWS FSBP', control: 'EC2.53' },
      { framework: 'AWS FSBP', control: 'EC2.54' },
      { framework: 'AWS Config', control: 'restricted-ssh' },
    ],
    options: {
      schema: { type: 'object', additionalProperties: false, properties: { ports: { ...PORT_LIST_SCHEMA, description: 'TCP ports that count as SSH' } } },
      defaults: { ports: [22] as number[] },
    },
    messages: {
      open: 'SSH ({ports}) open to the internet over {families} via {via}',
    },
    summaries: {
      open: '{ports} from {sources}',
    },
  },
  check(group, { options, report, isRuleEnabled }) {
    const targets = options.ports.map((port) => ({ protocol: 'tcp' as const, port }));
    const found = combinePortExposures(group, portExposures(group, targets, isRuleEnabled));
    if (found) report({ messageId: 'open', ...found });
  },
});
