import { defineRule } from '../src/rules-kit/define-rule.js';
import type { Instance } from '../src/model/types.js';
import { pushTo } from '../src/model/multimap.js';

export default defineRule({
  meta: {
    id: 'sg-shared-by-all-instances',
    title: 'One security group is attached to every instance of a VPC',
    severity: 'medium',
    scope: 'security-group',
    requires: ['securityGroups', 'instances'],
    description:
      'In each VPC with at least `minInstances` instances that are not terminated or shutting down, flags a ' +
      'group attached (directly or through any of their network interfaces) to at least `minShare` of them ' +
      '(1.0 = every one). Stopped instances count: they come back with the same groups.',
    rationale:
      'When every instance shares one group, a rule added for one workload opens every other, and a ' +
      'self-referencing rule lets any compromised instance reach all the rest: no segmentation is left.',
    remediation: {
      summary:
        'Give each tier or workload its own group and allow traffic between them by group reference; keep ' +
        'a shared group, if any, for truly common needs (monitoring) with narrow rules.',
      cli: 'aws ec2 describe-instances --region {region} --filters Name=instance.group-id,Values={groupId} --query "Reservations[].Instances[].InstanceId"',
    },
    references: [{ framework: 'sg-audit best practice', control: 'Avoid using a single security group for all instances' }],
    options: {
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          minInstances: { type: 'integer', minimum: 2, description: 'smallest number of instances in a VPC for the rule to apply' },
          minShare: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'share of the VPC\'s instances (0-1] a group must be on' },
        },
      },
      defaults: { minInstances: 3, minShare: 1.0 },
    },
    messages: {
      shared: 'Attached to {attached} of {total} instances in {vpcId}',
    },
  },
  check(group, { model, options, report }) {
    const byVpc = new Map<string, Instance[]>();
    for (const inst of model.instancesByGroup.get(group.id) ?? []) {
      if (!inst.vpcId) continue;
      pushTo(byVpc, inst.vpcId, inst);
    }
    for (const [vpcId, attached] of [...byVpc].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const total = model.instancesByVpc.get(vpcId)?.length ?? 0;
      if (total < options.minInstances || attached.length / total < options.minShare) continue;
      report({
        messageId: 'shared',
        key: `vpc/${vpcId}`,
        data: { attached: attached.length, total, vpcId },
        evidence: {
          vpcId,
          attachedInstances: attached.length,
          vpcInstances: total,
          instances: attached.map((i) => i.id).sort(),
        },
      });
    }
  },
});
