import type { Rule, RuleScope } from './types.js';

/**
 * Identity helper that lets TypeScript infer a rule's option type from `meta.options.defaults`
 * and its message ids from `meta.messages`, so `report({ messageId })` only compiles with a
 * declared id and `options` is typed without annotations in the rule file.
 */
export function defineRule<O extends object, M extends string, S extends RuleScope = 'security-group'>(rule: Rule<O, M, S>): Rule<O, M, S> {
  return Object.freeze(rule);
}
