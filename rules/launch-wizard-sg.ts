import { defineRule } from '../src/rules-kit/define-rule.js';

// The console's launch wizard names the groups it makes launch-wizard-1, launch-wizard-2, …
const LAUNCH_WIZARD_NAME = /^launch-wizard-\d+$/i;

export default defineRule({
  meta: {
    id: 'launch-wizard-sg',
    title: 'Security group was made by the EC2 console launch wizard',
    severity: 'low',
    scope: 'security-group',
    requires: ['securityGroups'],
    description:
      'Flags a group named `launch-wizard-N` (any case), the name the EC2 console gives the group it creates ' +
      'while launching an instance. Its rules are not examined here; the exposure rules do that.',
    rationale:
      'Wizard groups are made in a hurry, usually with SSH (or RDP) open to 0.0.0.0/0, and then live on ' +
      'unowned and unreviewed; a name that says nothing about the workload also hides what the group is for.',
    remediation: {
      summary:
        'Replace it with a purpose-named group that allows only what the workload needs, move its interfaces ' +
        'over, then delete it.',
      cli: 'aws ec2 delete-security-group --region {region} --group-id {groupId}  # after moving its interfaces to another group',
    },
    references: [{ framework: 'Prowler', control: 'ec2_securitygroup_from_launch_wizard' }],
    messages: {
      wizard: 'Group "{groupName}" was created by the EC2 launch wizard',
    },
  },
  check(group, { report }) {
    if (!LAUNCH_WIZARD_NAME.test(group.name)) return;
    report({ messageId: 'wizard', key: 'launch-wizard', data: {}, evidence: { name: group.name } });
  },
});
