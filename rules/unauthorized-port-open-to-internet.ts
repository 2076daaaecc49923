import { ingressForPortRules, openPortSegments, permissionEvidence, permissionText, sourceId, type PortProtocol } from '../src/model/exposure.js';
import { mergePortRanges, subtractPortRanges, type PortRange } from '../src/model/ports.js';
import { defineRule } from '../src/rules-kit/define-rule.js';
import { ALL_TRAFFIC_RULE_ID, PORT_RULE_USES, REVOKE_INGRESS_BY_RULE_ID_CLI } from '../src/rules-kit/port-exposure.js';
import { formatPortSpan, parsePortSpec } from '../src/rules-kit/port-spec.js';
import { revokeCommand } from '../src/rules-kit/remediation.js';
import type { Permission } from '../src/model/types.js';
import type { PortSpan, RuleContext } from '../src/rules-kit/types.js';

const PORT_SPECS = { type: 'array', items: { type: 'string', format: 'port-spec' }, uniqueItems: true } as const;

/**
 * The ports the SSH, RDP and high-risk rules check, with their configured options: reported
 * there, so not again here (one port, one row), whether or not those rules are enabled.
 */
function portsOfOtherRules(optionsOf: (id: string) => Readonly<Record<string, unknown>> | undefined): PortSpan[] {
  const ints = (value: unknown): number[] => (Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number') : []);
  const spans: PortSpan[] = [];
  for (const port of ints(optionsOf('ssh-open-to-internet')?.['ports'])) spans.push({ protocol: 'tcp', from: port, to: port });
  for (const port of ints(optionsOf('rdp-open-to-internet')?.['ports'])) {
    spans.push({ protocol: 'tcp', from: port, to: port }, { protocol: 'udp', from: port, to: port });
  }
  const highRisk = optionsOf('high-risk-port-open-to-internet')?.['ports'];
  for (const entry of Array.isArray(highRisk) ? highRisk : []) {
    const { protocol, port } = entry as { protocol: 'tcp' | 'udp'; port: number };
    spans.push({ protocol, from: port, to: port });
  }
  return spans;
}

const rangesOf = (spans: readonly PortSpan[], protocol: PortProtocol): PortRange[] =>
  spans.filter((s) => s.protocol === protocol).map(({ from, to }) => ({ from, to }));

type AllowedRanges = Readonly<Record<PortProtocol, readonly PortRange[]>>;

// Derived from the options alone, which hold for every group of an evaluation: once per context.
const allowedByContext = new WeakMap<object, AllowedRanges>();

/** The ports not to report, merged per protocol: the authorized ones and those other rules check. */
function allowedRanges(context: RuleContext<UnauthorizedOptions, string>): AllowedRanges {
  let allowed = allowedByContext.get(context);
  if (allowed) return allowed;
  const { options, optionsOf } = context;
  const parse = (specs: readonly string[]) => specs.map(parsePortSpec).filter((s): s is PortSpan => s !== undefined);
  const spans = [...parse(options.authorized), ...(options.skipPorts ? parse(options.skipPorts) : portsOfOtherRules(optionsOf))];
  allowed = { tcp: mergePortRanges(rangesOf(spans, 'tcp')), udp: mergePortRanges(rangesOf(spans, 'udp')) };
  allowedByContext.set(context, allowed);
  return allowed;
}

interface UnauthorizedOptions {
  authorized: string[];
  skipPorts?: string[];
}

export default defineRule({
  meta: {
    id: 'unauthorized-port-open-to-internet',
    title: 'Security group opens a port to the whole internet that is not on the authorized list',
    severity: 'medium',
    scope: 'security-group',
    requires: ['securityGroups'],
    uses: PORT_RULE_USES,
    exposureContext: true,
    description:
      'Flags a group whose ingress opens any TCP or UDP port to all public IPv4 or all public IPv6 space ' +
      '(tcp/udp ranges or protocol `all`, from CIDRs or resolved prefix lists whose union holds the whole ' +
      'public address space) other than the authorized ones (option `authorized`, default tcp/80 and ' +
      'tcp/443). Ports that ssh-, rdp- and high-risk-port-open-to-internet check are skipped, so each port ' +
      'is reported once (option `skipPorts` replaces that list). One finding per group lists the ports as ' +
      'ranges. ICMP, group references and other protocol numbers open no port. Permissions already reported ' +
      'by all-traffic-open-to-internet are not reported again.',
    rationale:
      'A port open to everyone should be a deliberate, public service. Anything else — an admin console, a ' +
      'debug endpoint, a forgotten test range — is attack surface that nobody meant to publish.',
    remediation: {
      summary:
        'Remove the internet-wide rule or narrow its source; if the port is meant to be public, add it to the ' +
        'rule\'s `authorized` option in the config so the decision is recorded.',
      cli: REVOKE_INGRESS_BY_RULE_ID_CLI,
    },
    references: [
      { framework: 'AWS FSBP', control: 'EC2.18' },
      { framework: 'AWS Config', control: 'vpc-sg-open-only-to-authorized-ports' },
    ],
    options: {
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          authorized: { ...PORT_SPECS, description: 'ports meant to be public, as tcp/443 or tcp/8000-8100' },
          skipPorts: {
            ...PORT_SPECS,
            description: 'ports left to other rules (default: those ssh-, rdp- and high-risk-port-open-to-internet check)',
          },
        },
      },
      defaults: { authorized: ['tcp/80', 'tcp/443'] } as UnauthorizedOptions,
    },
    messages: {
      open: 'Port(s) open to the internet that are not authorized: {ports} via {via}',
    },
    summaries: {
      open: '{ports} from {sources}',
    },
  },
  check(group, context) {
    const { report, isRuleEnabled } = context;
    const allowed = allowedRanges(context);
    const ingress = ingressForPortRules(group.ingress, isRuleEnabled(ALL_TRAFFIC_RULE_ID));
    const spans: PortSpan[] = [];
    const permissions = new Set<Permission>();
    for (const protocol of ['tcp', 'udp'] as const) {
      // Elementary segments, so only the permissions that open an unauthorized port are blamed (and revoked).
      for (const segment of openPortSegments(ingress, protocol, false)) {
        const left = subtractPortRanges([segment.ports], allowed[protocol]);
        if (left.length === 0) continue;
        for (const range of left) spans.push({ protocol, ...range });
        for (const perm of segment.permissions) permissions.add(perm);
      }
    }
    if (spans.length === 0) return;
    const merged = (['tcp', 'udp'] as const).flatMap((protocol) =>
      mergePortRanges(rangesOf(spans, protocol)).map((r) => ({ protocol, ...r })),
    );
    const perms = [...permissions];
    const command = revokeCommand(group, perms);
    report({
      messageId: 'open',
      key: merged.map(formatPortSpan).join(','),
      data: {
        ports: merged.map((s) => formatPortSpan(s).replace('/', ' ')).join(', '),
        via: perms.map(permissionText).join('; '),
      },
      ports: merged,
      sources: [...new Set(perms.map((p) => sourceId(p.source)))],
      ...(command ? { remediationCommand: command } : {}),
      evidence: { ports: merged.map(formatPortSpan), permissions: perms.map(permissionEvidence) },
    });
  },
});
