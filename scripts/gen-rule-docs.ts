// Rewrites docs/rules.md from the rules' metadata.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../rules/index.js';
import { ruleReferenceMarkdown } from '../src/report/rule-docs.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function rewrite(path: string, make: (before: string) => string): void {
  let before = '';
  try {
    before = readFileSync(path, 'utf8');
  } catch {
    // a new file
  }
  const after = make(before);
  if (after === before) console.log(`${path} is up to date`);
  else {
    writeFileSync(path, after);
    console.log(`${path} rewritten`);
  }
}

mkdirSync(join(root, 'docs'), { recursive: true });
rewrite(join(root, 'docs', 'rules.md'), () => ruleReferenceMarkdown(RULES));
