// `sg-audit exposure`: an inventory of every network interface the internet can reach, what it
// reaches (TCP/UDP ports per address family) and the path through each layer, ranked by risk.
// Pure: the model, the grading (instance-exposed-to-internet's, with its options) and the run's
// facts come in; rows and text go out. Reachability itself is src/model/reachability.ts.
import { compareStrings as cmp } from '../compare.js';
import type { ChalkInstance } from 'chalk';
import { gradePorts, type ExposureGrading } from '../../rules/instance-exposed-to-internet.js';
import { DATA_KIND_INFO, type DataKind } from '../model/kinds.js';
import type { Family } from '../model/net.js';
import { formatPortRanges, mergePortRanges, type PortRange } from '../model/ports.js';
import { interfaceReachability, type PathPermission, type PathRoute } from '../model/reachability.js';
import { scopeKey, type AuditModel, type Instance } from '../model/types.js';
import { plural } from './describe.js';
import { paintSeverity } from './render-table.js';
import { causeLine, groupErrors } from './error-causes.js';
import { escapeJsonText, forTerminal } from './sanitize.js';
import { elide, widthOf, wrapSpans } from './text-layout.js';
import type { AuditError } from './types.js';

/** critical: an admin or high-risk port is reachable; high: another port not authorized; info: only authorized ports (80/443 by default). */
export const EXPOSURE_RISKS = ['critical', 'high', 'info'] as const;
export type ExposureRisk = (typeof EXPOSURE_RISKS)[number];

export interface ExposurePath {
  /** The permissions whose sources, together, admit all public space of the family. */
  readonly permissions: readonly PathPermission[];
  /** Absent when the data holds no ACL for the subnet (the layer then counts as allowing). */
  readonly networkAcl?: { readonly id: string; readonly entries: readonly number[] };
  readonly routeTable: { readonly id: string; readonly routes: readonly PathRoute[] };
  readonly addresses: readonly string[];
}

/** Ports the internet reaches over one family and protocol, through one path. */
export interface ExposureReach {
  readonly family: Family;
  readonly protocol: 'tcp' | 'udp';
  /** Sorted, disjoint. */
  readonly ports: readonly PortRange[];
  /** The admin and high-risk ones among them. */
  readonly critical: readonly PortRange[];
  /** The others that are not authorized. The rest of `ports` is authorized. */
  readonly unauthorized: readonly PortRange[];
  readonly path: ExposurePath;
}

export interface ExposureInterface {
  readonly risk: ExposureRisk;
  readonly accountId: string;
  readonly region: string;
  readonly interfaceId: string;
  readonly interfaceType: string;
  readonly instanceId?: string;
  /** The instance's Name tag: attacker-controllable text. */
  readonly instanceName?: string;
  readonly instanceState?: string;
  /** The interface's description (AWS-managed interfaces say what they belong to). */
  readonly description?: string;
  readonly vpcId?: string;
  readonly subnetId?: string;
  /** The addresses the internet reaches it at: public IPv4, then IPv6. */
  readonly addresses: readonly string[];
  readonly reachable: readonly ExposureReach[];
}

/** A data kind that failed to collect in an account × region: its interfaces are not listed. */
export interface ExposureError {
  readonly accountId: string;
  readonly region: string;
  readonly operation: string;
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
}

/** The JSON contract of `sg-audit exposure --format json` (schemaVersion 1). */
export interface ExposureReport {
  readonly schemaVersion: 1;
  readonly tool: { readonly name: 'sg-audit'; readonly version: string };
  readonly run: {
    readonly source: 'aws' | 'file';
    readonly accounts: readonly string[];
    readonly regions: readonly string[];
    readonly inputs: readonly string[];
    /** The config file whose options graded risk, when there is one. */
    readonly config?: string;
  };
  readonly summary: {
    /** Network interfaces whose reachability was computed. */
    readonly interfacesChecked: number;
    readonly reachable: number;
    readonly byRisk: Readonly<Record<ExposureRisk, number>>;
    readonly errors: number;
  };
  /** Sorted by risk, then account, region and interface id. */
  readonly interfaces: readonly ExposureInterface[];
  readonly errors: readonly ExposureError[];
}

