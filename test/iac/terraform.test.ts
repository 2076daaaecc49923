// Terraform plans through the engine: what each resource type becomes, references between them
// (modules, count and for_each), values known only after apply (assumed the worst, marked, never a
// pass), what the plan alone cannot judge, and what the change adds against the prior state.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { audit, planInput } from '../helpers/iac.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { c, refs, sgRule, tfPlan, type TfInstance } from '../helpers/terraform-plan.js';
import { readTerraformPlan } from '../../src/iac/terraform/plan.js';

const web = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'plans', 'web', 'plan.json'), 'utf8')) as unknown;

/** A new group with these inline rules, and nothing else unknown but its id. */
const group = (name: string, ingress: unknown[], extra: Partial<TfInstance> = {}): TfInstance => ({
  address: `aws_security_group.${name}`,
  after: { name, description: name, ingress, egress: [], vpc_id: 'vpc-0123456789abcdef0', tags: null },
  unknown: { id: true, arn: true, owner_id: true },
  expressions: { name: c(name), vpc_id: c('vpc-0123456789abcdef0'), ingress: ingress.map(() => ({})) },
  ...extra,
});

describe('terraform plans: what each resource becomes', () => {
  test('the web plan: modules, count, a per-rule resource with an unknown CIDR, self beside 0.0.0.0/0', () => {
    const result = audit([planInput(web)]);
    const found = new Set(result.found);
    for (const expected of [
      'ssh-open-to-internet module.app.aws_security_group.web',
      'rdp-open-to-internet module.app.aws_security_group.web',
      'high-risk-port-open-to-internet module.app.aws_security_group.web',
      'instance-exposed-to-internet module.app.aws_instance.web[0]',
      'high-risk-port-open-to-internet aws_security_group.legacy',
    ]) {
      assert.ok(found.has(expected), `${expected} in ${[...found].join('; ')}`);
    }
    // The group's id is made from its address; the instance's interface from the instance's.
    const ssh = result.evaluation.findings.find((f) => f.ruleId === 'ssh-open-to-internet');
    assert.equal(ssh?.resource.id, 'sg-tf:module.app.aws_security_group.web');
    assert.equal(ssh?.resource.vpcId, 'vpc-tf:aws_vpc.main', 'var.vpc_id resolves through the module call to aws_vpc.main');
    // tcp 8080 from itself and from 0.0.0.0/0: the group reference does not hide the CIDR.
    const exposed = result.evaluation.findings.find((f) => f.ruleId === 'instance-exposed-to-internet');
    assert.match(exposed?.message ?? '', /tcp 8080/);
    // The interface reaches the internet through the route table associated by count.index.
    assert.match(exposed?.message ?? '', /rtb-tf:aws_route_table\.public 0\.0\.0\.0\/0 → igw-tf:aws_internet_gateway\.gw/);
    // The remediation is in the code, not an AWS command for an id apply has not given.
    assert.equal(ssh?.remediationCommand, undefined);
  });

  test('a value known after apply is assumed the worst and marked with what was assumed; it is never a pass', () => {
    const result = audit([planInput(web)]);
    const rdp = result.evaluation.findings.find((f) => f.ruleId === 'rdp-open-to-internet');
    assert.ok(rdp, 'RDP from an EIP known after apply might be open to the internet');
    assert.deepEqual(rdp.unknown, [
      { address: 'aws_vpc_security_group_ingress_rule.admin_rdp', attribute: 'cidr_ipv4', reason: 'known after apply (from aws_eip.bastion.public_ip)', assumed: '0.0.0.0/0' },
    ]);
    assert.match(rdp.message, /might be, if aws_vpc_security_group_ingress_rule\.admin_rdp cidr_ipv4/);
    // A finding that does not depend on it carries no mark.
    assert.equal(result.evaluation.findings.find((f) => f.ruleId === 'ssh-open-to-internet')?.unknown, undefined);
  });

  test('the prior state is the baseline: a change that narrows a rule fixes its finding; old debt stays unchanged', () => {
    const result = audit([planInput(web)]);
    const legacy = result.marked.filter((f) => f.resource.address === 'aws_security_group.legacy');
    assert.ok(legacy.length > 0 && legacy.every((f) => f.baseline === 'unchanged'), 'PostgreSQL from anywhere was there before the change');
    assert.ok(result.marked.filter((f) => f.resource.address?.startsWith('module.app.')).every((f) => f.baseline === 'new'));
    assert.ok(result.before?.findings.some((f) => f.ruleId === 'ssh-open-to-internet' && f.resource.address === 'aws_security_group.legacy'));
    assert.ok(!result.evaluation.findings.some((f) => f.ruleId === 'ssh-open-to-internet' && f.resource.address === 'aws_security_group.legacy'), 'fixed by the change');
    assert.deepEqual(
      result.change?.newlyExposed.map((e) => [e.resource.address, e.ports]),
      [
        [
          'module.app.aws_instance.web[0]',
          [
            { family: 'ipv4', protocol: 'tcp', ports: '22, 443, 8080' },
            { family: 'ipv4', protocol: 'tcp', ports: '3389', unknown: true },
          ],
        ],
      ],
    );
  });

  test('a plan never applied compares with nothing: everything it makes is new', () => {
    const result = audit([planInput(tfPlan({ resources: [group('ssh', [sgRule(22, 22, 'tcp', { cidr: ['0.0.0.0/0'] })])] }))], { rules: ['ssh-open-to-internet'] });
    assert.equal(result.change?.comparedWith, 'nothing (plan.json has no prior state)');
    assert.deepEqual(result.marked.map((f) => f.baseline), ['new']);
  });

  test('a replaced group (delete, then create: a new id after apply) keeps its findings unchanged; a deleted one fixes them', () => {
    const ingress = [sgRule(22, 22, 'tcp', { cidr: ['0.0.0.0/0'] })];
    const before = { id: 'sg-0aaaabbbbccccdddd', name: 'ssh', description: 'ssh', ingress, egress: [], vpc_id: 'vpc-0123456789abcdef0' };
    const replaced = audit([planInput(tfPlan({ resources: [{ address: 'aws_security_group.ssh', action: 'replace', before, after: { ...before, id: null, description: 'ssh, renamed' }, unknown: { id: true } }] }))], {
      rules: ['ssh-open-to-internet'],
    });
    assert.equal(replaced.evaluation.findings[0]?.resource.id, 'sg-tf:aws_security_group.ssh', 'the new group has no id before apply');
    assert.deepEqual(replaced.marked.map((f) => f.baseline), ['unchanged']);
    const deleted = audit([planInput(tfPlan({ resources: [{ address: 'aws_security_group.ssh', action: 'delete', before }] }))], { rules: ['ssh-open-to-internet'] });
    assert.deepEqual(deleted.evaluation.findings, []);
    assert.equal(deleted.before?.findings.length, 1, 'the deleted group\'s finding is fixed by the change');
    assert.deepEqual(deleted.change?.resources, { create: 0, update: 0, replace: 0, delete: 1 });
  });

  test('fingerprints do not churn: the same plan twice, and the resource once applied (real ids) keep them', () => {
    const first = audit([planInput(web)]).evaluation.findings.map((f) => f.fingerprint);
    const again = audit([planInput(web)]).evaluation.findings.map((f) => f.fingerprint);
    assert.deepEqual(again, first);
    // After apply: the same group with a real id (a no-op plan) has the same fingerprint for the same finding.
    const ingress = [sgRule(22, 22, 'tcp', { cidr: ['0.0.0.0/0'] })];
    const planned = audit([planInput(tfPlan({ resources: [group('ssh', ingress)] }))], { rules: ['ssh-open-to-internet'] });
    const appliedValues = { id: 'sg-0aaaabbbbccccdddd', name: 'ssh', description: 'ssh', ingress, egress: [], vpc_id: 'vpc-0123456789abcdef0', owner_id: '123456789012' };
    const applied = audit([planInput(tfPlan({ resources: [{ address: 'aws_security_group.ssh', action: 'no-op', before: appliedValues, after: appliedValues }] }))], { rules: ['ssh-open-to-internet'] });
    assert.equal(planned.evaluation.findings[0]?.resource.id, 'sg-tf:aws_security_group.ssh');
    assert.equal(applied.evaluation.findings[0]?.resource.id, 'sg-0aaaabbbbccccdddd');
    // The account differs once the ARN says it; the address and the finding do not.
    assert.equal(applied.evaluation.findings[0]?.resource.address, planned.evaluation.findings[0]?.resource.address);
    assert.equal(applied.evaluation.findings[0]?.key, planned.evaluation.findings[0]?.key);
  });

  test('inline rules: protocol -1 and numbers, IPv6, prefix lists and groups; a private source is not the internet', () => {
    const plan = tfPlan({
      resources: [
        group('all', [sgRule(0, 0, '-1', { ipv6: ['::/0'] })]),
        group('numbers', [sgRule(22, 22, '6', { cidr: ['0.0.0.0/1', '128.0.0.0/1'] })]),
        group('private', [sgRule(22, 22, 'tcp', { cidr: ['10.0.0.0/8'] })]),
        group('peers', [sgRule(22, 22, 'tcp', { groups: ['sg-0123456789abcdef0'] }), sgRule(3389, 3389, 'tcp', { lists: ['pl-0123456789abcdef0'] })]),
      ],
    });
    const found = new Set(audit([planInput(plan)], { rules: ['all-traffic-open-to-internet', 'ssh-open-to-internet', 'unresolved-prefix-list'] }).found);
    assert.deepEqual(
      [...found].sort(),
      ['all-traffic-open-to-internet aws_security_group.all', 'ssh-open-to-internet aws_security_group.numbers', 'unresolved-prefix-list aws_security_group.peers'],
    );
  });

  test('aws_security_group_rule and the per-rule resources add to their group, self and referenced groups included', () => {
    const plan = tfPlan({
      resources: [
        group('base', []),
        {
          address: 'aws_security_group_rule.ssh',
          after: { type: 'ingress', protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['0.0.0.0/0'], self: false },
          unknown: { id: true, security_group_id: true },
          expressions: { security_group_id: refs('aws_security_group.base.id', 'aws_security_group.base') },
        },
        {
          address: 'aws_vpc_security_group_ingress_rule.rdp6',
          after: { ip_protocol: 'tcp', from_port: 3389, to_port: 3389, cidr_ipv6: '::/0' },
          unknown: { id: true, security_group_id: true },
          expressions: { security_group_id: refs('aws_security_group.base.id', 'aws_security_group.base') },
        },
        {
          address: 'aws_vpc_security_group_egress_rule.all',
          after: { ip_protocol: '-1', cidr_ipv4: '0.0.0.0/0', from_port: null, to_port: null },
          unknown: { id: true, security_group_id: true },
          expressions: { security_group_id: refs('aws_security_group.base.id', 'aws_security_group.base') },
        },
      ],
    });
    const found = audit([planInput(plan)], { rules: ['ssh-open-to-internet', 'rdp-open-to-internet', 'unrestricted-egress'] }).found;
    assert.deepEqual([...found].sort(), [
      'rdp-open-to-internet aws_security_group.base',
      'ssh-open-to-internet aws_security_group.base',
      'unrestricted-egress aws_security_group.base',
    ]);
  });

  test('a rule list the plan leaves unknown is rebuilt from its configuration; one with no configuration is the worst', () => {
    const plan = tfPlan({
      resources: [
        {
          address: 'aws_security_group.rebuilt',
          after: { name: 'rebuilt', description: 'x', egress: [], vpc_id: 'vpc-0123456789abcdef0' },
          unknown: { id: true, ingress: true },
          expressions: {
            ingress: [
              { from_port: c(22), to_port: c(22), protocol: c('tcp'), cidr_blocks: c(['10.0.0.0/8']) },
              { from_port: c(3389), to_port: c(3389), protocol: c('tcp'), cidr_blocks: refs('aws_eip.x.public_ip', 'aws_eip.x') },
            ],
          },
        },
        {
          address: 'aws_security_group.opaque',
          after: { name: 'opaque', description: 'x', egress: [], vpc_id: 'vpc-0123456789abcdef0' },
          unknown: { id: true, ingress: true },
          expressions: { ingress: refs('local.rules') },
        },
        // Unset on a new group: its rules are rule resources, so it has none of its own.
        { address: 'aws_security_group.unset', after: { name: 'unset', description: 'x', vpc_id: 'vpc-0123456789abcdef0' }, unknown: { id: true, ingress: true, egress: true }, expressions: { name: c('unset') } },
      ],
    });
    const rules = ['ssh-open-to-internet', 'rdp-open-to-internet', 'all-traffic-open-to-internet'];
    // The .tf source shows the unset group has no `dynamic "ingress"` block.
    const source = new Map([['', new Map([['aws_security_group.unset', { file: 'main.tf', line: 3, text: 'resource "aws_security_group" "unset" {\n  name = "unset"\n}' }]])]]);
    const result = audit([planInput(plan, 'plan.json', undefined, source)], { rules });
    assert.deepEqual([...result.found].sort(), ['all-traffic-open-to-internet aws_security_group.opaque', 'rdp-open-to-internet aws_security_group.rebuilt']);
    // Without the source a dynamic block cannot be ruled out: the worst is assumed, and said.
    const unseen = audit([planInput(plan)], { rules });
    assert.ok(unseen.found.includes('all-traffic-open-to-internet aws_security_group.unset'));
    const rdp = result.evaluation.findings.find((f) => f.ruleId === 'rdp-open-to-internet');
    assert.equal(rdp?.unknown?.[0]?.attribute, 'ingress[1].cidr_blocks');
    assert.match(rdp?.unknown?.[0]?.reason ?? '', /aws_eip\.x\.public_ip/);
    const opaque = result.evaluation.findings.find((f) => f.resource.address === 'aws_security_group.opaque');
    assert.equal(opaque?.unknown?.[0]?.assumed, 'all traffic from 0.0.0.0/0 and ::/0');
  });

  test('for_each instances: a subnet per key, the instance in the subnet of its own key; launch template groups', () => {
    const subnet = (key: string, pub: boolean): TfInstance => ({
      address: `aws_subnet.net["${key}"]`,
      after: { cidr_block: key === 'a' ? '10.1.0.0/24' : '10.1.1.0/24', map_public_ip_on_launch: pub, assign_ipv6_address_on_creation: false },
      unknown: { id: true, vpc_id: true },
      expressions: { vpc_id: refs('aws_vpc.v.id', 'aws_vpc.v'), map_public_ip_on_launch: refs('each.value') },
      forEachExpression: refs('local.nets'),
    });
    const instance = (key: string): TfInstance => ({
      address: `aws_instance.app["${key}"]`,
      after: { ami: 'ami-0abcdef1234567890', launch_template: [{ version: '$Latest' }], tags: { Name: `app-${key}` } },
      unknown: { id: true, subnet_id: true, vpc_security_group_ids: true, associate_public_ip_address: true, launch_template: [{ id: true }], primary_network_interface_id: true, public_ip: true, ipv6_address_count: true },
      expressions: { subnet_id: refs('aws_subnet.net', 'each.key'), launch_template: [{ id: refs('aws_launch_template.lt.id', 'aws_launch_template.lt') }] },
      forEachExpression: refs('local.nets'),
    });
    const plan = tfPlan({
      resources: [
        { address: 'aws_vpc.v', after: { cidr_block: '10.1.0.0/16' }, unknown: { id: true } },
        { address: 'aws_internet_gateway.gw', after: {}, unknown: { id: true, vpc_id: true }, expressions: { vpc_id: refs('aws_vpc.v.id', 'aws_vpc.v') } },
        {
          address: 'aws_default_route_table.main',
          after: { route: [{ cidr_block: '0.0.0.0/0', gateway_id: '' }] },
          unknown: { id: true, default_route_table_id: true, vpc_id: true, route: [{ gateway_id: true }] },
          expressions: { default_route_table_id: refs('aws_vpc.v.default_route_table_id', 'aws_vpc.v'), route: [{ cidr_block: c('0.0.0.0/0'), gateway_id: refs('aws_internet_gateway.gw.id', 'aws_internet_gateway.gw') }] },
        },
        subnet('a', true),
        subnet('b', false),
        group('ssh', [sgRule(22, 22, 'tcp', { cidr: ['0.0.0.0/0'] })], { expressions: { name: c('ssh'), ingress: [{}] } }),
        {
          address: 'aws_launch_template.lt',
          after: { name: 'app', network_interfaces: [] },
          unknown: { id: true, vpc_security_group_ids: true },
          expressions: { vpc_security_group_ids: refs('aws_security_group.ssh.id', 'aws_security_group.ssh') },
        },
        instance('a'),
        instance('b'),
      ],
    });
    const result = audit([planInput(plan)], { rules: ['instance-exposed-to-internet'] });
    // "a" launches public (its subnet maps public IPs); "b" does not.
    assert.deepEqual(result.found, ['instance-exposed-to-internet aws_instance.app["a"]']);
  });

  test('network ACLs: an inline deny before the allow closes the port; a rule resource adds its entry', () => {
    const base = (aclIngress: unknown[], extra: TfInstance[] = []) =>
      tfPlan({
        resources: [
          { address: 'aws_vpc.v', after: { cidr_block: '10.1.0.0/16' }, unknown: { id: true } },
          { address: 'aws_internet_gateway.gw', after: {}, unknown: { id: true, vpc_id: true }, expressions: { vpc_id: refs('aws_vpc.v.id', 'aws_vpc.v') } },
          {
            address: 'aws_subnet.s',
            after: { cidr_block: '10.1.0.0/24', map_public_ip_on_launch: true },
            unknown: { id: true, vpc_id: true },
            expressions: { vpc_id: refs('aws_vpc.v.id', 'aws_vpc.v') },
          },
          {
            address: 'aws_route_table.r',
            after: { route: [{ cidr_block: '0.0.0.0/0' }] },
            unknown: { id: true, vpc_id: true, route: [{ gateway_id: true }] },
            expressions: { vpc_id: refs('aws_vpc.v.id', 'aws_vpc.v'), route: [{ cidr_block: c('0.0.0.0/0'), gateway_id: refs('aws_internet_gateway.gw.id', 'aws_internet_gateway.gw') }] },
          },
          {
            address: 'aws_route_table_association.r',
            after: {},
            unknown: { id: true, subnet_id: true, route_table_id: true },
            expressions: { subnet_id: refs('aws_subnet.s.id', 'aws_subnet.s'), route_table_id: refs('aws_route_table.r.id', 'aws_route_table.r') },
          },
          {
            address: 'aws_network_acl.n',
            after: { ingress: aclIngress, egress: [] },
            unknown: { id: true, vpc_id: true, subnet_ids: true },
            expressions: { vpc_id: refs('aws_vpc.v.id', 'aws_vpc.v'), subnet_ids: refs('aws_subnet.s.id', 'aws_subnet.s') },
          },
          group('ssh', [sgRule(22, 22, 'tcp', { cidr: ['0.0.0.0/0'] })]),
          {
            address: 'aws_instance.i',
            after: { ami: 'ami-0abcdef1234567890', associate_public_ip_address: true },
            unknown: { id: true, subnet_id: true, vpc_security_group_ids: true, primary_network_interface_id: true },
            expressions: { associate_public_ip_address: c(true), subnet_id: refs('aws_subnet.s.id', 'aws_subnet.s'), vpc_security_group_ids: refs('aws_security_group.ssh.id', 'aws_security_group.ssh') },
          },
          ...extra,
        ],
      });
    const entry = (rule_no: number, action: string, from: number, to: number) => ({ rule_no, action, protocol: 'tcp', from_port: from, to_port: to, cidr_block: '0.0.0.0/0', ipv6_cidr_block: '', icmp_code: 0, icmp_type: 0 });
    const open = audit([planInput(base([entry(100, 'allow', 0, 65535)]))], { rules: ['instance-exposed-to-internet', 'nacl-admin-port-open-to-internet'] });
    assert.deepEqual([...open.found].sort(), ['instance-exposed-to-internet aws_instance.i', 'nacl-admin-port-open-to-internet aws_network_acl.n']);
    const denied = audit([planInput(base([entry(90, 'deny', 22, 22), entry(100, 'allow', 0, 65535)]))], { rules: ['instance-exposed-to-internet'] });
    assert.deepEqual(denied.found, []);
    const byRule = audit(
      [
        planInput(
          base(
            [entry(100, 'allow', 0, 65535)],
            [
              {
                address: 'aws_network_acl_rule.deny_ssh',
                after: { rule_number: 50, egress: false, protocol: 'tcp', rule_action: 'deny', cidr_block: '0.0.0.0/0', from_port: 22, to_port: 22 },
                unknown: { id: true, network_acl_id: true },
                expressions: { network_acl_id: refs('aws_network_acl.n.id', 'aws_network_acl.n') },
              },
            ],
          ),
        ),
      ],
      { rules: ['instance-exposed-to-internet'] },
    );
    assert.deepEqual(byRule.found, []);
  });

  test('a managed prefix list of the plan resolves; one holding 0.0.0.0/0 opens the port', () => {
    const plan = tfPlan({
      resources: [
        { address: 'aws_ec2_managed_prefix_list.anywhere', after: { name: 'anywhere', address_family: 'IPv4', max_entries: 5, entry: [{ cidr: '0.0.0.0/0', description: '' }] }, unknown: { id: true } },
        {
          address: 'aws_security_group.viapl',
          after: { name: 'viapl', description: 'x', egress: [], vpc_id: 'vpc-0123456789abcdef0', ingress: [sgRule(22, 22, 'tcp', {})] },
          unknown: { id: true, ingress: [{ prefix_list_ids: true }] },
          expressions: { ingress: [{ from_port: c(22), to_port: c(22), protocol: c('tcp'), prefix_list_ids: refs('aws_ec2_managed_prefix_list.anywhere.id', 'aws_ec2_managed_prefix_list.anywhere') }] },
        },
      ],
    });
    const result = audit([planInput(plan)], { rules: ['ssh-open-to-internet', 'unresolved-prefix-list'] });
    assert.deepEqual(result.found, ['ssh-open-to-internet aws_security_group.viapl']);
    assert.equal(result.evaluation.findings[0]?.unknown, undefined, 'resolved through the reference: nothing was assumed');
  });

  test('a default security group with rules is reported; an instance that names no group gets its VPC default one', () => {
    const plan = tfPlan({
      resources: [
        { address: 'aws_vpc.v', after: { cidr_block: '10.1.0.0/16' }, unknown: { id: true } },
        {
          address: 'aws_default_security_group.d',
          after: { ingress: [sgRule(22, 22, 'tcp', { cidr: ['0.0.0.0/0'] })], egress: [] },
          unknown: { id: true, vpc_id: true, name: true },
          expressions: { vpc_id: refs('aws_vpc.v.id', 'aws_vpc.v'), ingress: [{}] },
        },
      ],
    });
    const result = audit([planInput(plan)], { rules: ['default-sg-has-rules', 'ssh-open-to-internet'] });
    assert.deepEqual([...result.found].sort(), ['default-sg-has-rules aws_default_security_group.d', 'ssh-open-to-internet aws_default_security_group.d']);
    assert.equal(result.evaluation.findings[0]?.resource.id, 'sg-default:vpc-tf:aws_vpc.v', 'the id aws_vpc.v.default_security_group_id stands for');
  });

  test('what a plan alone cannot judge is skipped with the way to give it (--context), never passed', () => {
    const plan = tfPlan({
      resources: [
        group('ssh', [sgRule(22, 22, 'tcp', { cidr: ['0.0.0.0/0'] })]),
        {
          address: 'aws_instance.i',
          after: { ami: 'ami-0abcdef1234567890', subnet_id: 'subnet-0123456789abcdef0', associate_public_ip_address: true },
          unknown: { id: true, vpc_security_group_ids: true, primary_network_interface_id: true },
          expressions: { subnet_id: c('subnet-0123456789abcdef0'), associate_public_ip_address: c(true), vpc_security_group_ids: refs('aws_security_group.ssh.id', 'aws_security_group.ssh') },
        },
      ],
    });
    const result = audit([planInput(plan)]);
    const skipped = new Set(result.evaluation.skipped.map((s) => s.ruleId));
    for (const rule of ['unused-sg', 'default-sg-in-use', 'sg-shared-by-all-instances', 'vpc-flow-logs-disabled', 'instance-exposed-to-internet']) assert.ok(skipped.has(rule), rule);
    const exposed = result.evaluation.skipped.find((s) => s.ruleId === 'instance-exposed-to-internet');
    assert.match(exposed?.hint ?? '', /aws_instance\.i \(subnet-0123456789abcdef0 \(its subnet\)\).*--context/);
    assert.ok(!result.evaluation.outcomes.some((o) => o.ruleId === 'instance-exposed-to-internet'), 'no pass for an interface whose path is not in the plan');
  });

  test('groups an interface has that cannot be known before apply make its exposure an error (exit 3), not a pass', () => {
    const plan = tfPlan({
      resources: [
        { address: 'aws_vpc.v', after: { cidr_block: '10.1.0.0/16' }, unknown: { id: true } },
        { address: 'aws_subnet.s', after: { cidr_block: '10.1.0.0/24', map_public_ip_on_launch: true }, unknown: { id: true, vpc_id: true }, expressions: { vpc_id: refs('aws_vpc.v.id', 'aws_vpc.v') } },
        {
          address: 'aws_instance.i',
          after: { ami: 'ami-0abcdef1234567890' },
          unknown: { id: true, vpc_security_group_ids: true, primary_network_interface_id: true, subnet_id: true },
          expressions: { subnet_id: refs('aws_subnet.s.id', 'aws_subnet.s'), vpc_security_group_ids: refs('data.aws_security_groups.shared.ids', 'data.aws_security_groups.shared') },
        },
      ],
    });
    const result = audit([planInput(plan)], { rules: ['instance-exposed-to-internet'] });
    assert.equal(result.evaluation.errors.length, 1);
    assert.equal(result.evaluation.errors[0]?.code, 'KnownAfterApply');
    assert.match(result.evaluation.errors[0]?.message ?? '', /aws_instance\.i: vpc_security_group_ids is not known before apply \(known after apply \(from data\.aws_security_groups\.shared\.ids\)\)/);
    assert.ok(result.evaluation.outcomes.every((o) => o.status !== 'pass'));
  });

  test('a state (terraform show -json of a state file) audits as a plan that changes nothing; a binary or newer format is refused', () => {
    const values = { id: 'sg-0aaaabbbbccccdddd', name: 'ssh', description: 'ssh', ingress: [sgRule(22, 22, 'tcp', { cidr: ['0.0.0.0/0'] })], egress: [], vpc_id: 'vpc-0123456789abcdef0' };
    const state = {
      format_version: '1.0',
      terraform_version: '1.9.8',
      values: { root_module: { resources: [{ address: 'aws_security_group.ssh', mode: 'managed', type: 'aws_security_group', name: 'ssh', provider_name: 'registry.terraform.io/hashicorp/aws', schema_version: 1, values, sensitive_values: {} }] } },
    };
    const result = audit([planInput(state, 'state.json', 'eu-west-1')], { rules: ['ssh-open-to-internet'] });
    assert.deepEqual(result.found, ['ssh-open-to-internet aws_security_group.ssh']);
    assert.equal(result.change, undefined, 'a state has no change');
    assert.equal(result.evaluation.findings[0]?.resource.region, 'eu-west-1');
    assert.throws(() => readTerraformPlan('p.json', { format_version: '2.0', resource_changes: [] }), /format 2\.0 is not supported/);
    assert.throws(() => readTerraformPlan('p.json', { format_version: '1.2', errored: true, resource_changes: [] }), /failed `terraform plan`/);
    assert.throws(() => readTerraformPlan('p.json', { format_version: '1.2', resource_changes: [{ address: 'a.b', mode: 'managed', type: 'a', name: 'b', change: { actions: ['explode'] } }] }), /resource_changes\[0\]\.change\.actions/);
  });
});

