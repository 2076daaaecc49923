import { familiesText } from '../src/model/exposure.js';
import { naclAdmissionFromInternet } from '../src/model/first-match.js';
import type { Family } from '../src/model/net.js';
import { defineRule } from '../src/rules-kit/define-rule.js';
import { PORT_LIST_SCHEMA } from '../src/rules-kit/port-exposure.js';

type Protocol = 'tcp' | 'udp';

/** First-match admission from the whole internet; shared with reachability (src/model/first-match.ts). */
export const admissionFromInternet = naclAdmissionFromInternet;

interface OpenPort {
  readonly protocol: Protocol;
  readonly port: number;
  readonly families: Family[];
  readonly rules: number[];
}


export default defineRule({
  meta: {
    id: 'nacl-admin-port-open-to-internet',
    title: 'Network ACL lets SSH or RDP in from the whole internet',
    severity: 'medium',
    scope: 'network-acl',
    requires: ['networkAcls'],
    uses: ['subnets'],
    description:
      'Evaluates each network ACL\'s inbound entries as AWS does — lowest rule number first, the first entry ' +
      'matching the protocol, port and address decides, deny entries included — separately for IPv4 and ' +
      'IPv6 entries, and flags TCP or UDP port 22 or 3389 (option `ports`) when the addresses allowed ' +
      'hold all public IPv4 or all public IPv6 space. Protocol -1 entries match every port; tcp/udp entries ' +
      'their port range; ICMP and other protocols no port. Default ACLs ("100 allow all") are flagged too.',
    rationale:
      'The network ACL is the subnet\'s second line of defence: when it also admits SSH and RDP from ' +
      'anywhere, one mistaken security group rule is all it takes to expose a server\'s remote-administration ' +
      'service.',
    remediation: {
      summary:
        'Add inbound deny entries for tcp/udp 22 and 3389 from 0.0.0.0/0 and ::/0 numbered below the allow ' +
        'entries (or narrow the allow entries to known ranges); remember ACLs are stateless, so keep the ' +
        'ephemeral-port return rules.',
      cli: 'aws ec2 create-network-acl-entry --region {region} --network-acl-id {aclId} --ingress --rule-number <below the allow> --protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny',
    },
    references: [
      { framework: 'CIS AWS Foundations', version: '3.0.0', control: '5.1' },
      { framework: 'AWS FSBP', control: 'EC2.21' },
      { framework: 'AWS Config', control: 'nacl-no-unrestricted-ssh-rdp' },
    ],
    options: {
      schema: { type: 'object', additionalProperties: false, properties: { ports: { ...PORT_LIST_SCHEMA, description: 'admin ports checked on TCP and on UDP' } } },
      defaults: { ports: [22, 3389] as number[] },
    },
    messages: {
      open: 'Admits from the internet: {ports}; {subnets}',
    },
    summaries: {
      open: 'from the internet: {ports}',
    },
  },
  check(acl, { options, model, report }) {
    const open: OpenPort[] = [];
    for (const port of [...options.ports].sort((a, b) => a - b)) {
      for (const protocol of ['tcp', 'udp'] as const) {
        const families: Family[] = [];
        const rules = new Set<number>();
        for (const family of ['ipv4', 'ipv6'] as const) {
          const deciding = admissionFromInternet(acl, protocol, port, family);
          if (!deciding) continue;
          families.push(family);
          for (const n of deciding) rules.add(n);
        }
        if (families.length > 0) open.push({ protocol, port, families, rules: [...rules].sort((a, b) => a - b) });
      }
    }
    if (open.length === 0) return;
    // "tcp 22, udp 22 over IPv4 via rule 100; tcp 3389 over IPv4 via rule 130"
    const groups = new Map<string, OpenPort[]>();
    for (const item of open) {
      const how = `over ${familiesText(item.families)} (rule ${item.rules.join(', ')})`;
      groups.set(how, [...(groups.get(how) ?? []), item]);
    }
    const ports = [...groups].map(([how, items]) => `${items.map((i) => `${i.protocol} ${i.port}`).join(', ')} ${how}`).join('; ');
    const subnetNames = acl.subnetIds.map((id) => {
      const name = model.subnetsById.get(id)?.name;
      return name ? `${id} (${name})` : id;
    });
    report({
      messageId: 'open',
      key: open.map((o) => `${o.protocol}/${o.port}@${o.families.join('+')}`).join(','),
      data: {
        ports,
        subnets: subnetNames.length > 0 ? `used by ${subnetNames.length} subnet(s): ${subnetNames.join(', ')}` : 'used by no subnet',
      },
      ports: open.map((o) => ({ protocol: o.protocol, from: o.port, to: o.port })),
      evidence: {
        isDefault: acl.isDefault,
        subnets: subnetNames,
        open: open.map((o) => ({ protocol: o.protocol, port: o.port, families: o.families, allowedBy: o.rules })),
      },
    });
  },
});
