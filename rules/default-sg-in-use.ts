import { defineRule } from '../src/rules-kit/define-rule.js';

export default defineRule({
  meta: {
    id: 'default-sg-in-use',
    title: "A VPC's default security group is attached to network interfaces",
    severity: 'medium',
    scope: 'security-group',
    requires: ['securityGroups', 'networkInterfaces'],
    description:
      'Flags the `default` group of a VPC when any network interface lists it: instances, and every ' +
      'AWS-managed interface (Lambda, load balancers, endpoints, RDS, …). Other groups are not applicable. ' +
      'The evidence lists each interface with its instance and type.',
    rationale:
      'Resources land in the default group when nobody chose a group, and the default group lets every ' +
      'member reach every other on all ports: unrelated workloads end up trusting each other.',
    remediation: {
      summary:
        'Give each workload a purpose-built group, move the listed interfaces to it, then remove all rules ' +
        'from the default group so nothing relies on it.',
      cli: 'aws ec2 describe-network-interfaces --region {region} --filters Name=group-id,Values={groupId}',
    },
    references: [
      { framework: 'CIS AWS Foundations', version: '3.0.0', control: '5.4' },
      { framework: 'CIS AWS Foundations', version: '5.0.0', control: '5.5' },
      { framework: 'sg-audit best practice', control: "Don't rely on default security groups" },
    ],
    messages: {
      inUse: 'Default group of {vpcId} is used by {interfaces} network interface(s), {instances} instance(s)',
    },
  },
  appliesTo: (group) => group.isDefault,
  check(group, { model, report }) {
    const enis = model.interfacesByGroup.get(group.id) ?? [];
    if (enis.length === 0) return;
    const instances = new Set(enis.map((e) => e.instanceId).filter((id): id is string => id !== undefined));
    report({
      messageId: 'inUse',
      key: 'in-use',
      data: { vpcId: group.vpcId ?? 'EC2-Classic', interfaces: enis.length, instances: instances.size },
      evidence: {
        interfaces: enis.map((e) => ({
          id: e.id,
          type: e.interfaceType,
          ...(e.instanceId ? { instanceId: e.instanceId } : {}),
          ...(e.description ? { description: e.description } : {}),
          requesterManaged: e.requesterManaged,
        })),
      },
    });
  },
});
