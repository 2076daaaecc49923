// The normalized model every rule reads. Built once, by normalize.ts, from raw API/CLI data:
// protocols unified, ports made intervals, each (IpPermission × source) flattened into one
// Permission, CIDRs parsed, attachments indexed. Rules never look at raw AWS shapes.
import type { Cidr } from './net.js';
import type { PortRange } from './ports.js';
import type { DataKind } from './kinds.js';

export type Direction = 'ingress' | 'egress';

/**
 * `all` is IpProtocol "-1". A number is any IANA protocol other than TCP (6), UDP (17),
 * ICMP (1) and ICMPv6 (58), which always come back as names after normalization.
 */
export type Protocol = 'all' | 'tcp' | 'udp' | 'icmp' | 'icmpv6' | number;

/** ICMP type and code; -1 means "all". These are never ports. */
export interface IcmpMatch {
  readonly type: number;
  readonly code: number;
}

export type Source =
  | { readonly kind: 'cidr'; readonly cidr: Cidr }
  | {
      readonly kind: 'prefix-list';
      readonly prefixListId: string;
      readonly name?: string;
      /**
       * The list's CIDRs, when its entries were collected (GetManagedPrefixListEntries or its saved
       * output). Undefined means unresolved: neither open nor private, and reported as such.
       */
      readonly entries?: readonly Cidr[];
    }
  | {
      readonly kind: 'security-group';
      readonly groupId: string;
      /** Owning account of the referenced group; absent when that group was deleted. */
      readonly userId?: string;
      readonly vpcId?: string;
      readonly peeringConnectionId?: string;
      readonly peeringStatus?: string;
      /** The group references itself (the default group's inbound rule). */
      readonly self: boolean;
    };

/** One (direction, protocol, ports or ICMP type/code, source) taken from an IpPermission. */
export interface Permission {
  readonly groupId: string;
  readonly direction: Direction;
  readonly protocol: Protocol;
  /** TCP/UDP ports covered; undefined for every other protocol (see portsFor). */
  readonly ports?: PortRange;
  readonly icmp?: IcmpMatch;
  readonly source: Source;
  readonly description?: string;
  /** Position of the IpPermission in the raw list (for tracing back to the API data). */
  readonly permissionIndex: number;
  /** The `sgr-` id of this rule, when DescribeSecurityGroupRules data was collected. */
  readonly ruleId?: string;
}

/** What a finding is about; each rule checks one type of resource (its `scope`). */
export type ResourceType = 'security-group' | 'network-acl' | 'vpc' | 'network-interface';

export interface ResourceRef {
  readonly type: ResourceType;
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly accountId: string;
  readonly region: string;
  readonly vpcId?: string;
  /** The saved file it was read from (offline audits only), or the file that defines it (a `.tf` file, a template). */
  readonly origin?: string;
  /**
   * Where infrastructure as code defines it: a Terraform resource address
   * (`module.app.aws_security_group.web[0]`) or a CloudFormation logical id. When set, a finding's
   * fingerprint is keyed by it rather than by the id, which a plan does not know before apply.
   */
  readonly address?: string;
  /** The line of `origin` that defines it (1-based), when known. */
  readonly line?: number;
}

/**
 * A value of a Terraform plan or CloudFormation template that is not known before apply (or
 * cannot be resolved from the template): the check that depends on it assumed the worst, and the
 * finding says so (src/iac/).
 */
export interface UnknownValue {
  /** The resource address or logical id that holds it. */
  readonly address: string;
  /** The attribute, as the code spells it: `ingress[0].cidr_blocks`, `SecurityGroupIngress[1].CidrIp`. */
  readonly attribute: string;
  /** Why it is not known: "known after apply (from aws_eip.nat.public_ip)", "parameter AdminCidr has no default". */
  readonly reason: string;
  /** What the audit assumed in its place: the worst it could be ("0.0.0.0/0", "all ports"). */
  readonly assumed: string;
}

