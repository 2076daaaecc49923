import { familiesText } from '../src/model/exposure.js';
import type { Family } from '../src/model/net.js';
import { formatPortRanges, mergePortRanges, subtractPortRanges, type PortRange } from '../src/model/ports.js';
import { interfaceReachability, type ReachPath, type Reachable } from '../src/model/reachability.js';
import type { AuditModel, Instance, NetworkInterface } from '../src/model/types.js';
import { defineRule } from '../src/rules-kit/define-rule.js';
import { PORT_RULE_USES } from '../src/rules-kit/port-exposure.js';
import { formatPortSpan, parsePortSpec } from '../src/rules-kit/port-spec.js';
import { shellArg } from '../src/rules-kit/remediation.js';
import type { PortSpan, RuleContext } from '../src/rules-kit/types.js';
import { HIGH_RISK_PORTS } from './high-risk-port-open-to-internet.js';

type PortProtocol = 'tcp' | 'udp';
const PORT_SPECS = { type: 'array', items: { type: 'string', format: 'port-spec' }, uniqueItems: true } as const;

export interface ExposedOptions {
  authorized: string[];
  criticalPorts?: string[];
}

type PortSets = Readonly<Record<PortProtocol, readonly PortRange[]>>;

/** What grades reachable ports, per protocol: the critical ones, and the ones meant to be public. */
export interface ExposureGrading {
  readonly critical: PortSets;
  readonly authorized: PortSets;
}

type OptionsOf = RuleContext<ExposedOptions, string>['optionsOf'];

const rangesOf = (spans: readonly PortSpan[], protocol: PortProtocol): PortRange[] =>
  mergePortRanges(spans.filter((s) => s.protocol === protocol).map(({ from, to }) => ({ from, to })));

/**
 * The admin and high-risk ports: those ssh-, rdp- and high-risk-port-open-to-internet check, with
 * their configured options (enabled or not), so one list of "dangerous" ports serves the catalog.
 */
