// Reading the plans and templates given to --input: what each declares, before and after its
// change. The I/O of the IaC input (with detect.ts): the rest of src/iac/ is pure.
import { inputError } from '../errors.js';
import type { IacInput } from './audit.js';
import { parseTemplate } from './cloudformation/template.js';
import { templateWorld } from './cloudformation/convert.js';
import { isTemplate, type IacFile } from './detect.js';
import { displayPath, indexSources } from './terraform/locate.js';
import { readTerraformPlan } from './terraform/plan.js';
import { terraformWorlds } from './terraform/convert.js';

export interface LoadIacOptions {
  readonly cwd: string;
  /** --region: where resources whose plan or template does not say are. */
  readonly region?: string;
}

/** What one plan or template declares, before and after its change. */
export async function loadIac(file: IacFile, options: LoadIacOptions): Promise<IacInput> {
  const shown = displayPath(file.path, options.cwd);
  if (file.kind === 'terraform') {
    const plan = readTerraformPlan(shown, file.data);
    const sources = await indexSources(file.path, plan.root, options.cwd);
    const worlds = terraformWorlds(plan, sources, options.region);
    const located = [...sources.values()].some((blocks) => blocks.size > 0);
    const warnings = plan.root && !located ? [`no .tf files beside ${shown} or in the working directory: findings point at resource addresses in the plan, and dynamic blocks cannot be ruled out (a rule list the plan leaves unknown is assumed the worst)`] : [];
    return {
      file: shown,
      kind: plan.isState ? 'terraform-state' : 'terraform-plan',
      ...(worlds.before ? { before: worlds.before } : {}),
      after: worlds.after,
      changes: worlds.changes,
      warnings,
    };
  }
  const template = parseTemplate(file.text, shown);
  if (!isTemplate(template.value)) {
    throw inputError(`${shown} is not a CloudFormation template (no Resources of an AWS:: type)`, 'give --input a template, a `terraform show -json` plan, or saved aws ec2 describe-* JSON');
  }
  return { file: shown, kind: 'cloudformation', after: [templateWorld(template, options.region)], warnings: [] };
}
