import { ingressForPortRules, openedPorts, permissionEvidence, portsFor, sourceId, sourceIsInternalOnly } from '../src/model/exposure.js';
import { countPorts, formatPortRanges } from '../src/model/ports.js';
import { defineRule } from '../src/rules-kit/define-rule.js';
import { ALL_TRAFFIC_RULE_ID, PORT_RULE_USES } from '../src/rules-kit/port-exposure.js';
import { formatPortSpan } from '../src/rules-kit/port-spec.js';
import type { PortSpan } from '../src/rules-kit/types.js';

export default defineRule({
  meta: {
    id: 'too-many-open-ports',
    title: 'Security group opens more ports than a workload needs',
    severity: 'medium',
    scope: 'security-group',
    requires: ['securityGroups'],
    uses: PORT_RULE_USES,
    description:
      'Counts the distinct TCP ports plus the distinct UDP ports a group opens inbound to CIDR (IPv4 or ' +
      'IPv6) or prefix-list sources, ranges port by port with overlaps counted once (tcp 8000-8100 is 101 ' +
      'ports; protocol `all` opens all 65,536 of each), and flags more than `maxOpenPorts`. Group ' +
      'references, ICMP and other protocol numbers open no port. Severity drops to low when every counted ' +
      'source is private (RFC 1918, ULA, …; a prefix list counts when its entries are known and all private). Permissions reported by all-traffic-open-to-internet are not ' +
      'counted again.',
    rationale:
      'Each open port is a service someone must patch and watch; wide ranges usually mean the group was ' +
      'written to make something work, not to allow only what is needed.',
    remediation: {
      summary: 'Replace port ranges with the individual ports the workload serves, and split unrelated services into their own groups.',
    },
    references: [{ framework: 'sg-audit best practice', control: 'Limit open ports' }],
    options: {
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          maxOpenPorts: { type: 'integer', minimum: 0, maximum: 131072, description: 'distinct TCP + UDP ports a group may open before it is flagged' },
        },
      },
      defaults: { maxOpenPorts: 10 },
    },
    messages: {
      tooMany: '{count} ports open inbound (tcp {tcp}; udp {udp}), more than {max}{privateNote}',
    },
  },
  check(group, { options, report, isRuleEnabled }) {
    const ingress = ingressForPortRules(group.ingress, isRuleEnabled(ALL_TRAFFIC_RULE_ID));
    const tcp = openedPorts(ingress, 'tcp');
    const udp = openedPorts(ingress, 'udp');
    const count = countPorts(tcp) + countPorts(udp);
    const ports: PortSpan[] = [...tcp.map((r) => ({ protocol: 'tcp' as const, ...r })), ...udp.map((r) => ({ protocol: 'udp' as const, ...r }))];
    if (count <= options.maxOpenPorts) return;
    const counted = ingress.filter(
      (p) =>
        (p.source.kind === 'cidr' || p.source.kind === 'prefix-list') &&
        (portsFor(p, 'tcp') !== undefined || portsFor(p, 'udp') !== undefined),
    );
    // An unresolved prefix list is not known to be private, so it keeps the severity.
    const allPrivate = counted.every(sourceIsInternalOnly);
    report({
      messageId: 'tooMany',
      // The ports themselves: one more port opened is a new finding for a baseline.
      key: ports.map(formatPortSpan).join(','),
      ports,
      sources: [...new Set(counted.map((p) => sourceId(p.source)))],
      ...(allPrivate ? { severity: 'low' as const } : {}),
      data: {
        count,
        tcp: tcp.length > 0 ? formatPortRanges(tcp) : 'none',
        udp: udp.length > 0 ? formatPortRanges(udp) : 'none',
        max: options.maxOpenPorts,
        privateNote: allPrivate ? ' (private sources only)' : '',
      },
      evidence: {
        openPorts: count,
        maxOpenPorts: options.maxOpenPorts,
        tcp: formatPortRanges(tcp),
        udp: formatPortRanges(udp),
        privateSourcesOnly: allPrivate,
        permissions: counted.map(permissionEvidence),
      },
    });
  },
});
