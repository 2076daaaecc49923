// `sg-audit rules` and `sg-audit explain <id>`: the catalog, from each rule's own metadata.
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import { DATA_KIND_INFO } from '../model/kinds.js';
import type { AnyRule } from '../rules-kit/types.js';
import { referenceText } from './build.js';
import { paintSeverity } from './render-table.js';

export function renderRuleList(rules: readonly AnyRule[], format: 'table' | 'json', chalk: ChalkInstance): string {
  if (format === 'json') {
    const list = rules.map(({ meta }) => ({
      id: meta.id,
      title: meta.title,
      severity: meta.severity,
      requires: meta.requires,
      description: meta.description,
      rationale: meta.rationale,
      remediation: meta.remediation,
      references: meta.references,
      options: meta.options?.defaults ?? {},
    }));
    return `${JSON.stringify(list, null, 2)}\n`;
  }
  const table = new Table({
    head: ['Rule', 'Severity', 'What it flags'].map((h) => chalk.bold(h)),
    colWidths: [34, 10, 70],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const { meta } of rules) table.push([meta.id, paintSeverity(chalk, meta.severity, meta.severity), meta.title]);
  return `${table.toString()}\n${rules.length} rules. Details: sg-audit explain <rule-id>\n`;
}

export function explainRule(rule: AnyRule, chalk: ChalkInstance): string {
  const { meta } = rule;
  const section = (title: string, body: string) => `${chalk.bold(title)}\n${body}\n`;
  const options = meta.options
    ? Object.entries(meta.options.defaults)
        .map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`)
        .join('\n')
    : '  (none)';
  const data = meta.requires
    .map((kind) => `  ${DATA_KIND_INFO[kind].cliCommand}  (live: ${DATA_KIND_INFO[kind].iamAction})`)
    .join('\n');
  return [
    `${chalk.bold(meta.id)} · ${paintSeverity(chalk, meta.severity, meta.severity)}`,
    `${meta.title}\n`,
    section('What it checks', meta.description),
    section('Why it matters', meta.rationale),
    section('How to fix it', meta.remediation.summary + (meta.remediation.cli ? `\n  $ ${meta.remediation.cli}` : '')),
    section('References', meta.references.map((r) => `  ${referenceText(r)}`).join('\n')),
    section('Options (defaults)', options),
    section('Data it needs', data),
  ].join('\n');
}
