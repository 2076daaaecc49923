// An AWS Organization on the fake endpoint (test/helpers/fake-ec2.ts): its management account
// and members, each with the acceptance fixture in each of its enabled regions and a role
// `SgAudit` that trusts the management account. For the tests of --shard and its recipes.
import { ACCOUNT_ID, acceptanceRegion } from '../fixtures/acceptance-account.js';
import { startFakeEc2, type AccountFixture, type FakeEc2, type RegionFixture } from './fake-ec2.js';

export const MANAGEMENT = '111111111111';
export const ROLE_NAME = 'SgAudit';

/** The acceptance fixture owned by `accountId`, its ids made unique with `prefix` (hex). */
export function regionOf(accountId: string, region: string, prefix: string): RegionFixture {
  return JSON.parse(JSON.stringify(acceptanceRegion(region, prefix)).replaceAll(ACCOUNT_ID, accountId)) as RegionFixture;
}

/** The access key of an account's fake identity (its secret is `secret-<account id>`). */
export const accessKeyOf = (accountId: string) => `AKIDFAKE${accountId}`;

export interface FakeOrganization {
  readonly fake: FakeEc2;
  /** The environment a job in the management account runs with: its credentials, and every endpoint on the fake. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Starts the fake with these accounts (id → enabled regions; the first is the management
 * account) as an organisation whose members are all active. `withoutRole` lists accounts whose
 * role cannot be assumed (they are left out of the organisation: pass them with --accounts).
 */
export async function startFakeOrganization(accounts: Readonly<Record<string, readonly string[]>>, withoutRole: readonly string[] = []): Promise<FakeOrganization> {
  let prefix = 0xa0;
  const fixtures: AccountFixture[] = Object.entries(accounts).map(([accountId, regions]) => ({
    accountId,
    accessKeyId: accessKeyOf(accountId),
    secretAccessKey: `secret-${accountId}`,
    regions: Object.fromEntries(regions.map((region) => [region, regionOf(accountId, region, (prefix++).toString(16))])),
    ...(withoutRole.includes(accountId) ? {} : { roles: { [ROLE_NAME]: { trusts: [MANAGEMENT] } } }),
  }));
  const fake = await startFakeEc2({
    accounts: fixtures,
    organization: {
      managementAccountId: MANAGEMENT,
      accounts: Object.keys(accounts)
        .filter((id) => !withoutRole.includes(id))
        .map((Id) => ({ Id, Name: Id, Status: 'ACTIVE' as const })),
    },
  });
  const env = {
    AWS_ACCESS_KEY_ID: accessKeyOf(MANAGEMENT),
    AWS_SECRET_ACCESS_KEY: `secret-${MANAGEMENT}`,
    AWS_ENDPOINT_URL_EC2: fake.url,
    AWS_ENDPOINT_URL_STS: fake.url,
    AWS_ENDPOINT_URL_ORGANIZATIONS: fake.url,
  };
  return { fake, env };
}