export interface ExposureOptions {
  readonly grading: ExposureGrading;
  /** The kinds every account × region must hold for its interfaces to be listed. */
  readonly required: readonly DataKind[];
  /** The kinds read, whose collection errors are reported (required ones and the optional ones). */
  readonly kinds: readonly DataKind[];
  readonly version: string;
  readonly source: 'aws' | 'file';
  readonly inputs: readonly string[];
  readonly config?: string;
}

/** An account × region that lacks kinds exposure requires (offline input without those files). */
export interface MissingData {
  readonly accountId: string;
  readonly region: string;
  readonly missing: readonly DataKind[];
}

export function missingData(model: AuditModel, required: readonly DataKind[]): MissingData[] {
  return model.scopes
    .map((s) => ({ accountId: s.accountId, region: s.region, missing: required.filter((k) => (s.kinds.get(k)?.state ?? 'absent') === 'absent') }))
    .filter((m) => m.missing.length > 0);
}

/** "add the output of `aws ec2 describe-network-acls` and `aws ec2 describe-route-tables` (us-east-1, eu-west-1) to --input" */
export function missingDataHint(missing: readonly MissingData[]): string {
  const kinds = [...new Set(missing.flatMap((m) => m.missing))];
  const regions = [...new Set(missing.map((m) => m.region))].sort();
  return `add the output of ${kinds.map((k) => `\`${DATA_KIND_INFO[k].cliCommand}\``).join(' and ')} for ${regions.join(', ')} to --input`;
}

const riskRank = (risk: ExposureRisk): number => EXPOSURE_RISKS.indexOf(risk);

export function compareExposure(a: ExposureInterface, b: ExposureInterface): number {
  return riskRank(a.risk) - riskRank(b.risk) || cmp(a.accountId, b.accountId) || cmp(a.region, b.region) || cmp(a.interfaceId, b.interfaceId);
}

export function buildExposure(model: AuditModel, options: ExposureOptions): ExposureReport {
  const errors: ExposureError[] = [];
  const evaluated = new Set<string>();
  for (const scope of model.scopes) {
    let complete = true;
    for (const kind of options.kinds) {
      const status = scope.kinds.get(kind);
      if (status?.state === 'error') {
        errors.push({
          accountId: scope.accountId,
          region: scope.region,
          operation: status.error.operation || DATA_KIND_INFO[kind].operation,
          code: status.error.code,
          message: status.error.message,
          ...(status.error.hint ? { hint: status.error.hint } : {}),
        });
      }
      if (options.required.includes(kind) && status?.state !== 'ok') complete = false;
    }
    if (complete) evaluated.add(scopeKey(scope.accountId, scope.region));
  }

  const instances = new Map<string, Instance>(model.instances.map((i) => [i.id, i]));
  const rows: ExposureInterface[] = [];
  let checked = 0;
  for (const eni of model.interfaces) {
    if (!evaluated.has(eni.scope)) continue;
    checked++;
    const reachable = interfaceReachability(model, eni).map((r): ExposureReach => {
      const { critical, other } = gradePorts(r, options.grading);
      const { via } = r;
      return {
        family: r.family,
        protocol: r.protocol,
        ports: r.ports,
        critical,
        unauthorized: other,
        path: {
          permissions: via.permissions,
          ...(via.aclId ? { networkAcl: { id: via.aclId, entries: via.aclEntries } } : {}),
          routeTable: { id: via.routeTableId, routes: via.routes },
          addresses: via.addresses,
        },
      };
    });
    if (reachable.length === 0) continue;
    const risk: ExposureRisk = reachable.some((r) => r.critical.length > 0) ? 'critical' : reachable.some((r) => r.unauthorized.length > 0) ? 'high' : 'info';
    const instance = eni.instanceId ? instances.get(eni.instanceId) : undefined;
    rows.push({
      risk,
      accountId: eni.accountId,
      region: eni.region,
      interfaceId: eni.id,
      interfaceType: eni.interfaceType,
      ...(eni.instanceId ? { instanceId: eni.instanceId } : {}),
      ...(instance?.name ? { instanceName: instance.name } : {}),
      ...(instance ? { instanceState: instance.state } : {}),
      ...(eni.description ? { description: eni.description } : {}),
      ...(eni.vpcId ? { vpcId: eni.vpcId } : {}),
      ...(eni.subnetId ? { subnetId: eni.subnetId } : {}),
      addresses: [...new Set(reachable.flatMap((r) => r.path.addresses))],
      reachable,
    });
  }
  rows.sort(compareExposure);

  const byRisk = { critical: 0, high: 0, info: 0 };
  for (const row of rows) byRisk[row.risk]++;
  return {
    schemaVersion: 1,
    tool: { name: 'sg-audit', version: options.version },
    run: {
      source: options.source,
      accounts: [...new Set(model.scopes.map((s) => s.accountId))].sort(),
      regions: [...new Set(model.scopes.map((s) => s.region))].sort(),
      inputs: options.inputs,
      ...(options.config !== undefined ? { config: options.config } : {}),
    },
    summary: { interfacesChecked: checked, reachable: rows.length, byRisk, errors: errors.length },
    interfaces: rows,
    errors,
  };
}

/** Two-space indent, trailing newline; text JSON leaves raw is escaped (escapeJsonText). */
export function renderExposureJson(report: ExposureReport): string {
  return `${escapeJsonText(JSON.stringify(report, null, 2))}\n`;
}

export interface ExposureTableContext {
  readonly chalk: ChalkInstance;
  /** Terminal width in columns. */
  readonly width: number;
}

const FAMILY_TEXT: Readonly<Record<Family, string>> = { ipv4: 'IPv4', ipv6: 'IPv6' };

/** "tcp 22, 8080; udp 53": the ports of one family, whatever their paths. */
export function portsText(reachable: readonly ExposureReach[]): string {
  return (['tcp', 'udp'] as const)
    .map((protocol) => ({ protocol, ports: mergePortRanges(reachable.filter((r) => r.protocol === protocol).flatMap((r) => r.ports)) }))
    .filter((p) => p.ports.length > 0)
    .map((p) => `${p.protocol} ${formatPortRanges(p.ports)}`)
    .join('; ');
}

/** "via sg-1, sg-2; acl-1 rule 100; rtb-1 0.0.0.0/0 to igw-1": the layers of one family's paths. */
export function pathText(reachable: readonly ExposureReach[]): string {
  const unique = (values: readonly string[]) => [...new Set(values)];
  const groups = unique(reachable.flatMap((r) => r.path.permissions.map((p) => p.groupId)));
  const acls = unique(reachable.map((r) => r.path.networkAcl?.id ?? ''));
  const entries = unique(reachable.flatMap((r) => (r.path.networkAcl?.entries ?? []).map(String)));
  const acl = acls.every((a) => a === '') ? 'no network ACL in the data' : `${acls.filter(Boolean).join(', ')} rule ${entries.join(', ')}`;
  const tables = unique(reachable.map((r) => r.path.routeTable.id));
  const routes = unique(reachable.flatMap((r) => r.path.routeTable.routes.map((route) => `${route.destination} to ${route.gatewayId}`)));
  return `via ${groups.join(', ')}; ${acl}; ${tables.join(', ')} ${routes.join(', ')}`;
}

const RISK_TAG: Readonly<Record<ExposureRisk, string>> = { critical: 'CRIT', high: 'HIGH', info: 'INFO' };

/**
 * One block per interface, worst first: a header rule naming it (interface, instance, name, where),
 * then per address family the address and the ports the internet reaches, and the path (groups,
 * network ACL entries, route) dimmed under it. Ids and ports are never cut; names are elided.
 */
function* exposureBlocks(rows: readonly ExposureInterface[], ctx: ExposureTableContext, showAccount: boolean): Generator<string> {
  const { chalk, width } = ctx;
  let lines: string[] = [];
  for (const row of rows) {
    const who = row.instanceId ?? (row.interfaceType === 'interface' ? 'network interface' : `${row.interfaceType} interface`);
    const name = row.instanceId ? row.instanceName : row.description;
    const where = [...(showAccount ? [row.accountId] : []), row.region].join(' ');
    const base = 3 + widthOf(row.interfaceId) + 3 + widthOf(who) + 1 + 1 + widthOf(where) + 3;
    const room = width - base - 2 - 1;
    // Attacker-controllable: escapes shown, not obeyed; elided to fit, never the ids.
    const nameText = name && room >= 8 ? ` ${elide(forTerminal(name), room)}` : '';
    const fill = '─'.repeat(Math.max(2, width - base - widthOf(nameText)));
    lines.push(`${chalk.dim('──')} ${chalk.bold(row.interfaceId)} ${chalk.dim('·')} ${who}${nameText} ${chalk.dim(fill)} ${where} ${chalk.dim('──')}`);
    let first = true;
    for (const family of ['ipv4', 'ipv6'] as const) {
      const mine = row.reachable.filter((r) => r.family === family);
      if (mine.length === 0) continue;
      const addresses = [...new Set(mine.flatMap((r) => r.path.addresses))];
      const tag = first ? paintSeverity(chalk, row.risk, RISK_TAG[row.risk]) : '    ';
      first = false;
      const reach = wrapSpans([{ text: `${FAMILY_TEXT[family]} ${addresses.join(', ')}:` }, { text: portsText(mine), paint: (t) => chalk.bold(t) }], width - 8, width, 8);
      lines.push(`   ${tag} ${reach[0] ?? ''}`, ...reach.slice(1));
      lines.push(...wrapSpans([{ text: pathText(mine), paint: (t) => chalk.dim(t) }], width - 8, width, 8).map((l, i) => (i === 0 ? `        ${l}` : l)));
    }
    if (lines.length >= 200) {
      yield `${lines.join('\n')}\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}

