import { DataSource } from 'typeorm';
import { READ_MODELS } from '@policloud/http';
import { ProjectionRunner } from '@policloud/projections';
import { PROJECTION_RUNNER } from '@policloud/runtime';
import {
  Marketplace,
  offerBody,
  orderBody,
  profile,
  siteBody,
} from './support/marketplace-fixture';

const TABLES = [
  'rm_participants',
  'rm_api_keys',
  'rm_sites',
  'rm_energy_offers',
  'rm_energy_offer_slots',
  'rm_compute_orders',
];

describe('read models rebuilt from position 0', () => {
  let market: Marketplace;

  beforeAll(async () => {
    market = await Marketplace.boot();
  });
  afterAll(() => market.close());

  async function snapshot(): Promise<Record<string, unknown[]>> {
    const readModels = market.app.get<DataSource>(READ_MODELS);
    const tables: Record<string, unknown[]> = {};
    for (const table of TABLES) {
      tables[table] = await readModels.query(`SELECT * FROM ${table} ORDER BY 1, 2`);
    }
    return tables;
  }

  it('gives identical tables', async () => {
    const host = await market.participant(['host']);
    const producer = await market.participant(['producer']);
    const buyer = await market.participant(['buyer']);
    await market.site(siteBody('cannes', host.id));
    await market.agreement('cannes', host.id, [producer.id]);
    // Maintenance writes the site's and its capacity stream: counted once, before and after.
    const maintenance = await market.request('POST', '/v1/sites/cannes/maintenance', {
      body: { from: '2027-03-01T06:00:00Z', to: '2027-03-01T08:00:00Z', gpusOffline: 4 },
    });
    expect(maintenance.status).toBe(201);
    const offer = await market.request<{ id: string; revision: number }>(
      'POST',
      '/v1/energy-offers',
      {
        key: producer.key,
        body: offerBody(['cannes']),
      },
    );
    await market.request('PATCH', `/v1/energy-offers/${offer.body.id}`, {
      key: producer.key,
      body: { profile: profile('2027-03-01T05:00:00Z', 3, 7_000) },
    });
    const order = await market.request<{ id: string }>('POST', '/v1/compute-orders', {
      key: buyer.key,
      body: orderBody(),
    });
    await market.request('POST', '/v1/compute-orders', {
      key: buyer.key,
      body: orderBody({ gpus: 2 }),
    });
    await market.request('DELETE', `/v1/compute-orders/${order.body.id}`, { key: buyer.key });

    // Commands answer once durable: the tables are read directly, so wait for them first.
    const runner = market.app.get<ProjectionRunner>(PROJECTION_RUNNER);
    await runner.waitFor(await market.head());
    const before = await snapshot();
    expect(before.rm_energy_offer_slots).toHaveLength(24);
    const capacity = () =>
      market.request(
        'GET',
        '/v1/sites/cannes/capacity?from=2027-03-01T05:00:00Z&to=2027-03-01T09:00:00Z',
      );
    const capacityBefore = await capacity();
    expect(capacityBefore.status).toBe(200);
    const online = (capacityBefore.body.slots as { slot: string; gpusOnline: number }[]).map(
      (slot) => slot.gpusOnline,
    );
    expect(online.slice(1, 3)).toEqual([online[0] - 4, online[0] - 4]); // 4 offline, once

    await runner.rebuild();
    await runner.waitFor(await market.head());
    expect(await snapshot()).toEqual(before);
    expect((await capacity()).body).toEqual(capacityBefore.body);
  });
});
