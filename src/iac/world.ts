// What a Terraform plan or a CloudFormation template declares, in one vocabulary: the network
// resources sg-audit models (groups and their rules, interfaces, instances, subnets, VPCs, network
// ACLs, route tables, internet gateways, prefix lists), each with the address and line that define
// it. Any value may be Unknown: not known before apply (Terraform's "known after apply") or not
// resolvable from the template (a parameter without a default, Fn::ImportValue). Front ends
// (terraform/, cloudformation/) build a World; materialize.ts turns it into the saved-JSON shape
// the normalizer reads, assuming the worst (or the best) of each unknown value.

/** A value not known before apply, and why. */
export interface Unknown {
  readonly unknown: true;
  readonly reason: string;
}

export type Maybe<T> = T | Unknown;

export function unknown(reason: string): Unknown {
  return { unknown: true, reason };
}

export function isUnknown(value: unknown): value is Unknown {
  return typeof value === 'object' && value !== null && (value as { unknown?: unknown }).unknown === true;
}

/** Where a resource is defined: its address (or logical id), the file, and the line when known. */
export interface IacSource {
  readonly address: string;
  readonly file: string;
  readonly line?: number;
}

/** One peer of a security group rule: a CIDR, a prefix list or a group (self included). */
export type IacPeer =
  | { readonly kind: 'ipv4' | 'ipv6'; readonly cidr: Maybe<string>; readonly attribute: string }
  | { readonly kind: 'prefix-list'; readonly id: Maybe<string>; readonly attribute: string }
  | { readonly kind: 'group'; readonly id: Maybe<string>; readonly attribute: string };

/** One security group rule (an inline block, or a rule resource), with every peer it names. */
export interface IacRule {
  readonly direction: 'ingress' | 'egress';
  readonly protocol: Maybe<string>;
  /** Undefined: not given (all ports for tcp/udp, all types for ICMP). */
  readonly fromPort: Maybe<number | undefined>;
  readonly toPort: Maybe<number | undefined>;
  readonly peers: readonly IacPeer[];
  readonly description: Maybe<string | undefined>;
  /** The resource that declares it (the group's, or the rule resource's own). */
  readonly source: IacSource;
  /** The rule within that resource, for messages: `ingress[0]`, `SecurityGroupIngress[1]`, or '' for a rule resource. */
  readonly at: string;
}

export interface IacGroup {
  readonly id: string;
  readonly source: IacSource;
  readonly name: Maybe<string>;
  readonly description: Maybe<string>;
  readonly vpcId: Maybe<string | undefined>;
  /** The VPC's default group (Terraform's aws_default_security_group). */
  readonly isDefault: boolean;
  readonly tags: Readonly<Record<string, string>>;
  /** Inline rules; Unknown when the whole list is unknown. */
  readonly ingress: Maybe<readonly IacRule[]>;
  readonly egress: Maybe<readonly IacRule[]>;
}

/** A rule declared apart from its group (aws_security_group_rule, AWS::EC2::SecurityGroupIngress, …). */
export interface IacGroupRule {
  readonly groupId: Maybe<string>;
  readonly rule: IacRule;
}

/** Whether an interface gets an address of a family: yes, no, unknown, or as its subnet launches them. */
export type AddressSetting = Maybe<boolean> | 'subnet-default';

export interface IacInterface {
  readonly id: string;
  readonly source: IacSource;
  readonly subnetId: Maybe<string | undefined>;
  /** Unknown entries are groups the plan names but that cannot be resolved before apply. */
  readonly groupIds: Maybe<readonly Maybe<string>[]>;
  readonly publicIpv4: AddressSetting;
  readonly ipv6: AddressSetting;
  readonly instanceId?: string;
  readonly description: string;
  /** Addresses already known (a resource that exists: its state has them). */
  readonly publicIpv4Address?: string;
  readonly ipv6Addresses?: readonly string[];
  /** Attribute names for messages: the subnet's, the groups', the public address's. */
  readonly attributes: { readonly subnet: string; readonly groups: string; readonly publicIpv4: string; readonly ipv6: string };
}

export interface IacInstance {
  readonly id: string;
  readonly source: IacSource;
  readonly name?: string;
  /** The interfaces the instance is launched with (the primary first). */
  readonly interfaceIds: readonly string[];
}

export interface IacSubnet {
  readonly id: string;
  readonly source: IacSource;
  readonly vpcId: Maybe<string | undefined>;
  readonly cidr: Maybe<string | undefined>;
  readonly ipv6Cidr: Maybe<string | undefined>;
  readonly mapPublicIp: Maybe<boolean>;
  readonly assignIpv6: Maybe<boolean>;
  readonly availabilityZone?: string;
  readonly name?: string;
}

