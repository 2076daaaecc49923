// The kinds of data an audit can use, and how each one is obtained: one paginated API call per
// kind per region when live, one saved `aws ec2 describe-*` file (detected by its top-level key)
// when offline. Rules declare the kinds they `require`; collection fetches only their union.

export const DATA_KINDS = ['securityGroups', 'networkInterfaces', 'instances', 'vpcs'] as const;
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
}

export const DATA_KIND_INFO: Readonly<Record<DataKind, DataKindInfo>> = {
  securityGroups: {
    operation: 'DescribeSecurityGroups',
    resultKey: 'SecurityGroups',
    cliCommand: 'aws ec2 describe-security-groups',
    iamAction: 'ec2:DescribeSecurityGroups',
  },
  networkInterfaces: {
    operation: 'DescribeNetworkInterfaces',
    resultKey: 'NetworkInterfaces',
    cliCommand: 'aws ec2 describe-network-interfaces',
    iamAction: 'ec2:DescribeNetworkInterfaces',
  },
  instances: {
    operation: 'DescribeInstances',
    resultKey: 'Reservations',
    cliCommand: 'aws ec2 describe-instances',
    iamAction: 'ec2:DescribeInstances',
  },
  vpcs: {
    operation: 'DescribeVpcs',
    resultKey: 'Vpcs',
    cliCommand: 'aws ec2 describe-vpcs',
    iamAction: 'ec2:DescribeVpcs',
  },
};

export function isDataKind(value: string): value is DataKind {
  return (DATA_KINDS as readonly string[]).includes(value);
}

/** The data kind whose saved output has this top-level key, if any. */
export function kindForResultKey(key: string): DataKind | undefined {
  return DATA_KINDS.find((kind) => DATA_KIND_INFO[kind].resultKey === key);
}