export interface SecurityGroup {
  /** scopeKey of the account × region it was collected in (a shared VPC's owner differs from it). */
  readonly scope: string;
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly vpcId?: string;
  readonly accountId: string;
  readonly region: string;
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
  /** The VPC's `default` group (there is no IsDefault field; the name is reserved per VPC). */
  readonly isDefault: boolean;
  readonly ingress: readonly Permission[];
  readonly egress: readonly Permission[];
  readonly ref: ResourceRef;
}

export interface NetworkInterface {
  /** scopeKey of the account × region it was collected in. */
  readonly scope: string;
  readonly id: string;
  readonly accountId: string;
  readonly region: string;
  readonly vpcId?: string;
  readonly subnetId?: string;
  readonly groupIds: readonly string[];
  readonly instanceId?: string;
  readonly interfaceType: string;
  readonly requesterManaged: boolean;
  readonly description: string;
  readonly status: string;
  /** Public IPv4 addresses (primary association and secondary private IPs' associations). */
  readonly publicIps: readonly string[];
  readonly ipv6Addresses: readonly string[];
  /** DenyAllIgwTraffic: the interface drops inbound IPv6 from the internet gateway. */
  readonly denyAllIgwTraffic: boolean;
  readonly ref: ResourceRef;
}

export interface Instance {
  readonly id: string;
  readonly accountId: string;
  readonly region: string;
  readonly vpcId?: string;
  readonly subnetId?: string;
  readonly state: string;
  readonly name?: string;
  /** Union of the instance's groups and the groups of each of its interfaces. */
  readonly groupIds: readonly string[];
  readonly publicIp?: string;
}

export interface Vpc {
  /** scopeKey of the account × region it was collected in (a shared VPC's owner differs from it). */
  readonly scope: string;
  readonly id: string;
  readonly accountId: string;
  readonly region: string;
  readonly isDefault: boolean;
  readonly cidrBlock?: string;
  readonly name?: string;
  readonly ref: ResourceRef;
}

export interface Subnet {
  readonly id: string;
  readonly accountId: string;
  readonly region: string;
  readonly vpcId?: string;
  readonly cidrBlock?: string;
  readonly availabilityZone?: string;
  readonly name?: string;
}

/** One network ACL entry, protocol normalized as for security groups. */
export interface NaclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  readonly action: 'allow' | 'deny';
  readonly protocol: Protocol;
  /** TCP/UDP ports matched; undefined for every other protocol, which matches all ports. */
  readonly ports?: PortRange;
  readonly cidr: Cidr;
}

export interface NetworkAcl {
  /** scopeKey of the account × region it was collected in (a shared VPC's owner differs from it). */
  readonly scope: string;
  readonly id: string;
  readonly accountId: string;
  readonly region: string;
  readonly vpcId?: string;
  readonly isDefault: boolean;
  readonly name?: string;
  readonly subnetIds: readonly string[];
  /** Both directions, in rule-number order. */
  readonly entries: readonly NaclEntry[];
  readonly ref: ResourceRef;
}

/** One route of a route table. */
export interface Route {
  /** The destination CIDR (IPv4 or IPv6); undefined for a prefix-list destination. */
  readonly destination?: Cidr;
  /** DestinationPrefixListId, when the destination is a managed prefix list. */
  readonly prefixListId?: string;
  /** The target's id: igw-…, eigw-…, nat-…, tgw-…, pcx-…, vgw-…, vpce-…, eni-…, i-…, `local`, or a core network ARN. */
  readonly targetId: string;
  /** What the target is, from its id: `igw`, `eigw`, `nat`, `tgw`, `pcx`, `vgw`, `vpce`, `eni`, `i`, `local`, `core-network` … */
  readonly targetType: string;
  /** `active`, or `blackhole` (the target is gone; traffic is dropped) or `filtered`. */
  readonly state: string;
}

export interface RouteTable {
  readonly scope: string;
  readonly id: string;
  readonly accountId: string;
  readonly region: string;
  readonly vpcId?: string;
  /** The VPC's main table: the one every subnet without an explicit association uses. */
  readonly main: boolean;
  /** Subnets explicitly associated (gateway/edge associations are left out). */
  readonly subnetIds: readonly string[];
  readonly routes: readonly Route[];
  readonly name?: string;
}

