// Which rules run, with what severity and options. Pure; the config file (when present) feeds it.
import { usageError } from '../errors.js';
import { EXPOSURE_CONTEXT_KINDS } from '../model/exposure-context.js';
import { DATA_KINDS, type DataKind } from '../model/kinds.js';
import type { AuditModel } from '../model/types.js';
import { mergeOptions } from '../rules-kit/merge-options.js';
import { SCOPE_KIND, type AnyRule, type Severity } from '../rules-kit/types.js';
import { closest } from '../suggest.js';
import type { ResolvedRule } from './evaluate.js';

export interface RuleSelection {
  /** --rule: run only these (empty: all). */
  readonly only: readonly string[];
  /** --skip-rule: run all but these. */
  readonly skip: readonly string[];
}

/** What the config file says about one rule (validated: src/config/validate.ts). */
export interface RuleSettings {
  /** false: the rule does not run unless --rule names it. */
  readonly enabled?: boolean;
  readonly severity?: Severity;
  /** Merged over the rule's defaults (objects deep-merge, arrays replace). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** Config settings by rule id. */
export type RuleSettingsById = ReadonlyMap<string, RuleSettings>;

export function findRule(catalog: readonly AnyRule[], id: string): AnyRule {
  const rule = catalog.find((r) => r.meta.id === id);
  if (rule) return rule;
  const suggestion = closest(id, catalog.map((r) => r.meta.id));
  throw usageError(
    `unknown rule "${id}"`,
    suggestion ? `did you mean "${suggestion}"? (sg-audit rules lists them all)` : 'sg-audit rules lists the rule ids',
  );
}

/**
 * The effective severity and options of every catalog rule, enabled or not: the config's
 * settings over the rule's defaults. Rules read each other's options through this.
 */
export function effectiveRules(catalog: readonly AnyRule[], settings: RuleSettingsById = new Map()): ResolvedRule[] {
  return catalog.map((rule) => {
    const configured = settings.get(rule.meta.id);
    const defaults = rule.meta.options?.defaults ?? {};
    return {
      rule,
      severity: configured?.severity ?? rule.meta.severity,
      options: configured?.options ? mergeOptions(defaults, configured.options) : structuredClone(defaults),
    };
  });
}

/**
 * The rules that run. Flags win over the config: --rule runs exactly the rules it names, even
 * one the config turns off; otherwise every rule the config does not turn off runs, minus
 * --skip-rule. Severity and options come from effectiveRules.
 */
export function selectRules(catalog: readonly AnyRule[], selection: RuleSelection, settings: RuleSettingsById = new Map()): ResolvedRule[] {
  const only = new Set(selection.only.map((id) => findRule(catalog, id).meta.id));
  const skip = new Set(selection.skip.map((id) => findRule(catalog, id).meta.id));
  const runs = (id: string) => (only.size > 0 ? only.has(id) : settings.get(id)?.enabled !== false) && !skip.has(id);
  const chosen = effectiveRules(catalog, settings).filter((r) => runs(r.rule.meta.id));
  if (chosen.length === 0) {
    throw usageError('no rules left to run', settings.size > 0 ? 'check --rule, --skip-rule and the rules the config turns off' : 'check --rule and --skip-rule');
  }
  return chosen;
}

/**
 * The data kinds these rules read (what they check, require and use), in DATA_KINDS order.
 * Security groups are always collected: they are what the audit is about, and the per-id kinds
 * (prefix-list entries, stale groups) are found through them.
 */
export function dataKindsFor(rules: readonly ResolvedRule[], options: { readonly exposureContext?: boolean } = {}): DataKind[] {
  const wanted = new Set<DataKind>(['securityGroups']);
  for (const { rule } of rules) {
    wanted.add(SCOPE_KIND[rule.meta.scope]);
    for (const kind of [...rule.meta.requires, ...(rule.meta.uses ?? [])]) wanted.add(kind);
    // Severity in context reads the network around each group (src/model/exposure-context.ts).
    if (options.exposureContext && rule.meta.exposureContext) for (const kind of EXPOSURE_CONTEXT_KINDS) wanted.add(kind);
  }
  return DATA_KINDS.filter((k) => wanted.has(k));
}

/**
 * When none of these rules can run anywhere, because every account × region lacks a kind each
 * one needs (an input without security groups, a folder of the wrong files): the missing kinds,
 * those that most rules need first. Undefined when some rule can run somewhere. Collection errors
 * are not absence: a kind that failed makes its rules errors (exit 3), not "nothing to audit".
 */
export function missingForAnyRule(model: AuditModel, rules: readonly ResolvedRule[]): DataKind[] | undefined {
  const wanted = new Map<DataKind, number>();
  for (const { rule } of rules) {
    const needs = [SCOPE_KIND[rule.meta.scope], ...rule.meta.requires];
    let missingEverywhere: Set<DataKind> | undefined;
    for (const scope of model.scopes) {
      const missing = needs.filter((kind) => (scope.kinds.get(kind)?.state ?? 'absent') === 'absent');
      if (missing.length === 0) return undefined;
      missingEverywhere = new Set([...(missingEverywhere ?? []), ...missing]);
    }
    for (const kind of missingEverywhere ?? needs) wanted.set(kind, (wanted.get(kind) ?? 0) + 1);
  }
  return [...wanted].sort(([a, m], [b, n]) => n - m || DATA_KINDS.indexOf(a) - DATA_KINDS.indexOf(b)).map(([kind]) => kind);
}