export interface IacVpc {
  readonly id: string;
  readonly source: IacSource;
  readonly cidr: Maybe<string | undefined>;
  readonly name?: string;
}

export interface IacAclEntry {
  readonly ruleNumber: Maybe<number>;
  readonly egress: boolean;
  readonly action: Maybe<string>;
  readonly protocol: Maybe<string>;
  readonly fromPort: Maybe<number | undefined>;
  readonly toPort: Maybe<number | undefined>;
  readonly cidr: Maybe<string>;
  readonly ipv6: boolean;
  readonly source: IacSource;
  readonly at: string;
}

export interface IacNetworkAcl {
  readonly id: string;
  readonly source: IacSource;
  readonly vpcId: Maybe<string | undefined>;
  readonly isDefault: boolean;
  readonly subnetIds: readonly Maybe<string>[];
  readonly entries: readonly IacAclEntry[];
  readonly name?: string;
}

export interface IacAclRule {
  readonly aclId: Maybe<string>;
  readonly entry: IacAclEntry;
}

export interface IacRoute {
  readonly destination: Maybe<string | undefined>;
  readonly ipv6: boolean;
  readonly prefixListId?: string;
  /** The target's id (igw-…, nat-…, local …). */
  readonly target: Maybe<string>;
  readonly source: IacSource;
  readonly at: string;
}

export interface IacRouteTable {
  readonly id: string;
  readonly source: IacSource;
  readonly vpcId: Maybe<string | undefined>;
  /** The VPC's main table (aws_default_route_table, or made main by an association). */
  readonly main: boolean;
  readonly routes: readonly IacRoute[];
  readonly name?: string;
}

export interface IacRouteResource {
  readonly tableId: Maybe<string>;
  readonly route: IacRoute;
}

/** A subnet's explicit association with a route table or a network ACL, or a table made a VPC's main one. */
export interface IacAssociation {
  readonly kind: 'route-table' | 'network-acl' | 'main-route-table';
  readonly targetId: Maybe<string>;
  /** A subnet id; for main-route-table, the VPC id. */
  readonly subjectId: Maybe<string>;
  readonly source: IacSource;
}

export interface IacInternetGateway {
  readonly id: string;
  readonly source: IacSource;
  readonly vpcIds: readonly Maybe<string>[];
  readonly name?: string;
}

export interface IacPrefixList {
  readonly id: string;
  readonly source: IacSource;
  readonly name: Maybe<string>;
  readonly entries: Maybe<readonly Maybe<string>[]>;
}

export interface IacPrefixListEntry {
  readonly listId: Maybe<string>;
  readonly cidr: Maybe<string>;
  readonly source: IacSource;
}

/** A public address given to an interface (an Elastic IP). */
export interface IacElasticIp {
  readonly interfaceId: Maybe<string | undefined>;
  readonly source: IacSource;
}

/** A flow log on a VPC, subnet or interface. */
export interface IacFlowLog {
  readonly id: string;
  readonly resourceId: Maybe<string | undefined>;
  readonly trafficType?: string;
  readonly source: IacSource;
}

/** Everything a plan (one side of it) or a template declares, by kind. */
export interface World {
  /** The plan or template it was read from, as given. */
  readonly origin: string;
  /** The account and region the resources are in, as far as the input says. */
  readonly accountId?: string;
  readonly region?: string;
  readonly groups: IacGroup[];
  readonly groupRules: IacGroupRule[];
  readonly interfaces: IacInterface[];
  readonly instances: IacInstance[];
  readonly subnets: IacSubnet[];
  readonly vpcs: IacVpc[];
  readonly networkAcls: IacNetworkAcl[];
  readonly aclRules: IacAclRule[];
  readonly routeTables: IacRouteTable[];
  readonly routes: IacRouteResource[];
  readonly associations: IacAssociation[];
  readonly internetGateways: IacInternetGateway[];
  readonly prefixLists: IacPrefixList[];
  readonly prefixListEntries: IacPrefixListEntry[];
  readonly elasticIps: IacElasticIp[];
  readonly flowLogs: IacFlowLog[];
}

export function emptyWorld(origin: string, placement: { accountId?: string; region?: string } = {}): World {
  return {
    origin,
    ...(placement.accountId !== undefined ? { accountId: placement.accountId } : {}),
    ...(placement.region !== undefined ? { region: placement.region } : {}),
    groups: [],
    groupRules: [],
    interfaces: [],
    instances: [],
    subnets: [],
    vpcs: [],
    networkAcls: [],
    aclRules: [],
    routeTables: [],
    routes: [],
    associations: [],
    internetGateways: [],
    prefixLists: [],
    prefixListEntries: [],
    elasticIps: [],
    flowLogs: [],
  };
}
