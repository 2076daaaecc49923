import type { FlowLog } from '../src/model/types.js';
import { defineRule } from '../src/rules-kit/define-rule.js';

/** A flow log that is capturing and delivering (DeliverLogsStatus FAILED means nothing arrives). */
const isLogging = (log: FlowLog) => log.status.toUpperCase() === 'ACTIVE' && log.deliverStatus?.toUpperCase() !== 'FAILED';

export default defineRule({
  meta: {
    id: 'vpc-flow-logs-disabled',
    title: 'VPC with network interfaces has no working flow log',
    severity: 'medium',
    scope: 'vpc',
    requires: ['vpcs', 'flowLogs', 'networkInterfaces'],
    description:
      'Flags a VPC that has at least one network interface but no active flow log on the VPC, unless every ' +
      'one of its interfaces is covered by an active flow log on its subnet or on itself. A flow log counts ' +
      'when its status is ACTIVE and its delivery has not FAILED (any traffic type: ALL, ACCEPT or REJECT). ' +
      'VPCs without interfaces are not flagged.',
    rationale:
      'Without flow logs there is no record of who connected to what: no way to investigate an incident, ' +
      'confirm a suspected exposure, or see which security group rules are actually used.',
    remediation: {
      summary:
        'Create a VPC flow log (to CloudWatch Logs or S3) capturing at least rejected traffic; if one exists ' +
        'but fails to deliver, fix its IAM role or bucket policy.',
      cli: 'aws ec2 create-flow-logs --region {region} --resource-type VPC --resource-ids {vpcId} --traffic-type ALL --log-destination-type s3 --log-destination arn:aws:s3:::<bucket>/<prefix>/',
    },
    references: [
      { framework: 'AWS FSBP', control: 'EC2.6' },
      { framework: 'AWS Config', control: 'vpc-flow-logs-enabled' },
      { framework: 'sg-audit best practice', control: 'Security group logging: use VPC Flow Logs' },
    ],
    messages: {
      none: 'No flow log on the VPC; {uncovered} of {interfaces} network interface(s) are not logged',
      failing: 'Flow log {flowLogs} on the VPC is not delivering ({reason}); {uncovered} of {interfaces} network interface(s) are not logged',
    },
  },
  check(vpc, { model, report }) {
    const interfaces = model.interfacesByVpc.get(vpc.id) ?? [];
    if (interfaces.length === 0) return;
    const vpcLogs = model.flowLogsByResource.get(vpc.id) ?? [];
    if (vpcLogs.some(isLogging)) return;
    const covered = (id: string | undefined) => id !== undefined && (model.flowLogsByResource.get(id) ?? []).some(isLogging);
    const uncovered = interfaces.filter((eni) => !covered(eni.id) && !covered(eni.subnetId));
    if (uncovered.length === 0) return;
    const data = { uncovered: uncovered.length, interfaces: interfaces.length };
    const evidence = {
      interfaces: interfaces.length,
      uncoveredInterfaces: uncovered.map((e) => e.id),
      flowLogs: vpcLogs.map((l) => ({ id: l.id, status: l.status, ...(l.deliverStatus ? { deliverStatus: l.deliverStatus } : {}) })),
    };
    if (vpcLogs.length > 0) {
      const reason = vpcLogs.map((l) => l.deliverError ?? `${l.status}${l.deliverStatus ? `, delivery ${l.deliverStatus}` : ''}`).join('; ');
      report({ messageId: 'failing', key: 'flow-logs', data: { ...data, flowLogs: vpcLogs.map((l) => l.id).join(', '), reason }, evidence });
    } else {
      report({ messageId: 'none', key: 'flow-logs', data, evidence });
    }
  },
});
