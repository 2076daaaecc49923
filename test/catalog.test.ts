// Catalog conformance (STYLE.md §7.2), in the spirit of ESLint's checkRuleFiles and cdk-nag's pack
// test: every file in rules/ is a registered, well-described rule with a test file of its own, and
// the catalog is exactly the pinned list of ids (RULES.md's table plus our additions).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { IpPermission } from '@aws-sdk/client-ec2';
import { RULES } from '../rules/index.js';
import { evaluate, type Finding, type ResolvedRule } from '../src/engine/evaluate.js';
import { isDataKind } from '../src/model/kinds.js';
import { optionProblems } from '../src/rules-kit/options.js';
import { isSeverity, type AnyRule, type RuleScope } from '../src/rules-kit/types.js';
import { all, defaultAclEntries, eni, flowLog, group, instance, internetGateway, model, networkAcl, route, routeTable, subnet, tcp, vpc } from './helpers/builders.js';

// The compiled test runs from dist/test/: the repository root is two levels up.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RULES_DIR = join(ROOT, 'rules');
const NOT_RULES = new Set(['index.ts', '_template.ts']);

/**
 * The catalog, pinned: the ids of RULES.md's catalog table (a public contract: users put them in
 * configs, suppressions and CI scripts), plus our additions. Adding, renaming or removing a rule
 * is a visible, reviewed change to this list.
 */
const RULES_MD_IDS = [
  'ssh-open-to-internet',
  'rdp-open-to-internet',
  'all-traffic-open-to-internet',
  'high-risk-port-open-to-internet',
  'unauthorized-port-open-to-internet',
  'too-many-open-ports',
  'default-sg-in-use',
  'default-sg-has-rules',
  'sg-shared-by-all-instances',
  'unused-sg',
  'broad-public-source',
  'rule-missing-description',
  'launch-wizard-sg',
  'unrestricted-egress',
  'stale-sg-reference',
  'too-many-rules',
  'nacl-admin-port-open-to-internet',
  'vpc-flow-logs-disabled',
] as const;
/**
 * Not in RULES.md: unresolved-prefix-list says "exposure unknown" instead of passing a group whose
 * prefix list could not be read; instance-exposed-to-internet (issue 6) reports what the internet
 * actually reaches, through every layer.
 */
const OUR_ADDITIONS = ['instance-exposed-to-internet', 'unresolved-prefix-list'] as const;
const CATALOG_IDS = [...RULES_MD_IDS, ...OUR_ADDITIONS].sort();

const SCOPES: readonly RuleScope[] = ['security-group', 'network-acl', 'vpc', 'network-interface'];

/** The data kind that lists each scope's resources. */
const SCOPE_KIND = { 'security-group': 'securityGroups', 'network-acl': 'networkAcls', vpc: 'vpcs', 'network-interface': 'networkInterfaces' } as const;

/**
 * The data the engine documents for every finding of a scope (src/engine/evaluate.ts toFinding),
 * usable in any message or remediation.cli template. Verified below against the engine itself.
 */
const ENGINE_DATA: Readonly<Record<RuleScope, readonly string[]>> = {
  'security-group': ['resourceId', 'resourceName', 'region', 'groupId', 'groupName'],
  'network-acl': ['resourceId', 'resourceName', 'region', 'aclId'],
  vpc: ['resourceId', 'resourceName', 'region', 'vpcId'],
  'network-interface': ['resourceId', 'resourceName', 'region', 'interfaceId'],
};

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

