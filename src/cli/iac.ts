// The audit of a Terraform plan or a CloudFormation template (--input plan.json | template.yaml):
// the same flags, config, rules, reports and exit codes as an account audit, with --context (or
// the live flags) for the account around the change. Without --baseline, the gate fails only on
// what the change adds: the before side (a plan's prior state, the context) is its baseline.
// Loaded only when an input is a plan or template.
import { RULES } from '../../rules/index.js';
import { loadInputs } from '../collect/files.js';
import type { RawSnapshot } from '../collect/types.js';
import { loadConfig } from '../config/load.js';
import { compareWithBaseline, type Baseline } from '../engine/baseline.js';
import { deltaAsBaseline } from '../engine/delta.js';
import type { Outcome } from '../engine/evaluate.js';
import { exitCodeFor, type FailOn } from '../engine/gate.js';
import { dataKindsFor, effectiveRules, selectRules } from '../engine/select.js';
import { applySuppressions } from '../engine/suppress.js';
import { usageError } from '../errors.js';
import { auditIac, changeCounts } from '../iac/audit.js';
import type { IacFile } from '../iac/detect.js';
import { loadIac } from '../iac/load.js';
import type { DataKind } from '../model/kinds.js';
import { buildReport } from '../report/build.js';
import type { AuditReport } from '../report/types.js';
import { VERSION } from '../version.js';
import { planOutputs, type OutputPlan } from './outputs.js';
import type { AuditFlags, LiveFlags } from './program.js';
import { filesRead, type ReadFile } from './write.js';

/** What the audit command shares with this one (main.ts keeps them). */
export interface AuditHelpers {
  readonly io: { readonly cwd?: string; readonly now: () => Date };
  checkOutputPaths(plans: readonly OutputPlan[], reads: readonly ReadFile[]): Promise<void>;
  readBaseline(file: string): Promise<Baseline>;
  collectLive(flags: LiveFlags & { quiet?: boolean }, kinds: readonly DataKind[]): Promise<RawSnapshot>;
  emitReport(report: AuditReport, plans: readonly OutputPlan[], outcomes: readonly Outcome[]): Promise<void>;
  checkDisplay(): void;
}

const live = (flags: LiveFlags) => Boolean(flags.profile || flags.endpointUrl || flags.roleArn || flags.accounts);

export async function runIacAudit(flags: AuditFlags, files: readonly IacFile[], h: AuditHelpers): Promise<number> {
  const cwd = h.io.cwd ?? process.cwd();
  const others = (flags.input ?? []).filter((path) => !files.some((f) => f.path === path));
  if (others.length > 0) {
    throw usageError(
      `--input ${others.join(', ')}: saved account data beside a plan or template is the account around the change`,
      'give it with --context instead (--input the plan or template, --context saved/)',
    );
  }
  if (flags.shard !== undefined) throw usageError('--shard splits a live audit of many accounts; a plan or template is audited in one run', 'drop --shard');
  if (flags.context && live(flags)) {
    throw usageError('--context gives the account as saved files; --profile, --endpoint-url, --role-arn and --accounts collect it live', 'use one or the other');
  }
  if (!live(flags) && (flags.region?.length ?? 0) > 1) {
    throw usageError('with a plan or template, --region names the region of resources whose provider or template does not say; give one', 'e.g. --region us-east-1');
  }
  const config = await loadConfig(flags.config, cwd, RULES);
  const rules = selectRules(RULES, { only: flags.rule ?? [], skip: flags.skipRule ?? [] }, config.rules);
  const failOn = (flags.failOn ?? config.failOn ?? 'high') as FailOn;
  const exposureContext = flags.exposureContext !== false && config.exposureContext !== false;
  const plans = planOutputs(flags.format ?? [], flags.output);
  h.checkDisplay();
  // Never a report over the plan, the template, the context, the config or the baseline.
  const reads = { ...(config.file !== undefined ? { config: config.file } : {}), ...(flags.baseline !== undefined ? { baseline: flags.baseline } : {}) };
  await h.checkOutputPaths(plans, filesRead(cwd, { ...reads, inputs: [...(flags.input ?? []), ...(flags.context ?? [])] }));
  const baseline = flags.baseline !== undefined ? await h.readBaseline(flags.baseline) : undefined;

  const startedAt = h.io.now();
  const region = flags.region?.[0];
  const inputs = [];
  for (const file of files) inputs.push(await loadIac(file, { cwd, ...(region && !live(flags) ? { region } : {}) }));
  let context: RawSnapshot | undefined;
  let contextLabel: string | undefined;
  if (flags.context) {
    context = await loadInputs(flags.context, { regions: region ? [region] : [] });
    await h.checkOutputPaths(plans, filesRead(cwd, { ...reads, inputs: context.inputs }));
    contextLabel = flags.context.join(', ');
  } else if (live(flags)) {
    // The regions the plan's resources are in, unless --region names them.
    const regions = flags.region ?? [...new Set(inputs.flatMap((i) => i.after.map((w) => w.region)).filter((r): r is string => r !== undefined))];
    if (regions.length === 0) throw usageError('the plan or template does not say which region it deploys to', 'give --region with the live flags');
    context = await h.collectLive({ ...flags, region: regions }, dataKindsFor(rules, { exposureContext }));
    contextLabel = 'the live account';
  }

  const catalog = effectiveRules(RULES, config.rules);
  const audit = auditIac({
    inputs,
    ...(context ? { context } : {}),
    ...(contextLabel ? { contextLabel } : {}),
    ...(region ? { region } : {}),
    rules,
    catalog,
    exposureContext,
  });
  const { evaluation } = audit;
  const suppression = applySuppressions(evaluation.findings, config.suppressions, startedAt, evaluation.outcomes);
  // An explicit baseline wins; otherwise the change's before side is the baseline.
  const compared = baseline
    ? compareWithBaseline(suppression.findings, baseline, evaluation.outcomes)
    : audit.before
      ? deltaAsBaseline(suppression.findings, audit.before.findings, audit.before.label)
      : undefined;
  const report = buildReport(
    audit.model,
    rules,
    evaluation,
    {
      version: VERSION,
      startedAt: startedAt.toISOString(),
      finishedAt: h.io.now().toISOString(),
      source: audit.snapshot.source,
      inputs: audit.snapshot.inputs,
      failOn,
      ...(config.file !== undefined ? { config: config.file } : {}),
      warnings: [...audit.warnings, ...audit.snapshot.warnings],
    },
    suppression,
    compared,
    audit.change && audit.before ? { ...audit.change, ...changeCounts(audit.before.findings, evaluation.findings) } : undefined,
  );
  await h.emitReport(report, plans, evaluation.outcomes);
  return exitCodeFor(report.findings, evaluation.errors, failOn);
}
