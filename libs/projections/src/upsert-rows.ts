import { ObjectLiteral, Repository } from 'typeorm';

const ROWS_PER_STATEMENT = 500;

/** Multi-row upserts in chunks: one round trip per few hundred rows instead of one per row. */
export async function upsertRows<Row extends ObjectLiteral>(
  repository: Repository<Row>,
  rows: Row[],
  conflictColumns: (keyof Row & string)[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    await repository.upsert(rows.slice(start, start + ROWS_PER_STATEMENT) as never, conflictColumns);
  }
}
