/**
 * Hand-worked settlements. Unless a test says otherwise: fee 10 %, agreement 60 % producers /
 * 40 % host, 10 GPUs at 2.50 EUR (250 minor units) per GPU-hour, e = 700 Wh, offer o1 of prod-p1
 * at 50 EUR/MWh (5000 minor units per MWh).
 */
import { settlePeriod } from './settlement';
import { SettlementInputError } from './settlement.errors';
import { SettlementInput } from './settlement.types';
import {
  agreement,
  allocation,
  amounts,
  B1,
  B2,
  HOST,
  netOf,
  P1,
  P2,
  site,
  statementOf,
  usage,
} from './testing/settlement-fixtures';

function input(overrides: Partial<SettlementInput>): SettlementInput {
  return {
    period: '2026-03',
    platformFeeBps: 1_000,
    allocations: [],
    usage: [],
    sites: [site()],
    ...overrides,
  };
}

describe('settlement, hand-worked', () => {
  it('single producer: charge = delivered GPU-hours × price; energy at the floor; the surplus split 60/40; remainders by largest fraction', () => {
    // C = 10 × 250 = 2500; fee = 250; energy = 6999 Wh × 5000 / 10⁶ = 34.995
    // surplus = 2500 − 250 − 34.995 = 2215.005 → host 40 % = 886.002, producers 60 % = 1329.003
    // floors 34 + 886 + 1329 + 250 = 2499: the one unit left goes to the largest fraction (.995).
    const result = settlePeriod(
      input({ allocations: [allocation('a1')], usage: [usage('a1', 'u1', 1, 10, 6_999)] }),
    );

    const buyer = statementOf(result, 'buyer', B1);
    expect(buyer.lines).toEqual([
      expect.objectContaining({
        kind: 'compute_charge',
        allocationId: 'a1',
        usageEventIds: ['u1'],
        quantity: 10,
        unit: 'gpu_hour',
        unitPrice: 250,
        amount: -2_500,
        exact: '-2500',
      }),
    ]);
    const producer = statementOf(result, 'producer', P1);
    expect(producer.lines).toEqual([
      expect.objectContaining({
        kind: 'energy_payment',
        offerId: 'o1',
        quantity: 6_999,
        unitPrice: 5_000,
        amount: 35,
        exact: '6999/200',
      }),
      expect.objectContaining({ kind: 'surplus_share', amount: 1_329, exact: '1329003/1000' }),
    ]);
    expect(producer.total).toBe(1_364);
    expect(amounts(statementOf(result, 'host', HOST))).toEqual([['surplus_share', 886]]);
    expect(amounts(statementOf(result, 'platform', 'platform'))).toEqual([['platform_fee', 250]]);
    expect(result.balances).toEqual([
      expect.objectContaining({
        currency: 'EUR',
        charged: 2_500,
        paidOut: 2_250,
        platformFee: 250,
        difference: 0,
        meteredWh: 6_999,
        attributedWh: 6_999,
        excessWh: 0,
        unfundedEnergy: '0',
      }),
    ]);
  });

  it('two producers: energy per offer; the producers’ share pro rata to the Wh each supplied in the period', () => {
    // a1: o1 (p1, 50 EUR/MWh) 4200 Wh + o2 (p2, 40 EUR/MWh) 2800 Wh; a2: o2 7000 Wh.
    // C = 5000, fee = 500, energy = 21 + (2800 + 7000) × 4000 / 10⁶ = 21 + 39.2 = 60.2
    // surplus = 4439.8 → host 1775.92, producers 2663.88 split 4200 : 9800 → 799.164 / 1864.716
    // floors 21 + 39 + 1775 + 500 + 799 + 1864 = 4998: +1 to host (.92) and p2 (.716).
    const o1 = { offerId: 'o1', producerId: P1, wh: 4_200, floorPricePerMwh: 5_000 };
    const o2 = { offerId: 'o2', producerId: P2, wh: 2_800, floorPricePerMwh: 4_000 };
    const result = settlePeriod(
      input({
        allocations: [
          allocation('a1', { energy: [o1, o2] }),
          allocation('a2', { slot: '2026-03-01T11:00:00Z', energy: [{ ...o2, wh: 7_000 }] }),
        ],
        usage: [usage('a1', 'u1', 1, 10, 7_000), usage('a2', 'u2', 2, 10, 7_000)],
      }),
    );

    expect(amounts(statementOf(result, 'producer', P1))).toEqual([
      ['energy_payment', 21],
      ['surplus_share', 799],
    ]);
    expect(amounts(statementOf(result, 'producer', P2))).toEqual([
      ['energy_payment', 39],
      ['surplus_share', 1_865],
    ]);
    expect(statementOf(result, 'producer', P2).lines[1].quantity).toBe(9_800);
    expect(amounts(statementOf(result, 'host', HOST))).toEqual([['surplus_share', 1_776]]);
    expect(amounts(statementOf(result, 'platform', 'platform'))).toEqual([['platform_fee', 500]]);
    expect(statementOf(result, 'buyer', B1).total).toBe(-5_000);
    expect(netOf(result)).toBe(0);
  });

  it('curtailment caps a producer’s Wh; what it could not deliver is credited to the producer that did', () => {
    // o1 and o2 (both 50 EUR/MWh) each drew 3500 Wh; o1 could deliver only 1400 of its 3500
    // allocated Wh, so its draw is capped at ⌊3500 × 1400 / 3500⌋ = 1400. 4000 Wh metered:
    // pro rata 2000 / 2000, o1 capped at 1400, the other 600 go to o2: 1400 / 2600.
    // energy 7 + 13; surplus 2500 − 250 − 20 = 2230 → host 892, producers 1338 split 1400 : 2600
    // = 468.3 / 869.7; the one unit left goes to p2 (.7).
    const draws = [
      { offerId: 'o1', producerId: P1, wh: 3_500, floorPricePerMwh: 5_000 },
      { offerId: 'o2', producerId: P2, wh: 3_500, floorPricePerMwh: 5_000 },
    ];
    const curtailed = input({
      allocations: [allocation('a1', { energy: draws })],
      usage: [usage('a1', 'u1', 1, 10, 4_000)],
      supplies: [
        { offerId: 'o1', slot: '2026-03-01T10:00:00Z', allocatedWh: 3_500, deliverableWh: 1_400 },
      ],
    });
    const result = settlePeriod(curtailed);

    expect(statementOf(result, 'producer', P1).lines[0]).toEqual(
      expect.objectContaining({ kind: 'energy_payment', quantity: 1_400, amount: 7 }),
    );
    expect(amounts(statementOf(result, 'producer', P1))).toEqual([
      ['energy_payment', 7],
      ['surplus_share', 468],
    ]);
    expect(amounts(statementOf(result, 'producer', P2))).toEqual([
      ['energy_payment', 13],
      ['surplus_share', 870],
    ]);
    expect(amounts(statementOf(result, 'host', HOST))).toEqual([['surplus_share', 892]]);
    expect(statementOf(result, 'buyer', B1).total).toBe(-2_500);

    // Metered beyond what the producers could deliver (1400 + 3500) is paid to no one.
    const overMetered = settlePeriod({ ...curtailed, usage: [usage('a1', 'u1', 1, 10, 6_000)] });
    expect(overMetered.balances[0]).toEqual(
      expect.objectContaining({ meteredWh: 6_000, attributedWh: 4_900, difference: 0 }),
    );
    expect(statementOf(overMetered, 'producer', P1).lines[0].quantity).toBe(1_400);
    expect(statementOf(overMetered, 'producer', P2).lines[0].quantity).toBe(3_500);

    // A curtailment that only takes the unallocated surplus leaves the draw whole.
    const unallocatedOnly = settlePeriod({
      ...curtailed,
      supplies: [
        { offerId: 'o1', slot: '2026-03-01T10:00:00Z', allocatedWh: 3_500, deliverableWh: 4_000 },
      ],
    });
    expect(statementOf(unallocatedOnly, 'producer', P1).lines[0].quantity).toBe(2_000);
  });

  it('under-delivery: undelivered GPU-hours are not charged', () => {
    // 6 of 10 GPU-hours, 4200 Wh: C = 1500, fee 150, energy 21, surplus 1329 → host 531.6,
    // producers 797.4; the unit left goes to the host (.6).
    const result = settlePeriod(
      input({ allocations: [allocation('a1')], usage: [usage('a1', 'u1', 1, 6, 4_200)] }),
    );

    expect(statementOf(result, 'buyer', B1).lines).toEqual([
      expect.objectContaining({ quantity: 6, unitPrice: 250, amount: -1_500 }),
    ]);
    expect(amounts(statementOf(result, 'producer', P1))).toEqual([
      ['energy_payment', 21],
      ['surplus_share', 797],
    ]);
    expect(amounts(statementOf(result, 'host', HOST))).toEqual([['surplus_share', 532]]);
    expect(amounts(statementOf(result, 'platform', 'platform'))).toEqual([['platform_fee', 150]]);
  });

  it('an allocation with nothing delivered charges nothing', () => {
    const result = settlePeriod(
      input({ allocations: [allocation('a1')], usage: [usage('a1', 'u1', 1, 0, 0)] }),
    );
    expect(result.statements).toEqual([]);
    expect(result.balances[0]).toEqual(expect.objectContaining({ charged: 0, difference: 0 }));
  });

  it('excess energy is borne by the host’s share, never by the buyer', () => {
    // 8000 Wh drawn and metered for 10 GPU-hours at e = 700: 1000 Wh beyond e × 10.
    // energy 40, of which excess 5; surplus before excess 2500 − 250 − 35 = 2215 → host 886,
    // producers 1329; the host bears the 5.
    const result = settlePeriod(
      input({
        allocations: [
          allocation('a1', {
            energy: [{ offerId: 'o1', producerId: P1, wh: 8_000, floorPricePerMwh: 5_000 }],
          }),
        ],
        usage: [usage('a1', 'u1', 1, 10, 8_000)],
      }),
    );

    expect(statementOf(result, 'buyer', B1).total).toBe(-2_500);
    expect(amounts(statementOf(result, 'producer', P1))).toEqual([
      ['energy_payment', 40],
      ['surplus_share', 1_329],
    ]);
    const host = statementOf(result, 'host', HOST);
    expect(amounts(host)).toEqual([
      ['surplus_share', 886],
      ['excess_energy', -5],
    ]);
    expect(host.lines[1]).toEqual(expect.objectContaining({ quantity: 1_000, unit: 'wh' }));
    expect(amounts(statementOf(result, 'platform', 'platform'))).toEqual([['platform_fee', 250]]);
    expect(result.balances[0].excessWh).toBe(1_000);
  });

  it('excess energy falls on the platform fee when the host has no share', () => {
    const result = settlePeriod(
      input({
        sites: [site([agreement({ producersShareBps: 10_000, hostShareBps: 0 })])],
        allocations: [
          allocation('a1', {
            energy: [{ offerId: 'o1', producerId: P1, wh: 8_000, floorPricePerMwh: 5_000 }],
          }),
        ],
        usage: [usage('a1', 'u1', 1, 10, 8_000)],
      }),
    );

    expect(amounts(statementOf(result, 'platform', 'platform'))).toEqual([
      ['platform_fee', 250],
      ['excess_energy', -5],
    ]);
    expect(amounts(statementOf(result, 'producer', P1))).toEqual([
      ['energy_payment', 40],
      ['surplus_share', 2_215],
    ]);
    expect(statementOf(result, 'buyer', B1).total).toBe(-2_500);
  });

  it('energy metered with nothing delivered is excess, borne by the host’s share of the pool; equal fractions go to the smaller party id', () => {
    // a1: 10 GPU-hours, 7000 Wh; a2: nothing delivered but 700 Wh metered (all excess: 3.5).
    // energy 38.5; surplus before excess 2215 → host 886 − 3.5 = 882.5, producers 1329.
    // floors 38 + 882 + 1329 + 250 = 2499: the unit left is a tie (.5 / .5) between the energy of
    // prod-p1 and the host's net: host-h < prod-p1, so the host's net is 883 = 886 − 3.
    const result = settlePeriod(
      input({
        allocations: [
          allocation('a1'),
          allocation('a2', {
            gpus: 1,
            slot: '2026-03-01T11:00:00Z',
            energy: [{ offerId: 'o1', producerId: P1, wh: 700, floorPricePerMwh: 5_000 }],
          }),
        ],
        usage: [usage('a1', 'u1', 1, 10, 7_000), usage('a2', 'u2', 2, 0, 700)],
      }),
    );

    expect(amounts(statementOf(result, 'buyer', B1))).toEqual([['compute_charge', -2_500]]);
    expect(amounts(statementOf(result, 'producer', P1))).toEqual([
      ['energy_payment', 38],
      ['surplus_share', 1_329],
    ]);
    const host = statementOf(result, 'host', HOST);
    expect(host.lines.map((line) => [line.kind, line.amount, line.exact])).toEqual([
      ['surplus_share', 886, '886'],
      ['excess_energy', -3, '-7/2'],
    ]);
    expect(netOf(result)).toBe(0);
  });

  it('recovered heat: the host pays it at the agreement’s price, the producers receive it pro rata to their Wh', () => {
    // 5000 Wh of heat at 20 EUR/MWh = 10; otherwise the single-producer example at 7000 Wh.
    const result = settlePeriod(
      input({
        sites: [site([agreement({ heatPricePerMwh: 2_000 })])],
        allocations: [allocation('a1')],
        usage: [usage('a1', 'u1', 1, 10, 7_000, 5_000)],
      }),
    );

    const host = statementOf(result, 'host', HOST);
    expect(amounts(host)).toEqual([
      ['surplus_share', 886],
      ['heat_purchase', -10],
    ]);
    expect(host.lines[1]).toEqual(
      expect.objectContaining({ quantity: 5_000, unitPrice: 2_000, unit: 'wh' }),
    );
    expect(host.total).toBe(876);
    expect(amounts(statementOf(result, 'producer', P1))).toEqual([
      ['energy_payment', 35],
      ['surplus_share', 1_329],
      ['heat_revenue', 10],
    ]);
    expect(result.balances[0]).toEqual(
      expect.objectContaining({ charged: 2_510, paidOut: 2_260, platformFee: 250, difference: 0 }),
    );
  });

  it('no heat price in the agreement: recovered heat is not sold', () => {
    const result = settlePeriod(
      input({ allocations: [allocation('a1')], usage: [usage('a1', 'u1', 1, 10, 7_000, 5_000)] }),
    );
    expect(amounts(statementOf(result, 'host', HOST))).toEqual([['surplus_share', 886]]);
    expect(result.balances[0].heatWhSold).toBe(0);
  });

  describe('late usage and corrections after a close', () => {
    // March: a1 (b1) settled on u1 at position 10. After the close, u1 is amended to 8 GPU-hours
    // and 5600 Wh (position 20), and a2 (b2, 5 GPUs, 3500 Wh of o1) reports for March
    // (position 21). April has its own a3.
    const a1 = allocation('a1');
    const a2 = allocation('a2', {
      buyerId: B2,
      gpus: 5,
      slot: '2026-03-02T10:00:00Z',
      energy: [{ offerId: 'o1', producerId: P1, wh: 3_500, floorPricePerMwh: 5_000 }],
    });
    const a3 = allocation('a3', { slot: '2026-04-01T10:00:00Z' });
    const log = [
      usage('a1', 'u1', 10, 10, 7_000),
      usage('a1', 'u1-amended', 20, 8, 5_600),
      usage('a2', 'u2', 21, 5, 3_500),
      usage('a3', 'u3', 22, 10, 7_000),
    ];
    const allocations = [a1, a2, a3];
    const march = settlePeriod(input({ allocations, usage: log, asOfPosition: 10 }));
    const april = settlePeriod(
      input({ period: '2026-04', allocations, usage: log, settled: march.settledPools }),
    );

    it('March settles what was known at its close', () => {
      expect(amounts(statementOf(march, 'buyer', B1))).toEqual([['compute_charge', -2_500]]);
      expect(amounts(statementOf(march, 'producer', P1))).toEqual([
        ['energy_payment', 35],
        ['surplus_share', 1_329],
      ]);
      expect(amounts(statementOf(march, 'host', HOST))).toEqual([['surplus_share', 886]]);
      expect(march.statements.some((s) => s.partyId === B2)).toBe(false);
    });

    it('they land in April as adjustments: the March pool settled again, less what March paid', () => {
      // March pool now: C = 8 × 250 + 5 × 250 = 3250, fee 325, energy 9100 Wh → 45.5,
      // surplus 2879.5 → host 1151.8, producers 1727.7. Less March's 35 / 1329 / 886 / 250:
      // energy +10.5, producers +398.7, host +265.8, fee +75, b1 +500, b2 −1250 (Σ 0).
      // floors 10 + 398 + 265 + 75 = 748 of 750: +1 to the host (.8) and the producers (.7).
      const b1 = statementOf(april, 'buyer', B1);
      expect(b1.lines).toEqual([
        expect.objectContaining({ kind: 'compute_charge', allocationId: 'a3', amount: -2_500 }),
        expect.objectContaining({
          kind: 'adjustment',
          adjusts: 'compute_charge',
          poolPeriod: '2026-03',
          allocationId: 'a1',
          usageEventIds: ['u1', 'u1-amended'],
          quantity: -2,
          amount: 500,
        }),
      ]);
      expect(statementOf(april, 'buyer', B2).lines).toEqual([
        expect.objectContaining({
          kind: 'adjustment',
          adjusts: 'compute_charge',
          allocationId: 'a2',
          usageEventIds: ['u2'],
          quantity: 5,
          amount: -1_250,
        }),
      ]);
      const producer = statementOf(april, 'producer', P1);
      expect(amounts(producer)).toEqual([
        ['energy_payment', 35],
        ['surplus_share', 1_329],
        ['adjustment:energy_payment', 10],
        ['adjustment:surplus_share', 399],
      ]);
      expect(producer.lines[2]).toEqual(
        expect.objectContaining({
          quantity: 2_100,
          exact: '21/2',
          allocationIds: ['a1', 'a2'],
          usageEventIds: ['u1', 'u1-amended', 'u2'],
        }),
      );
      expect(amounts(statementOf(april, 'host', HOST))).toEqual([
        ['surplus_share', 886],
        ['adjustment:surplus_share', 266],
      ]);
      expect(amounts(statementOf(april, 'platform', 'platform'))).toEqual([
        ['platform_fee', 250],
        ['adjustment:platform_fee', 75],
      ]);
      expect(april.balances[0]).toEqual(
        expect.objectContaining({
          charged: 2_500 + 750,
          difference: 0,
          pools: 2,
          adjustedPools: 1,
        }),
      );
    });

    it('the March pool’s record now holds what was paid in all, within a unit of its exact amounts', () => {
      const record = april.settledPools.find((pool) => pool.period === '2026-03')!;
      expect(record.settledIn).toBe('2026-04');
      expect(record.members.map((m) => [m.allocationId, m.usageEventId])).toEqual([
        ['a1', 'u1-amended'],
        ['a2', 'u2'],
      ]);
      expect(record.lines.map((line) => [line.kind, line.partyId, line.amount])).toEqual([
        ['energy_payment', P1, 45], // 45.5
        ['surplus_share', HOST, 1_152], // 1151.8
        ['platform_fee', 'platform', 325],
        ['surplus_share', P1, 1_728], // 1727.7
      ]);
    });

    it('closing again gives the same statements: March with its cut-off, April as such', () => {
      const marchAgain = settlePeriod(
        input({ allocations, usage: log, asOfPosition: 10, settled: april.settledPools }),
      );
      expect(marchAgain).toEqual(march);
      const aprilAgain = settlePeriod(
        input({
          period: '2026-04',
          allocations,
          usage: log,
          settled: [...march.settledPools, ...april.settledPools],
        }),
      );
      expect(aprilAgain).toEqual(april);
    });

    it('a pool with nothing new is not adjusted again', () => {
      const may = settlePeriod(
        input({
          period: '2026-05',
          allocations,
          usage: log,
          settled: [...march.settledPools, ...april.settledPools],
        }),
      );
      expect(may.statements).toEqual([]);
    });

    it('a correction that changes no figure moves no money', () => {
      // The two-producer March pool has fractional amounts; a1's usage is re-sent unchanged.
      const o1 = { offerId: 'o1', producerId: P1, wh: 4_200, floorPricePerMwh: 5_000 };
      const o2 = { offerId: 'o2', producerId: P2, wh: 2_800, floorPricePerMwh: 4_000 };
      const pool = [allocation('a1', { energy: [o1, o2] }), a2];
      const first = [usage('a1', 'u1', 10, 10, 6_999, 333), usage('a2', 'u2', 11, 5, 3_500)];
      const closed = settlePeriod(input({ allocations: pool, usage: first }));
      const resent = [...first, usage('a1', 'u1-again', 30, 10, 6_999, 333)];
      const next = settlePeriod(
        input({
          period: '2026-04',
          allocations: pool,
          usage: resent,
          settled: closed.settledPools,
        }),
      );
      expect(next.statements).toEqual([]);
      expect(next.settledPools[0].members[0].usageEventId).toBe('u1-again');
      expect(next.settledPools[0].lines).toEqual(closed.settledPools[0].lines);
    });

    it('an adjustment needs every allocation of the pool', () => {
      expect(() =>
        settlePeriod(
          input({
            period: '2026-04',
            allocations: [a2, a3],
            usage: log,
            settled: march.settledPools,
          }),
        ),
      ).toThrow(/allocation a1 is not in the input/);
    });
  });

  describe('statements as a party reads them', () => {
    it('a buyer’s lines are in slot order, whatever the order of the allocation ids', () => {
      const result = settlePeriod(
        input({
          allocations: [
            allocation('a1', { slot: '2026-03-03T10:00:00Z' }),
            allocation('a2', { slot: '2026-03-01T10:00:00Z' }),
            allocation('a3', { slot: '2026-03-02T10:00:00Z' }),
            allocation('a0', { slot: '2026-03-02T10:00:00Z' }),
          ],
          usage: ['a1', 'a2', 'a3', 'a0'].map((id, i) => usage(id, `u-${id}`, i + 1, 10, 7_000)),
        }),
      );

      expect(statementOf(result, 'buyer', B1).lines.map((line) => line.allocationId)).toEqual([
        'a2',
        'a0',
        'a3',
        'a1',
      ]);
    });

    it('an adjustment names what was settled before as money: sign, leading zero, every cent', () => {
      // March: 13000 Wh metered for 10 GPU-hours at e = 700: 6000 Wh of excess at 50 EUR/MWh,
      // 30 cents borne by the host. April learns it was 12000 Wh: 25 cents.
      const a1 = allocation('a1', {
        energy: [{ offerId: 'o1', producerId: P1, wh: 13_000, floorPricePerMwh: 5_000 }],
      });
      const log = [usage('a1', 'u1', 1, 10, 13_000), usage('a1', 'u1-amended', 2, 10, 12_000)];
      const march = settlePeriod(input({ allocations: [a1], usage: log, asOfPosition: 1 }));
      expect(amounts(statementOf(march, 'host', HOST))).toContainEqual(['excess_energy', -30]);
      const april = settlePeriod(
        input({ period: '2026-04', allocations: [a1], usage: log, settled: march.settledPools }),
      );

      const host = statementOf(april, 'host', HOST);
      const excess = host.lines.find((line) => line.adjusts === 'excess_energy');
      expect(excess?.amount).toBe(5);
      expect(excess?.description).toMatch(/\(previously settled -0\.30 EUR\)$/);
    });
  });

  describe('refuses input it cannot settle', () => {
    it('an allocation with no agreement in force at its slot', () => {
      expect(() =>
        settlePeriod(
          input({
            sites: [site([agreement({ effectiveFrom: '2026-04-01T00:00:00Z' })])],
            allocations: [allocation('a1')],
            usage: [usage('a1', 'u1', 1, 10, 7_000)],
          }),
        ),
      ).toThrow(SettlementInputError);
    });

    it('more GPU-hours delivered than allocated GPUs', () => {
      expect(() =>
        settlePeriod(
          input({ allocations: [allocation('a1')], usage: [usage('a1', 'u1', 1, 11, 7_000)] }),
        ),
      ).toThrow(/11 GPU-hours delivered on 10 GPUs/);
    });

    it('an allocation listed twice, or drawing no energy', () => {
      const used = [usage('a1', 'u1', 1, 10, 7_000)];
      expect(() =>
        settlePeriod(input({ allocations: [allocation('a1'), allocation('a1')], usage: used })),
      ).toThrow(/a1 is listed twice/);
      expect(() =>
        settlePeriod(input({ allocations: [allocation('a1', { energy: [] })], usage: used })),
      ).toThrow(/a1 draws no energy/);
    });

    it('a malformed period', () => {
      expect(() => settlePeriod(input({ period: '2026-3' }))).toThrow(SettlementInputError);
    });
  });

  it('the agreement in force at each slot: a new version changes the split from its effective hour', () => {
    const result = settlePeriod(
      input({
        sites: [
          site([
            agreement(),
            agreement({
              version: 2,
              effectiveFrom: '2026-03-15T00:00:00Z',
              producersShareBps: 5_000,
              hostShareBps: 5_000,
            }),
          ]),
        ],
        allocations: [allocation('a1'), allocation('a2', { slot: '2026-03-20T10:00:00Z' })],
        usage: [usage('a1', 'u1', 1, 10, 7_000), usage('a2', 'u2', 2, 10, 7_000)],
      }),
    );
    // a1 under v1: host 886; a2 under v2: surplus 2215 → host 1107.5, producers 1107.5.
    const host = statementOf(result, 'host', HOST);
    expect(host.lines.map((line) => [line.agreementVersion, line.exact])).toEqual([
      [1, '886'],
      [2, '2215/2'],
    ]);
    expect(netOf(result)).toBe(0);
  });
});
