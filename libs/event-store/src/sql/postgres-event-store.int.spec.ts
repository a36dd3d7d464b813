import { createTestSchema, TestSchema } from '@policloud/test-support/postgres-test-database';
import { describeEventStoreConformance } from '../event-store.conformance';
import { PgExecutor } from './pg-executor';
import { SqlEventStore } from './sql-event-store';

let schema: TestSchema | undefined;

describeEventStoreConformance('postgres', {
  open: async () => {
    schema = await createTestSchema('es_conformance');
    return SqlEventStore.open('postgres', new PgExecutor(schema.poolConfig));
  },
  reopen: () => SqlEventStore.open('postgres', new PgExecutor(schema!.poolConfig)),
  cleanup: async () => {
    await schema?.drop();
  },
});
