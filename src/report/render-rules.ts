// `sg-audit rules` and `sg-audit explain <id>`: the catalog, from each rule's own metadata.
import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { DATA_KIND_INFO } from '../model/kinds.js';
import type { AnyRule } from '../rules-kit/types.js';
import { referenceText } from './build.js';
import { paintSeverity } from './render-table.js';
import { widthOf, wrapCommand, wrapSpans } from './text-layout.js';

export function renderRuleList(rules: readonly AnyRule[], format: 'table' | 'json', chalk: ChalkInstance, width = 100): string {
  if (format === 'json') {
    const list = rules.map(({ meta }) => ({
      id: meta.id,
      title: meta.title,
      severity: meta.severity,
      scope: meta.scope,
      requires: meta.requires,
      uses: meta.uses ?? [],
      description: meta.description,
      rationale: meta.rationale,
      remediation: meta.remediation,
      references: meta.references,
      options: meta.options?.defaults ?? {},
    }));
    return `${JSON.stringify(list, null, 2)}\n`;
  }
  // Ids are what configs and suppressions name: never cut. Side by side when the titles have room,
  // else each title under its id.
  const idWidth = Math.max(...rules.map(({ meta }) => widthOf(meta.id)));
  const titleColumn = idWidth + 2 + 10;
  const sideBySide = width - titleColumn >= 40;
  const footer = `\n${rules.length} rules. Details: sg-audit explain <rule-id>\n`;
  if (sideBySide) {
    // A borderless grid: the id column as wide as the longest id, the titles wrapped at word boundaries.
    const table = new Table({
      head: ['Rule', 'Severity', 'What it flags'].map((h) => chalk.bold(h)),
      colWidths: [idWidth + 2, 10, width - titleColumn],
      wordWrap: true,
      wrapOnWordBoundary: true,
      chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '' },
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    });
    for (const { meta } of rules) table.push([chalk.bold(meta.id), paintSeverity(chalk, meta.severity, meta.severity), meta.title]);
    return `${table.toString().split('\n').map((l) => l.trimEnd()).join('\n')}\n${footer}`;
  }
  const lines: string[] = [];
  for (const { meta } of rules) {
    lines.push(`${chalk.bold(meta.id)}  ${paintSeverity(chalk, meta.severity, meta.severity)}`, ...wrapSpans([{ text: meta.title }], width - 4, width, 4).map((l, i) => (i === 0 ? `    ${l}` : l)));
  }
  return `${lines.join('\n')}\n${footer}`;
}

const SCOPE_TEXT = {
  'security-group': 'each security group',
  'network-acl': 'each network ACL',
  vpc: 'each VPC',
  'network-interface': 'each network interface',
} as const;

/** An option's value for people: lists joined, port entries as "tcp/20 FTP". */
export function optionValueText(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (Array.isArray(value)) {
    if (value.length === 0) return '(none)';
    return value
      .map((item) => {
        if (typeof item === 'object' && item !== null && 'protocol' in item && 'port' in item) {
          const { protocol, port, service } = item as { protocol: string; port: number; service?: string };
          return `${protocol}/${port}${service ? ` ${service}` : ''}`;
        }
        return typeof item === 'string' ? item : JSON.stringify(item);
      })
      .join(', ');
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export interface OptionDoc {
  readonly name: string;
  readonly defaultText: string;
  readonly description: string;
}

/** Every option a rule's schema declares, with its default and meaning. */
export function optionDocs(rule: AnyRule): OptionDoc[] {
  const spec = rule.meta.options;
  if (!spec) return [];
  const properties = (spec.schema['properties'] ?? {}) as Record<string, { description?: string }>;
  const defaults = spec.defaults as Record<string, unknown>;
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    defaultText: optionValueText(defaults[name]),
    description: schema.description ?? '',
  }));
}

/** What a rule reads: the kinds it needs, then those it uses when present. */
export function dataDocs(rule: AnyRule): { needs: string[]; uses: string[] } {
  const line = (kind: keyof typeof DATA_KIND_INFO) => `${DATA_KIND_INFO[kind].cliCommand}  (live: ${DATA_KIND_INFO[kind].iamAction})`;
  return { needs: rule.meta.requires.map(line), uses: (rule.meta.uses ?? []).map(line) };
}

/** What `exposureContext` means for a rule, in the rule's docs and `sg-audit explain`. */
export const EXPOSURE_CONTEXT_TEXT =
  'One level lower, with the reason at the end of the message, when the group is attached to no network interface or ' +
  'the internet reaches the ports through it on none of its interfaces (no public address, no route to an internet ' +
  'gateway, or the network ACL denies them). Off with --no-exposure-context or the config\'s exposureContext: false.';

export function explainRule(rule: AnyRule, chalk: ChalkInstance, width = 100): string {
  const { meta } = rule;
  // Prose wrapped to the width; lines that are already laid out (options, data, commands) kept.
  const wrap = (text: string) => wrapSpans([{ text }], width, width, 0).join('\n');
  const section = (title: string, body: string) => `${chalk.bold(title)}\n${body}\n`;
  const indented = (text: string, first: number, rest: number) =>
    wrapSpans([{ text }], width - first, width, rest).map((l, i) => (i === 0 ? `${' '.repeat(first)}${l}` : l)).join('\n');
  const options = optionDocs(rule);
  const optionText =
    options.length > 0
      ? options.map((o) => `${indented(`${o.name} = ${o.defaultText}`, 2, 6)}${o.description ? `\n${indented(o.description, 6, 6)}` : ''}`).join('\n') +
        `\n${indented(`(set in the config file: rules.${meta.id}.options)`, 2, 2)}`
      : '  (none)';
  const data = dataDocs(rule);
  const dataText = [
    ...data.needs.map((l) => indented(l, 2, 6)),
    ...(data.uses.length > 0 ? ['  used when present:', ...data.uses.map((l) => indented(l, 2, 6))] : []),
  ].join('\n');
  return [
    `${chalk.bold(meta.id)} · ${paintSeverity(chalk, meta.severity, meta.severity)} · checks ${SCOPE_TEXT[meta.scope]}`,
    `${wrap(meta.title)}\n`,
    section('What it checks', wrap(meta.description)),
    section('Why it matters', wrap(meta.rationale)),
    section('How to fix it', wrap(meta.remediation.summary) + (meta.remediation.cli ? `\n${wrapCommand(meta.remediation.cli, width, 2).join('\n')}` : '')),
    section('References', meta.references.map((r) => `  ${referenceText(r)}`).join('\n')),
    ...(meta.exposureContext ? [section('Severity in context', wrap(EXPOSURE_CONTEXT_TEXT))] : []),
    section('Options (defaults)', optionText),
    section('Data it reads', dataText),
  ].join('\n');
}
