// Shared check for the rules that ask "is this TCP/UDP port open to the internet?".
import {
  exposureAtPort,
  familiesText,
  ingressForPortRules,
  permissionEvidence,
  permissionText,
  type PortProtocol,
} from '../model/exposure.js';
import type { Family } from '../model/net.js';
import type { SecurityGroup } from '../model/types.js';

import type { Reference } from './types.js';

export const ALL_TRAFFIC_RULE_ID = 'all-traffic-open-to-internet';

/** Until findings carry `sgr-` ids: list the group's rules, then revoke the offending one by id. */
export const REVOKE_INGRESS_BY_RULE_ID_CLI =
  'aws ec2 describe-security-group-rules --region {region} --filters Name=group-id,Values={groupId}  # then: aws ec2 revoke-security-group-ingress --region {region} --group-id {groupId} --security-group-rule-ids <sgr-id>';

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

export interface PortExposureFinding {
  readonly key: string;
  readonly data: { protocol: PortProtocol; port: number; families: string; via: string };
  readonly evidence: {
    protocol: PortProtocol;
    port: number;
    families: readonly Family[];
    permissions: ReturnType<typeof permissionEvidence>[];
  };
}

/** One result per target port open to the internet, with the permissions that open it. */
export function portExposures(
  group: SecurityGroup,
  targets: readonly PortTarget[],
  isRuleEnabled: (id: string) => boolean,
): PortExposureFinding[] {
  const ingress = ingressForPortRules(group.ingress, isRuleEnabled(ALL_TRAFFIC_RULE_ID));
  const out: PortExposureFinding[] = [];
  for (const { protocol, port } of targets) {
    const exposure = exposureAtPort(ingress, protocol, port);
    if (exposure.length === 0) continue;
    const families = exposure.map((e) => e.family);
    const permissions = [...new Set(exposure.flatMap((e) => e.permissions))];
    out.push({
      key: `${protocol}/${port}`,
      data: { protocol, port, families: familiesText(families), via: permissions.map(permissionText).join('; ') },
      evidence: { protocol, port, families, permissions: permissions.map(permissionEvidence) },
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
