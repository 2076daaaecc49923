// A RuleTester in the spirit of ESLint's: each case names its scenario, runs the rule through the
// real engine, and fails loudly on a wrong number of findings, an undeclared messageId, data
// that does not match, duplicate case names, options that fail the schema, or a rule that throws.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RULES } from '../../rules/index.js';
import { evaluate, type Evaluation, type Finding, type ResolvedRule } from '../../src/engine/evaluate.js';
import { mergeOptions, optionProblems } from '../../src/rules-kit/options.js';
import type { AnyRule, Severity } from '../../src/rules-kit/types.js';
import { model, type ScopeSpec } from './builders.js';

export interface RuleCase {
  readonly name: string;
  /** One or more account × region scopes; see builders.ts. */
  readonly data: ScopeSpec | readonly ScopeSpec[];
  /** Partial options, merged over the rule's defaults after schema validation. */
  readonly options?: Record<string, unknown>;
  /** Other catalog rules enabled alongside (e.g. all-traffic-open-to-internet, for de-duplication). */
  readonly alsoEnabled?: readonly string[];
}

export interface ExpectedFinding {
  readonly messageId: string;
  readonly key?: string;
  /** Only the listed fields are compared. */
  readonly data?: Readonly<Record<string, string | number>>;
  readonly severity?: Severity;
  /** The group the finding is on (id). */
  readonly groupId?: string;
}

export interface InvalidCase extends RuleCase {
  readonly findings: readonly ExpectedFinding[];
}

export interface ErrorCase extends RuleCase {
  /** The rule must produce an error outcome (fail closed), and no finding. */
  readonly error: RegExp;
}

export interface SkippedCase extends RuleCase {
  /** Offline data without the kinds the rule needs: skipped, listed, no finding, no error. */
  readonly skipped: true;
}

export interface RuleTests {
  readonly valid: readonly RuleCase[];
  readonly invalid: readonly InvalidCase[];
  readonly errors?: readonly ErrorCase[];
  readonly skipped?: readonly SkippedCase[];
  readonly invalidOptions?: readonly { readonly name: string; readonly options: unknown; readonly error: RegExp }[];
}

function ruleById(id: string): AnyRule {
  const rule = RULES.find((r) => r.meta.id === id);
  assert.ok(rule, `no rule ${id} in the catalog`);
  return rule;
}

function resolve(rule: AnyRule, options: Record<string, unknown> | undefined): ResolvedRule {
  const defaults = rule.meta.options?.defaults ?? {};
  if (options) {
    const problems = optionProblems(rule, options);
    assert.deepEqual(problems, [], `test options fail the rule's schema: ${problems.join('; ')}`);
  }
  return { rule, severity: rule.meta.severity, options: mergeOptions(defaults, options ?? {}) };
}

/** Every catalog rule at its defaults, for rules that read another's options (as the CLI passes them). */
const CATALOG: readonly ResolvedRule[] = RULES.map((r) => ({ rule: r, severity: r.meta.severity, options: r.meta.options?.defaults ?? {} }));

export function runCase(rule: AnyRule, c: RuleCase): { evaluation: Evaluation; findings: Finding[] } {
  const scopes = Array.isArray(c.data) ? (c.data as ScopeSpec[]) : [c.data as ScopeSpec];
  const others = (c.alsoEnabled ?? []).map((id) => resolve(ruleById(id), undefined));
  const evaluation = evaluate(model(...scopes), [resolve(rule, c.options), ...others], CATALOG);
  const ruleErrors = evaluation.errors.filter((e) => e.kind === 'rule' && e.code === 'RuleError' && e.ruleId === rule.meta.id);
  assert.deepEqual(ruleErrors, [], `the rule threw: ${ruleErrors.map((e) => e.message).join('; ')}`);
  return { evaluation, findings: evaluation.findings.filter((f) => f.ruleId === rule.meta.id) };
}

/** Runs `rule` on `data` and returns its one finding, failing if there is not exactly one. */
export function onlyFinding(
  rule: AnyRule,
  data: ScopeSpec | readonly ScopeSpec[],
  extra: { alsoEnabled?: readonly string[]; options?: Record<string, unknown> } = {},
): Finding {
  const { findings } = runCase(rule, { name: 'detail', data, ...extra });
  assert.equal(findings.length, 1, `expected one finding, got ${findings.length}`);
  return findings[0] as Finding;
}

function describeFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `\n  - [${f.severity}] ${f.resource.id} ${f.key}: ${f.message}`).join('') || ' none';
}

function assertUniqueNames(tests: RuleTests): void {
  const names = [
    ...tests.valid,
    ...tests.invalid,
    ...(tests.errors ?? []),
    ...(tests.skipped ?? []),
    ...(tests.invalidOptions ?? []),
  ].map((c) => c.name);
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  assert.deepEqual(duplicates, [], `duplicate case names: ${duplicates.join(', ')}`);
}

export function ruleTester(rule: AnyRule, tests: RuleTests): void {
  describe(rule.meta.id, () => {
    test('case names are unique', () => assertUniqueNames(tests));

    test('option defaults satisfy the schema', () => {
      assert.deepEqual(optionProblems(rule, rule.meta.options?.defaults ?? {}), []);
    });

    for (const c of tests.valid) {
      test(`valid: ${c.name}`, () => {
        const { evaluation, findings } = runCase(rule, c);
        assert.equal(findings.length, 0, `expected no finding, got ${findings.length}:${describeFindings(findings)}`);
        assert.deepEqual(evaluation.errors, [], 'a valid case must not produce errors');
      });
    }

    for (const c of tests.invalid) {
      test(`invalid: ${c.name}`, () => {
        const { evaluation, findings } = runCase(rule, c);
        assert.deepEqual(evaluation.errors, [], 'an invalid case must not produce errors');
        assert.equal(
          findings.length,
          c.findings.length,
          `expected ${c.findings.length} finding(s), got ${findings.length}:${describeFindings(findings)}`,
        );
        c.findings.forEach((expected, i) => {
          const actual = findings[i] as Finding;
          const declared = Object.keys(rule.meta.messages);
          assert.ok(declared.includes(expected.messageId), `messageId "${expected.messageId}" is not declared by the rule`);
          const template = rule.meta.messages[expected.messageId] ?? '';
          assert.ok(followsTemplate(template, actual.message), `finding ${i} ("${actual.message}") is not from messageId "${expected.messageId}"`);
          if (expected.key !== undefined) assert.equal(actual.key, expected.key, `finding ${i} key`);
          if (expected.severity !== undefined) assert.equal(actual.severity, expected.severity, `finding ${i} severity`);
          if (expected.groupId !== undefined) assert.equal(actual.resource.id, expected.groupId, `finding ${i} group`);
          for (const [field, value] of Object.entries(expected.data ?? {})) {
            assert.ok(
              actual.message.includes(String(value)),
              `finding ${i}: message "${actual.message}" should show ${field} = ${String(value)}`,
            );
          }
        });
      });
    }

    for (const c of tests.errors ?? []) {
      test(`error: ${c.name}`, () => {
        const scopes = Array.isArray(c.data) ? (c.data as ScopeSpec[]) : [c.data as ScopeSpec];
        const evaluation = evaluate(model(...scopes), [resolve(rule, c.options)], CATALOG);
        const mine = evaluation.errors.filter((e) => e.kind === 'rule' && e.ruleId === rule.meta.id);
        assert.ok(mine.length > 0, 'expected an error outcome for the rule (fail closed)');
        assert.match(mine.map((e) => e.message).join('\n'), c.error);
        assert.equal(evaluation.findings.length, 0, 'no findings (and no passes) from data that failed to collect');
        assert.equal(evaluation.outcomes.filter((o) => o.status === 'pass').length, 0, 'nothing passes');
      });
    }

    for (const c of tests.skipped ?? []) {
      test(`skipped: ${c.name}`, () => {
        const { evaluation, findings } = runCase(rule, c);
        assert.equal(findings.length, 0);
        assert.deepEqual(evaluation.errors, []);
        assert.ok(
          evaluation.skipped.some((s) => s.ruleId === rule.meta.id),
          'expected the rule to be listed as skipped (not evaluated)',
        );
      });
    }

    for (const c of tests.invalidOptions ?? []) {
      test(`invalid options: ${c.name}`, () => {
        assert.match(optionProblems(rule, c.options).join('; '), c.error);
      });
    }
  });
}

/** Does the message consist of the template's literal parts, in order (placeholders filled anyhow)? */
function followsTemplate(template: string, message: string): boolean {
  let rest = message;
  for (const part of template.split(/\{\w+\}/)) {
    const at = rest.indexOf(part);
    if (at < 0) return false;
    rest = rest.slice(at + part.length);
  }
  return true;
}
