// The contract between the engine and a rule file: metadata beside a pure check.
import type { DataKind } from '../model/kinds.js';
import type { AuditModel, NetworkAcl, NetworkInterface, SecurityGroup, Vpc } from '../model/types.js';

/** The resource a rule checks, by its scope. */
export interface ScopeResources {
  readonly 'security-group': SecurityGroup;
  readonly 'network-acl': NetworkAcl;
  readonly vpc: Vpc;
  readonly 'network-interface': NetworkInterface;
}
export type RuleScope = keyof ScopeResources;

/** The data kind that lists each scope's resources: a rule always needs it. */
export const SCOPE_KIND: Readonly<Record<RuleScope, DataKind>> = {
  'security-group': 'securityGroups',
  'network-acl': 'networkAcls',
  vpc: 'vpcs',
  'network-interface': 'networkInterfaces',
};

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse; used for sorting and for --fail-on. */
export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}

// Looked up, not searched for: sorting 100k findings asks a few million times.
const SEVERITY_RANK: Readonly<Record<Severity, number>> = Object.fromEntries(
  SEVERITIES.map((severity, i) => [severity, SEVERITIES.length - i]),
) as Record<Severity, number>;

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

export interface Reference {
  readonly framework: string;
  /** Required for CIS: section numbers move between versions. */
  readonly version?: string;
  readonly control: string;
  readonly url?: string;
}

/** A JSON Schema (draft 2020-12 subset understood by ajv) for a rule's options object. */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface RuleOptionsSpec<O extends object> {
  readonly schema: JsonSchema;
  readonly defaults: O;
}

export interface RuleMeta<O extends object, M extends string, S extends RuleScope = RuleScope> {
  /** kebab-case, equal to the file name, never reused. */
  readonly id: string;
  /** States the problem ("… allows SSH from the whole internet"), never "Ensure …". */
  readonly title: string;
  readonly severity: Severity;
  /** What the rule checks: each security group, network ACL or VPC. */
  readonly scope: S;
  /**
   * Data the check cannot run without; collection fetches only the union over enabled rules.
   * Offline, a missing kind skips the rule; live, a failed one is an error.
   */
  readonly requires: readonly DataKind[];
  /**
   * Data the check reads when it is there and does without otherwise (prefix-list entries,
   * `sgr-` ids): fetched live like `requires`, never a reason to skip.
   */
  readonly uses?: readonly DataKind[];
  /** Exactly what is matched: protocols, IPv4 and IPv6, `all`, ICMP. */
  readonly description: string;
  readonly rationale: string;
  readonly remediation: { readonly summary: string; readonly cli?: string };
  readonly references: readonly Reference[];
  readonly options?: RuleOptionsSpec<O>;
  /**
   * A group-level internet exposure rule: with exposure context on (the default; off with
   * --no-exposure-context), a finding whose ports the internet cannot reach through the group on
   * any of its interfaces is one level lower, with the reason (src/model/exposure-context.ts).
   * Its findings must carry `ports`.
   */
  readonly exposureContext?: boolean;
  /** Message templates with {placeholders} filled from a finding's data. */
  readonly messages: Readonly<Record<M, string>>;
  /**
   * One line for a person, per message id: what is open to whom, without the evidence the message
   * carries (the terminal prints it after the rule id). `{sources}` is the finding's sources. A
   * message id without one is summed up by its message.
   */
  readonly summaries?: Partial<Readonly<Record<M, string>>>;
}

export interface FindingReport<M extends string> {
  readonly messageId: M;
  readonly data: Readonly<Record<string, string | number>>;
  /**
   * What distinguishes this finding from others of the same rule on the same resource
   * (e.g. "tcp/22"). With rule, account, region and resource it makes the fingerprint, so it
   * must not hold volatile details.
   */
  readonly key: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  /** Overrides the rule's severity for this finding (e.g. lower when every source is private). */
  readonly severity?: Severity;
  /** An exact command for this finding (e.g. revoking its `sgr-` ids); else meta.remediation.cli. */
  readonly remediationCommand?: string;
  /** The TCP/UDP ports the finding is about, for suppressions that name ports. */
  readonly ports?: readonly PortSpan[];
  /** The sources (CIDRs, `pl-` or `sg-` ids) the finding is about, for suppressions that name one. */
  readonly sources?: readonly string[];
}

export interface PortSpan {
  readonly protocol: 'tcp' | 'udp';
  readonly from: number;
  readonly to: number;
}

/**
 * What a check gets besides its resource. The engine hands the same context object to every
 * resource of one evaluation, so what a rule derives from its options alone may be kept per
 * context (a WeakMap keyed by it) rather than recomputed for each of 10k groups.
 */
export interface RuleContext<O extends object, M extends string> {
  readonly options: Readonly<O>;
  readonly model: AuditModel;
  report(finding: FindingReport<M>): void;
  /** Lets a rule defer to another one that reports the same root cause (an explicit, order-free policy). */
  isRuleEnabled(id: string): boolean;
  /** Another catalog rule's effective options (configured or default), enabled or not. */
  optionsOf(id: string): Readonly<Record<string, unknown>> | undefined;
}

export interface Rule<O extends object = object, M extends string = string, S extends RuleScope = 'security-group'> {
  readonly meta: RuleMeta<O, M, S>;
  /** Whether the rule applies to the resource at all (e.g. only default groups); absent means always. */
  appliesTo?(resource: ScopeResources[S]): boolean;
  /** Pure: no I/O, no clock, no randomness. Report 0..n findings; no finding means pass. */
  check(resource: ScopeResources[S], context: RuleContext<O, M>): void;
}

/** Any catalog rule; the engine hands each one only resources of its own scope. */
export type AnyRule = { [S in RuleScope]: Rule<object, string, S> }[RuleScope];
