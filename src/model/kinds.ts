// The kinds of data an audit can use, and how each one is obtained: one paginated API call per
// kind per region when live, one saved `aws ec2 describe-*` file (detected by its top-level key)
// when offline. Rules declare the kinds they `require` (and the kinds they `use` when present);
// collection fetches only their union.
//
// Two kinds cannot be listed per region, because their API takes one id per call:
// GetManagedPrefixListEntries (one prefix list) and DescribeStaleSecurityGroups (one VPC). They
// are fetched after the security groups, only for the prefix lists the groups reference and the
// VPCs whose groups reference groups elsewhere (the only places a stale rule can be).

export const DATA_KINDS = [
  'securityGroups',
  'networkInterfaces',
  'instances',
  'vpcs',
  'subnets',
  'networkAcls',
  'flowLogs',
  'securityGroupRules',
  'prefixLists',
  'prefixListEntries',
  'staleSecurityGroups',
  'routeTables',
  'internetGateways',
  'egressOnlyInternetGateways',
] as const;
export type DataKind = (typeof DATA_KINDS)[number];

export interface DataKindInfo {
  /** The EC2 API operation that lists this kind. */
  readonly operation: string;
  /** The top-level key of the operation's output (and of `aws ec2 describe-*` JSON). */
  readonly resultKey: string;
  /** The AWS CLI command that saves it, for hints. */
  readonly cliCommand: string;
  /** The IAM action the collector needs. */
  readonly iamAction: string;
  /** The largest MaxResults the operation accepts. */
  readonly pageSize: number;
  /** Fetched per id found in the security groups (see the header), not once per region. */
  readonly perItemOf?: 'prefix list' | 'VPC';
}

export const DATA_KIND_INFO: Readonly<Record<DataKind, DataKindInfo>> = {
  securityGroups: {
    operation: 'DescribeSecurityGroups',
    resultKey: 'SecurityGroups',
    cliCommand: 'aws ec2 describe-security-groups',
    iamAction: 'ec2:DescribeSecurityGroups',
    pageSize: 1000,
  },
  networkInterfaces: {
    operation: 'DescribeNetworkInterfaces',
    resultKey: 'NetworkInterfaces',
    cliCommand: 'aws ec2 describe-network-interfaces',
    iamAction: 'ec2:DescribeNetworkInterfaces',
    pageSize: 1000,
  },
  instances: {
    operation: 'DescribeInstances',
    resultKey: 'Reservations',
    cliCommand: 'aws ec2 describe-instances',
    iamAction: 'ec2:DescribeInstances',
    pageSize: 1000,
  },
  vpcs: {
    operation: 'DescribeVpcs',
    resultKey: 'Vpcs',
    cliCommand: 'aws ec2 describe-vpcs',
    iamAction: 'ec2:DescribeVpcs',
    pageSize: 1000,
  },
  subnets: {
    operation: 'DescribeSubnets',
    resultKey: 'Subnets',
    cliCommand: 'aws ec2 describe-subnets',
    iamAction: 'ec2:DescribeSubnets',
    pageSize: 1000,
  },
  networkAcls: {
    operation: 'DescribeNetworkAcls',
    resultKey: 'NetworkAcls',
    cliCommand: 'aws ec2 describe-network-acls',
    iamAction: 'ec2:DescribeNetworkAcls',
    pageSize: 1000,
  },
  flowLogs: {
    operation: 'DescribeFlowLogs',
    resultKey: 'FlowLogs',
    cliCommand: 'aws ec2 describe-flow-logs',
    iamAction: 'ec2:DescribeFlowLogs',
    pageSize: 1000,
  },
  securityGroupRules: {
    operation: 'DescribeSecurityGroupRules',
    resultKey: 'SecurityGroupRules',
    cliCommand: 'aws ec2 describe-security-group-rules',
    iamAction: 'ec2:DescribeSecurityGroupRules',
    pageSize: 1000,
  },
  prefixLists: {
    operation: 'DescribeManagedPrefixLists',
    resultKey: 'PrefixLists',
    cliCommand: 'aws ec2 describe-managed-prefix-lists',
    iamAction: 'ec2:DescribeManagedPrefixLists',
    pageSize: 100,
  },
  prefixListEntries: {
    operation: 'GetManagedPrefixListEntries',
    resultKey: 'Entries',
    cliCommand: 'aws ec2 get-managed-prefix-list-entries --prefix-list-id <pl-id> (saved as get-managed-prefix-list-entries.<pl-id>.json)',
    iamAction: 'ec2:GetManagedPrefixListEntries',
    pageSize: 100,
    perItemOf: 'prefix list',
  },
  staleSecurityGroups: {
    operation: 'DescribeStaleSecurityGroups',
    resultKey: 'StaleSecurityGroupSet',
    cliCommand: 'aws ec2 describe-stale-security-groups --vpc-id <vpc-id>',
    iamAction: 'ec2:DescribeStaleSecurityGroups',
    pageSize: 255,
    perItemOf: 'VPC',
  },
  // Page sizes from the EC2 API model: DescribeRouteTables takes 5-100, DescribeInternetGateways
  // 5-1000, DescribeEgressOnlyInternetGateways 5-255 (EC2-NOTES.md 3.3; botocore *MaxResults shapes).
  routeTables: {
    operation: 'DescribeRouteTables',
    resultKey: 'RouteTables',
    cliCommand: 'aws ec2 describe-route-tables',
    iamAction: 'ec2:DescribeRouteTables',
    pageSize: 100,
  },
  internetGateways: {
    operation: 'DescribeInternetGateways',
    resultKey: 'InternetGateways',
    cliCommand: 'aws ec2 describe-internet-gateways',
    iamAction: 'ec2:DescribeInternetGateways',
    pageSize: 1000,
  },
  egressOnlyInternetGateways: {
    operation: 'DescribeEgressOnlyInternetGateways',
    resultKey: 'EgressOnlyInternetGateways',
    cliCommand: 'aws ec2 describe-egress-only-internet-gateways',
    iamAction: 'ec2:DescribeEgressOnlyInternetGateways',
    pageSize: 255,
  },
};

export function isDataKind(value: string): value is DataKind {
  return (DATA_KINDS as readonly string[]).includes(value);
}

/** The data kind whose saved output has this top-level key, if any. */
export function kindForResultKey(key: string): DataKind | undefined {
  return DATA_KINDS.find((kind) => DATA_KIND_INFO[kind].resultKey === key);
}
