import { allTrafficExposures, familiesText, permissionEvidence, permissionText, sourceId } from '../src/model/exposure.js';
import { defineRule } from '../src/rules-kit/define-rule.js';
import { PORT_RULE_USES, REVOKE_INGRESS_BY_RULE_ID_CLI } from '../src/rules-kit/port-exposure.js';
import { revokeCommand } from '../src/rules-kit/remediation.js';

const ALL_TCP = { protocol: 'tcp', from: 0, to: 65535 } as const;
const ALL_UDP = { protocol: 'udp', from: 0, to: 65535 } as const;

export default defineRule({
  meta: {
    id: 'all-traffic-open-to-internet',
    title: 'Security group allows all traffic, or every TCP or UDP port, from the whole internet',
    severity: 'critical',
    scope: 'security-group',
    requires: ['securityGroups'],
    uses: PORT_RULE_USES,
    exposureContext: true,
    description:
      'Flags ingress that opens protocol `all` ("-1": every protocol and port) to all public IPv4 or all ' +
      'public IPv6 space, and ingress that opens every TCP port or every UDP port (1-65535) to it, ' +
      'through any combination of ranges and CIDRs (tcp 0-65535 from 0.0.0.0/0; two halves 0.0.0.0/1 + ' +
      '128.0.0.0/1; ::/0). ICMP and other protocol numbers are not TCP/UDP ports. The permissions it ' +
      'reports are not reported again by the port rules (ssh, rdp, too-many-open-ports).',
    rationale:
      'Every service on the attached interfaces, including ones started later or by mistake, is reachable ' +
      'from the internet: the group filters nothing.',
    remediation: {
      summary:
        'Replace the rule with the specific ports the workload serves, from the sources that need them; ' +
        'put internal services behind a load balancer or a VPN.',
      cli: REVOKE_INGRESS_BY_RULE_ID_CLI,
    },
    references: [
      { framework: 'AWS FSBP', control: 'EC2.18' },
      { framework: 'AWS FSBP', control: 'EC2.19' },
      { framework: 'Prowler', control: 'ec2_securitygroup_allow_ingress_from_internet_to_all_ports' },
    ],
    messages: {
      all: 'All traffic (every protocol and port) open to the internet over {families} via {via}',
      everyPort: 'Every {protocol} port open to the internet over {families} via {via}',
    },
    summaries: {
      all: 'all traffic from {sources}',
      everyPort: 'every {protocol} port from {sources}',
    },
  },
  check(group, { report }) {
    for (const exposure of allTrafficExposures(group.ingress)) {
      const data = {
        protocol: exposure.scope.toUpperCase(),
        families: familiesText(exposure.families),
        via: exposure.permissions.map(permissionText).join('; '),
      };
      const command = revokeCommand(group, exposure.permissions);
      report({
        messageId: exposure.scope === 'all' ? 'all' : 'everyPort',
        key: `${exposure.scope}@${exposure.families.join('+')}`,
        ports: exposure.scope === 'all' ? [ALL_TCP, ALL_UDP] : [exposure.scope === 'tcp' ? ALL_TCP : ALL_UDP],
        sources: [...new Set(exposure.permissions.map((p) => sourceId(p.source)))],
        ...(command ? { remediationCommand: command } : {}),
        data,
        evidence: {
          protocol: exposure.scope,
          families: exposure.families,
          permissions: exposure.permissions.map(permissionEvidence),
        },
      });
    }
  },
});
