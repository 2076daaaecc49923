// Catalog conformance (STYLE.md §7.2), in the spirit of ESLint's checkRuleFiles and cdk-nag's pack
// test: every file in rules/ is a registered, well-described rule with a test file of its own.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RULES } from '../rules/index.js';
import { optionProblems } from '../src/rules-kit/options.js';
import type { AnyRule } from '../src/rules-kit/types.js';

// The compiled test runs from dist/test/: the repository root is two levels up.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RULES_DIR = join(ROOT, 'rules');
const NOT_RULES = new Set(['index.ts', '_template.ts']);

/** The default rule set, pinned: adding or removing a default rule is a visible, reviewed change. */
const DEFAULT_RULE_IDS = [
  'all-traffic-open-to-internet',
  'default-sg-has-rules',
  'default-sg-in-use',
  'rdp-open-to-internet',
  'sg-shared-by-all-instances',
  'ssh-open-to-internet',
  'too-many-open-ports',
  'unused-sg',
];

const KEBAB_CASE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_TITLE = 100;

const ruleFiles = readdirSync(RULES_DIR)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !NOT_RULES.has(f))
  .sort();

// Each rule file's default export, loaded from its compiled module beside dist/rules/index.js.
const loaded = new Map<string, AnyRule>();
for (const file of ruleFiles) {
  const id = basename(file, '.ts');
  const mod = (await import(new URL(`../rules/${id}.js`, import.meta.url).href)) as { default?: AnyRule };
  if (mod.default) loaded.set(id, mod.default);
}

/** The {placeholders} of a template, and whatever braces are left once they are taken out. */
function placeholders(template: string): { names: string[]; stray: string } {
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  return { names, stray: template.replace(/\{\w+\}/g, '').replace(/[^{}]/g, '') };
}

describe('rule catalog', () => {
  test('rules/ holds rule files', () => {
    assert.ok(ruleFiles.length > 0, `no rule files found in ${RULES_DIR}`);
  });

  test('RULES is sorted by id', () => {
    const ids = RULES.map((r) => r.meta.id);
    assert.deepEqual(ids, [...ids].sort());
  });

  test('ids are unique', () => {
    const ids = RULES.map((r) => r.meta.id);
    const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
    assert.deepEqual(duplicates, [], `duplicate rule ids: ${duplicates.join(', ')}`);
  });

  test('every rule in RULES has a file of its own', () => {
    const files = ruleFiles.map((f) => basename(f, '.ts'));
    const orphans = RULES.map((r) => r.meta.id).filter((id) => !files.includes(id));
    assert.deepEqual(orphans, [], `rules without a rules/<id>.ts file: ${orphans.join(', ')}`);
  });

  test('the default rule set matches the pinned list', () => {
    assert.deepEqual(
      RULES.map((r) => r.meta.id),
      DEFAULT_RULE_IDS,
      'update DEFAULT_RULE_IDS in the same change that adds or removes a default rule (DEVELOPERS.md)',
    );
  });

  for (const file of ruleFiles) {
    const id = basename(file, '.ts');

    describe(`rules/${file}`, () => {
      const rule = loaded.get(id);

      test('has a default export', () => assert.ok(rule, `rules/${file} has no default export`));
      if (!rule) return;
      const { meta } = rule;

      test('is registered in RULES (rules/index.ts)', () => {
        assert.ok(RULES.includes(rule), `add ${id} to rules/index.ts`);
      });

      test('meta.id equals the file name and is kebab-case', () => {
        assert.equal(meta.id, id);
        assert.match(meta.id, KEBAB_CASE);
      });

      test('title states the problem: non-empty, short, not "Ensure …"', () => {
        assert.ok(meta.title.trim().length > 0, 'empty title');
        assert.ok(meta.title.length <= MAX_TITLE, `title is ${meta.title.length} characters (max ${MAX_TITLE})`);
        assert.doesNotMatch(meta.title, /^\s*ensure\b/i);
      });

      test('description, rationale and remediation summary are non-empty', () => {
        assert.ok(meta.description.trim().length > 0, 'empty description');
        assert.ok(meta.rationale.trim().length > 0, 'empty rationale');
        assert.ok(meta.remediation.summary.trim().length > 0, 'empty remediation.summary');
      });

      test('references name a framework and a control, and CIS ones a version', () => {
        assert.ok(meta.references.length > 0, 'no references');
        meta.references.forEach((ref, i) => {
          assert.ok(ref.framework.trim().length > 0, `reference ${i}: empty framework`);
          assert.ok(ref.control.trim().length > 0, `reference ${i}: empty control`);
          if (/\bCIS\b/i.test(ref.framework)) {
            assert.ok((ref.version ?? '').trim().length > 0, `reference ${i} (${ref.framework} ${ref.control}) has no version`);
          }
        });
      });

      test('requires securityGroups', () => {
        assert.ok(meta.requires.includes('securityGroups'));
      });

      test('option defaults satisfy the schema', () => {
        assert.deepEqual(optionProblems(rule, meta.options?.defaults ?? {}), []);
      });

      test('message templates have plausible {placeholders}', () => {
        const templates = Object.entries(meta.messages);
        assert.ok(templates.length > 0, 'no messages');
        for (const [messageId, template] of [...templates, ...(meta.remediation.cli ? [['remediation.cli', meta.remediation.cli] as const] : [])]) {
          assert.ok(template.trim().length > 0, `${messageId}: empty template`);
          const { names, stray } = placeholders(template);
          assert.equal(stray, '', `${messageId}: braces outside {word} placeholders in "${template}"`);
          for (const name of names) assert.match(name, /^[a-z][A-Za-z0-9]*$/, `${messageId}: placeholder {${name}}`);
        }
      });

      test('has test/rules/<id>.test.ts', () => {
        assert.ok(existsSync(join(ROOT, 'test', 'rules', `${id}.test.ts`)), `missing test/rules/${id}.test.ts`);
      });
    });
  }

  test('rules/index.ts imports every rule file', () => {
    const index = readFileSync(join(RULES_DIR, 'index.ts'), 'utf8');
    const missing = ruleFiles.map((f) => basename(f, '.ts')).filter((id) => !index.includes(`'./${id}.js'`));
    assert.deepEqual(missing, []);
  });
});
