// Which rules run, with what severity and options. Pure; the config file (when present) feeds it.
import { usageError } from '../errors.js';
import { DATA_KINDS, type DataKind } from '../model/kinds.js';
import type { AnyRule, RuleScope } from '../rules-kit/types.js';
import type { ResolvedRule } from './evaluate.js';

export interface RuleSelection {
  /** --rule: run only these (empty: all). */
  readonly only: readonly string[];
  /** --skip-rule: run all but these. */
  readonly skip: readonly string[];
}

function closest(id: string, known: readonly string[]): string | undefined {
  const distance = (a: string, b: string) => {
    const d = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let prev = d[0] as number;
      d[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = d[j] as number;
        d[j] = Math.min((d[j] as number) + 1, (d[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = tmp;
      }
    }
    return d[b.length] as number;
  };
  const best = [...known].sort((a, b) => distance(id, a) - distance(id, b))[0];
  return best !== undefined && distance(id, best) <= Math.max(3, id.length / 3) ? best : undefined;
}

export function findRule(catalog: readonly AnyRule[], id: string): AnyRule {
  const rule = catalog.find((r) => r.meta.id === id);
  if (rule) return rule;
  const suggestion = closest(id, catalog.map((r) => r.meta.id));
  throw usageError(
    `unknown rule "${id}"`,
    suggestion ? `did you mean "${suggestion}"? (sg-audit rules lists them all)` : 'sg-audit rules lists the rule ids',
  );
}

export function selectRules(catalog: readonly AnyRule[], selection: RuleSelection): ResolvedRule[] {
  const only = new Set(selection.only.map((id) => findRule(catalog, id).meta.id));
  const skip = new Set(selection.skip.map((id) => findRule(catalog, id).meta.id));
  const chosen = catalog.filter((r) => (only.size === 0 || only.has(r.meta.id)) && !skip.has(r.meta.id));
  if (chosen.length === 0) throw usageError('no rules left to run', 'check --rule and --skip-rule');
  return chosen.map((rule) => ({
    rule,
    severity: rule.meta.severity,
    options: structuredClone(rule.meta.options?.defaults ?? {}),
  }));
}

const SCOPE_KIND: Readonly<Record<RuleScope, DataKind>> = {
  'security-group': 'securityGroups',
  'network-acl': 'networkAcls',
  vpc: 'vpcs',
};

/**
 * The data kinds these rules read (what they check, require and use), in DATA_KINDS order.
 * Security groups are always collected: they are what the audit is about, and the per-id kinds
 * (prefix-list entries, stale groups) are found through them.
 */
export function dataKindsFor(rules: readonly ResolvedRule[]): DataKind[] {
  const wanted = new Set<DataKind>(['securityGroups']);
  for (const { rule } of rules) {
    wanted.add(SCOPE_KIND[rule.meta.scope]);
    for (const kind of [...rule.meta.requires, ...(rule.meta.uses ?? [])]) wanted.add(kind);
  }
  return DATA_KINDS.filter((k) => wanted.has(k));
}
