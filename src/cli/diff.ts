// `sg-audit diff <before> <after>`: the process edge. Each side is read and evaluated exactly as
// an audit would (the same rules, options, suppressions and exposure model); the comparison, the
// attribution and the report are pure (src/diff/, src/cloudtrail/). Exit 1 when the change newly
// exposes something at or above --fail-on, 3 when a side or CloudTrail is incomplete, 2 on bad
// input. Loaded only for the diff command (main.ts imports it dynamically).
import { Chalk } from 'chalk';
import { RULES } from '../../rules/index.js';
import instanceExposedToInternet, { exposureGrading, type ExposedOptions } from '../../rules/instance-exposed-to-internet.js';
import { loadConfig } from '../config/load.js';
import type { DiffReport, DiffSide } from '../diff/types.js';
import { buildDiff, type DiffOptions, type EvaluatedSide } from '../diff/build.js';
import { lookupsForDiff } from '../diff/lookups.js';
import { loadSide, type LoadedSide } from '../diff/sides.js';
import { evaluate } from '../engine/evaluate.js';
import type { FailOn } from '../engine/gate.js';
import { dataKindsFor, effectiveRules, selectRules } from '../engine/select.js';
import { applySuppressions } from '../engine/suppress.js';
import { usageError } from '../errors.js';
import type { DataKind } from '../model/kinds.js';
import { normalize } from '../model/normalize.js';
import { groupErrors, causeLine, unevaluatedLine } from '../report/error-causes.js';
import { buildExposure } from '../report/exposure.js';
import { forErrorLine, forTerminal } from '../report/sanitize.js';
import { SCOPE_KIND } from '../rules-kit/types.js';
import { VERSION } from '../version.js';
import { checkCloudTrailFlags, parseTime, readCloudTrail } from './cloudtrail.js';
import { colorLevel, reportWidth, type Io } from './main.js';
import { planOutputs, type OutputPlan } from './outputs.js';
import type { DiffFlags } from './program.js';
import { checkOutputPath, filesRead, writeFilesAtomic, writeText } from './write.js';

/** The formats a diff is written in. */
export const DIFF_FORMATS = ['table', 'json', 'markdown', 'csv'] as const;
type DiffFormat = (typeof DIFF_FORMATS)[number];

/** How far beyond each side's time events still count: a side is collected over minutes, and clocks differ. */
export const WINDOW_SLACK_MS = 10 * 60_000;

async function renderDiff(format: DiffFormat, report: DiffReport, ctx: { chalk: InstanceType<typeof Chalk>; width: number; details: boolean }): Promise<string> {
  switch (format) {
    case 'table':
      return (await import('../diff/render-table.js')).renderDiffTable(report, ctx);
    case 'json':
      return (await import('../diff/render-json.js')).renderDiffJson(report);
    case 'markdown':
      return (await import('../diff/render-markdown.js')).renderDiffMarkdown(report);
    case 'csv':
      return (await import('../diff/render-csv.js')).renderDiffCsv(report);
  }
}

function formatPlans(flags: DiffFlags): { plan: OutputPlan; format: DiffFormat }[] {
  return planOutputs(flags.format ?? [], flags.output).map((plan) => {
    if (!(DIFF_FORMATS as readonly string[]).includes(plan.format)) {
      throw usageError(`--format ${plan.format}: diff writes ${DIFF_FORMATS.join(', ')}`, `use one of those; the ${plan.format} report is the audit's (sg-audit --input <side> --format ${plan.format})`);
    }
    return { plan, format: plan.format as DiffFormat };
  });
}

function sideInfo(side: LoadedSide): DiffSide {
  if (side.kind === 'report') {
    return { input: side.input, kind: 'report', ...(side.time ? { time: side.time } : {}), accounts: side.report.run.accounts, regions: side.report.run.regions };
  }
  const accounts = [...new Set(side.snapshot.scopes.map((s) => s.accountId).filter((a): a is string => a !== undefined))].sort();
  const regions = [...new Set(side.snapshot.scopes.map((s) => s.region))].sort();
  return { input: side.input, kind: side.kind, ...(side.time ? { time: side.time } : {}), accounts, regions };
}

