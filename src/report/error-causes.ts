// One cause, one line. A refused endpoint fails every call of every region, a missing permission
// every call of its kind, a role that cannot be assumed every call of its account; and each of
// those leaves a score of rules unevaluated. The reports list every error (JSON keeps them all);
// what a person reads is grouped here: one line per cause with the hint that fits it, and one line
// per set of scopes whose rules could not run. Pure.
import type { AuditError } from './types.js';

export interface ErrorCause {
  readonly code: string;
  /** The message of the first error of the cause (the others differ in account, region or call). */
  readonly message: string;
  readonly hint?: string;
  /** Calls or rules that failed with this cause, in order of first appearance. */
  readonly operations: readonly string[];
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  /** How many errors of the report this cause stands for. */
  readonly count: number;
}

export interface UnevaluatedRules {
  /** The rules that could not run for lack of data, alike in every scope listed. */
  readonly rules: readonly string[];
  /** "account region" scopes. */
  readonly scopes: readonly string[];
}

export interface GroupedErrors {
  readonly causes: readonly ErrorCause[];
  readonly unevaluated: readonly UnevaluatedRules[];
}

const ACCOUNT = /\b\d{12}\b/g;
const REGION = /\b(?:[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d)\b/g;
// Request ids and other one-off tokens (UUIDs, long hex) make every message unique.
const ONE_OFF = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{24,}\b/gi;
// The resource a per-id call was about (a prefix list, a VPC): one cause whatever the id.
const RESOURCE_ID = /\b(?:pl|sg|vpc|eni|subnet|acl|rtb|igw|eigw)-[0-9a-f]{8,17}\b/g;

/** What stays the same across the errors of one cause: the message with its account, region and call taken out. */
function causeKey(error: AuditError): string {
  let message = error.message.replace(ONE_OFF, '').replace(RESOURCE_ID, '{id}').replace(ACCOUNT, '{account}').replace(REGION, '{region}');
  if (error.operation) message = message.replaceAll(error.operation, '{operation}');
  // IAM denials name the action: ec2:DescribeVpcs.
  message = message.replace(/\b[a-z0-9-]+:[A-Z][A-Za-z]+\b/g, '{action}');
  return `${error.kind}\u0000${error.code}\u0000${message}\u0000${error.kind === 'rule' ? (error.ruleId ?? '') : ''}`;
}

/** Errors that only follow from another (a rule that could not run because its data failed; a per-id call never made). */
function isConsequence(error: AuditError): boolean {
  return (error.kind === 'rule' && error.code === 'IncompleteData') || (error.kind === 'collection' && error.code === 'NotCollected');
}

const DENIED = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException', 'UnauthorizedAccess']);

/** The hint for a whole cause: a denial names every action it is missing. */
function causeHint(errors: readonly AuditError[]): string | undefined {
  const first = errors[0];
  if (!first) return undefined;
  if (DENIED.has(first.code) && first.kind === 'collection') {
    const actions = [...new Set(errors.flatMap((e) => (e.operation && /^[A-Z]/.test(e.operation) && e.operation !== 'AssumeRole' ? [actionOf(e.operation)] : [])))];
    if (actions.length > 0 && !errors.some((e) => e.operation === 'AssumeRole')) {
      // A Get* action hides from the usual read-only grants: say so, or the fix looks done already.
      const getNote = actions.includes('ec2:GetManagedPrefixListEntries')
        ? '; ec2:GetManagedPrefixListEntries is a Get* action, which ec2:Describe* and AmazonEC2ReadOnlyAccess do not include'
        : '';
      return `grant ${listText(actions)} to this identity (the IAM policy of docs/live.md has every action sg-audit calls)${getNote}`;
    }
  }
  return first.hint;
}

function actionOf(operation: string): string {
  if (operation === 'ListAccounts') return 'organizations:ListAccounts';
  if (operation === 'GetCallerIdentity') return 'sts:GetCallerIdentity';
  if (operation === 'LookupEvents') return 'cloudtrail:LookupEvents';
  return `ec2:${operation}`;
}

function listText(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const pushNew = (list: string[], item: string | undefined) => {
  if (item !== undefined && !list.includes(item)) list.push(item);
};

export function groupErrors(errors: readonly AuditError[]): GroupedErrors {
  const byCause = new Map<string, AuditError[]>();
  const unevaluatedByScope = new Map<string, string[]>();
  for (const error of errors) {
    if (isConsequence(error)) {
      if (error.kind === 'rule' && error.ruleId) {
        const scope = `${error.accountId} ${error.region}`;
        const rules = unevaluatedByScope.get(scope) ?? [];
        pushNew(rules, error.ruleId);
        unevaluatedByScope.set(scope, rules);
      }
      continue;
    }
    const key = causeKey(error);
    const list = byCause.get(key);
    if (list) list.push(error);
    else byCause.set(key, [error]);
  }
  const causes: ErrorCause[] = [...byCause.values()].map((list) => {
    const first = list[0] as AuditError;
    const operations: string[] = [];
    const accounts: string[] = [];
    const regions: string[] = [];
    for (const e of list) {
      pushNew(operations, e.kind === 'collection' ? e.operation : `rule ${e.ruleId}${e.resourceId ? ` on ${e.resourceId}` : ''}`);
      pushNew(accounts, e.accountId);
      pushNew(regions, e.region);
    }
    const hint = causeHint(list);
    return { code: first.code, message: first.message, ...(hint ? { hint } : {}), operations, accounts, regions, count: list.length };
  });
  // Scopes that lost the same rules are one line.
  const byRules = new Map<string, { rules: string[]; scopes: string[] }>();
  for (const [scope, rules] of unevaluatedByScope) {
    const sorted = [...rules].sort();
    const key = sorted.join(' ');
    const entry = byRules.get(key);
    if (entry) entry.scopes.push(scope);
    else byRules.set(key, { rules: sorted, scopes: [scope] });
  }
  return { causes, unevaluated: [...byRules.values()] };
}

/** "11 calls in us-east-1 (DescribeFlowLogs, DescribeInstances and 9 more)": where a cause struck, briefly. */
export function causeScope(cause: ErrorCause, max = 3): string {
  const some = (items: readonly string[]) => (items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`);
  const accounts = cause.accounts.filter((a) => a !== 'unknown');
  const where = [
    ...(accounts.length > 1 ? [`${accounts.length} accounts (${some(accounts)})`] : accounts.length === 1 && cause.accounts.length === 1 ? [accounts[0] as string] : []),
    cause.regions.length === 1 ? (cause.regions[0] as string) : `${cause.regions.length} regions (${some(cause.regions)})`,
  ].join(' ');
  if (cause.operations.length === 1) return `${cause.operations[0] ?? ''} in ${where}`;
  const calls = cause.operations.every((o) => !o.startsWith('rule ')) ? 'calls' : 'checks';
  return `${cause.operations.length} ${calls} in ${where} (${some(cause.operations)})`;
}

/** One line per cause: "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9 · 11 calls in us-east-1 (…) — nothing answered …". */
export function causeLine(cause: ErrorCause): string {
  return `${cause.code}: ${cause.message} · ${causeScope(cause)}${cause.hint ? ` — ${cause.hint}` : ''}`;
}

/** "20 rules not evaluated in us-east-1: their data could not be collected". */
export function unevaluatedLine(entry: UnevaluatedRules, max = 3): string {
  const scopes = entry.scopes.map((s) => s.replace(/^unknown /, ''));
  const where = scopes.length <= max ? scopes.join(', ') : `${scopes.length} regions (${scopes.slice(0, max).join(', ')} and ${scopes.length - max} more)`;
  const rules = entry.rules.length === 1 ? `rule ${entry.rules[0]}` : `${entry.rules.length} rules`;
  return `${rules} not evaluated in ${where}: the data ${entry.rules.length === 1 ? 'it needs' : 'they need'} could not be collected`;
}