export function exposureSummaryLine(report: ExposureReport, chalk: ChalkInstance): string {
  const s = report.summary;
  const risks = EXPOSURE_RISKS.filter((r) => s.byRisk[r] > 0)
    .map((r) => paintSeverity(chalk, r, `${s.byRisk[r]} ${r}`))
    .join(', ');
  return [
    `${plural(s.reachable, 'interface')} reachable from the internet${risks ? ` (${risks})` : ''}`,
    `${plural(s.interfacesChecked, 'interface')} checked`,
    plural(report.run.accounts.length, 'account'),
    plural(report.run.regions.length, 'region'),
    plural(s.errors, 'error'),
  ].join(' · ');
}

/** The terminal inventory: one row per reachable interface by risk, the errors, one summary line. */
export function renderExposureTable(report: ExposureReport, ctx: ExposureTableContext): string {
  const { chalk, width } = ctx;
  const sections: string[] = [
    report.interfaces.length > 0
      ? [...exposureBlocks(report.interfaces, ctx, report.run.accounts.length > 1)].join('').trimEnd()
      : report.errors.length > 0
        ? chalk.red.bold('No interface could be shown as reachable, but the inventory is incomplete: see the errors below.')
        : chalk.green('No network interface is reachable from the internet.'),
  ];
  if (report.errors.length > 0) {
    const { causes } = groupErrors(exposureAuditErrors(report.errors));
    const lines = [chalk.red.bold(`Errors: the inventory is incomplete (${plural(causes.length, 'cause')})`)];
    for (const cause of causes) lines.push(...wrapSpans([{ text: forTerminal(causeLine(cause)) }], width - 4, width, 4).map((l, i) => (i === 0 ? `  ${chalk.red('✖')} ${l}` : l)));
    sections.push(lines.join('\n'));
  }
  sections.push(wrapSpans([{ text: exposureSummaryLine(report, chalk) }], width, width, 0).join('\n'));
  return `${sections.join('\n\n')}\n`;
}

/** The inventory's errors in the audit's shape, to be grouped by cause alike. */
export function exposureAuditErrors(errors: readonly ExposureError[]): AuditError[] {
  return errors.map((e) => ({ kind: 'collection', ...e }));
}