/** Does the message consist of the template's literal parts, in order? */
function fromTemplate(template: string, message: string): boolean {
  const literal = template.split(/\{\w+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literal.join('[\\s\\S]*')}$`).test(message);
}

const resolved = (rule: AnyRule): ResolvedRule => ({ rule, severity: rule.meta.severity, options: rule.meta.options?.defaults ?? {} });

describe('rule catalog', () => {
  test('rules/ holds rule files', () => {
    assert.ok(ruleFiles.length > 0, `no rule files found in ${RULES_DIR}`);
  });

  test('the catalog is exactly the pinned list: RULES.md\'s table plus our additions', () => {
    assert.equal(CATALOG_IDS.length, 20);
    assert.deepEqual(
      [...RULES.map((r) => r.meta.id)].sort(),
      CATALOG_IDS,
      'update RULES_MD_IDS / OUR_ADDITIONS in the same change that adds, renames or removes a rule',
    );
    assert.deepEqual(
      ruleFiles.map((f) => basename(f, '.ts')),
      CATALOG_IDS,
      'rules/ holds a file for each catalog id and nothing else',
    );
  });

  test('RULES is sorted by id', () => {
    const ids = RULES.map((r) => r.meta.id);
    assert.deepEqual(ids, [...ids].sort());
  });

  test('rules/index.ts imports and lists the rules in alphabetical order', () => {
    const index = readFileSync(join(RULES_DIR, 'index.ts'), 'utf8');
    const imports = [...index.matchAll(/from '\.\/([a-z0-9-]+)\.js'/g)].map((m) => m[1] as string);
    assert.deepEqual(imports, [...imports].sort());
    assert.deepEqual(imports, CATALOG_IDS);
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

  test('rules/index.ts imports every rule file', () => {
    const index = readFileSync(join(RULES_DIR, 'index.ts'), 'utf8');
    const missing = ruleFiles.map((f) => basename(f, '.ts')).filter((id) => !index.includes(`'./${id}.js'`));
    assert.deepEqual(missing, []);
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

      test('severity and scope are valid', () => {
        assert.ok(isSeverity(meta.severity), `severity "${meta.severity}"`);
        assert.ok(SCOPES.includes(meta.scope), `scope "${meta.scope}"`);
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

      test('requires and uses are valid data kinds, without repeats, and requires lists the scope\'s own kind', () => {
        const uses = meta.uses ?? [];
        for (const kind of [...meta.requires, ...uses]) assert.ok(isDataKind(kind), `unknown data kind "${kind}"`);
        assert.equal(new Set(meta.requires).size, meta.requires.length, 'requires repeats a kind');
        assert.equal(new Set(uses).size, uses.length, 'uses repeats a kind');
        assert.deepEqual(uses.filter((k) => meta.requires.includes(k)), [], 'a kind is both required and used');
        assert.ok(meta.requires.includes(SCOPE_KIND[meta.scope]), `a ${meta.scope} rule requires ${SCOPE_KIND[meta.scope]}`);
      });

      test('option defaults satisfy the schema', () => {
        assert.deepEqual(optionProblems(rule, meta.options?.defaults ?? {}), []);
      });

      test('the options schema rejects unknown options', () => {
        assert.match(optionProblems(rule, { notAnOption: true }).join('; '), /must NOT have additional properties \(notAnOption\)/);
      });

      test('message templates have well-formed {placeholders}', () => {
        const templates = Object.entries(meta.messages);
        assert.ok(templates.length > 0, 'no messages');
        for (const [messageId, template] of [...templates, ...(meta.remediation.cli ? [['remediation.cli', meta.remediation.cli] as const] : [])]) {
          assert.ok(template.trim().length > 0, `${messageId}: empty template`);
          const { names, stray } = placeholders(template);
          assert.equal(stray, '', `${messageId}: braces outside {word} placeholders in "${template}"`);
          for (const name of names) assert.match(name, /^[a-z][A-Za-z0-9]*$/, `${messageId}: placeholder {${name}}`);
        }
      });

      test('remediation.cli uses only the data the engine documents for the scope', () => {
        const { names } = placeholders(meta.remediation.cli ?? '');
        const undocumented = names.filter((n) => !ENGINE_DATA[meta.scope].includes(n));
        assert.deepEqual(undocumented, [], `remediation.cli of a ${meta.scope} rule uses {${undocumented.join('}, {')}}`);
      });

      test('has test/rules/<id>.test.ts', () => {
        assert.ok(existsSync(join(ROOT, 'test', 'rules', `${id}.test.ts`)), `missing test/rules/${id}.test.ts`);
      });
    });
  }
});

describe('message data', () => {
  test('the engine fills the documented data of each scope', () => {
    const m = model({
      groups: [group({ id: 'sg-probe', name: 'probe' })],
      networkAcls: [networkAcl({ id: 'acl-probe', entries: [] })],
      vpcs: [vpc({ id: 'vpc-probe' })],
      interfaces: [eni({ id: 'eni-probe', groups: ['sg-probe'] })],
    });
    for (const scope of SCOPES) {
      const template = ENGINE_DATA[scope].map((n) => `{${n}}`).join('|');
      const probe = {
        meta: {
          id: `probe-${scope}`,
          title: 'probe',
          severity: 'info',
          scope,
          requires: [],
          description: 'probe',
          rationale: 'probe',
          remediation: { summary: 'probe', cli: template },
          references: [{ framework: 'test', control: 'probe' }],
          messages: { probe: template },
        },
        check(_resource: unknown, context: { report(f: { messageId: string; key: string; data: object; evidence: object }): void }) {
          context.report({ messageId: 'probe', key: 'probe', data: {}, evidence: {} });
        },
      } as unknown as AnyRule;
      const { findings, errors } = evaluate(m, [resolved(probe)]);
      assert.deepEqual(errors, []);
      assert.equal(findings.length, 1, scope);
      assert.doesNotMatch(findings[0]?.message ?? '{', /\{\w+\}/, `${scope}: the engine left a documented placeholder unfilled`);
      assert.doesNotMatch(findings[0]?.remediationCommand ?? '{', /\{\w+\}/, `${scope}: remediation.cli left unfilled`);
    }
  });

  // One account in which every message of every rule fires (with default options), so each
  // template is shown to be filled: a placeholder no finding fills is a typo or a stale name.
  const undescribedPairs = (port: number, groupId: string): IpPermission => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, UserIdGroupPairs: [{ GroupId: groupId }] });
  const partners = Array.from({ length: 51 }, (_, i) => `198.51.100.${i}/32`);
  const data = {
    vpcs: [vpc({ id: 'vpc-1' }), vpc({ id: 'vpc-2' })],
    subnets: [subnet({ id: 'subnet-1', name: 'public-1a' })],
    networkAcls: [networkAcl({ id: 'acl-default', isDefault: true, subnets: ['subnet-1'], entries: defaultAclEntries(true) })],
    flowLogs: [flowLog({ resourceId: 'vpc-2', deliverStatus: 'FAILED' })],
    groups: [
      group({ id: 'sg-default1', name: 'default', ingress: [all('sg-default1')], egress: [all('0.0.0.0/0')] }),
      group({ id: 'sg-web', name: 'web' }),
      group({ id: 'sg-all', name: 'all', ingress: [all('0.0.0.0/0')] }),
      group({ id: 'sg-alltcp', name: 'all-tcp', ingress: [tcp([0, 65535], '0.0.0.0/0')] }),
      group({ id: 'sg-broad', name: 'broad', ingress: [tcp(443, '52.0.0.0/8')] }),
      group({ id: 'sg-mysql', name: 'mysql', ingress: [tcp(3306, '0.0.0.0/0')] }),
      group({ id: 'sg-wizard', name: 'launch-wizard-1', ingress: [tcp(22, '0.0.0.0/0')] }),
      group({ id: 'sg-rdp', name: 'rdp', ingress: [tcp(3389, '0.0.0.0/0')] }),
      group({ id: 'sg-stale', name: 'stale', ingress: [undescribedPairs(5432, 'sg-gone')] }),
      group({ id: 'sg-ports', name: 'ports', ingress: [tcp([1000, 1020], '10.0.0.0/8')] }),
      group({ id: 'sg-partners', name: 'partners', ingress: [tcp(8443, ...partners)] }),
      group({ id: 'sg-alt', name: 'alt', ingress: [tcp(8443, '0.0.0.0/0')] }),
      group({ id: 'sg-pl', name: 'pl', ingress: [tcp(443, 'pl-0123456789abcdef0')] }),
    ],
    interfaces: [
      eni({ id: 'eni-1', groups: ['sg-web', 'sg-default1'], instanceId: 'i-1' }),
      eni({ id: 'eni-2', groups: ['sg-web'], instanceId: 'i-2' }),
      eni({ id: 'eni-3', groups: ['sg-web'], instanceId: 'i-3' }),
      eni({ id: 'eni-4', groups: ['sg-web'], vpcId: 'vpc-2' }),
      eni({ id: 'eni-5', groups: ['sg-rdp'], publicIp: '3.3.3.3' }),
    ],
    routeTables: [routeTable({ main: true, routes: [route('0.0.0.0/0', 'igw-1')] })],
    internetGateways: [internetGateway()],
    instances: [instance({ id: 'i-1', groups: ['sg-web', 'sg-default1'] }), instance({ id: 'i-2', groups: ['sg-web'] }), instance({ id: 'i-3', groups: ['sg-web'] })],
  };
  const evaluation = evaluate(model(data), RULES.map(resolved));

  test('the account is evaluated by every rule without errors or skips', () => {
    assert.deepEqual(evaluation.errors, []);
    assert.deepEqual(evaluation.skipped, []);
  });

  for (const rule of RULES) {
    for (const [messageId, template] of Object.entries(rule.meta.messages)) {
      test(`${rule.meta.id}: message "${messageId}" fires with every placeholder filled`, () => {
        const findings: Finding[] = evaluation.findings.filter((f) => f.ruleId === rule.meta.id && fromTemplate(template, f.message));
        assert.ok(findings.length > 0, `no finding from "${messageId}" in the fixture account`);
        for (const f of findings) {
          const unfilled = placeholders(template).names.filter((n) => f.message.includes(`{${n}}`));
          assert.deepEqual(unfilled, [], `"${f.message}" leaves {${unfilled.join('}, {')}} unfilled`);
          assert.doesNotMatch(f.remediationCommand ?? '', /\{[a-z]\w*\}/, `remediation command "${f.remediationCommand}" has an unfilled placeholder`);
        }
      });
    }
  }
});
