// Shared check for the rules that ask "is this TCP/UDP port open to the internet?".
import {
  familiesText,
  ingressForPortRules,
  openPortSegments,
  permissionEvidence,
  permissionText,
  type OpenSegment,
  type PermissionEvidence,
  type PortProtocol,
} from '../model/exposure.js';
import type { Family } from '../model/net.js';
import type { Permission, SecurityGroup } from '../model/types.js';
import { revokeCommand } from './remediation.js';
import type { PortSpan, Reference } from './types.js';
import { sourceId } from '../model/exposure.js';

export const ALL_TRAFFIC_RULE_ID = 'all-traffic-open-to-internet';

export { REVOKE_INGRESS_BY_RULE_ID_CLI } from './remediation.js';

/** What port rules read besides the groups: prefix-list entries (to resolve `pl-` sources) and `sgr-` ids. */
export const PORT_RULE_USES = ['prefixLists', 'prefixListEntries', 'securityGroupRules'] as const;

/** CIS's remote-administration controls (admin ports from 0.0.0.0/0 and ::/0), with the section numbers of each version. */
export const CIS_ADMIN_PORT_REFERENCES: readonly Reference[] = [
  { framework: 'CIS AWS Foundations', version: '3.0.0', control: '5.2' },
  { framework: 'CIS AWS Foundations', version: '3.0.0', control: '5.3' },
  { framework: 'CIS AWS Foundations', version: '5.0.0', control: '5.3' },
  { framework: 'CIS AWS Foundations', version: '5.0.0', control: '5.4' },
];

export interface PortTarget {
  readonly protocol: PortProtocol;
  readonly port: number;
}

/** One target port open to the internet, and what opens it. */
export interface PortExposureFinding {
  readonly key: string;
  readonly ports: readonly PortSpan[];
  readonly sources: readonly string[];
  readonly permissions: readonly Permission[];
  readonly data: { protocol: PortProtocol; port: number };
  readonly evidence: {
    protocol: PortProtocol;
    port: number;
    families: readonly Family[];
    permissions: readonly PermissionEvidence[];
  };
}

/** One result per target port open to the internet, with the permissions that open it. */
export function portExposures(
  group: SecurityGroup,
  targets: readonly PortTarget[],
  isRuleEnabled: (id: string) => boolean,
): PortExposureFinding[] {
  const ingress = ingressForPortRules(group.ingress, isRuleEnabled(ALL_TRAFFIC_RULE_ID));
  // Each port is looked up in the group's elementary open segments (computed once per group):
  // the one that holds it has exactly the families and permissions that open that port.
  const segments = { tcp: openPortSegments(ingress, 'tcp', false), udp: openPortSegments(ingress, 'udp', false) };
  // The ports of one segment share its permissions: their sources and evidence are built once.
  const described = new Map<OpenSegment, { sources: readonly string[]; evidence: readonly PermissionEvidence[] }>();
  const out: PortExposureFinding[] = [];
  for (const { protocol, port } of targets) {
    const open = segments[protocol].find((s) => s.ports.from <= port && port <= s.ports.to);
    if (!open) continue;
    let about = described.get(open);
    if (!about) {
      about = { sources: [...new Set(open.permissions.map((p) => sourceId(p.source)))], evidence: open.permissions.map(permissionEvidence) };
      described.set(open, about);
    }
    out.push({
      // What is open and to which address families: opening it over IPv6 too is a new finding.
      key: `${protocol}/${port}@${open.families.join('+')}`,
      ports: [{ protocol, from: port, to: port }],
      sources: about.sources,
      permissions: open.permissions,
      data: { protocol, port },
      evidence: { protocol, port, families: open.families, permissions: about.evidence },
    });
  }
  return out;
}

export const PORT_LIST_SCHEMA = {
  type: 'array',
  items: { type: 'integer', minimum: 0, maximum: 65535 },
  minItems: 1,
  uniqueItems: true,
} as const;

export interface CombinedPortFinding {
  readonly key: string;
  readonly data: { ports: string; families: string; via: string };
  readonly ports: readonly PortSpan[];
  readonly sources: readonly string[];
  readonly remediationCommand?: string;
  readonly evidence: { ports: readonly (PortExposureFinding['evidence'] & { service?: string })[] };
}

/**
 * One finding per group for all of a rule's open ports (tcp and udp 3389 are one root cause when
 * one `all` permission opens both): the ports in order, the families and permissions involved,
 * and one revoke command for every permission at fault. `service` names a port ("MongoDB").
 */
export function combinePortExposures(
  group: SecurityGroup,
  found: readonly PortExposureFinding[],
  service: (f: PortExposureFinding) => string | undefined = () => undefined,
): CombinedPortFinding | undefined {
  if (found.length === 0) return undefined;
  const permissions = [...new Set(found.flatMap((f) => f.permissions))];
  const families = (['ipv4', 'ipv6'] as const).filter((family) => found.some((f) => f.evidence.families.includes(family)));
  const command = revokeCommand(group, permissions);
  const label = (f: PortExposureFinding) => [`${f.data.protocol} ${f.data.port}`, service(f)].filter(Boolean).join(' ');
  return {
    key: found.map((f) => f.key).join(','),
    data: { ports: found.map(label).join(', '), families: familiesText(families), via: permissions.map(permissionText).join('; ') },
    ports: found.flatMap((f) => f.ports),
    sources: [...new Set(found.flatMap((f) => f.sources))],
    ...(command ? { remediationCommand: command } : {}),
    evidence: { ports: found.map((f) => ({ ...f.evidence, ...(service(f) ? { service: service(f) as string } : {}) })) },
  };
}
