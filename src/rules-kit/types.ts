// The contract between the engine and a rule file: metadata beside a pure check.
import type { DataKind } from '../model/kinds.js';
import type { AuditModel, SecurityGroup } from '../model/types.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse; used for sorting and for --fail-on. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}

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

export interface RuleMeta<O extends object, M extends string> {
  /** kebab-case, equal to the file name, never reused. */
  readonly id: string;
  /** States the problem ("… allows SSH from the whole internet"), never "Ensure …". */
  readonly title: string;
  readonly severity: Severity;
  readonly scope: 'security-group';
  /** Data the check reads; collection fetches only the union over enabled rules. */
  readonly requires: readonly DataKind[];
  /** Exactly what is matched: protocols, IPv4 and IPv6, `all`, ICMP. */
  readonly description: string;
  readonly rationale: string;
  readonly remediation: { readonly summary: string; readonly cli?: string };
  readonly references: readonly Reference[];
  readonly options?: RuleOptionsSpec<O>;
  /** Message templates with {placeholders} filled from a finding's data. */
  readonly messages: Readonly<Record<M, string>>;
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
}

export interface RuleContext<O extends object, M extends string> {
  readonly options: Readonly<O>;
  readonly model: AuditModel;
  report(finding: FindingReport<M>): void;
  /** Lets a rule defer to another one that reports the same root cause (an explicit, order-free policy). */
  isRuleEnabled(id: string): boolean;
}

export interface Rule<O extends object = object, M extends string = string> {
  readonly meta: RuleMeta<O, M>;
  /** Whether the rule applies to the resource at all (e.g. only default groups); absent means always. */
  appliesTo?(group: SecurityGroup): boolean;
  /** Pure: no I/O, no clock, no randomness. Report 0..n findings; no finding means pass. */
  check(group: SecurityGroup, context: RuleContext<O, M>): void;
}

export type AnyRule = Rule<object, string>;