export interface InternetGateway {
  readonly id: string;
  readonly accountId: string;
  readonly region: string;
  /** The VPCs it is attached to (attachments detached or detaching are left out). */
  readonly vpcIds: readonly string[];
  readonly name?: string;
}

export interface EgressOnlyInternetGateway {
  readonly id: string;
  readonly accountId: string;
  readonly region: string;
  readonly vpcIds: readonly string[];
}

export interface FlowLog {
  readonly id: string;
  readonly accountId: string;
  readonly region: string;
  /** The VPC, subnet or network interface it logs. */
  readonly resourceId: string;
  /** FlowLogStatus: ACTIVE is the only state that logs. */
  readonly status: string;
  /** DeliverLogsStatus: SUCCESS, FAILED (with deliverError) or absent. */
  readonly deliverStatus?: string;
  readonly deliverError?: string;
  readonly trafficType?: string;
}

export interface PrefixList {
  readonly id: string;
  readonly accountId: string;
  readonly region: string;
  readonly name?: string;
  readonly ownerId?: string;
  /** Undefined when the entries were not collected. */
  readonly entries?: readonly Cidr[];
}

export interface CollectionError {
  readonly code: string;
  readonly message: string;
  /** The API operation that failed, e.g. DescribeNetworkInterfaces. */
  readonly operation: string;
  /** The way out, when we know one ("grant ec2:Describe… to this identity"). */
  readonly hint?: string;
}

/** Whether a data kind is known for one account × region. */
export type KindStatus =
  | { readonly state: 'ok'; readonly origin?: string }
  | { readonly state: 'error'; readonly error: CollectionError }
  | { readonly state: 'absent' };

/** One account × region the audit covers, and what is known about it. */
export interface Scope {
  readonly accountId: string;
  readonly region: string;
  readonly kinds: ReadonlyMap<DataKind, KindStatus>;
}

export interface AuditModel {
  readonly scopes: readonly Scope[];
  readonly groups: readonly SecurityGroup[];
  readonly interfaces: readonly NetworkInterface[];
  readonly instances: readonly Instance[];
  readonly vpcs: readonly Vpc[];
  readonly subnets: readonly Subnet[];
  readonly networkAcls: readonly NetworkAcl[];
  readonly flowLogs: readonly FlowLog[];
  readonly prefixLists: readonly PrefixList[];
  readonly routeTables: readonly RouteTable[];
  readonly internetGateways: readonly InternetGateway[];
  readonly egressOnlyInternetGateways: readonly EgressOnlyInternetGateway[];
  readonly groupsById: ReadonlyMap<string, SecurityGroup>;
  readonly interfacesByGroup: ReadonlyMap<string, readonly NetworkInterface[]>;
  readonly interfacesByVpc: ReadonlyMap<string, readonly NetworkInterface[]>;
  readonly subnetsById: ReadonlyMap<string, Subnet>;
  /** Flow logs by the VPC, subnet or interface they log. */
  readonly flowLogsByResource: ReadonlyMap<string, readonly FlowLog[]>;
  /** Rules DescribeStaleSecurityGroups lists as stale, by group (when that data was collected). */
  readonly staleByGroup: ReadonlyMap<string, readonly Permission[]>;
  /** Non-terminated instances per group. */
  readonly instancesByGroup: ReadonlyMap<string, readonly Instance[]>;
  /** Non-terminated instances per VPC. */
  readonly instancesByVpc: ReadonlyMap<string, readonly Instance[]>;
  /** Permissions of *other* groups whose source is this group (self-references excluded). */
  readonly referencesTo: ReadonlyMap<string, readonly Permission[]>;
  /** Not-evaluated notes from normalization (e.g. an unrecognized protocol treated as all traffic). */
  readonly warnings: readonly string[];
}

export function scopeKey(accountId: string, region: string): string {
  return `${accountId}/${region}`;
}
