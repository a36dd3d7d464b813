import { DataSource } from 'typeorm';
import { READ_MODELS } from '@policloud/http';
import { ProjectionRunner, SettlementReadModelsMigration } from '@policloud/projections';
import { PROJECTION_RUNNER } from '@policloud/runtime';
import { Marketplace, Party, siteBody, usageBody } from './support/marketplace-fixture';
import { cannesWithWindOffer, MARCH_FIRST, placeTenGpuOrder } from './support/cannes-market';

interface Line {
  kind: string;
  adjusts?: string;
  allocationId?: string;
  allocationIds?: string[];
  poolPeriod: string;
  amount: number;
  quantity: number;
}
interface Statement {
  statementId: string;
  partyId: string;
  role: string;
  currency: string;
  lines: Line[];
  total: number;
}
interface Allocation {
  allocationId: string;
  slot: string;
  pricePerGpuHour: number;
}

/**
 * A month worked by hand. Cannes: e = 0.7 kW × 1.2 = 840 Wh per GPU-hour, reserve 1.50 €, one
 * wind producer (floor 45 €/MWh), agreement producers 70 % / host 30 %, platform fee 10 %.
 * One order: 10 GPUs × 3 h from 10:00 on 1 March 2027, bid 3.00 € → cleared at 1.50 €.
 *
 *   10:00  delivered 10 GPU-h, 8,400 Wh        charge 1,500.00 c
 *   11:00  wind curtailed to 5,000 Wh; the site delivered 5 GPU-h on 4,200 Wh: charge 750 c
 *   12:00  reported only after March was closed: it lands in April as adjustments
 *
 * March: charge 2,250; energy 12,600 Wh × 4.5 c/kWh = 56.7; fee 225;
 *        surplus 2,250 − 56.7 − 225 = 1,968.3 → producer 1,377.81, host 590.49.
 * April adjustment for 12:00: charge 1,500; energy 37.8; fee 150; surplus 1,312.2 →
 *        producer 918.54, host 393.66. Every line is its exact value rounded to a cent.
 */
