// Rewrites the rule table in README.md from the rules' metadata.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../rules/index.js';
import { withRuleTable } from '../src/report/rule-docs.js';

const readmePath = join(fileURLToPath(new URL('../../', import.meta.url)), 'README.md');
const before = readFileSync(readmePath, 'utf8');
const after = withRuleTable(before, RULES);
if (after === before) console.log('README.md rule table is up to date');
else {
  writeFileSync(readmePath, after);
  console.log('README.md rule table rewritten');
}
