// The process edge: parse flags, run a command, write its output, turn known errors into one
// line on stderr and an exit code (DESIGN.md §5). Everything between is pure and lives elsewhere.
import { Chalk } from 'chalk';
import { CommanderError } from 'commander';
import { RULES } from '../../rules/index.js';
import instanceExposedToInternet, { exposureGrading, type ExposedOptions } from '../../rules/instance-exposed-to-internet.js';
import { loadInputs } from '../collect/files.js';
import type { AssumeRolePlan, ProgressEvent } from '../collect/live.js';
import { parseShard, shardSettings, type ShardSpec } from '../collect/shard.js';
import { serializeSnapshot } from '../collect/snapshot.js';
import type { RawSnapshot } from '../collect/types.js';
import { loadConfig } from '../config/load.js';
import { evaluate, type AuditError, type Outcome } from '../engine/evaluate.js';
import { exitCodeFor, type FailOn } from '../engine/gate.js';
import { dataKindsFor, effectiveRules, findRule, missingForAnyRule, selectRules } from '../engine/select.js';
import { applySuppressions } from '../engine/suppress.js';
import { inputError, isSgAuditError, usageError } from '../errors.js';
import { DATA_KIND_INFO, DATA_KINDS, type DataKind } from '../model/kinds.js';
import { normalize } from '../model/normalize.js';
import { compareWithBaseline } from '../engine/baseline.js';
import { buildReport } from '../report/build.js';
import { applyDisplay } from '../report/display.js';
import { plural } from '../report/describe.js';
import { buildExposure, exposureAuditErrors, missingData, missingDataHint, renderExposureJson, renderExposureTable } from '../report/exposure.js';
import { rendererFor, type DisplayFilter, type RenderContext, type RenderedReport } from '../report/formats.js';
import { mergeReports, parseReport } from '../report/merge.js';
import { parseBaselineReport } from '../report/read-baseline.js';
import type { AuditReport } from '../report/types.js';
import { explainRule, renderRuleList } from '../report/render-rules.js';
import { forErrorLine, forTerminal } from '../report/sanitize.js';
import { causeLine, groupErrors, unevaluatedLine } from '../report/error-causes.js';
import { closest } from '../suggest.js';
import { VERSION } from '../version.js';
import { planOutputs, type OutputPlan } from './outputs.js';
import { SCOPE_KIND, type Severity } from '../rules-kit/types.js';
import { createProgram, type AuditFlags, type CollectFlags, type ExposureFlags, type LiveFlags, type MergeFlags } from './program.js';
import { checkOutputPath, filesRead, writeFileAtomic, writeFilesAtomic, writeText, type ReadFile } from './write.js';
import { sweepBoundsOf } from './live-bounds.js';
import { readReportText, refuseDeep } from './read-report.js';

export interface OutStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface Io {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
  /** Where the default config file is looked for and --config is resolved (default: process.cwd()). */
  readonly cwd?: string;
}

const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, now: () => new Date(), cwd: process.cwd() });

/**
 * Colour level: --no-color and NO_COLOR turn it off, FORCE_COLOR forces it (0–3), otherwise
 * colour only when the report goes to a terminal.
 */
export function colorLevel(flagColor: boolean, env: NodeJS.ProcessEnv, toTerminal: boolean): 0 | 1 | 2 | 3 {
  if (!flagColor) return 0;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return 0;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2' || force === '3') return Number(force) as 2 | 3;
    return 1;
  }
  if (!toTerminal) return 0;
  return env['COLORTERM'] === 'truecolor' ? 3 : env['TERM']?.includes('256') ? 2 : 1;
}

/**
 * One line on stderr, redrawn in place while a live audit collects: regions finished, calls done
 * of those known so far (per-id calls become known once a region's groups are in), and the
 * latest call. Only on a terminal; the line is cleared when collection ends.
 */
class Progress {
  private done = 0;
  private total = 0;
  /** Calls not yet done, per region. */
  private readonly pending = new Map<string, number>();
  private active: boolean;

  constructor(private readonly stderr: OutStream, enabled: boolean) {
    this.active = enabled;
  }

