// CloudFormation templates through the engine: YAML short forms and JSON long forms, parameters
// and conditions, the logical id and line of each resource, and what the template cannot say.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseTemplate } from '../../src/iac/cloudformation/template.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { audit, templateInput } from '../helpers/iac.js';

const webYaml = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'plans', 'cfn', 'web.yaml'), 'utf8');

describe('cloudformation templates', () => {
  test('the web template: intrinsics evaluated, findings at the logical id and its line', () => {
    const result = audit([templateInput(webYaml, 'web.yaml')]);
    const byRule = new Map(result.evaluation.findings.map((f) => [f.ruleId, f]));
    const ssh = byRule.get('ssh-open-to-internet');
    assert.equal(ssh?.resource.id, 'sg-cfn:WebSecurityGroup');
    assert.equal(ssh?.resource.address, 'WebSecurityGroup');
    assert.equal(ssh?.resource.origin, 'web.yaml');
    assert.equal(ssh?.resource.line, webYaml.split('\n').indexOf('  WebSecurityGroup:') + 1);
    // AdminCidr has no default: the SSH rule might be open, and says why.
    assert.deepEqual(ssh?.unknown, [
      { address: 'WebSecurityGroup', attribute: 'SecurityGroupIngress[2].CidrIp', reason: 'parameter AdminCidr has no default (its value is given at deploy time)', assumed: '0.0.0.0/0' },
    ]);
    // !If on a condition decided by a parameter default (Env = dev), !Ref of a Number parameter,
    // !FindInMap: tcp 8443 from 0.0.0.0/0 and tcp 9229 from ::/0 are certain.
    const ports = byRule.get('unauthorized-port-open-to-internet');
    assert.match(ports?.message ?? '', /tcp 8443/);
    assert.match(ports?.message ?? '', /tcp 9229/);
    assert.equal(ports?.unknown, undefined);
    // The instance: its subnet maps public IPs and routes to the gateway the template attaches.
    const exposed = byRule.get('instance-exposed-to-internet');
    assert.equal(exposed?.resource.address, 'WebInstance');
    assert.match(exposed?.message ?? '', /rtb-cfn:PublicRoutes 0\.0\.0\.0\/0 → igw-cfn:Gateway/);
    // A resource whose condition is false (IsProd, Env = dev) is not created.
    assert.ok(!result.evaluation.findings.some((f) => f.resource.address === 'ProdOnlyInstance'));
  });

  test('with the account as context, the template is compared with it: only what it adds is new', async () => {
    const { loadInputs } = await import('../../src/collect/files.js');
    const context = await loadInputs([join(REPO_ROOT, 'test', 'fixtures', 'plans', 'web', 'account')]);
    const text = [
      'Resources:',
      '  Ssh:',
      '    Type: AWS::EC2::SecurityGroup',
      '    Properties:',
      '      GroupDescription: ssh',
      '      VpcId: vpc-0a1b2c3d4e5f60789',
      '      SecurityGroupIngress:',
      '        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }',
      '  Box:',
      '    Type: AWS::EC2::Instance',
      '    Properties:',
      '      SubnetId: subnet-0aa11bb22cc33dd44',
      '      SecurityGroupIds: [!Ref Ssh]',
      '',
    ].join('\n');
    const result = audit([templateInput(text, 'stack.yaml')], { context, rules: ['ssh-open-to-internet', 'instance-exposed-to-internet'] });
    assert.equal(result.change?.comparedWith, 'the context (' + context.inputs.join(', ') + ')');
    const fresh = result.marked.filter((f) => f.baseline === 'new').map((f) => `${f.ruleId} ${f.resource.address}`);
    // The account's legacy group (SSH from anywhere) is old debt; the template's group and instance are new.
    assert.deepEqual(fresh.sort(), ['instance-exposed-to-internet Box', 'ssh-open-to-internet Ssh']);
    assert.ok(result.marked.some((f) => f.baseline === 'unchanged' && f.resource.id === 'sg-0f1e2d3c4b5a69788'));
    assert.deepEqual(result.change?.newlyExposed.map((e) => e.resource.address), ['Box']);
  });

  test('a group without SecurityGroupEgress keeps the default rule: all traffic out', () => {
    const text = `Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: g\n      VpcId: vpc-0123456789abcdef0\n`;
    assert.deepEqual(audit([templateInput(text)], { rules: ['unrestricted-egress'] }).found, ['unrestricted-egress G']);
    const closed = `${text}      SecurityGroupEgress:\n        - IpProtocol: tcp\n          FromPort: 443\n          ToPort: 443\n          CidrIp: 10.0.0.0/8\n`;
    assert.deepEqual(audit([templateInput(closed)], { rules: ['unrestricted-egress'] }).found, []);
  });

  test('a JSON template: long forms (Fn::GetAtt, Fn::Sub, Fn::Join, Fn::If), lines from the JSON text', () => {
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Parameters: { Open: { Type: 'String', Default: 'yes' } },
      Conditions: { IsOpen: { 'Fn::Equals': [{ Ref: 'Open' }, 'yes'] } },
      Resources: {
        Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: { 'Fn::Sub': '${AWS::StackName} sg' }, VpcId: 'vpc-0123456789abcdef0' } },
        Rdp: {
          Type: 'AWS::EC2::SecurityGroupIngress',
          Properties: {
            GroupId: { 'Fn::GetAtt': ['Sg', 'GroupId'] },
            IpProtocol: 'tcp',
            FromPort: 3389,
            ToPort: 3389,
            CidrIp: { 'Fn::If': ['IsOpen', { 'Fn::Join': ['/', ['0.0.0.0', '0']] }, '10.0.0.0/8'] },
          },
        },
        Imported: {
          Type: 'AWS::EC2::SecurityGroupIngress',
          Properties: { GroupId: { Ref: 'Sg' }, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: { 'Fn::ImportValue': 'office-cidr' } },
        },
      },
    };
    const text = JSON.stringify(template, null, 2);
    const result = audit([templateInput(text, 'stack.json')], { rules: ['rdp-open-to-internet', 'ssh-open-to-internet'] });
    assert.deepEqual([...result.found].sort(), ['rdp-open-to-internet Sg', 'ssh-open-to-internet Sg']);
    const rdp = result.evaluation.findings.find((f) => f.ruleId === 'rdp-open-to-internet');
    assert.equal(rdp?.unknown, undefined, 'Fn::If decided from the default, Fn::Join computed');
    assert.equal(rdp?.resource.line, text.split('\n').indexOf('    "Sg": {') + 1);
    const ssh = result.evaluation.findings.find((f) => f.ruleId === 'ssh-open-to-internet');
    assert.match(ssh?.unknown?.[0]?.reason ?? '', /Fn::ImportValue "office-cidr" is another stack's output/);
  });

  test('a template that is not one, or is not valid YAML, is an input error naming the line', () => {
    assert.throws(() => parseTemplate('Resources:\n  A: [unclosed\n', 'bad.yaml'), /bad\.yaml:\d+:\d+: invalid template/);
    assert.throws(() => parseTemplate('- a list\n', 'list.yaml'), /a template is an object with Resources/);
  });
});
