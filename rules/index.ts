// The rule catalog: an explicit, alphabetised list (test/catalog.test.ts checks it against the folder).
import type { AnyRule } from '../src/rules-kit/types.js';
import allTrafficOpenToInternet from './all-traffic-open-to-internet.js';
import defaultSgHasRules from './default-sg-has-rules.js';
import defaultSgInUse from './default-sg-in-use.js';
import rdpOpenToInternet from './rdp-open-to-internet.js';
import sgSharedByAllInstances from './sg-shared-by-all-instances.js';
import sshOpenToInternet from './ssh-open-to-internet.js';
import tooManyOpenPorts from './too-many-open-ports.js';
import unusedSg from './unused-sg.js';

export const RULES: readonly AnyRule[] = [
  allTrafficOpenToInternet,
  defaultSgHasRules,
  defaultSgInUse,
  rdpOpenToInternet,
  sgSharedByAllInstances,
  sshOpenToInternet,
  tooManyOpenPorts,
  unusedSg,
] as AnyRule[];
