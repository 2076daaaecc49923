import { defineRule } from '../src/rules-kit/define-rule.js';
import { PORT_RULE_USES, REVOKE_INGRESS_BY_RULE_ID_CLI, combinePortExposures, portExposures } from '../src/rules-kit/port-exposure.js';

export interface HighRiskPort {
  readonly protocol: 'tcp' | 'udp';
  readonly port: number;
  readonly service: string;
}

const tcp = (service: string, ...ports: number[]): HighRiskPort[] => ports.map((port) => ({ protocol: 'tcp', port, service }));
const udp = (service: string, ...ports: number[]): HighRiskPort[] => ports.map((port) => ({ protocol: 'udp', port, service }));

/** RULES.md's list: AWS FSBP EC2.19 without 22/3389, plus the database, cache and admin ports other scanners flag. */
export const HIGH_RISK_PORTS: readonly HighRiskPort[] = [
  ...tcp('FTP', 20, 21),
  ...tcp('Telnet', 23),
  ...tcp('SMTP', 25),
  ...tcp('Kerberos', 88),
  ...tcp('POP3', 110),
  ...tcp('MS RPC', 135),
  ...tcp('NetBIOS', 139),
  ...tcp('IMAP', 143),
  ...tcp('LDAP', 389),
  ...tcp('SMB/CIFS', 445),
  ...tcp('LDAPS', 636),
  ...tcp('SQL Server', 1433, 1434),
  ...tcp('Oracle', 1521, 2483, 2484),
  ...tcp('NFS', 2049),
  ...tcp('Docker API', 2375, 2376),
  ...tcp('dev web server', 3000),
  ...tcp('MySQL', 3306),
  ...tcp('mSQL', 4333),
  ...tcp('Salt', 4505, 4506),
  ...tcp('dev web server', 5000),
  ...tcp('PostgreSQL', 5432),
  ...tcp('VNC', 5500),
  ...tcp('Kibana/OpenSearch Dashboards', 5601),
  ...tcp('VNC', 5900),
  ...tcp('Redis', 6379),
  ...tcp('Cassandra', 7000, 7001, 7199),
  ...tcp('Hadoop', 8020),
  ...tcp('HTTP proxy', 8080),
  ...tcp('alt HTTP', 8088),
  ...tcp('alt HTTP', 8888),
  ...tcp('Cassandra', 9042),
  ...tcp('Kafka', 9092),
  ...tcp('Cassandra', 9160),
  ...tcp('Elasticsearch/OpenSearch', 9200, 9300),
  ...tcp('Memcached', 11211),
  ...tcp('MongoDB', 27017, 27018, 27019),
  ...udp('DNS', 53),
  ...udp('NetBIOS', 137, 138),
  ...udp('SNMP', 161),
  ...udp('LDAP', 389),
  ...udp('SQL Browser', 1434),
  ...udp('NFS', 2049),
  ...udp('Memcached', 11211),
];

export default defineRule({
  meta: {
    id: 'high-risk-port-open-to-internet',
    title: 'Security group exposes a database, file-sharing or admin port to the whole internet',
    severity: 'high',
    scope: 'security-group',
    requires: ['securityGroups'],
    uses: PORT_RULE_USES,
    exposureContext: true,
    description:
      'Flags a group whose ingress opens any port of the high-risk list (option `ports`: FTP, Telnet, SMTP, ' +
      'SMB, databases, caches, Docker, Kafka, Elasticsearch … on TCP, and DNS, NetBIOS, SNMP, LDAP, NFS, ' +
      'Memcached on UDP) to all public IPv4 or all public IPv6 space: through tcp/udp ranges that cover the ' +
      'port or protocol `all`, from CIDRs or resolved prefix lists whose union holds the whole public address ' +
      'space. One finding per group lists every such port with its service. SSH and RDP have their own rules; ' +
      'ICMP, group references and other protocol numbers open no port. Permissions already reported by ' +
      'all-traffic-open-to-internet are not reported again.',
    rationale:
      'These services were built for trusted networks: databases, caches and file shares answer anyone who ' +
      'can reach them, often without authentication, and are mass-scanned for ransom and data theft.',
    remediation: {
      summary:
        'Remove the internet-wide rule; allow the port only from the application\'s own security group, a VPN ' +
        'or office CIDR, or a managed prefix list.',
      cli: REVOKE_INGRESS_BY_RULE_ID_CLI,
    },
    references: [
      { framework: 'AWS FSBP', control: 'EC2.19' },
      { framework: 'AWS Config', control: 'restricted-common-ports' },
      { framework: 'AWS Trusted Advisor', control: 'Security Groups - Specific Ports Unrestricted' },
    ],
    options: {
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          ports: {
            type: 'array',
            description: 'the high-risk ports, each with its protocol and service name',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['protocol', 'port', 'service'],
              properties: {
                protocol: { enum: ['tcp', 'udp'] },
                port: { type: 'integer', minimum: 0, maximum: 65535 },
                service: { type: 'string', minLength: 1 },
              },
            },
          },
        },
      },
      defaults: { ports: HIGH_RISK_PORTS as HighRiskPort[] },
    },
    messages: {
      open: 'High-risk port(s) open to the internet over {families}: {ports} via {via}',
    },
    summaries: {
      open: '{ports} from {sources}',
    },
  },
  check(group, { options, report, isRuleEnabled }) {
    const { targets, services } = portTargets(options.ports);
    const found = combinePortExposures(group, portExposures(group, targets, isRuleEnabled), (f) => services.get(`${f.data.protocol}/${f.data.port}`));
    if (found) report({ messageId: 'open', ...found });
  },
});

interface PortTargets {
  /** Each port once, tcp then udp, in port order. */
  readonly targets: readonly HighRiskPort[];
  /** The service name of each port, by `protocol/port`. */
  readonly services: ReadonlyMap<string, string>;
}

// The options are the same for every group of a run: their targets are derived once.
const targetsByList = new WeakMap<readonly HighRiskPort[], PortTargets>();

function portTargets(ports: readonly HighRiskPort[]): PortTargets {
  let known = targetsByList.get(ports);
  if (known) return known;
  // A port listed twice is checked once, under its first service name.
  const services = new Map<string, string>();
  const targets: HighRiskPort[] = [];
  for (const p of ports) {
    const key = `${p.protocol}/${p.port}`;
    if (services.has(key)) continue;
    services.set(key, p.service);
    targets.push(p);
  }
  targets.sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port);
  known = { targets, services };
  targetsByList.set(ports, known);
  return known;
}
