// Exact remediation commands. DescribeSecurityGroupRules gives every rule an `sgr-` id; revoking
// by id removes exactly the offending (protocol, ports, source) and nothing else of the
// permission entry it shares with other sources. Without the ids the command is two steps.
import type { Permission, SecurityGroup } from '../model/types.js';

/** Used when the `sgr-` ids are not known: list the group's rules, then revoke the one at fault. */
export const REVOKE_INGRESS_BY_RULE_ID_CLI =
  'aws ec2 describe-security-group-rules --region {region} --filters Name=group-id,Values={groupId}  # then: aws ec2 revoke-security-group-ingress --region {region} --group-id {groupId} --security-group-rule-ids <sgr-id>';

/**
 * `aws ec2 revoke-security-group-ingress|egress … --security-group-rule-ids sgr-…` for exactly
 * these permissions, one command per direction; undefined unless every one has its `sgr-` id.
 */
export function revokeCommand(group: SecurityGroup, perms: readonly Permission[]): string | undefined {
  if (perms.length === 0 || perms.some((p) => p.ruleId === undefined)) return undefined;
  const commands: string[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const ids = [...new Set(perms.filter((p) => p.direction === direction).map((p) => p.ruleId as string))].sort();
    if (ids.length === 0) continue;
    commands.push(
      `aws ec2 revoke-security-group-${direction} --region ${shellArg(group.region)} --group-id ${shellArg(group.id)} --security-group-rule-ids ${ids.map(shellArg).join(' ')}`,
    );
  }
  return commands.join(' && ');
}

const SAFE_ARG = /^[A-Za-z0-9._:/=,@+-]+$/;

/**
 * One shell word. Ids come from input files, which may be hostile: a generated command must
 * never carry a `;` or `$(…)` someone can paste into a shell.
 */
export function shellArg(value: string): string {
  return SAFE_ARG.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A permission in the AWS CLI's --ip-permissions JSON form, its source described as `description`. */
export function ipPermissionJson(perm: Permission, description: string): Record<string, unknown> {
  const protocol = perm.protocol === 'all' ? '-1' : String(perm.protocol);
  const match = perm.ports
    ? { FromPort: perm.ports.from, ToPort: perm.ports.to }
    : perm.icmp
      ? { FromPort: perm.icmp.type, ToPort: perm.icmp.code }
      : {};
  const { source } = perm;
  const sourceField =
    source.kind === 'cidr'
      ? source.cidr.family === 'ipv4'
        ? { IpRanges: [{ CidrIp: source.cidr.text, Description: description }] }
        : { Ipv6Ranges: [{ CidrIpv6: source.cidr.text, Description: description }] }
      : source.kind === 'prefix-list'
        ? { PrefixListIds: [{ PrefixListId: source.prefixListId, Description: description }] }
        : { UserIdGroupPairs: [{ GroupId: source.groupId, ...(source.userId ? { UserId: source.userId } : {}), Description: description }] };
  return { IpProtocol: protocol, ...match, ...sourceField };
}

/** Sets descriptions on exactly these ingress sources (other sources of the same entries keep theirs). */
export function describeIngressCommand(group: SecurityGroup, perms: readonly Permission[]): string {
  const json = JSON.stringify(perms.map((p) => ipPermissionJson(p, '<who and why>')));
  return `aws ec2 update-security-group-rule-descriptions-ingress --region ${shellArg(group.region)} --group-id ${shellArg(group.id)} --ip-permissions ${shellArg(json)}`;
}