function portsOfPortRules(optionsOf: OptionsOf): PortSpan[] {
  const ints = (value: unknown): number[] => (Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number') : []);
  const spans: PortSpan[] = [];
  for (const port of ints(optionsOf('ssh-open-to-internet')?.['ports'] ?? [22])) spans.push({ protocol: 'tcp', from: port, to: port });
  for (const port of ints(optionsOf('rdp-open-to-internet')?.['ports'] ?? [3389])) {
    spans.push({ protocol: 'tcp', from: port, to: port }, { protocol: 'udp', from: port, to: port });
  }
  const highRisk = optionsOf('high-risk-port-open-to-internet')?.['ports'] ?? HIGH_RISK_PORTS;
  for (const entry of Array.isArray(highRisk) ? highRisk : []) {
    const { protocol, port } = entry as { protocol: PortProtocol; port: number };
    spans.push({ protocol, from: port, to: port });
  }
  return spans;
}

/**
 * The grading this rule applies with these options (and the port rules' options, through
 * `optionsOf`). Exported so `sg-audit exposure` ranks interfaces exactly as the rule does.
 */
export function exposureGrading(options: ExposedOptions, optionsOf: OptionsOf): ExposureGrading {
  const parse = (specs: readonly string[]) => specs.map(parsePortSpec).filter((s): s is PortSpan => s !== undefined);
  const critical = options.criticalPorts ? parse(options.criticalPorts) : portsOfPortRules(optionsOf);
  const authorized = parse(options.authorized);
  return {
    critical: { tcp: rangesOf(critical, 'tcp'), udp: rangesOf(critical, 'udp') },
    authorized: { tcp: rangesOf(authorized, 'tcp'), udp: rangesOf(authorized, 'udp') },
  };
}

// Derived from the options alone, which hold for every interface of an evaluation: once per context.
const setsByContext = new WeakMap<object, ExposureGrading>();

function portSets(context: RuleContext<ExposedOptions, string>): ExposureGrading {
  let sets = setsByContext.get(context);
  if (sets) return sets;
  sets = exposureGrading(context.options, context.optionsOf);
  setsByContext.set(context, sets);
  return sets;
}

/** The ports of `ranges` inside `within`. */
function intersectPorts(ranges: readonly PortRange[], within: readonly PortRange[]): PortRange[] {
  return subtractPortRanges(ranges, subtractPortRanges(ranges, within));
}

interface ExposedPorts {
  readonly family: Family;
  readonly protocol: PortProtocol;
  readonly critical: readonly PortRange[];
  readonly other: readonly PortRange[];
  readonly via: ReachPath;
}

const INSTANCES = new WeakMap<AuditModel, ReadonlyMap<string, Instance>>();

function instanceOf(model: AuditModel, id: string | undefined): Instance | undefined {
  if (!id) return undefined;
  let byId = INSTANCES.get(model);
  if (!byId) INSTANCES.set(model, (byId = new Map(model.instances.map((i) => [i.id, i]))));
  return byId.get(id);
}

/** "instance i-… (web-1)" or "network interface eni-… (ELB app/…)". */
function targetText(eni: NetworkInterface, instance: Instance | undefined): string {
  if (eni.instanceId) return `instance ${eni.instanceId}${instance?.name ? ` (${instance.name})` : ''}`;
  return `${eni.interfaceType === 'interface' ? 'network interface' : `${eni.interfaceType} interface`}${eni.description ? ` (${eni.description})` : ''}`;
}

/** "sg-1 tcp 22 from 0.0.0.0/0, acl-1 rule 100, rtb-1 0.0.0.0/0 → igw-1, 3.3.3.3" */
function pathText(via: ReachPath): string {
  const groups = via.permissions.map((p) => `${p.groupId} ${p.permission}`).join(' + ');
  const acl = via.aclId ? `${via.aclId} rule ${via.aclEntries.join(', ')}` : 'no network ACL in the data';
  const routes = via.routes.map((r) => `${r.destination} → ${r.gatewayId}`).join(', ');
  return `${groups}; ${acl}; ${via.routeTableId} ${routes}; ${via.addresses.join(', ')}`;
}

function exposedText(item: ExposedPorts): string {
  const ports = formatPortRanges([...item.critical, ...item.other]);
  return `${item.protocol} ${ports} over ${familiesText([item.family])} (${pathText(item.via)})`;
}

/** "tcp 22, 5601 on 52.17.201.64": per address family, the ports and the addresses they are reached on. */
function reachText(exposed: readonly ExposedPorts[]): string {
  return (['ipv4', 'ipv6'] as const)
    .flatMap((family) => {
      const mine = exposed.filter((e) => e.family === family);
      if (mine.length === 0) return [];
      const ports = (['tcp', 'udp'] as const).flatMap((protocol) => {
        const ranges = mergePortRanges(mine.filter((e) => e.protocol === protocol).flatMap((e) => [...e.critical, ...e.other]));
        return ranges.length > 0 ? [`${protocol} ${formatPortRanges(ranges)}`] : [];
      });
      const addresses = [...new Set(mine.flatMap((e) => e.via.addresses))];
      return [`${ports.join(', ')} on ${addresses.join(', ')}`];
    })
    .join('; ');
}

/** One revoke command per group on the paths, when every permission's `sgr-` id is known. */
function revokeCommands(region: string, items: readonly ExposedPorts[]): string | undefined {
  const byGroup = new Map<string, Set<string>>();
  for (const perm of items.flatMap((i) => i.via.permissions)) {
    if (!perm.ruleId) return undefined;
    byGroup.set(perm.groupId, (byGroup.get(perm.groupId) ?? new Set()).add(perm.ruleId));
  }
  return [...byGroup]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([groupId, ids]) => `aws ec2 revoke-security-group-ingress --region ${shellArg(region)} --group-id ${shellArg(groupId)} --security-group-rule-ids ${[...ids].sort().map(shellArg).join(' ')}`)
    .join(' && ');
}

/**
 * Splits reachable ports into the critical ones and the other ones not authorized; what is left
 * is authorized (meant to be public).
 */
export function gradePorts(r: Reachable, sets: ExposureGrading): { critical: PortRange[]; other: PortRange[] } {
  const critical = intersectPorts(r.ports, sets.critical[r.protocol]);
  // The authorized list decides only for the other ports: an admin port is never "authorized" here.
  const other = subtractPortRanges(subtractPortRanges(r.ports, sets.critical[r.protocol]), sets.authorized[r.protocol]);
  return { critical, other };
}

function classify(reachable: readonly Reachable[], sets: ExposureGrading): ExposedPorts[] {
  return reachable
    .map((r) => ({ family: r.family, protocol: r.protocol, ...gradePorts(r, sets), via: r.via }))
    .filter((e) => e.critical.length > 0 || e.other.length > 0);
}

/** The reported ports, merged per family and protocol, in family, protocol and port order. */
function reportedSpans(exposed: readonly ExposedPorts[]): { family: Family; span: PortSpan }[] {
  const out: { family: Family; span: PortSpan }[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    for (const protocol of ['tcp', 'udp'] as const) {
      const mine = exposed.filter((e) => e.family === family && e.protocol === protocol);
      for (const range of mergePortRanges(mine.flatMap((e) => [...e.critical, ...e.other]))) out.push({ family, span: { protocol, ...range } });
    }
  }
  return out;
}

/** The spans of both families, once each (suppressions name ports, not families). */
function uniqueSpans(spans: readonly PortSpan[]): PortSpan[] {
  const seen = new Set<string>();
  return spans.filter((s) => !seen.has(formatPortSpan(s)) && Boolean(seen.add(formatPortSpan(s))));
}

