// A CloudFormation template → the World it creates: each resource of a type sg-audit reads, at
// its logical id and line. Pure: the parsed template comes in.
import { isUnknown, unknown, emptyWorld, type IacAclEntry, type IacPeer, type IacRoute, type IacRule, type IacSource, type Maybe, type Unknown, type World } from '../world.js';
import { evaluateCondition, evaluateValue, isObject, type EvaluationEnv, type Json, type Template } from './template.js';

/** The resource types sg-audit reads from a template. */
export const CLOUDFORMATION_TYPES = [
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::Instance',
  'AWS::EC2::LaunchTemplate',
  'AWS::EC2::NetworkInterface',
  'AWS::EC2::NetworkInterfaceAttachment',
  'AWS::EC2::EIP',
  'AWS::EC2::EIPAssociation',
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::EC2::RouteTable',
  'AWS::EC2::Route',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::NetworkAcl',
  'AWS::EC2::NetworkAclEntry',
  'AWS::EC2::SubnetNetworkAclAssociation',
  'AWS::EC2::PrefixList',
  'AWS::EC2::FlowLog',
] as const;

const PREFIX: Readonly<Record<string, string>> = {
  'AWS::EC2::SecurityGroup': 'sg',
  'AWS::EC2::Instance': 'i',
  'AWS::EC2::NetworkInterface': 'eni',
  'AWS::EC2::VPC': 'vpc',
  'AWS::EC2::Subnet': 'subnet',
  'AWS::EC2::InternetGateway': 'igw',
  'AWS::EC2::RouteTable': 'rtb',
  'AWS::EC2::NetworkAcl': 'acl',
  'AWS::EC2::PrefixList': 'pl',
  'AWS::EC2::LaunchTemplate': 'lt',
  'AWS::EC2::NatGateway': 'nat',
  'AWS::EC2::EgressOnlyInternetGateway': 'eigw',
  'AWS::EC2::VPCEndpoint': 'vpce',
  'AWS::EC2::TransitGateway': 'tgw',
  'AWS::EC2::VPCPeeringConnection': 'pcx',
  'AWS::EC2::EIP': 'eipalloc',
  'AWS::EC2::FlowLog': 'fl',
};

/** The id a resource has before its stack exists: its kind's prefix and its logical id. */
function placeholderId(type: string, logicalId: string): string {
  return `${PREFIX[type] ?? type.split('::').pop()?.toLowerCase() ?? 'res'}-cfn:${logicalId}`;
}

interface Resource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Json;
  readonly source: IacSource;
  /** Lines of the property objects (rules, entries), through the evaluation. */
  readonly id: string;
}

type Field = Maybe<string | undefined>;

