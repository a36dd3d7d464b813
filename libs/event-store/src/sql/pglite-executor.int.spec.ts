import { PgliteExecutor } from './pglite-executor';

describe('embedded (PGlite) executor', () => {
  it('concurrent read-modify-write transactions never interleave', async () => {
    const sql = await PgliteExecutor.open();
    await sql.exec('CREATE TABLE counter (n integer NOT NULL); INSERT INTO counter VALUES (0);');
    await Promise.all(
      Array.from({ length: 10 }, () =>
        sql.transaction(async (tx) => {
          const [{ n }] = await tx.query<{ n: number }>('SELECT n FROM counter');
          await new Promise((resolve) => setTimeout(resolve, 5));
          await tx.query('UPDATE counter SET n = $1', [n + 1]);
        }),
      ),
    );
    expect(await sql.query('SELECT n FROM counter')).toEqual([{ n: 10 }]);
    await sql.close();
  });

  it('a failed transaction rolls back and the next one proceeds', async () => {
    const sql = await PgliteExecutor.open();
    await sql.exec('CREATE TABLE items (id integer PRIMARY KEY)');
    const failing = sql.transaction(async (tx) => {
      await tx.query('INSERT INTO items VALUES (1)');
      throw new Error('boom');
    });
    const next = sql.transaction((tx) => tx.query('INSERT INTO items VALUES (2)'));
    await expect(failing).rejects.toThrow('boom');
    await next;
    expect(await sql.query('SELECT id FROM items')).toEqual([{ id: 2 }]);
    await sql.close();
  });
});