export default defineRule({
  meta: {
    id: 'instance-exposed-to-internet',
    title: 'Network interface is reachable from the whole internet on a port that should not be public',
    severity: 'high',
    scope: 'network-interface',
    requires: ['networkInterfaces', 'securityGroups', 'networkAcls', 'routeTables', 'internetGateways'],
    uses: ['instances', ...PORT_RULE_USES],
    description:
      'For each network interface (instances and AWS-managed ones), computes the TCP and UDP ports the internet ' +
      'can actually reach, separately over IPv4 and IPv6: the union of the ingress of all its security groups ' +
      'must admit all public space of the family (CIDRs and resolved prefix lists; two groups whose sources ' +
      'together are the internet count), the subnet\'s network ACL must let it in (inbound entries, lowest rule ' +
      'number first, first match decides), the subnet\'s route table (its own, else the VPC\'s main table) must ' +
      'have an active route to an internet gateway attached to the VPC as the longest match for public ' +
      'destinations (NAT gateways, egress-only gateways and blackhole routes give no inbound path), and the ' +
      'interface needs a public IPv4 (auto-assigned or Elastic IP) or an IPv6 address. Critical when an SSH, ' +
      'RDP or high-risk port is reachable (the ports ssh-, rdp- and high-risk-port-open-to-internet check; ' +
      'option `criticalPorts` replaces them); high for any other port not in `authorized` (default tcp/80 and ' +
      'tcp/443). ICMP and other protocols have no ports and are not reported.',
    rationale:
      'A security group rule open to the internet is a risk; an instance the internet can actually reach through ' +
      'that rule, its subnet\'s ACL, an internet route and a public address is an exposure. This rule names the ' +
      'instances that are really on the internet, and the whole path that puts them there.',
    remediation: {
      summary:
        'Close the path at the layer that should not be open: revoke or narrow the security group rule (best), ' +
        'deny the port in the subnet\'s network ACL, move the instance to a private subnet (route 0.0.0.0/0 to a ' +
        'NAT gateway), or release its public IP. For administration use SSM Session Manager or EC2 Instance ' +
        'Connect Endpoint; if a port is meant to be public, add it to `authorized`.',
      cli: 'aws ec2 revoke-security-group-ingress --region {region} --group-id <sg-id from the evidence> --security-group-rule-ids <sgr-id>',
    },
    references: [
      { framework: 'AWS FSBP', control: 'EC2.9' },
      { framework: 'AWS FSBP', control: 'EC2.19' },
      { framework: 'AWS VPC User Guide', control: 'Enable internet access for a VPC using an internet gateway' },
    ],
    options: {
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          authorized: { ...PORT_SPECS, description: 'ports meant to be public (not reported unless critical), as tcp/443 or tcp/8000-8100' },
          criticalPorts: {
            ...PORT_SPECS,
            description: 'ports whose reachability is critical (default: those ssh-, rdp- and high-risk-port-open-to-internet check)',
          },
        },
      },
      defaults: { authorized: ['tcp/80', 'tcp/443'] } as ExposedOptions,
    },
    messages: {
      reachable: '{target} is reachable from the internet: {paths}',
    },
    summaries: {
      reachable: '{reach}',
    },
  },
  check(eni, context) {
    const exposed = classify(interfaceReachability(context.model, eni), portSets(context));
    if (exposed.length === 0) return;
    const instance = instanceOf(context.model, eni.instanceId);
    const critical = exposed.some((e) => e.critical.length > 0);
    const spans = reportedSpans(exposed);
    // Per family and protocol, whatever the paths: a port's key does not change when a second group also opens it.
    const keyParts = spans.map((s) => `${s.family}:${formatPortSpan(s.span)}`);
    const command = revokeCommands(eni.region, exposed);
    context.report({
      messageId: 'reachable',
      key: keyParts.join(','),
      severity: critical ? 'critical' : 'high',
      data: { target: targetText(eni, instance), paths: exposed.map(exposedText).join('; '), reach: reachText(exposed) },
      ports: uniqueSpans(spans.map((s) => s.span)),
      ...(command ? { remediationCommand: command } : {}),
      evidence: {
        ...(eni.instanceId ? { instanceId: eni.instanceId } : {}),
        ...(instance?.name ? { instanceName: instance.name } : {}),
        ...(instance ? { instanceState: instance.state } : {}),
        interfaceType: eni.interfaceType,
        ...(eni.subnetId ? { subnetId: eni.subnetId } : {}),
        reachable: exposed.map((e) => ({
          family: e.family,
          protocol: e.protocol,
          ports: formatPortRanges([...e.critical, ...e.other]),
          ...(e.critical.length > 0 ? { critical: formatPortRanges(e.critical) } : {}),
          permissions: e.via.permissions,
          ...(e.via.aclId ? { networkAcl: { id: e.via.aclId, entries: e.via.aclEntries } } : {}),
          routeTable: { id: e.via.routeTableId, routes: e.via.routes },
          addresses: e.via.addresses,
        })),
      },
    });
  },
});
