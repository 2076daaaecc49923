import { defineRule } from '../src/rules-kit/define-rule.js';
import { CIS_ADMIN_PORT_REFERENCES, PORT_LIST_SCHEMA, PORT_RULE_USES, REVOKE_INGRESS_BY_RULE_ID_CLI, combinePortExposures, portExposures } from '../src/rules-kit/port-exposure.js';

export default defineRule({
  meta: {
    id: 'rdp-open-to-internet',
    title: 'Security group allows RDP from the whole internet',
    severity: 'high',
    scope: 'security-group',
    requires: ['securityGroups'],
    uses: PORT_RULE_USES,
    exposureContext: true,
    description:
      'Flags a group whose ingress opens TCP or UDP port 3389 (option `ports`) to all public IPv4 or all ' +
      'public IPv6 space: through tcp/udp ranges covering the port or protocol `all` ("-1"), from ' +
      '0.0.0.0/0, ::/0 or CIDRs (and resolved prefix lists) whose union holds the whole public space. RDP uses UDP 3389 too, so both ' +
      'are checked; one finding per group lists every open one. ICMP, other protocol numbers, private ranges and group ' +
      'references do not count. Permissions already reported by all-traffic-open-to-internet are not ' +
      'reported again.',
    rationale:
      'Internet-facing RDP is among the most attacked services: credential stuffing and remote code ' +
      'execution flaws (BlueKeep) turn it into a ransomware entry point.',
    remediation: {
      summary:
        'Restrict the source to known CIDRs or a prefix list, put RDP behind a VPN or bastion, or use ' +
        'Fleet Manager / Session Manager port forwarding.',
      cli: REVOKE_INGRESS_BY_RULE_ID_CLI,
    },
    references: [
      ...CIS_ADMIN_PORT_REFERENCES,
      { framework: 'AWS FSBP', control: 'EC2.14' },
      { framework: 'AWS FSBP', control: 'EC2.53' },
      { framework: 'AWS FSBP', control: 'EC2.54' },
    ],
    options: {
      schema: { type: 'object', additionalProperties: false, properties: { ports: { ...PORT_LIST_SCHEMA, description: 'ports that count as RDP, checked on TCP and on UDP' } } },
      defaults: { ports: [3389] as number[] },
    },
    messages: {
      open: 'RDP ({ports}) open to the internet over {families} via {via}',
    },
    summaries: {
      open: '{ports} from {sources}',
    },
  },
  check(group, { options, report, isRuleEnabled }) {
    const targets = options.ports.flatMap((port) => [
      { protocol: 'tcp' as const, port },
      { protocol: 'udp' as const, port },
    ]);
    const found = combinePortExposures(group, portExposures(group, targets, isRuleEnabled));
    if (found) report({ messageId: 'open', ...found });
  },
});