describe('metering and settlement over a month on PostgreSQL', () => {
  let market: Marketplace;
  let host: Party;
  let producer: Party;
  let buyer: Party;
  let siteMeter: Party;
  let allocations: Allocation[];
  let march: Statement[];

  const usage = (allocation: Allocation, gpuHoursDelivered: number, whConsumed: number) =>
    market.request('POST', '/v1/usage', {
      key: siteMeter.key,
      body: usageBody(allocation, gpuHoursDelivered, whConsumed),
    });
  const close = (period: string) =>
    market.request<{ items: Statement[] }>('POST', `/v1/settlements/${period}/close`);
  const byRole = (statements: Statement[], role: string) =>
    statements.find((s) => s.role === role)!;
  const sum = (lines: Line[], kind: string) =>
    lines.filter((l) => l.kind === kind || l.adjusts === kind).reduce((t, l) => t + l.amount, 0);

  beforeAll(async () => {
    market = await Marketplace.boot();
    host = await market.participant(['host']);
    producer = await market.participant(['producer']);
    buyer = await market.participant(['buyer']);
    let offerId: string;
    ({ siteMeter, offerId } = await cannesWithWindOffer(market, host, producer, {
      offerHours: 3,
      site: { reservePricePerGpuHour: 150 },
    }));
    await placeTenGpuOrder(market, buyer, 3);
    const run = await market.request('POST', '/v1/matching/runs', { body: MARCH_FIRST });
    expect(run.body).toMatchObject({ allocationCount: 3 });
    allocations = (await market.request<{ items: Allocation[] }>('GET', '/v1/allocations')).body
      .items;
    expect(allocations.map((a) => [a.slot, a.pricePerGpuHour])).toEqual([
      ['2027-03-01T10:00:00Z', 150],
      ['2027-03-01T11:00:00Z', 150],
      ['2027-03-01T12:00:00Z', 150],
    ]);

    market.clock.set('2027-03-01T11:30:00Z');
    const curtailed = await market.request('POST', `/v1/energy-offers/${offerId}/curtailments`, {
      key: producer.key,
      body: { slot: '2027-03-01T11:00:00Z', whCurtailed: 95_000 },
    });
    expect(curtailed.status).toBe(201);
    market.clock.set('2027-03-01T13:05:00Z');
  });
  afterAll(() => market.close());

  it('a site reports metered usage of its own allocations only, once per allocation and slot', async () => {
    expect((await usage(allocations[0], 10, 8_400)).status).toBe(201);
    expect((await usage(allocations[1], 5, 4_200)).status).toBe(201);
    const twice = await usage(allocations[0], 10, 8_400);
    expect(twice.status).toBe(409);
    const other = await market.participant(['site'], {
      siteId: await market.site(siteBodyElsewhere(host.id)),
    });
    const foreign = await market.request('POST', '/v1/usage', {
      key: other.key,
      body: usageBody(allocations[2], 1, 1),
    });
    expect([403, 404]).toContain(foreign.status);
    const tooMany = await usage(allocations[2], 11, 8_400);
    expect(tooMany.status).toBe(400);
  });

  it('running charges follow usage before the close', async () => {
    const running = await market.request<{
      items: { buyerId: string; gpuHoursDelivered: number; charge: number }[];
    }>('GET', '/v1/settlements/2027-03/running', { key: buyer.key });
    expect(running.body.items).toEqual([
      expect.objectContaining({ buyerId: buyer.id, gpuHoursDelivered: 15, charge: 2_250 }),
    ]);
  });

  it('closing March gives balanced statements equal to the figures worked out by hand', async () => {
    expect((await close('2027-03')).status).toBe(409); // the month is not over
    market.clock.set('2027-04-02T00:00:00Z');
    const closed = await close('2027-03');
    expect(closed.status).toBe(200);
    march = closed.body.items;
    const buyerStatement = byRole(march, 'buyer');
    expect(buyerStatement).toMatchObject({ partyId: buyer.id, currency: 'EUR', total: -2_250 });
    expect(sum(buyerStatement.lines, 'compute_charge')).toBe(-2_250);

    const producerStatement = byRole(march, 'producer');
    const hostStatement = byRole(march, 'host');
    const platform = byRole(march, 'platform');
    // Largest remainders: 56.7 → 57, 1,377.81 → 1,378, 590.49 → 590 (the two cents left go to .81 and .7).
    expect(sum(producerStatement.lines, 'energy_payment')).toBe(57);
    expect(sum(producerStatement.lines, 'surplus_share')).toBe(1_378);
    expect(hostStatement.total).toBe(590);
    expect(platform.total).toBe(225);
    // To the cent: what the buyer pays is what the producer, the host and the platform get.
    expect(march.reduce((total, s) => total + s.total, 0)).toBe(0);
  });

  it('closing March again returns the same statements and writes nothing', async () => {
    const head = await market.head();
    const again = await close('2027-03');
    expect(again.body.items).toEqual(march);
    expect(await market.head()).toBe(head);
  });

  it('each party sees only its own statement', async () => {
    const seen = async (party: Party) =>
      (
        await market.request<{ items: Statement[] }>('GET', '/v1/settlements/2027-03/statements', {
          key: party.key,
        })
      ).body.items;
    expect((await seen(buyer)).map((s) => s.partyId)).toEqual([buyer.id]);
    expect((await seen(producer)).map((s) => s.partyId)).toEqual([producer.id]);
    expect((await seen(host)).map((s) => s.partyId)).toEqual([host.id]);
    expect(
      (await market.request('GET', '/v1/settlements/2027-03/statements')).body.items,
    ).toHaveLength(4);
    expect(
      (await market.request('GET', '/v1/settlements/2027-03/statements', { key: siteMeter.key }))
        .status,
    ).toBe(403);
  });

  it('usage that arrives after the close lands as an adjustment in the next period', async () => {
    market.clock.set('2027-04-03T00:00:00Z');
    expect((await usage(allocations[2], 10, 8_400)).status).toBe(201);
    market.clock.set('2027-05-02T00:00:00Z');
    const april = (await close('2027-04')).body.items;
    const buyerStatement = byRole(april, 'buyer');
    expect(buyerStatement.total).toBe(-1_500);
    expect(
      buyerStatement.lines.every(
        (line) => line.kind === 'adjustment' && line.poolPeriod === '2027-03',
      ),
    ).toBe(true);
    expect(
      buyerStatement.lines.some(
        (line) =>
          line.allocationId === allocations[2].allocationId ||
          line.allocationIds?.includes(allocations[2].allocationId),
      ),
    ).toBe(true);
    expect(byRole(april, 'platform').total).toBe(150);
    // 37.8 → 38, 918.54 → 918, 393.66 → 394 (the two cents left go to .8 and .66).
    expect(sum(byRole(april, 'producer').lines, 'energy_payment')).toBe(38);
    expect(sum(byRole(april, 'producer').lines, 'surplus_share')).toBe(918);
    expect(byRole(april, 'host').total).toBe(394);
    expect(april.reduce((total, s) => total + s.total, 0)).toBe(0);
  });

  it('rebuilding the settlement read models from position 0 gives the same statements and totals', async () => {
    const readModels = market.app.get<DataSource>(READ_MODELS);
    const tables = async () => ({
      statements: await readModels.query(
        'SELECT * FROM rm_settlement_statements ORDER BY statement_id',
      ),
      running: await readModels.query(
        'SELECT * FROM rm_running_charges ORDER BY period, buyer_id, currency',
      ),
    });
    const before = await tables();
    expect(before.statements.length).toBeGreaterThan(0);
    await readModels.query('DROP TABLE rm_settlement_statements, rm_running_charges');
    await new SettlementReadModelsMigration().up(readModels.createQueryRunner());
    const runner = market.app.get<ProjectionRunner>(PROJECTION_RUNNER);
    await runner.rebuild();
    await runner.waitFor(await market.head());
    expect(await tables()).toEqual(before);
  });
});

function siteBodyElsewhere(hostId: string) {
  return siteBody('dijon', hostId, { location: { lat: 47.322, lon: 5.041 } });
}