function text(value: unknown): Field {
  if (isUnknown(value)) return value;
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function num(value: unknown): Maybe<number | undefined> {
  if (isUnknown(value)) return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

function bool(value: unknown, absent: boolean): Maybe<boolean> {
  if (isUnknown(value)) return value;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return absent;
}

/** A list of ids (SecurityGroupIds …): each entry, or Unknown for the whole. */
function ids(value: unknown): Maybe<readonly Maybe<string>[]> {
  if (isUnknown(value)) return value;
  if (!Array.isArray(value)) return typeof value === 'string' ? [value] : [];
  return value.map((v) => (isUnknown(v) ? v : String(v)));
}

function objects(value: unknown): Maybe<readonly Json[]> {
  if (isUnknown(value)) return value;
  return Array.isArray(value) ? value.filter(isObject) : [];
}

const nameTag = (properties: Json) => {
  const tags = properties['Tags'];
  const found = Array.isArray(tags) ? tags.find((t) => isObject(t) && t['Key'] === 'Name') : undefined;
  return isObject(found) && typeof found['Value'] === 'string' ? found['Value'] : undefined;
};

/** One security group rule, as SecurityGroupIngress/Egress items and the rule resources write it. */
function ruleOf(p: Json, direction: 'ingress' | 'egress', groupId: string | undefined, source: IacSource, at: string): IacRule {
  const peers: IacPeer[] = [];
  const field = (name: string) => (at ? `${at}.${name}` : name);
  const v4 = text(p['CidrIp']);
  if (v4 !== undefined) peers.push({ kind: 'ipv4', cidr: v4, attribute: field('CidrIp') });
  const v6 = text(p['CidrIpv6']);
  if (v6 !== undefined) peers.push({ kind: 'ipv6', cidr: v6, attribute: field('CidrIpv6') });
  for (const key of ['SourcePrefixListId', 'DestinationPrefixListId']) {
    const id = text(p[key]);
    if (id !== undefined) peers.push({ kind: 'prefix-list', id, attribute: field(key) });
  }
  for (const key of ['SourceSecurityGroupId', 'DestinationSecurityGroupId', 'SourceSecurityGroupName']) {
    const id = text(p[key]);
    if (id !== undefined) peers.push({ kind: 'group', id: id === groupId ? id : id, attribute: field(key) });
  }
  const protocol = text(p['IpProtocol']);
  const all = protocol === '-1' || protocol === 'all';
  return {
    direction,
    protocol: protocol ?? unknown('IpProtocol is not set'),
    fromPort: all ? undefined : num(p['FromPort']),
    toPort: all ? undefined : num(p['ToPort']),
    peers,
    description: text(p['Description']),
    source,
    at,
  };
}

function rulesOf(value: unknown, direction: 'ingress' | 'egress', groupId: string, source: IacSource, name: string): Maybe<readonly IacRule[]> {
  const items = objects(value);
  if (isUnknown(items)) return items;
  return items.map((p, i) => ruleOf(p, direction, groupId, source, `${name}[${i}]`));
}

function aclEntry(p: Json, source: IacSource, at: string): IacAclEntry | undefined {
  const v4 = text(p['CidrBlock']);
  const v6 = text(p['Ipv6CidrBlock']);
  const cidr = v4 ?? v6;
  if (cidr === undefined) return undefined;
  const range = isObject(p['PortRange']) ? p['PortRange'] : undefined;
  return {
    ruleNumber: num(p['RuleNumber']) ?? unknown('RuleNumber is not set'),
    egress: bool(p['Egress'], false) === true,
    action: text(p['RuleAction']) ?? unknown('RuleAction is not set'),
    protocol: text(p['Protocol']) ?? '-1',
    fromPort: range ? num(range['From']) : undefined,
    toPort: range ? num(range['To']) : undefined,
    cidr,
    ipv6: v4 === undefined,
    source,
    at,
  };
}

const ROUTE_TARGETS = ['GatewayId', 'NatGatewayId', 'EgressOnlyInternetGatewayId', 'TransitGatewayId', 'VpcPeeringConnectionId', 'NetworkInterfaceId', 'InstanceId', 'VpcEndpointId', 'CarrierGatewayId', 'LocalGatewayId', 'CoreNetworkArn'];

function routeOf(p: Json, source: IacSource): IacRoute[] {
  const target = ROUTE_TARGETS.map((k) => text(p[k])).find((t) => t !== undefined);
  if (target === undefined) return [];
  const v4 = text(p['DestinationCidrBlock']);
  const v6 = text(p['DestinationIpv6CidrBlock']);
  const pl = text(p['DestinationPrefixListId']);
  const out: IacRoute[] = [];
  if (v4 !== undefined) out.push({ destination: v4, ipv6: false, target, source, at: '' });
  if (v6 !== undefined) out.push({ destination: v6, ipv6: true, target, source, at: '' });
  if (v4 === undefined && v6 === undefined && typeof pl === 'string') out.push({ destination: undefined, ipv6: false, prefixListId: pl, target, source, at: '' });
  return out;
}

/** Parameter values: defaults (a list type split at commas); none is Unknown. */
function parameters(template: Json): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const declared = isObject(template['Parameters']) ? template['Parameters'] : {};
  for (const [name, spec] of Object.entries(declared)) {
    if (!isObject(spec)) continue;
    const type = typeof spec['Type'] === 'string' ? spec['Type'] : 'String';
    if (spec['Default'] === undefined) {
      out.set(name, unknown(`parameter ${name} has no default (its value is given at deploy time)`));
      continue;
    }
    const value = spec['Default'];
    out.set(name, /^(List<|CommaDelimitedList)/.test(type) && typeof value === 'string' ? value.split(',').map((v) => v.trim()) : typeof value === 'number' ? String(value) : value);
  }
  return out;
}

/** The template's resources as a World; `region` is where it is deployed (for AWS::Region), when known. */
export function templateWorld(template: Template, region?: string): World {
  const root = template.value;
  const declared = isObject(root['Resources']) ? root['Resources'] : {};
  const keyLines = template.keyLines.get(declared);
  const refs = new Map<string, string>();
  const types = new Map<string, string>();
  for (const [logicalId, r] of Object.entries(declared)) {
    if (!isObject(r) || typeof r['Type'] !== 'string') continue;
    types.set(logicalId, r['Type']);
    refs.set(logicalId, placeholderId(r['Type'], logicalId));
  }
  const params = parameters(root);
  const conditions = new Map<string, boolean | Unknown>();
  const declaredConditions = isObject(root['Conditions']) ? root['Conditions'] : {};
  const raw = new Map<string, Json>();
  const env: EvaluationEnv = {
    parameters: params,
    conditions,
    mappings: isObject(root['Mappings']) ? root['Mappings'] : {},
    refs,
    ...(region ? { region } : {}),
    attributes: (logicalId, attribute) => attributeOf(logicalId, attribute),
  };
  const deciding = new Set<string>();
  const named = (name: string): boolean | Unknown => {
    const known = conditions.get(name);
    if (known !== undefined) return known;
    if (deciding.has(name)) return unknown(`condition ${name} refers to itself`);
    deciding.add(name);
    const value = evaluateCondition(declaredConditions[name], env, named);
    conditions.set(name, value);
    return value;
  };
  for (const name of Object.keys(declaredConditions)) named(name);

  // !GetAtt of the attributes sg-audit needs: ids, and properties the template sets.
  const attributeOf = (logicalId: string, attribute: string): unknown => {
    const type = types.get(logicalId);
    const id = refs.get(logicalId);
    if (!type || !id) return unknown(`!GetAtt ${logicalId}.${attribute}: no resource of that name`);
    const properties = () => {
      let p = raw.get(logicalId);
      if (!p) {
        const r = declared[logicalId];
        const evaluated = isObject(r) && isObject(r['Properties']) ? evaluateValue(r['Properties'], env) : {};
        p = isObject(evaluated) ? evaluated : {};
        raw.set(logicalId, p);
      }
      return p;
    };
    if (['GroupId', 'Id', 'PrefixListId', 'AllocationId', 'NetworkInterfaceId', 'RouteTableId', 'InternetGatewayId', 'SubnetId', 'VpcId', 'NetworkAclId'].includes(attribute)) {
      // A group's VpcId, a subnet's VpcId: the property; otherwise the resource's own id.
      if (attribute === 'VpcId' && type !== 'AWS::EC2::VPC') return properties()['VpcId'] ?? unknown(`${logicalId}.VpcId is not set`);
      return id;
    }
    if (type === 'AWS::EC2::VPC' && attribute === 'DefaultSecurityGroup') return `sg-default:${id}`;
    if (type === 'AWS::EC2::VPC' && attribute === 'DefaultNetworkAcl') return `acl-default:${id}`;
    if (type === 'AWS::EC2::Instance' && attribute === 'PrimaryNetworkInterfaceId') return `eni-cfn:${logicalId}`;
    if (attribute === 'CidrBlock') return properties()['CidrBlock'] ?? unknown(`${logicalId}.CidrBlock is not set`);
    return unknown(`!GetAtt ${logicalId}.${attribute} is known once the stack is deployed`);
  };

  const world = emptyWorld(template.file, region ? { region } : {});
  const resources: Resource[] = [];
  for (const [logicalId, r] of Object.entries(declared)) {
    if (!isObject(r) || typeof r['Type'] !== 'string') continue;
    // A resource whose condition is false is not created; an undecided one is audited (the worst).
    if (typeof r['Condition'] === 'string' && named(r['Condition']) === false) continue;
    const line = keyLines?.get(logicalId);
    const properties = isObject(r['Properties']) ? evaluateValue(r['Properties'], env) : {};
    resources.push({
      logicalId,
      type: r['Type'],
      properties: isObject(properties) ? properties : {},
      source: { address: logicalId, file: template.file, ...(line ? { line } : {}) },
      id: refs.get(logicalId) ?? logicalId,
    });
  }
  const of = (type: string) => resources.filter((r) => r.type === type);

  for (const r of of('AWS::EC2::SecurityGroup')) {
    const p = r.properties;
    const egress = p['SecurityGroupEgress'];
    world.groups.push({
      id: r.id,
      source: r.source,
      // Without GroupName, CloudFormation names it <stack>-<logical id>-<suffix>.
      name: text(p['GroupName']) ?? `*-${r.logicalId}-*`,
      description: text(p['GroupDescription']) ?? '',
      vpcId: text(p['VpcId']),
      isDefault: false,
      tags: nameTag(p) ? { Name: nameTag(p) as string } : {},
      ingress: rulesOf(p['SecurityGroupIngress'], 'ingress', r.id, r.source, 'SecurityGroupIngress'),
      // Without egress rules a new group keeps the default one: all traffic out to 0.0.0.0/0.
      egress:
        egress === undefined
          ? [{ direction: 'egress', protocol: '-1', fromPort: undefined, toPort: undefined, peers: [{ kind: 'ipv4', cidr: '0.0.0.0/0', attribute: 'SecurityGroupEgress (the default rule)' }], description: undefined, source: r.source, at: '' }]
          : rulesOf(egress, 'egress', r.id, r.source, 'SecurityGroupEgress'),
    });
  }
  for (const [type, direction] of [
    ['AWS::EC2::SecurityGroupIngress', 'ingress'],
    ['AWS::EC2::SecurityGroupEgress', 'egress'],
  ] as const) {
    for (const r of of(type)) {
      const groupId = text(r.properties['GroupId']) ?? text(r.properties['GroupName']);
      world.groupRules.push({ groupId: groupId ?? unknown('GroupId is not set'), rule: ruleOf(r.properties, direction, typeof groupId === 'string' ? groupId : undefined, r.source, '') });
    }
  }

  // Launch templates give instances their defaults.
  const templates = new Map(of('AWS::EC2::LaunchTemplate').map((r) => [r.id, isObject(r.properties['LaunchTemplateData']) ? r.properties['LaunchTemplateData'] : {}]));
  for (const r of of('AWS::EC2::NetworkInterface')) {
    const p = r.properties;
    const count = num(p['Ipv6AddressCount']);
    world.interfaces.push({
      id: r.id,
      source: r.source,
      subnetId: text(p['SubnetId']),
      groupIds: ids(p['GroupSet']),
      publicIpv4: false,
      ipv6: isUnknown(count) ? count : (count ?? 0) > 0 || (Array.isArray(p['Ipv6Addresses']) && p['Ipv6Addresses'].length > 0),
      description: typeof p['Description'] === 'string' ? p['Description'] : '',
      attributes: { subnet: 'SubnetId', groups: 'GroupSet', publicIpv4: 'AssociatePublicIpAddress', ipv6: 'Ipv6AddressCount' },
    });
  }
  const attachments = new Map<string, string[]>();
  for (const r of of('AWS::EC2::NetworkInterfaceAttachment')) {
    const instance = text(r.properties['InstanceId']);
    const eni = text(r.properties['NetworkInterfaceId']);
    if (typeof instance === 'string' && typeof eni === 'string') attachments.set(instance, [...(attachments.get(instance) ?? []), eni]);
  }
  for (const r of of('AWS::EC2::Instance')) {
    const p = r.properties;
    const lt = isObject(p['LaunchTemplate']) ? templates.get(String(p['LaunchTemplate']['LaunchTemplateId'] ?? '')) : undefined;
    const nics = objects(p['NetworkInterfaces']);
    const primaryNic = isUnknown(nics) ? undefined : nics.find((n) => String(n['DeviceIndex'] ?? '') === '0');
    const interfaceIds: string[] = [];
    const attached = isUnknown(nics) ? [] : nics.filter((n) => n !== primaryNic).map((n) => text(n['NetworkInterfaceId'])).filter((id): id is string => typeof id === 'string');
    const givenPrimary = primaryNic ? text(primaryNic['NetworkInterfaceId']) : undefined;
    if (typeof givenPrimary === 'string') interfaceIds.push(givenPrimary);
    else {
      const id = `eni-cfn:${r.logicalId}`;
      interfaceIds.push(id);
      const ltNic = lt && Array.isArray(lt['NetworkInterfaces']) ? lt['NetworkInterfaces'].find(isObject) : undefined;
      const groups = primaryNic ? ids(primaryNic['GroupSet']) : p['SecurityGroupIds'] !== undefined ? ids(p['SecurityGroupIds']) : p['SecurityGroups'] !== undefined ? ids(p['SecurityGroups']) : lt ? ids(lt['SecurityGroupIds'] ?? ltNic?.['Groups']) : [];
      const subnet = primaryNic ? text(primaryNic['SubnetId']) : (text(p['SubnetId']) ?? (ltNic ? text(ltNic['SubnetId']) : undefined));
      const publicSetting = primaryNic?.['AssociatePublicIpAddress'] ?? ltNic?.['AssociatePublicIpAddress'];
      const count = num(primaryNic?.['Ipv6AddressCount'] ?? p['Ipv6AddressCount']);
      world.interfaces.push({
        id,
        source: r.source,
        subnetId: subnet,
        groupIds: groups,
        publicIpv4: publicSetting === undefined ? 'subnet-default' : bool(publicSetting, false),
        ipv6: count === undefined ? 'subnet-default' : isUnknown(count) ? count : count > 0,
        instanceId: r.id,
        description: '',
        attributes: {
          subnet: primaryNic ? 'NetworkInterfaces[0].SubnetId' : 'SubnetId',
          groups: primaryNic ? 'NetworkInterfaces[0].GroupSet' : 'SecurityGroupIds',
          publicIpv4: 'NetworkInterfaces[0].AssociatePublicIpAddress',
          ipv6: 'Ipv6AddressCount',
        },
      });
    }
    interfaceIds.push(...attached, ...(attachments.get(r.id) ?? []));
    const name = nameTag(p);
    world.instances.push({ id: r.id, source: r.source, ...(name ? { name } : {}), interfaceIds });
  }
  for (const r of [...of('AWS::EC2::EIP'), ...of('AWS::EC2::EIPAssociation')]) {
    const eni = text(r.properties['NetworkInterfaceId']);
    const instance = text(r.properties['InstanceId']);
    const target = eni ?? (typeof instance === 'string' ? (world.instances.find((i) => i.id === instance)?.interfaceIds[0] ?? `eni-cfn:${instance}`) : instance);
    if (target !== undefined) world.elasticIps.push({ interfaceId: target, source: r.source });
  }

  for (const r of of('AWS::EC2::VPC')) {
    const name = nameTag(r.properties);
    world.vpcs.push({ id: r.id, source: r.source, cidr: text(r.properties['CidrBlock']), ...(name ? { name } : {}) });
  }
  for (const r of of('AWS::EC2::Subnet')) {
    const p = r.properties;
    const name = nameTag(p);
    world.subnets.push({
      id: r.id,
      source: r.source,
      vpcId: text(p['VpcId']),
      cidr: text(p['CidrBlock']),
      ipv6Cidr: text(p['Ipv6CidrBlock']),
      mapPublicIp: bool(p['MapPublicIpOnLaunch'], false),
      assignIpv6: bool(p['AssignIpv6AddressOnCreation'], false),
      ...(typeof p['AvailabilityZone'] === 'string' ? { availabilityZone: p['AvailabilityZone'] } : {}),
      ...(name ? { name } : {}),
    });
  }
  for (const r of of('AWS::EC2::InternetGateway')) {
    const name = nameTag(r.properties);
    const vpcs = of('AWS::EC2::VPCGatewayAttachment').filter((a) => a.properties['InternetGatewayId'] === r.id).map((a) => text(a.properties['VpcId'])).filter((v): v is Maybe<string> => v !== undefined);
    world.internetGateways.push({ id: r.id, source: r.source, vpcIds: vpcs, ...(name ? { name } : {}) });
  }
  for (const r of of('AWS::EC2::RouteTable')) {
    const name = nameTag(r.properties);
    world.routeTables.push({ id: r.id, source: r.source, vpcId: text(r.properties['VpcId']), main: false, routes: [], ...(name ? { name } : {}) });
  }
  for (const r of of('AWS::EC2::Route')) {
    for (const route of routeOf(r.properties, r.source)) world.routes.push({ tableId: text(r.properties['RouteTableId']) ?? unknown('RouteTableId is not set'), route });
  }
  for (const r of of('AWS::EC2::SubnetRouteTableAssociation')) {
    world.associations.push({ kind: 'route-table', targetId: text(r.properties['RouteTableId']) ?? unknown('RouteTableId is not set'), subjectId: text(r.properties['SubnetId']) ?? unknown('SubnetId is not set'), source: r.source });
  }
  for (const r of of('AWS::EC2::NetworkAcl')) {
    const name = nameTag(r.properties);
    world.networkAcls.push({ id: r.id, source: r.source, vpcId: text(r.properties['VpcId']), isDefault: false, subnetIds: [], entries: [], ...(name ? { name } : {}) });
  }
  for (const r of of('AWS::EC2::NetworkAclEntry')) {
    const entry = aclEntry(r.properties, r.source, '');
    if (entry) world.aclRules.push({ aclId: text(r.properties['NetworkAclId']) ?? unknown('NetworkAclId is not set'), entry });
  }
  for (const r of of('AWS::EC2::SubnetNetworkAclAssociation')) {
    world.associations.push({ kind: 'network-acl', targetId: text(r.properties['NetworkAclId']) ?? unknown('NetworkAclId is not set'), subjectId: text(r.properties['SubnetId']) ?? unknown('SubnetId is not set'), source: r.source });
  }
  for (const r of of('AWS::EC2::PrefixList')) {
    const entries = objects(r.properties['Entries']);
    world.prefixLists.push({
      id: r.id,
      source: r.source,
      name: text(r.properties['PrefixListName']) ?? '',
      entries: isUnknown(entries) ? entries : entries.map((e) => text(e['Cidr'])).filter((c): c is Maybe<string> => c !== undefined),
    });
  }
  for (const r of of('AWS::EC2::FlowLog')) {
    const traffic = r.properties['TrafficType'];
    world.flowLogs.push({ id: r.id, source: r.source, resourceId: text(r.properties['ResourceId']), ...(typeof traffic === 'string' ? { trafficType: traffic } : {}) });
  }
  return world;
}