  readonly onEvent = (event: ProgressEvent): void => {
    if (!this.active) return;
    if (event.type === 'regions') {
      this.total = event.calls;
      const perRegion = event.regions.length > 0 ? event.calls / event.regions.length : 0;
      for (const region of event.regions) this.pending.set(region, perRegion);
      this.draw(`collecting ${event.regions.length} region(s)`);
    } else if (event.type === 'calls-added') {
      this.total += event.count;
      this.pending.set(event.region, (this.pending.get(event.region) ?? 0) + event.count);
      this.draw(`${event.region} ${event.operation}`);
    } else {
      this.done++;
      this.pending.set(event.region, (this.pending.get(event.region) ?? 1) - 1);
      this.draw(`${event.region} ${event.operation}${event.ok ? '' : ' failed'}`);
    }
  };

  private draw(what: string): void {
    const regionsDone = [...this.pending.values()].filter((n) => n <= 0).length;
    this.stderr.write(`\r\u001b[2K${regionsDone}/${this.pending.size} regions · ${this.done}/${this.total} calls · ${what}`);
  }

  stop(): void {
    if (this.active && this.total > 0) this.stderr.write('\r\u001b[2K');
    this.active = false;
  }
}

/**
 * The width a human report is laid out for: the terminal's, or when stdout is not one (a pipe, a
 * file, cron mail), COLUMNS when set, else 100.
 */
export function reportWidth(io: Io, toTerminal: boolean): number {
  const fromEnv = Number.parseInt(io.env['COLUMNS'] ?? '', 10);
  const columns = toTerminal && io.stdout.columns ? io.stdout.columns : Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 100;
  return Math.max(60, Math.min(columns, 200));
}

/** --min-severity and --only-new: what the human formats show. */
function displayFilter(flags: { minSeverity?: string; onlyNew?: boolean; baseline?: string }): DisplayFilter | undefined {
  if (flags.onlyNew && flags.baseline === undefined) {
    throw usageError('--only-new needs --baseline: new is relative to an earlier report', 'add --baseline <earlier report.json>, or drop --only-new');
  }
  if (flags.minSeverity === undefined && !flags.onlyNew) return undefined;
  return { ...(flags.minSeverity !== undefined ? { minSeverity: flags.minSeverity as Severity } : {}), ...(flags.onlyNew ? { onlyNew: true } : {}) };
}

async function collectLiveSnapshot(flags: LiveFlags & { quiet?: boolean }, kinds: readonly DataKind[], io: Io, shard?: ShardSpec): Promise<RawSnapshot> {
  const sweep = sweepBoundsOf(flags, io.env);
  const { collectLive } = await import('../collect/live.js');
  const progress = new Progress(io.stderr, Boolean(io.stderr.isTTY) && !flags.quiet);
  try {
    const endpointUrl = flags.endpointUrl ?? io.env['AWS_ENDPOINT_URL_EC2'];
    const assume = assumePlan(flags);
    return await collectLive({
      regions: flags.region ?? [],
      kinds,
      ...(flags.profile ? { profile: flags.profile } : {}),
      ...(endpointUrl ? { endpointUrl } : {}),
      ...(assume ? { assume } : {}),
      ...(shard ? { shard } : {}),
      sweep,
      onProgress: progress.onEvent,
    });
  } finally {
    progress.stop();
  }
}

/** --role-arn, --accounts and --external-id as a plan, checked before anything is called. */
export function assumePlan(flags: LiveFlags): AssumeRolePlan | undefined {
  const { roleArn, accounts = [], externalId } = flags;
  if (roleArn === undefined) {
    if (accounts.length > 0 || externalId !== undefined) {
      throw usageError(`${accounts.length > 0 ? '--accounts' : '--external-id'} needs --role-arn: the role to assume in each account`, 'e.g. --role-arn arn:aws:iam::{account}:role/SgAudit');
    }
    return undefined;
  }
  if (!/^arn:aws[\w-]*:iam::(\d{12}|\{account\}):role\/[\w+=,.@\/-]+$/.test(roleArn)) {
    throw usageError(`--role-arn ${roleArn} is not a role ARN`, 'e.g. arn:aws:iam::123456789012:role/SgAudit, or arn:aws:iam::{account}:role/SgAudit with --accounts');
  }
  const organization = accounts.length === 1 && accounts[0] === 'organization';
  const bad = organization ? undefined : accounts.find((a) => !/^\d{12}$/.test(a));
  if (bad !== undefined) throw usageError(`--accounts ${bad} is not a 12-digit account id`, 'give account ids, or "organization" alone');
  const templated = roleArn.includes('{account}');
  if (templated && accounts.length === 0) throw usageError(`--role-arn ${roleArn} names no account: "{account}" needs --accounts`, 'add --accounts 111122223333 …, or --accounts organization');
  if (!templated && accounts.length > 0) throw usageError('--accounts needs "{account}" in --role-arn, to name the role in each account', 'e.g. --role-arn arn:aws:iam::{account}:role/SgAudit');
  return { roleArn, accounts: organization ? 'organization' : accounts, ...(externalId !== undefined ? { externalId } : {}) };
}

