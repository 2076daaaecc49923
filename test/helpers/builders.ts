// Named-field builders for raw (SDK / CLI-shaped) data, so a test reads as its scenario:
//   group({ name: 'web', ingress: [tcp(22, '0.0.0.0/0'), all('::/0')] })
import type { IpPermission, NetworkInterface, Reservation, SecurityGroup } from '@aws-sdk/client-ec2';
import type { RawKindResult, RawScope, RawSnapshot } from '../../src/collect/types.js';
import type { DataKind } from '../../src/model/kinds.js';
import { normalize } from '../../src/model/normalize.js';
import type { AuditModel } from '../../src/model/types.js';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';

type Port = number | readonly [number, number];

/** Routes each source to the list AWS would put it in: CIDR v4, CIDR v6, prefix list, group. */
function withSources(base: IpPermission, sources: readonly string[]): IpPermission {
  const perm: IpPermission = { ...base };
  for (const source of sources) {
    if (source.startsWith('pl-')) (perm.PrefixListIds ??= []).push({ PrefixListId: source });
    else if (source.startsWith('sg-')) (perm.UserIdGroupPairs ??= []).push({ GroupId: source, UserId: ACCOUNT });
    else if (source.includes(':')) (perm.Ipv6Ranges ??= []).push({ CidrIpv6: source });
    else (perm.IpRanges ??= []).push({ CidrIp: source });
  }
  return perm;
}

const range = (port: Port) => (typeof port === 'number' ? [port, port] : port);

export function tcp(port: Port, ...sources: string[]): IpPermission {
  const [from, to] = range(port);
  return withSources({ IpProtocol: 'tcp', FromPort: from, ToPort: to }, sources);
}

export function udp(port: Port, ...sources: string[]): IpPermission {
  const [from, to] = range(port);
  return withSources({ IpProtocol: 'udp', FromPort: from, ToPort: to }, sources);
}

/** Protocol "-1": the API omits the ports. */
export function all(...sources: string[]): IpPermission {
  return withSources({ IpProtocol: '-1' }, sources);
}

/** A protocol as the API spells it ("6", "47", "TCP"), with optional ports. */
export function proto(protocol: string, ports: Port | undefined, ...sources: string[]): IpPermission {
  const base: IpPermission = { IpProtocol: protocol };
  if (ports !== undefined) [base.FromPort, base.ToPort] = range(ports);
  return withSources(base, sources);
}

export function icmp(type: number, code: number, ...sources: string[]): IpPermission {
  return withSources({ IpProtocol: 'icmp', FromPort: type, ToPort: code }, sources);
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${(++counter).toString(16).padStart(17, '0')}`;

export interface GroupSpec {
  id?: string;
  name?: string;
  vpcId?: string;
  description?: string;
  ingress?: IpPermission[];
  egress?: IpPermission[];
}

export function group(spec: GroupSpec = {}): SecurityGroup {
  const id = spec.id ?? nextId('sg');
  return {
    GroupId: id,
    GroupName: spec.name ?? `group-${id}`,
    Description: spec.description ?? 'test group',
    OwnerId: ACCOUNT,
    VpcId: spec.vpcId ?? 'vpc-1',
    IpPermissions: spec.ingress ?? [],
    IpPermissionsEgress: spec.egress ?? [],
  };
}

export interface EniSpec {
  id?: string;
  groups: string[];
  instanceId?: string;
  vpcId?: string;
  publicIp?: string;
  type?: string;
  requesterManaged?: boolean;
}

export function eni(spec: EniSpec): NetworkInterface {
  return {
    NetworkInterfaceId: spec.id ?? nextId('eni'),
    OwnerId: ACCOUNT,
    AvailabilityZone: `${REGION}a`,
    VpcId: spec.vpcId ?? 'vpc-1',
    SubnetId: 'subnet-1',
    Groups: spec.groups.map((GroupId) => ({ GroupId })),
    InterfaceType: (spec.type ?? 'interface') as NetworkInterface['InterfaceType'],
    RequesterManaged: spec.requesterManaged ?? false,
    Status: 'in-use',
    ...(spec.instanceId ? { Attachment: { InstanceId: spec.instanceId, DeviceIndex: 0, Status: 'attached' } } : {}),
    ...(spec.publicIp ? { Association: { PublicIp: spec.publicIp, IpOwnerId: 'amazon' } } : {}),
  };
}

export interface InstanceSpec {
  id?: string;
  groups: string[];
  vpcId?: string;
  state?: string;
}

export function instance(spec: InstanceSpec): Reservation {
  const id = spec.id ?? nextId('i');
  return {
    ReservationId: nextId('r'),
    OwnerId: ACCOUNT,
    Instances: [
      {
        InstanceId: id,
        VpcId: spec.vpcId ?? 'vpc-1',
        SubnetId: 'subnet-1',
        State: { Name: (spec.state ?? 'running') as 'running', Code: 16 },
        SecurityGroups: spec.groups.map((GroupId) => ({ GroupId })),
        Placement: { AvailabilityZone: `${REGION}a` },
      },
    ],
  };
}

/** What one account × region holds; a kind left undefined was not collected (offline: absent). */
export interface ScopeSpec {
  groups?: SecurityGroup[];
  interfaces?: NetworkInterface[];
  instances?: Reservation[];
  region?: string;
  account?: string;
  /** Kinds whose collection failed, with the error code. */
  failed?: Partial<Record<DataKind, string>>;
}

export function rawScope(spec: ScopeSpec): RawScope {
  const kinds: Partial<Record<DataKind, RawKindResult>> = {};
  const put = (kind: DataKind, items: readonly unknown[] | undefined) => {
    if (items) kinds[kind] = { status: 'ok', parts: [{ origin: `test ${kind}`, items }] };
  };
  put('securityGroups', spec.groups ?? []);
  put('networkInterfaces', spec.interfaces);
  put('instances', spec.instances);
  for (const [kind, code] of Object.entries(spec.failed ?? {}) as [DataKind, string][]) {
    kinds[kind] = { status: 'error', error: { code, message: `${code} (test)`, operation: `Describe ${kind}` } };
  }
  return { accountId: spec.account ?? ACCOUNT, region: spec.region ?? REGION, kinds };
}

export function snapshot(...scopes: ScopeSpec[]): RawSnapshot {
  return { source: 'file', inputs: ['test'], scopes: scopes.map(rawScope), warnings: [] };
}

export function model(...scopes: ScopeSpec[]): AuditModel {
  return normalize(snapshot(...scopes));
}