describe('terraform plans with the account as context', () => {
  const account = join(REPO_ROOT, 'test', 'fixtures', 'plans', 'web', 'account');

  test('the plan replaces the account\'s copy of what it manages; the rest of the account is audited around it', async () => {
    const { loadInputs } = await import('../../src/collect/files.js');
    const context = await loadInputs([account]);
    const result = audit([planInput(web)], { context });
    // The legacy group is the plan's (its address), once.
    const legacy = result.model.groups.filter((g) => g.id === 'sg-0f1e2d3c4b5a69788');
    assert.equal(legacy.length, 1);
    assert.equal(legacy[0]?.ref.address, 'aws_security_group.legacy');
    assert.ok(!legacy[0]?.ingress.some((p) => p.ports?.from === 22 && p.source.kind === 'cidr' && p.source.cidr.text === '0.0.0.0/0'), 'as planned: SSH from 10.0.0.0/8 only');
    // The account's instance behind the legacy group: reachable on 5432 before and after (narrowed from 22 and 5432): not new.
    const db = result.marked.find((f) => f.ruleId === 'instance-exposed-to-internet' && f.resource.id === 'eni-0a0b0c0d0e0f01234');
    assert.equal(db?.baseline, 'unchanged');
    assert.match(db?.message ?? '', /tcp 5432/);
    assert.doesNotMatch(db?.message ?? '', /tcp 22\b/);
    // With the account, the rules that need it run: nothing is skipped.
    assert.deepEqual(result.evaluation.skipped, []);
    // A new VPC without a flow log is reported now that flow logs are known.
    assert.ok(result.found.includes('vpc-flow-logs-disabled aws_vpc.main'));
    assert.match(result.change?.comparedWith ?? '', /the prior state of plan\.json over the context/);
  });

  test('an instance the plan puts in an existing subnet is evaluated through the account\'s route table and ACL', async () => {
    const { loadInputs } = await import('../../src/collect/files.js');
    const context = await loadInputs([account]);
    const plan = tfPlan({
      resources: [
        group('ssh', [sgRule(22, 22, 'tcp', { cidr: ['0.0.0.0/0'] })]),
        {
          address: 'aws_instance.i',
          after: { ami: 'ami-0abcdef1234567890', subnet_id: 'subnet-0aa11bb22cc33dd44' },
          unknown: { id: true, vpc_security_group_ids: true, primary_network_interface_id: true, associate_public_ip_address: true, public_ip: true },
          expressions: { subnet_id: c('subnet-0aa11bb22cc33dd44'), vpc_security_group_ids: refs('aws_security_group.ssh.id', 'aws_security_group.ssh') },
        },
      ],
    });
    const result = audit([planInput(plan)], { context, rules: ['instance-exposed-to-internet'] });
    // The subnet maps public IPs (the account says), its VPC's main table routes to the gateway.
    const mine = result.marked.filter((f) => f.resource.address === 'aws_instance.i');
    assert.equal(mine.length, 1);
    assert.equal(mine[0]?.baseline, 'new');
    assert.match(mine[0]?.message ?? '', /rtb-0123abcd4567ef890 0\.0\.0\.0\/0 → igw-0fedcba9876543210/);
    assert.deepEqual(result.change?.newlyExposed.map((e) => e.resource.address), ['aws_instance.i']);
  });
});
