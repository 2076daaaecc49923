// Auditing plans and templates in tests, through the same pure pipeline the CLI runs (src/iac/):
// a plan JSON or template text in, the after side's findings and the change out.
import { RULES } from '../../rules/index.js';
import type { RawSnapshot } from '../../src/collect/types.js';
import { deltaAsBaseline } from '../../src/engine/delta.js';
import type { Finding } from '../../src/engine/evaluate.js';
import { effectiveRules, selectRules } from '../../src/engine/select.js';
import { auditIac, type IacAudit, type IacInput } from '../../src/iac/audit.js';
import { templateWorld } from '../../src/iac/cloudformation/convert.js';
import { parseTemplate } from '../../src/iac/cloudformation/template.js';
import { terraformWorlds } from '../../src/iac/terraform/convert.js';
import type { SourceIndex } from '../../src/iac/terraform/locate.js';
import { readTerraformPlan } from '../../src/iac/terraform/plan.js';

/** A plan's input; `sources` stands for its `.tf` files (blocks by configuration path, then `type.name`). */
export function planInput(plan: unknown, file = 'plan.json', region?: string, sources: SourceIndex = new Map()): IacInput {
  const read = readTerraformPlan(file, plan);
  const worlds = terraformWorlds(read, sources, region);
  return { file, kind: read.isState ? 'terraform-state' : 'terraform-plan', ...(worlds.before ? { before: worlds.before } : {}), after: worlds.after, changes: worlds.changes, warnings: [] };
}

export function templateInput(text: string, file = 'template.yaml', region?: string): IacInput {
  return { file, kind: 'cloudformation', after: [templateWorld(parseTemplate(text, file), region)], warnings: [] };
}

export interface Audited extends IacAudit {
  /** The after side's findings, marked new or unchanged against the before side (when there is one). */
  readonly marked: readonly (Finding & { baseline?: 'new' | 'unchanged' })[];
  /** `ruleId resource` of each finding (the address when there is one). */
  readonly found: readonly string[];
}

export function audit(inputs: readonly IacInput[], options: { context?: RawSnapshot; rules?: readonly string[] } = {}): Audited {
  const rules = selectRules(RULES, { only: [...(options.rules ?? [])], skip: [] });
  const result = auditIac({
    inputs,
    ...(options.context ? { context: options.context } : {}),
    rules,
    catalog: effectiveRules(RULES),
    exposureContext: true,
  });
  const marked = result.before ? deltaAsBaseline(result.evaluation.findings, result.before.findings, result.before.label).findings : result.evaluation.findings;
  return { ...result, marked, found: result.evaluation.findings.map((f) => `${f.ruleId} ${f.resource.address ?? f.resource.id}`) };
}
