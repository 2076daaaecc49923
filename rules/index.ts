// The rule catalog: an explicit, alphabetised list (test/catalog.test.ts checks it against the folder).
import type { AnyRule } from '../src/rules-kit/types.js';
import allTrafficOpenToInternet from './all-traffic-open-to-internet.js';
import broadPublicSource from './broad-public-source.js';
import defaultSgHasRules from './default-sg-has-rules.js';
import defaultSgInUse from './default-sg-in-use.js';
import highRiskPortOpenToInternet from './high-risk-port-open-to-internet.js';
import instanceExposedToInternet from './instance-exposed-to-internet.js';
import launchWizardSg from './launch-wizard-sg.js';
import naclAdminPortOpenToInternet from './nacl-admin-port-open-to-internet.js';
import rdpOpenToInternet from './rdp-open-to-internet.js';
import ruleMissingDescription from './rule-missing-description.js';
import sgSharedByAllInstances from './sg-shared-by-all-instances.js';
import sshOpenToInternet from './ssh-open-to-internet.js';
import staleSgReference from './stale-sg-reference.js';
import tooManyOpenPorts from './too-many-open-ports.js';
import tooManyRules from './too-many-rules.js';
import unauthorizedPortOpenToInternet from './unauthorized-port-open-to-internet.js';
import unresolvedPrefixList from './unresolved-prefix-list.js';
import unrestrictedEgress from './unrestricted-egress.js';
import unusedSg from './unused-sg.js';
import vpcFlowLogsDisabled from './vpc-flow-logs-disabled.js';

export const RULES: readonly AnyRule[] = [
  allTrafficOpenToInternet,
  broadPublicSource,
  defaultSgHasRules,
  defaultSgInUse,
  highRiskPortOpenToInternet,
  instanceExposedToInternet,
  launchWizardSg,
  naclAdminPortOpenToInternet,
  rdpOpenToInternet,
  ruleMissingDescription,
  sgSharedByAllInstances,
  sshOpenToInternet,
  staleSgReference,
  tooManyOpenPorts,
  tooManyRules,
  unauthorizedPortOpenToInternet,
  unresolvedPrefixList,
  unrestrictedEgress,
  unusedSg,
  vpcFlowLogsDisabled,
] as AnyRule[];
