import fc from 'fast-check';
import { expectProblem, fieldsOf, normaliseField } from './support/problem-assertions';
import { Marketplace, offerBody, orderBody, Party, siteBody } from './support/marketplace-fixture';

/**
 * One 400 lists every offending field: the type errors of some fields and the domain's rule
 * errors (currency code, whole-hour slot, ranges) of the others together, on every write
 * endpoint, and nothing is written.
 */

type Method = 'POST' | 'PATCH' | 'PUT';
type Body = Record<string, unknown>;

const SITE = 'all-errors-site';

describe('a 400 lists every offending field at once, and writes nothing', () => {
  let market: Marketplace;
  let host: Party;
  let producer: Party;
  let buyer: Party;
  let siteIdentity: Party;
  let offerId: string;

  beforeAll(async () => {
    market = await Marketplace.boot();
    ({ host, producer, buyer, offerId } = await market.siteWithOffer(SITE));
    siteIdentity = await market.participant(['site'], { siteId: SITE });
  });
  afterAll(() => market.close());

  interface Case {
    name: string;
    method: Method;
    url: () => string;
    key: () => string;
    body: () => Body;
    /** Every field the 400 must name, and no other. */
    fields: string[];
  }

  const operator = () => market.operatorKey;
  const OFF_HOUR = '2027-03-01T08:30:00Z';

  const CASES: Case[] = [
    {
      name: 'POST /v1/participants: name of the wrong type, unknown country, duplicate role',
      method: 'POST',
      url: () => '/v1/participants',
      key: operator,
      body: () => ({ name: 42, roles: ['buyer', 'buyer'], country: 'ZZ' }),
      fields: ['name', 'country', 'roles[1]'],
    },
    {
      name: 'POST /v1/sites: gpuCount as a string, unknown currency, latitude out of range, pue too high',
      method: 'POST',
      url: () => '/v1/sites',
      key: operator,
      body: () =>
        siteBody('all-errors-new-site', host.id, {
          gpuCount: '100',
          currency: 'EUX',
          location: { lat: 91, lon: 7 },
          pue: '3.5',
        }),
      fields: ['gpuCount', 'currency', 'location.lat', 'pue'],
    },
    {
      name: 'PATCH /v1/sites/:id: name of the wrong type, unknown jurisdiction, negative reserve',
      method: 'PATCH',
      url: () => `/v1/sites/${SITE}`,
      key: operator,
      body: () => ({ name: ['Cannes'], operatorJurisdiction: 'QQ', reservePricePerGpuHour: -1 }),
      fields: ['name', 'operatorJurisdiction', 'reservePricePerGpuHour'],
    },
    {
      name: 'POST /v1/sites/:id/maintenance: gpusOffline as a string, from off the hour',
      method: 'POST',
      url: () => `/v1/sites/${SITE}/maintenance`,
      key: operator,
      body: () => ({ from: OFF_HOUR, to: '2027-03-01T12:00:00Z', gpusOffline: '4' }),
      fields: ['gpusOffline', 'from'],
    },
    {
      name: 'PUT /v1/sites/:id/agreement: hostShareBps as a string, producers share over 10000, producer id not an id',
      method: 'PUT',
      url: () => `/v1/sites/${SITE}/agreement`,
      key: operator,
      body: () => ({
        effectiveFrom: '2027-01-01T00:00:00Z',
        hostParticipantId: host.id,
        producers: [{ participantId: 'not an id' }],
        producersShareBps: 12_000,
        hostShareBps: '3000',
      }),
      fields: ['hostShareBps', 'producersShareBps', 'producers[0].participantId'],
    },
    {
      name: 'POST /v1/energy-offers: carbon as a string, unknown currency, slot off the hour, negative Wh',
      method: 'POST',
      url: () => '/v1/energy-offers',
      key: () => producer.key,
      body: () =>
        offerBody([SITE], {
          carbonGPerKwh: '12',
          currency: 'BTC',
          profile: [
            { slot: '2027-03-01T10:15:00Z', wh: 1000 },
            { slot: '2027-03-01T11:00:00Z', wh: -5 },
          ],
        }),
      fields: ['carbonGPerKwh', 'currency', 'profile[0].slot', 'profile[1].wh'],
    },
    {
      name: 'PATCH /v1/energy-offers/:id: Wh as a string in one slot, slot off the hour in another',
      method: 'PATCH',
      url: () => `/v1/energy-offers/${offerId}`,
      key: () => producer.key,
      body: () => ({
        profile: [
          { slot: '2027-03-01T10:00:00Z', wh: '1000' },
          { slot: '2027-03-01T11:30:00Z', wh: 1000 },
        ],
      }),
      fields: ['profile[0].wh', 'profile[1].slot'],
    },
    {
      name: 'POST /v1/energy-offers/:id/curtailments: whCurtailed as a string, slot off the hour',
      method: 'POST',
      url: () => `/v1/energy-offers/${offerId}/curtailments`,
      key: () => producer.key,
      body: () => ({ slot: '2027-03-01T12:30:00Z', whCurtailed: '10' }),
      fields: ['whCurtailed', 'slot'],
    },
    {
      name: 'POST /v1/compute-orders: gpus as a string, currency BTC, earliestStart off the hour',
      method: 'POST',
      url: () => '/v1/compute-orders',
      key: () => buyer.key,
      body: () => orderBody({ gpus: '8', currency: 'BTC', earliestStart: OFF_HOUR }),
      fields: ['gpus', 'currency', 'earliestStart'],
    },
    {
      name: 'POST /v1/compute-orders: a nested type error beside a nested rule error',
      method: 'POST',
      url: () => '/v1/compute-orders',
      key: () => buyer.key,
      body: () =>
        orderBody({
          hours: 0,
          constraints: { jurisdictions: ['FR', 'ASEAN'], renewableOnly: 'yes' },
        }),
      fields: ['hours', 'constraints.jurisdictions[1]', 'constraints.renewableOnly'],
    },
    {
      name: 'POST /v1/compute-orders: a type error beside a window too short for the hours',
      method: 'POST',
      url: () => '/v1/compute-orders',
      key: () => buyer.key,
      body: () => orderBody({ gpus: '8', deadline: '2027-03-01T10:00:00Z' }),
      fields: ['gpus', 'deadline'],
    },
    {
      name: 'POST /v1/sites/:id/maintenance: a type error beside a reversed window',
      method: 'POST',
      url: () => `/v1/sites/${SITE}/maintenance`,
      key: operator,
      body: () => ({
        from: '2027-03-01T12:00:00Z',
        to: '2027-03-01T08:00:00Z',
        gpusOffline: true,
      }),
      fields: ['gpusOffline', 'to'],
    },
    {
      name: 'PUT /v1/sites/:id/agreement: a type error beside shares that do not make 10000 bps',
      method: 'PUT',
      url: () => `/v1/sites/${SITE}/agreement`,
      key: operator,
      body: () => ({
        effectiveFrom: '2027-01-01T00:00',
        hostParticipantId: host.id,
        producers: [{ participantId: producer.id }],
        producersShareBps: 7000,
        hostShareBps: 2000,
        heatPricePerMwh: '10',
      }),
      fields: ['effectiveFrom', 'heatPricePerMwh', 'hostShareBps', 'producersShareBps'],
    },
    {
      name: 'POST /v1/energy-offers: a type error beside a profile spanning more than 366 days',
      method: 'POST',
      url: () => '/v1/energy-offers',
      key: () => producer.key,
      body: () =>
        offerBody([SITE], {
          source: 'coal',
          profile: [
            { slot: '2027-03-01T10:00:00Z', wh: 1000 },
            { slot: '2029-03-01T10:00:00Z', wh: 1000 },
          ],
        }),
      fields: ['source', 'profile'],
    },
    {
      name: 'POST /v1/usage: gpuHoursDelivered as a string, slot off the hour, negative Wh',
      method: 'POST',
      url: () => '/v1/usage',
      key: () => siteIdentity.key,
      body: () => ({
        allocationId: 'some-allocation',
        slot: '2027-03-01T10:45:00Z',
        gpuHoursDelivered: '4',
        whConsumed: -1,
        heatWhRecovered: 0,
      }),
      fields: ['gpuHoursDelivered', 'slot', 'whConsumed'],
    },
    {
      name: 'POST /v1/usage/:id/amendments: whConsumed as a string, reason blank, heat out of range',
      method: 'POST',
      url: () => '/v1/usage/some-allocation/amendments',
      key: () => siteIdentity.key,
      body: () => ({
        gpuHoursDelivered: 4,
        whConsumed: '100',
        heatWhRecovered: 1e11,
        reason: ' ',
      }),
      fields: ['whConsumed', 'heatWhRecovered', 'reason'],
    },
    {
      name: 'POST /v1/matching/runs: from of the wrong type, to off the hour',
      method: 'POST',
      url: () => '/v1/matching/runs',
      key: operator,
      body: () => ({ from: 5, to: '2027-03-01T10:30:00Z' }),
      fields: ['from', 'to'],
    },
  ];

  it.each(CASES)('$name', async (c) => {
    const before = await market.head();
    const response = await market.request(c.method, c.url(), { key: c.key(), body: c.body() });

    expect(response.status).toBe(400);
    expectProblem(response, 400);
    const fields = fieldsOf(response);
    expect([...fields].sort()).toEqual(c.fields.map(normaliseField).sort());
    // One entry per field, in field order.
    expect(response.body.errors).toEqual(
      [...(response.body.errors as { field: string }[])].sort((a, b) =>
        a.field < b.field ? -1 : a.field > b.field ? 1 : 0,
      ),
    );
    expect(await market.head()).toBe(before);
  });

  it('POST /v1/settlements/:period/close: a period that is not a month is a 400 naming it', async () => {
    const before = await market.head();
    const response = await market.request('POST', '/v1/settlements/2027-13/close');
    expectProblem(response, 400);
    expect(fieldsOf(response)).toEqual(['period']);
    expect(await market.head()).toBe(before);
  });

  // ------------------------------------------------------------------ property

  /** Per field of an order: a value of the wrong type and a value of the right type that breaks a rule. */
  const INVALID_ORDER_FIELDS: Record<string, { wrongType: unknown; brokenRule: unknown }> = {
    gpus: { wrongType: '8', brokenRule: 0 },
    hours: { wrongType: 4.5, brokenRule: 10_000 },
    earliestStart: { wrongType: 20270301, brokenRule: '2027-03-01T08:00:01Z' },
    deadline: { wrongType: null, brokenRule: '2027-03-02T09:00:00+01:00' },
    gpuModel: { wrongType: 100, brokenRule: ' H100' },
    maxPricePerGpuHour: { wrongType: '250', brokenRule: 1e14 },
    currency: { wrongType: 978, brokenRule: 'BTC' },
    allOrNone: { wrongType: 'yes', brokenRule: 'no' },
    'constraints.jurisdictions': { wrongType: 'FR', brokenRule: [] },
    'constraints.maxCarbonGPerKwh': { wrongType: '50', brokenRule: 5000 },
    'constraints.maxDistanceKm.km': { wrongType: 'far', brokenRule: 0 },
    'constraints.maxDistanceKm.origin.lat': { wrongType: '48.85', brokenRule: 91 },
  };

  function brokenOrder(breaks: Record<string, 'wrongType' | 'brokenRule'>): Body {
    const order: Body = orderBody({
      constraints: {
        jurisdictions: ['FR'],
        maxCarbonGPerKwh: 100,
        maxDistanceKm: { origin: { lat: 48.85, lon: 2.35 }, km: 500 },
      },
    });
    const constraints = order.constraints as {
      jurisdictions: unknown[];
      maxCarbonGPerKwh: unknown;
      maxDistanceKm: { origin: { lat: unknown }; km: unknown };
    };
    for (const [field, kind] of Object.entries(breaks)) {
      const value = INVALID_ORDER_FIELDS[field][kind];
      if (field === 'constraints.jurisdictions') constraints.jurisdictions = value as unknown[];
      else if (field === 'constraints.maxCarbonGPerKwh') constraints.maxCarbonGPerKwh = value;
      else if (field === 'constraints.maxDistanceKm.km') constraints.maxDistanceKm.km = value;
      else if (field === 'constraints.maxDistanceKm.origin.lat') {
        constraints.maxDistanceKm.origin.lat = value;
      } else order[field] = value;
    }
    return order;
  }

  it('compute orders: a window too short for the hours is named beside any field errors', async () => {
    const others = fc.dictionary(
      fc.constantFrom('gpus', 'currency', 'maxPricePerGpuHour', 'gpuModel'),
      fc.constantFrom('wrongType' as const, 'brokenRule' as const),
    );
    await fc.assert(
      fc.asyncProperty(others, async (chosen) => {
        const order = { ...brokenOrder(chosen), deadline: '2027-03-01T10:00:00Z' };
        const response = await market.request('POST', '/v1/compute-orders', {
          key: buyer.key,
          body: order,
        });
        expect(response.status).toBe(400);
        expect([...fieldsOf(response)].sort()).toEqual([...Object.keys(chosen), 'deadline'].sort());
      }),
      { numRuns: 20 },
    );
  });

  it('compute orders: for any set of broken fields, the 400 names exactly those fields', async () => {
    const breaks = fc.dictionary(
      fc.constantFrom(...Object.keys(INVALID_ORDER_FIELDS)),
      fc.constantFrom('wrongType' as const, 'brokenRule' as const),
      { minKeys: 1 },
    );
    await fc.assert(
      fc.asyncProperty(breaks, async (chosen) => {
        const before = await market.head();
        const response = await market.request('POST', '/v1/compute-orders', {
          key: buyer.key,
          body: brokenOrder(chosen),
        });
        expect(response.status).toBe(400);
        expectProblem(response, 400);
        expect([...fieldsOf(response)].sort()).toEqual(
          Object.keys(chosen).map(normaliseField).sort(),
        );
        expect(await market.head()).toBe(before);
      }),
      { numRuns: 60 },
    );
  });

  it('a valid order with the same values is accepted (the broken values are the only cause)', async () => {
    const response = await market.request('POST', '/v1/compute-orders', {
      key: buyer.key,
      body: brokenOrder({}),
    });
    expect(response.status).toBe(201);
  });
});