/** A word where a command or option was expected: a command typed wrong, most likely. */
function unknownCommand(word: string, commands: readonly string[]) {
  const guess = closest(word, commands);
  return usageError(
    `unknown command "${word}"${guess ? ` (did you mean ${guess}?)` : ''}`,
    `the commands are ${commands.join(', ')}; sg-audit help <command> shows one`,
  );
}

/**
 * Errors on stderr, grouped by cause (src/report/error-causes.ts): one line per cause with the
 * hint that fits it, one per set of scopes whose rules could not run. Always printed, whatever
 * the report shows, so a pipe or a file-only run never hides them.
 */
function printErrors(io: Io, errors: readonly AuditError[]): void {
  const { causes, unevaluated } = groupErrors(errors);
  for (const cause of causes) io.stderr.write(`sg-audit: error: ${forErrorLine(causeLine(cause))}\n`);
  for (const entry of unevaluated) io.stderr.write(`sg-audit: error: ${forErrorLine(unevaluatedLine(entry))}\n`);
}

/** "FAIL: 20 findings at or above high (exit 1)": a report's verdict in one line. */
function verdictText(report: AuditReport): string {
  const s = report.summary;
  if (s.status === 'incomplete') return `INCOMPLETE: ${plural(groupErrors(report.errors).causes.length, 'error')} (exit 3)`;
  if (s.status === 'fail') return `FAIL: ${plural(s.failing, report.baseline ? 'new finding' : 'finding')} at or above ${report.run.failOn} (exit 1)`;
  return `PASS: ${plural(s.findings, 'finding')}, none at or above ${report.run.failOn}${report.baseline ? ' that is new' : ''} (exit 0)`;
}

function warn(io: Io, quiet: boolean | undefined, lines: readonly string[]): void {
  if (quiet) return;
  for (const line of lines) io.stderr.write(`sg-audit: warning: ${forErrorLine(line)}\n`);
}

async function readBaseline(file: string) {
  const text = await readReportText(file, (error) => {
    return usageError(
      `cannot read --baseline ${file}: ${error.code === 'ENOENT' ? 'no such file' : (error.code ?? error.message)}`,
      'give the JSON report of an earlier run (sg-audit --format json=<file>)',
    );
  });
  return refuseDeep(parseBaselineReport(text, file), file);
}

/** Every output is checked against every file the run reads: none may be written over. */
async function checkOutputPaths(plans: readonly OutputPlan[], reads: readonly ReadFile[]): Promise<void> {
  for (const plan of plans) if (plan.file !== undefined) await checkOutputPath(plan.file, reads);
}

/** --input or the live flags, not both; checked before anything is read or called. */
function checkSourceFlags(flags: LiveFlags & { input?: string[] }): void {
  if (flags.input && (flags.profile || flags.endpointUrl || flags.roleArn || flags.accounts)) {
    throw usageError('--input audits saved files; --profile, --endpoint-url, --role-arn and --accounts are for live audits', 'use one or the other');
  }
  if (!flags.input) assumePlan(flags);
}

/** --shard, checked before anything is read or called: it splits what a live audit collects. */
function shardFlag(flags: AuditFlags, env: NodeJS.ProcessEnv): ShardSpec | undefined {
  if (flags.shard === undefined) return undefined;
  if (flags.input) {
    throw usageError('--shard splits the account × region pairs a live audit collects; with --input every shard would still read every file', 'audit the saved files in one run, or give each job its own files');
  }
  return parseShard(flags.shard, env);
}

