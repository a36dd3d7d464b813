import { randomBytes } from 'node:crypto';
import { Client, PoolConfig } from 'pg';

export const TEST_DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  name: string;
  /** Pool settings whose connections all use the schema. */
  poolConfig: PoolConfig;
  /** A URL whose connections use the schema (for apps configured by DATABASE_URL). */
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty schema on the real PostgreSQL, so test files never see each other's rows.
 * An unreachable server fails the test loudly: these tests are never skipped.
 */
export async function createTestSchema(prefix: string): Promise<TestSchema> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is required for this test and is not reachable at ${TEST_DATABASE_URL} ` +
        `(set DATABASE_URL or start it): ${(error as Error).message}`,
    );
  }
  await admin.query(`CREATE SCHEMA ${name}`);
  await admin.end();
  const options = `-c search_path=${name}`;
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', options);
  return {
    name,
    poolConfig: { connectionString: TEST_DATABASE_URL, options },
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await client.end();
    },
  };
}
