import { randomUUID } from 'node:crypto';
import { ANY } from '@policloud/event-store';
import { STALE_READ_MODELS_HEADER } from '@policloud/runtime';
import { eventually } from './support/eventually';
import { Marketplace, Party } from './support/marketplace-fixture';

/**
 * A read model halted on an event keeps its rows as they were before it (the runner's failure
 * policy): reads go on, and say which read models they may be stale from.
 */
describe('reads while a read model is halted on an event', () => {
  let market: Marketplace;
  let buyer: Party;

  beforeAll(async () => {
    market = await Marketplace.boot('embedded');
    buyer = await market.participant(['buyer']);
  });
  afterAll(() => market.close());

  it('answer current reads without the header, and name the halted read models once one is', async () => {
    const before = await market.request('GET', '/v1/compute-orders', { key: buyer.key });
    expect(before.status).toBe(200);
    expect(before.headers[STALE_READ_MODELS_HEADER]).toBeUndefined();

    // An allocation no matching run could write (no slots): straight to the store, on purpose.
    await market.store.append(
      'matchingrun-poisoned',
      [
        {
          id: randomUUID(),
          type: 'AllocationMade',
          schemaVersion: 2,
          data: { runId: 'poisoned' },
          metadata: {},
        },
      ],
      ANY,
    );
    await eventually(async () => {
      const health = await market.app.inject({ method: 'GET', url: '/health' });
      return health.json().projections.failing.length > 0;
    }, 'a projection to halt on the poisoned event');

    const after = await market.request('GET', '/v1/allocations', { key: buyer.key });
    expect(after.status).toBe(200);
    expect(after.headers[STALE_READ_MODELS_HEADER]).toEqual(
      expect.stringContaining('rm_allocations'),
    );
    const health = await market.app.inject({ method: 'GET', url: '/health' });
    expect(health.json()).toMatchObject({ status: 'degraded' });
  });
});