async function runAudit(flags: AuditFlags, io: Io): Promise<number> {
  // A Terraform plan or CloudFormation template: the same audit over what the change makes (docs/plans.md).
  const iacFiles = flags.input ? await (await import('../iac/detect.js')).findIacFiles(flags.input) : [];
  if (iacFiles.length > 0) {
    const { runIacAudit } = await import('./iac.js');
    return runIacAudit(flags, iacFiles, {
      io,
      checkOutputPaths,
      readBaseline,
      collectLive: (liveFlags, kinds) => collectLiveSnapshot(liveFlags, kinds, io),
      emitReport: (report, plans, outcomes) => emitReport(report, plans, outcomes, flags, io),
      checkDisplay: () => void displayFilter(flags),
    });
  }
  if (flags.context) {
    throw usageError('--context gives the account around a plan or template; --input names no plan or template', 'audit saved account data with --input alone, or add --input plan.json (terraform show -json) or a template');
  }
  checkSourceFlags(flags);
  if (flags.cloudtrail === undefined && (flags.since !== undefined || flags.until !== undefined)) {
    throw usageError('--since and --until set the window of CloudTrail events', 'add --cloudtrail');
  }
  const shard = shardFlag(flags, io.env);
  // The config is read first: a bad one stops the run (exit 2) before anything is collected.
  const config = await loadConfig(flags.config, io.cwd ?? process.cwd(), RULES);
  const rules = selectRules(RULES, { only: flags.rule ?? [], skip: flags.skipRule ?? [] }, config.rules);
  // Flag, then config, then high.
  const failOn = (flags.failOn ?? config.failOn ?? 'high') as FailOn;
  // --no-exposure-context, then the config, then on.
  const exposureContext = flags.exposureContext !== false && config.exposureContext !== false;
  const plans = planOutputs(flags.format ?? [], flags.output);
  displayFilter(flags);
  const reads = { ...(config.file !== undefined ? { config: config.file } : {}), ...(flags.baseline !== undefined ? { baseline: flags.baseline } : {}) };
  await checkOutputPaths(plans, filesRead(io.cwd ?? process.cwd(), { ...reads, inputs: [...(flags.input ?? []), ...(flags.cloudtrail ?? []).filter(Boolean)] }));
  // Read before collecting: a wrong baseline path must not cost a live sweep of every region.
  const baseline = flags.baseline !== undefined ? await readBaseline(flags.baseline) : undefined;

  const startedAt = io.now();
  const snapshot = flags.input
    ? await loadInputs(flags.input, { regions: flags.region ?? [] })
    : await collectLiveSnapshot(flags, dataKindsFor(rules, { exposureContext }), io, shard);
  if (snapshot.source === 'file') await checkOutputPaths(plans, filesRead(io.cwd ?? process.cwd(), { ...reads, inputs: snapshot.inputs }));

  const model = normalize(snapshot);
  if (snapshot.source === 'file') {
    // A folder of the wrong files must not pass: when no rule has its data anywhere, say what to add.
    const missing = missingForAnyRule(model, rules);
    if (missing) {
      throw inputError(
        `nothing to audit: ${(flags.input ?? []).join(', ')} holds none of the data ${rules.length === 1 ? `rule ${rules[0]?.rule.meta.id} needs` : `any of the ${rules.length} rules needs`}`,
        `add the output of ${missing
          .slice(0, 2)
          .map((k) => `\`${DATA_KIND_INFO[k].cliCommand}\``)
          .join(' and ')} to --input (sg-audit explain <rule> lists what each rule reads)`,
      );
    }
  }
  // Every catalog rule's effective options, so a rule can read another's (enabled or not).
  const evaluation = evaluate(model, rules, effectiveRules(RULES, config.rules), { exposureContext });
  // Expiry is judged on the day the run started (UTC).
  const suppression = applySuppressions(evaluation.findings, config.suppressions, startedAt, evaluation.outcomes);
  const compared = baseline ? compareWithBaseline(suppression.findings, baseline, evaluation.outcomes) : undefined;
  let report = buildReport(
    model,
    rules,
    evaluation,
    {
      version: VERSION,
      startedAt: startedAt.toISOString(),
      finishedAt: io.now().toISOString(),
      source: snapshot.source,
      inputs: snapshot.inputs,
      failOn,
      ...(config.file !== undefined ? { config: config.file } : {}),
      warnings: snapshot.warnings,
      ...(shard && snapshot.shard
        ? { shard: { ...shard, plan: snapshot.shard, ...shardSettings(rules, effectiveRules(RULES, config.rules), config.suppressions, exposureContext) } }
        : {}),
    },
    suppression,
    compared,
  );

  // --cloudtrail: who opened what each finding reports (src/cli/cloudtrail.ts, loaded only then).
  if (flags.cloudtrail !== undefined) {
    const attributed = await (await import('./cloudtrail.js')).attributeAudit(report, model, flags, io.env, startedAt);
    await checkOutputPaths(plans, filesRead(io.cwd ?? process.cwd(), { inputs: attributed.read }));
    report = attributed.report;
  }

  await emitReport(report, plans, evaluation.outcomes, flags, io);
  return exitCodeFor(report.findings, report.errors, failOn);
}

/**
 * Renders every planned report, writes them, and puts on stderr what no report on stdout shows.
 * Files go in place only once every one is written, so a failure leaves no mix of old and new files.
 * `outcomes` feed the formats that list passing checks (JUnit); a merged report has none.
 */
async function emitReport(
  report: AuditReport,
  plans: readonly OutputPlan[],
  outcomes: readonly Outcome[],
  flags: { color: boolean; quiet?: boolean; details?: boolean; minSeverity?: string; onlyNew?: boolean; baseline?: string },
  io: Io,
): Promise<void> {
  const display = displayFilter(flags);
  const rendered: { plan: OutputPlan; text: RenderedReport }[] = [];
  const notes: string[] = [];
  for (const plan of plans) {
    const toTerminal = plan.file === undefined && Boolean(io.stdout.isTTY);
    const ctx: RenderContext = {
      // Files are never coloured; stdout follows --no-color, NO_COLOR, FORCE_COLOR and the TTY.
      chalk: new Chalk({ level: plan.file === undefined ? colorLevel(flags.color, io.env, toTerminal) : 0 }),
      width: reportWidth(io, toTerminal),
      outcomes,
      cwd: io.cwd ?? process.cwd(),
      ...(flags.details ? { details: true } : {}),
      ...(display ? { display } : {}),
    };
    // Markdown and HTML get the findings the display filter leaves (the table filters itself, as it
    // also says what it hid per section); the machine formats always get every finding.
    const narrowed = display && (plan.format === 'markdown' || plan.format === 'html') ? applyDisplay(report.findings, display) : undefined;
    const view = narrowed ? { ...report, findings: narrowed.shown } : report;
    const { text, notes: said } = (await rendererFor(plan.format))(view, narrowed ? { ...ctx, hidden: narrowed.hidden } : ctx);
    rendered.push({ plan, text });
    notes.push(...said);
  }
  // JSON comes in pieces, rendered as they are written.
  for (const { plan, text } of rendered) if (plan.file === undefined) writeText(io.stdout, text);
  const files = rendered.flatMap(({ plan, text }) => (plan.file === undefined ? [] : [{ path: plan.file, text, format: plan.format }]));
  await writeFilesAtomic(files, io);
  // What a report left out (docs/formats.md): shown even with --quiet, since the file alone would not say it to anyone.
  for (const note of notes) io.stderr.write(`sg-audit: warning: ${forErrorLine(note)}\n`);

  // The table shows warnings itself; other formats need them on stderr. Errors always go there.
  if (!plans.some((p) => p.format === 'table' && p.file === undefined)) warn(io, flags.quiet, report.warnings);
  printErrors(io, report.errors);
  // A run that printed nothing says what it wrote and how it came out.
  if (!flags.quiet && files.length > 0 && !plans.some((p) => p.file === undefined)) {
    io.stderr.write(`sg-audit: wrote ${files.map((f) => `${forTerminal(f.path)} (${f.format})`).join(', ')} · ${verdictText(report)}\n`);
  }
}

async function readShard(file: string): Promise<AuditReport> {
  const text = await readReportText(file, (error) => {
    return usageError(
      `cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'it is a directory' : (error.code ?? error.message)}`,
      'give the JSON reports of the shards (sg-audit --format json=<file>)',
    );
  });
  return refuseDeep(parseReport(text, file), file);
}

/** `sg-audit merge`: shard reports in, one report out, the exit code of one audit over them all. */
async function runMerge(files: readonly string[], flags: MergeFlags, io: Io): Promise<number> {
  const plans = planOutputs(flags.format ?? [], flags.output);
  displayFilter(flags);
  // Never write a report over a shard it was merged from, nor over the baseline.
  await checkOutputPaths(plans, filesRead(io.cwd ?? process.cwd(), { shards: files, ...(flags.baseline !== undefined ? { baseline: flags.baseline } : {}) }));
  const reports: AuditReport[] = [];
  for (const file of files) reports.push(await readShard(file));
  const baseline = flags.baseline !== undefined ? await readBaseline(flags.baseline) : undefined;
  const report = mergeReports(reports, {
    files,
    version: VERSION,
    ...(flags.failOn !== undefined ? { failOn: flags.failOn as FailOn } : {}),
    ...(baseline ? { baseline } : {}),
  });
  await emitReport(report, plans, [], flags, io);
  return exitCodeFor(report.findings, report.errors, report.run.failOn);
}

/**
 * `sg-audit exposure`: what the internet reaches, per interface. It collects what
 * instance-exposed-to-internet reads and grades risk with that rule's options from the config
 * file (and the port rules' options it reads), so the inventory ranks as the audit does; rule
 * severities and suppressions do not apply to an inventory. Exit 0 whatever it lists, 3 on
 * collection errors (the rest is still printed), 2 when offline input lacks what it needs.
 */
async function runExposure(flags: ExposureFlags, io: Io): Promise<number> {
  checkSourceFlags(flags);
  // The config's options grade risk as the audit would; a bad config stops here (exit 2).
  const config = await loadConfig(flags.config, io.cwd ?? process.cwd(), RULES);
  const configRead = config.file !== undefined ? { config: config.file } : {};
  if (flags.output) await checkOutputPath(flags.output, filesRead(io.cwd ?? process.cwd(), { ...configRead, inputs: flags.input ?? [] }));
  const catalog = effectiveRules(RULES, config.rules);
  const exposed = catalog.find((r) => r.rule === instanceExposedToInternet);
  if (!exposed) throw new Error('instance-exposed-to-internet is missing from the rule catalog');
  const { meta } = exposed.rule;
  const kinds = dataKindsFor([exposed]);
  const required = [...new Set<DataKind>([SCOPE_KIND[meta.scope], ...meta.requires])];

  const snapshot = flags.input
    ? await loadInputs(flags.input, { regions: flags.region ?? [] })
    : await collectLiveSnapshot(flags, kinds, io);
  if (flags.output && snapshot.source === 'file') await checkOutputPath(flags.output, filesRead(io.cwd ?? process.cwd(), { ...configRead, inputs: snapshot.inputs }));
  const model = normalize(snapshot);
  const missing = missingData(model, required);
  if (missing.length > 0) {
    const kindsMissing = [...new Set(missing.flatMap((m) => m.missing))];
    throw inputError(
      `the input lacks what reachability needs: ${kindsMissing.map((k) => DATA_KIND_INFO[k].operation).join(', ')} (${plural(missing.length, 'account × region', 'accounts × regions')})`,
      missingDataHint(missing),
    );
  }
  const optionsById = new Map(catalog.map((r) => [r.rule.meta.id, r.options as Readonly<Record<string, unknown>>]));
  const report = buildExposure(model, {
    grading: exposureGrading(exposed.options as ExposedOptions, (id) => optionsById.get(id)),
    required,
    kinds,
    version: VERSION,
    source: snapshot.source,
    inputs: snapshot.inputs,
    ...(config.file !== undefined ? { config: config.file } : {}),
  });

  const format = flags.format ?? 'table';
  const toTerminal = !flags.output && Boolean(io.stdout.isTTY);
  const text =
    format === 'json'
      ? renderExposureJson(report)
      : renderExposureTable(report, {
          chalk: new Chalk({ level: flags.output ? 0 : colorLevel(flags.color, io.env, toTerminal) }),
          width: reportWidth(io, toTerminal),
        });
  if (flags.output) await writeFileAtomic(flags.output, text, io);
  else io.stdout.write(text);

  warn(io, flags.quiet, [...snapshot.warnings, ...model.warnings]);
  printErrors(io, exposureAuditErrors(report.errors));
  return report.errors.length > 0 ? 3 : 0;
}

async function runCollect(flags: CollectFlags, io: Io): Promise<number> {
  if (flags.output) await checkOutputPath(flags.output, []);
  const snapshot = await collectLiveSnapshot(flags, DATA_KINDS, io);
  const text = serializeSnapshot(snapshot, { version: VERSION, collectedAt: io.now().toISOString() });
  if (flags.output) await writeFileAtomic(flags.output, text, io);
  else io.stdout.write(text);
  warn(io, flags.quiet, snapshot.warnings);
  const failures: AuditError[] = snapshot.scopes.flatMap((scope) =>
    Object.entries(scope.kinds).flatMap(([kind, result]) =>
      result.status !== 'error'
        ? []
        : [{ kind: 'collection' as const, accountId: scope.accountId ?? 'unknown', region: scope.region, ...result.error, operation: result.error.operation || kind }],
    ),
  );
  printErrors(io, failures);
  if (!flags.quiet && flags.output) {
    io.stderr.write(`sg-audit: saved ${plural(snapshot.scopes.length, 'region')} to ${forTerminal(flags.output)}${failures.length > 0 ? ` with ${plural(failures.length, 'failed call')} (exit 3)` : ''}\n`);
  }
  return failures.length > 0 ? 3 : 0;
}

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let exitCode = 0;
  const debug = argv.includes('--debug');
  const program = createProgram(VERSION, {
    audit: async (flags, stray) => {
      if (stray.length > 0) throw unknownCommand(stray[0] as string, program.commands.map((c) => c.name()));
      exitCode = await runAudit(flags, io);
    },
    collect: async (flags) => void (exitCode = await runCollect(flags, io)),
    merge: async (files, flags) => void (exitCode = await runMerge(files, flags, io)),
    exposure: async (flags) => void (exitCode = await runExposure(flags, io)),
    diff: async (before, after, flags) => void (exitCode = await (await import('./diff.js')).runDiff(before, after, flags, io)),
    rules: async (flags) => {
      const toTerminal = Boolean(io.stdout.isTTY);
      const chalk = new Chalk({ level: colorLevel(flags.color, io.env, toTerminal) });
      io.stdout.write(renderRuleList(RULES, flags.format ?? 'table', chalk, reportWidth(io, toTerminal)));
    },
    explain: async (ruleId, flags) => {
      const toTerminal = Boolean(io.stdout.isTTY);
      const chalk = new Chalk({ level: colorLevel(flags.color, io.env, toTerminal) });
      io.stdout.write(explainRule(findRule(RULES, ruleId), chalk, reportWidth(io, toTerminal)));
    },
  });
  const output = {
    writeOut: (text: string) => void io.stdout.write(text),
    writeErr: (text: string) => void io.stderr.write(text),
    outputError: () => undefined, // printed below, as one line
  };
  for (const command of [program, ...program.commands]) command.exitOverride().configureOutput(output);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help, help, --version. Commander takes help's exit code from process.exitCode, which is
      // not ours to read: showing help is a success.
      if (error.exitCode === 0 || ['commander.help', 'commander.helpDisplayed', 'commander.version'].includes(error.code)) return 0;
      // Commander quotes what was typed: escape sequences in it are shown, not obeyed.
      const message = error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
      io.stderr.write(`sg-audit: error: ${forErrorLine(message)} — see sg-audit --help\n`);
      return 2;
    }
    if (isSgAuditError(error)) {
      io.stderr.write(`sg-audit: error: ${forErrorLine(error.message)}${error.hint ? ` — ${forErrorLine(error.hint)}` : ''}\n`);
      if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    // Not ours to explain: the audit did not complete, so it must not pass.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`sg-audit: error: unexpected failure: ${forErrorLine(message.split('\n')[0] ?? '')} — run with --debug for details and report it\n`);
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return 3;
  }
}
