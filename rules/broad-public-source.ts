import { permissionEvidence, permissionText, portsFor, sourceCidrs } from '../src/model/exposure.js';
import { cidrContains, coversPublicSpace, parseCidr, touchesPublicSpace, type Cidr } from '../src/model/net.js';
import { coversRange } from '../src/model/ports.js';
import type { Permission } from '../src/model/types.js';
import { defineRule } from '../src/rules-kit/define-rule.js';
import { PORT_RULE_USES, REVOKE_INGRESS_BY_RULE_ID_CLI } from '../src/rules-kit/port-exposure.js';
import { revokeCommand } from '../src/rules-kit/remediation.js';

/** Permissions that allow at least what `perm` allows (same protocol, ports covering its ports), itself included. */
function peersOf(ingress: readonly Permission[], perm: Permission): Permission[] {
  return ingress.filter((other) => {
    if (other.protocol === 'all') return true;
    if (perm.protocol === 'tcp' || perm.protocol === 'udp') {
      const range = portsFor(other, perm.protocol);
      return range !== undefined && perm.ports !== undefined && coversRange(range, perm.ports);
    }
    if (other.protocol !== perm.protocol) return false;
    // ICMP: the other permission must allow this type and code too (-1 is every one).
    if (perm.icmp && other.icmp) {
      const covers = (outer: number, inner: number) => outer === -1 || outer === inner;
      return covers(other.icmp.type, perm.icmp.type) && covers(other.icmp.code, perm.icmp.code);
    }
    return true;
  });
}

/**
 * "Already the internet": the CIDR holds all public space of its family on its own, or together
 * with the other sources of permissions that allow the same traffic (0.0.0.0/1 + 128.0.0.0/1).
 * Those are the port rules' to report, not this one's.
 */
function isTheInternet(ingress: readonly Permission[], perm: Permission, cidr: Cidr): boolean {
  const cidrs = peersOf(ingress, perm).flatMap((p) => sourceCidrs(p).filter((c) => c.family === cidr.family));
  return coversPublicSpace(cidr.family, [cidr, ...cidrs]);
}

export default defineRule({
  meta: {
    id: 'broad-public-source',
    title: 'Security group admits a very wide range of public addresses',
    severity: 'medium',
    scope: 'security-group',
    requires: ['securityGroups'],
    uses: PORT_RULE_USES,
    description:
      'Flags ingress from a CIDR (or a resolved prefix-list entry) that includes public addresses and is ' +
      'wider than /16 for IPv4 or /32 for IPv6 (options `minIpv4PrefixLength`, `minIpv6PrefixLength`), for ' +
      'any protocol, unless the range is already "the internet" — on its own or together with the other ' +
      'sources allowing the same protocol and ports, which the port rules report — or lies within a ' +
      '`trusted` CIDR. Private ranges (10.0.0.0/8, fc00::/7) and group references are not flagged. One ' +
      'finding per group lists every such source.',
    rationale:
      'A /8 or a /12 is millions of addresses owned by strangers: a cloud provider\'s whole range is as good ' +
      'as the internet to an attacker who rents a machine there. Wide public ranges usually stand in for a ' +
      'few known addresses.',
    remediation: {
      summary:
        'Replace the range with the specific addresses or a managed prefix list of them (for AWS services, the ' +
        'AWS-managed prefix list of that service); record a range you do trust in the rule\'s `trusted` option.',
      cli: REVOKE_INGRESS_BY_RULE_ID_CLI,
    },
    references: [{ framework: 'Prowler', control: 'ec2_securitygroup_allow_wide_open_public_ipv4' }],
    options: {
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          minIpv4PrefixLength: { type: 'integer', minimum: 1, maximum: 32, description: 'IPv4 sources with a shorter prefix (wider) are flagged' },
          minIpv6PrefixLength: { type: 'integer', minimum: 1, maximum: 128, description: 'IPv6 sources with a shorter prefix (wider) are flagged' },
          trusted: {
            type: 'array',
            items: { type: 'string', format: 'cidr' },
            uniqueItems: true,
            description: 'CIDRs you trust; sources inside them are not flagged',
          },
        },
      },
      defaults: { minIpv4PrefixLength: 16, minIpv6PrefixLength: 32, trusted: [] as string[] },
    },
    messages: {
      broad: 'Ingress from wide public range(s): {sources}',
    },
  },
  check(group, { options, report }) {
    const trusted = options.trusted.map(parseCidr).filter((c): c is Cidr => c !== undefined);
    const found: { perm: Permission; cidr: Cidr }[] = [];
    for (const perm of group.ingress) {
      for (const cidr of sourceCidrs(perm)) {
        const min = cidr.family === 'ipv4' ? options.minIpv4PrefixLength : options.minIpv6PrefixLength;
        if (cidr.prefix >= min || !touchesPublicSpace(cidr)) continue;
        if (trusted.some((t) => cidrContains(t, cidr))) continue;
        if (isTheInternet(group.ingress, perm, cidr)) continue;
        found.push({ perm, cidr });
      }
    }
    if (found.length === 0) return;
    const texts = [...new Set(found.map((f) => f.cidr.text))];
    const via = (f: { perm: Permission; cidr: Cidr }) =>
      f.perm.source.kind === 'prefix-list' ? `${f.cidr.text} in ${permissionText(f.perm)}` : permissionText(f.perm);
    const perms = [...new Set(found.map((f) => f.perm))];
    const command = revokeCommand(group, perms);
    report({
      messageId: 'broad',
      key: texts.sort().join(','),
      data: { sources: found.map(via).join('; ') },
      sources: texts,
      ...(command ? { remediationCommand: command } : {}),
      evidence: {
        sources: found.map((f) => ({ cidr: f.cidr.text, prefixLength: f.cidr.prefix, permission: permissionEvidence(f.perm) })),
      },
    });
  },
});