export async function runDiff(beforePath: string, afterPath: string, flags: DiffFlags, io: Io): Promise<number> {
  const now = io.now();
  const plans = formatPlans(flags);
  checkCloudTrailFlags(flags);
  const since = flags.since !== undefined ? parseTime(flags.since, '--since', now) : undefined;
  const until = flags.until !== undefined ? parseTime(flags.until, '--until', now) : undefined;
  const cwd = io.cwd ?? process.cwd();
  const config = await loadConfig(flags.config, cwd, RULES);
  // Never write over anything the run reads: the sides, the events, the config (again once the sides' files are known).
  const checkOutputs = async (inputs: readonly string[]) => {
    const reads = filesRead(cwd, { inputs, ...(config.file !== undefined ? { config: config.file } : {}) });
    for (const { plan } of plans) if (plan.file !== undefined) await checkOutputPath(plan.file, reads);
  };
  await checkOutputs([beforePath, afterPath, ...(flags.cloudtrail ?? []).filter(Boolean)]);

  const catalog = effectiveRules(RULES, config.rules);
  const rules = selectRules(RULES, { only: [], skip: [] }, config.rules);
  const failOn = (flags.failOn ?? config.failOn ?? 'high') as FailOn;
  const exposureContext = flags.exposureContext !== false && config.exposureContext !== false;
  const exposed = catalog.find((r) => r.rule === instanceExposedToInternet);
  if (!exposed) throw new Error('instance-exposed-to-internet is missing from the rule catalog');
  const optionsById = new Map(catalog.map((r) => [r.rule.meta.id, r.options as Readonly<Record<string, unknown>>]));
  const grading = exposureGrading(exposed.options as ExposedOptions, (id) => optionsById.get(id));
  const reachabilityKinds: DataKind[] = [...new Set<DataKind>([SCOPE_KIND[exposed.rule.meta.scope], ...exposed.rule.meta.requires])];

  const evaluateSide = (loaded: LoadedSide): EvaluatedSide => {
    const side = sideInfo(loaded);
    if (loaded.kind === 'report') return { kind: 'report', side, report: loaded.report };
    const model = normalize(loaded.snapshot);
    const evaluation = evaluate(model, rules, catalog, { exposureContext });
    const suppression = applySuppressions(evaluation.findings, config.suppressions, now, evaluation.outcomes);
    const exposure = buildExposure(model, { grading, required: reachabilityKinds, kinds: dataKindsFor([exposed]), version: VERSION, source: loaded.snapshot.source, inputs: loaded.snapshot.inputs });
    return {
      kind: 'model',
      side: { ...side, accounts: [...new Set(model.scopes.map((s) => s.accountId))].sort() },
      model,
      findings: suppression.findings,
      outcomes: evaluation.outcomes,
      errors: evaluation.errors,
      warnings: [...loaded.snapshot.warnings, ...model.warnings],
      exposure,
    };
  };
  // One side at a time: its raw data is dropped once it is evaluated (a large account's files are
  // hundreds of megabytes).
  const sideOf = async (path: string, which: 'before' | 'after'): Promise<EvaluatedSide> => {
    const loaded = await loadSide(path, which, flags.region ?? []);
    await checkOutputs(loaded.kind === 'report' ? [loaded.input] : loaded.snapshot.inputs);
    return evaluateSide(loaded);
  };
  const before = await sideOf(beforePath, 'before');
  const after = await sideOf(afterPath, 'after');

  const options: DiffOptions = {
    version: VERSION,
    startedAt: now.toISOString(),
    failOn,
    ...(flags.failOnChange ? { failOnChange: true } : {}),
    ...(config.file !== undefined ? { config: config.file } : {}),
    grading,
    reachabilityKinds,
  };
  let report = buildDiff(before, after, options);
  if (flags.cloudtrail !== undefined) {
    // The window: from a little before the earlier side was taken to a little after the later one.
    const from = since ?? (before.side.time ? new Date(Date.parse(before.side.time) - WINDOW_SLACK_MS) : undefined);
    const to = until ?? (after.side.time ? new Date(Date.parse(after.side.time) + WINDOW_SLACK_MS) : undefined);
    const trail = await readCloudTrail(flags, lookupsForDiff(report), { ...(from ? { since: from } : {}), ...(to ? { until: to } : {}) }, io.env, now);
    await checkOutputs(trail.run.inputs);
    report = buildDiff(before, after, { ...options, index: trail.index, cloudtrail: trail.run, cloudtrailErrors: trail.errors, warnings: trail.warnings });
  }

  // Render every report, then write: files go in place only once all are written.
  const rendered: { plan: OutputPlan; text: string; format: DiffFormat }[] = [];
  for (const { plan, format } of plans) {
    const toTerminal = plan.file === undefined && Boolean(io.stdout.isTTY);
    const chalk = new Chalk({ level: plan.file === undefined ? colorLevel(flags.color, io.env, toTerminal) : 0 });
    rendered.push({ plan, format, text: await renderDiff(format, report, { chalk, width: reportWidth(io, toTerminal), details: Boolean(flags.details) }) });
  }
  for (const { plan, text } of rendered) if (plan.file === undefined) writeText(io.stdout, text);
  const files = rendered.flatMap(({ plan, text, format }) => (plan.file === undefined ? [] : [{ path: plan.file, text, format }]));
  await writeFilesAtomic(files.map(({ path, text }) => ({ path, text })), io);

  // The table shows warnings itself; errors always go to stderr.
  if (!flags.quiet && !rendered.some((r) => r.format === 'table' && r.plan.file === undefined)) {
    for (const warning of report.warnings) io.stderr.write(`sg-audit: warning: ${forErrorLine(warning)}\n`);
  }
  const { causes, unevaluated } = groupErrors(report.errors);
  for (const cause of causes) io.stderr.write(`sg-audit: error: ${forErrorLine(causeLine(cause))}\n`);
  for (const entry of unevaluated) io.stderr.write(`sg-audit: error: ${forErrorLine(unevaluatedLine(entry))}\n`);
  if (!flags.quiet && files.length > 0 && !rendered.some((r) => r.plan.file === undefined)) {
    io.stderr.write(`sg-audit: wrote ${files.map((f) => `${forTerminal(f.path)} (${f.format})`).join(', ')} · ${verdict(report)}\n`);
  }
  return report.summary.status === 'incomplete' ? 3 : report.summary.status === 'fail' ? 1 : 0;
}

/** "FAIL: 3 changes newly expose something at or above high (exit 1)". */
export function verdict(report: DiffReport): string {
  const s = report.summary;
  if (s.status === 'incomplete') return `INCOMPLETE: ${groupErrors(report.errors).causes.length} error(s) (exit 3)`;
  if (s.status === 'fail' && s.failing === 0) return `FAIL: ${s.changes} ${s.changes === 1 ? 'change' : 'changes'} (--fail-on-change) (exit 1)`;
  if (s.status === 'fail') return `FAIL: ${s.failing} ${s.failing === 1 ? 'change newly exposes' : 'changes newly expose'} something at or above ${report.run.failOn} (exit 1)`;
  return report.run.failOnChange ? 'PASS: nothing changed (exit 0)' : `PASS: nothing newly exposed at or above ${report.run.failOn} (exit 0)`;
}
