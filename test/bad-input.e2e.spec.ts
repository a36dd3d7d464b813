import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  COUNTRY_CODES,
  CURRENCY_CODES,
  ENERGY_SOURCES,
  JURISDICTION_BLOC_NAMES,
} from '@policloud/domain';
import { ROLES } from '@policloud/auth';
import {
  BODY_LIMIT_BYTES,
  expectProblem,
  fieldsOf,
  normaliseField,
} from './support/problem-assertions';
import {
  Marketplace,
  offerBody,
  orderBody,
  Party,
  profile,
  RequestOptions,
  Response,
  siteBody,
} from './support/marketplace-fixture';

/**
 * Bad input is refused with a 4xx problem+json (RFC 9457) and writes nothing: named cases for
 * every kind of mistake a client makes, then a property that breaks valid bodies at random.
 */

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const SITE = 'bad-input-site';
const ORIGINAL_TIME = '2027-02-01T00:00:00Z';
/** After the slot the curtailment cases report on (2027-03-01T12:00Z) has started. */
const CURTAILMENT_TIME = '2027-03-01T13:05:00Z';

describe('bad input is refused with problem+json and writes nothing', () => {
  let market: Marketplace;
  let host: Party;
  let producer: Party;
  let buyer: Party;
  let offerId: string;

  beforeAll(async () => {
    market = await Marketplace.boot();
    ({ host, producer, buyer, offerId } = await market.siteWithOffer(SITE));
  });
  afterAll(() => market.close());
  afterEach(() => market.clock.set(ORIGINAL_TIME));

  // ------------------------------------------------------------------ named cases

  interface Case {
    name: string;
    method: Method;
    url: () => string;
    key: () => string;
    body?: () => unknown;
    raw?: () => string;
    headers?: Record<string, string>;
    /** The clock when the request is made (curtailments need a started slot). */
    at?: string;
    status: number;
    /** For a 400: the field its errors must name (undefined when there is no field, e.g. bad JSON). */
    field?: string;
  }

  const operator = () => market.operatorKey;
  const asProducer = () => producer.key;
  const asBuyer = () => buyer.key;
  const sites = '/v1/sites';
  const site = `/v1/sites/${SITE}`;
  const offers = '/v1/energy-offers';
  const offer = () => `/v1/energy-offers/${offerId}`;
  const orders = '/v1/compute-orders';
  const participant = (overrides: Record<string, unknown> = {}) => ({
    name: 'Coop énergie',
    roles: ['buyer'],
    country: 'FR',
    ...overrides,
  });
  const without = (body: Record<string, unknown>, field: string) => {
    const { [field]: _removed, ...rest } = body;
    return rest;
  };
  const newSite = (overrides: Record<string, unknown> = {}) =>
    siteBody(`bi-${randomUUID().slice(0, 8)}`, host.id, overrides);
  const agreement = (overrides: Record<string, unknown> = {}) => ({
    effectiveFrom: '2027-01-01T00:00:00Z',
    hostParticipantId: host.id,
    producers: [{ participantId: producer.id }],
    producersShareBps: 7000,
    hostShareBps: 3000,
    ...overrides,
  });
  const maintenance = (overrides: Record<string, unknown> = {}) => ({
    from: '2027-04-01T00:00:00Z',
    to: '2027-04-01T06:00:00Z',
    gpusOffline: 10,
    ...overrides,
  });
  const slotWh = (slot: string, wh: unknown) => ({ profile: [{ slot, wh }] });
  const curtailment = (overrides: Record<string, unknown> = {}) => ({
    slot: '2027-03-01T12:00:00Z',
    whCurtailed: 10_000,
    ...overrides,
  });

  // One line per case: the table reads as a list of rules.
  // prettier-ignore
  const CASES: Case[] = [
    // ---- participants
    { name: 'POST /v1/participants: name of the wrong type (number)', method: 'POST', url: () => '/v1/participants', key: operator, body: () => participant({ name: 42 }), status: 400, field: 'name' },
    { name: 'POST /v1/participants: required roles missing', method: 'POST', url: () => '/v1/participants', key: operator, body: () => without(participant(), 'roles'), status: 400, field: 'roles' },
    { name: 'POST /v1/participants: unknown top-level field', method: 'POST', url: () => '/v1/participants', key: operator, body: () => participant({ isAdmin: true }), status: 400, field: 'isAdmin' },
    { name: 'POST /v1/participants: unknown role', method: 'POST', url: () => '/v1/participants', key: operator, body: () => participant({ roles: ['king'] }), status: 400, field: 'roles' },
    { name: 'POST /v1/participants: duplicate roles', method: 'POST', url: () => '/v1/participants', key: operator, body: () => participant({ roles: ['buyer', 'buyer'] }), status: 400, field: 'roles[1]' },
    { name: 'POST /v1/participants: empty roles', method: 'POST', url: () => '/v1/participants', key: operator, body: () => participant({ roles: [] }), status: 400, field: 'roles' },
    { name: 'POST /v1/participants: unknown country code', method: 'POST', url: () => '/v1/participants', key: operator, body: () => participant({ country: 'ZZ' }), status: 400, field: 'country' },
    { name: 'POST /v1/participants: alpha-3 country code', method: 'POST', url: () => '/v1/participants', key: operator, body: () => participant({ country: 'FRA' }), status: 400, field: 'country' },
    { name: 'POST /v1/participants: site identity for an unknown site', method: 'POST', url: () => '/v1/participants', key: operator, body: () => participant({ roles: ['site'], siteId: 'no-such-site' }), status: 400, field: 'siteId' },
    { name: 'POST /v1/participants: chosen id that is not an id (spaces)', method: 'POST', url: () => '/v1/participants', key: operator, body: () => participant({ id: 'not an id' }), status: 400, field: 'id' },
    { name: 'POST /v1/participants: bad Idempotency-Key (contains a space)', method: 'POST', url: () => '/v1/participants', key: operator, body: () => participant(), headers: { 'idempotency-key': 'two words' }, status: 400, field: 'Idempotency-Key' },

    // ---- sites
    { name: 'POST /v1/sites: gpuCount of the wrong type (numeric string)', method: 'POST', url: () => sites, key: operator, body: () => newSite({ gpuCount: '100' }), status: 400, field: 'gpuCount' },
    { name: 'POST /v1/sites: required name missing', method: 'POST', url: () => sites, key: operator, body: () => without(newSite(), 'name'), status: 400, field: 'name' },
    { name: 'POST /v1/sites: unknown top-level field', method: 'POST', url: () => sites, key: operator, body: () => newSite({ coolingWater: true }), status: 400, field: 'coolingWater' },
    { name: 'POST /v1/sites: unknown nested field in location', method: 'POST', url: () => sites, key: operator, body: () => newSite({ location: { lat: 43.5, lon: 7, altitude: 12 } }), status: 400, field: 'location.altitude' },
    { name: 'POST /v1/sites: unknown nested field in heatRecovery', method: 'POST', url: () => sites, key: operator, body: () => newSite({ heatRecovery: { enabled: false, buyer: 'greenhouse' } }), status: 400, field: 'heatRecovery.buyer' },
    { name: 'POST /v1/sites: unknown country code', method: 'POST', url: () => sites, key: operator, body: () => newSite({ country: 'XX' }), status: 400, field: 'country' },
    { name: 'POST /v1/sites: lower-case jurisdiction code', method: 'POST', url: () => sites, key: operator, body: () => newSite({ operatorJurisdiction: 'fr' }), status: 400, field: 'operatorJurisdiction' },
    { name: 'POST /v1/sites: unknown currency code', method: 'POST', url: () => sites, key: operator, body: () => newSite({ currency: 'EUX' }), status: 400, field: 'currency' },
    { name: 'POST /v1/sites: negative gpuCount', method: 'POST', url: () => sites, key: operator, body: () => newSite({ gpuCount: -100 }), status: 400, field: 'gpuCount' },
    { name: 'POST /v1/sites: fractional gpuCount', method: 'POST', url: () => sites, key: operator, body: () => newSite({ gpuCount: 10.5 }), status: 400, field: 'gpuCount' },
    { name: 'POST /v1/sites: gpuCount beyond any site (1e20)', method: 'POST', url: () => sites, key: operator, body: () => newSite({ gpuCount: 1e20 }), status: 400, field: 'gpuCount' },
    { name: 'POST /v1/sites: negative gpuPowerKw', method: 'POST', url: () => sites, key: operator, body: () => newSite({ gpuPowerKw: '-0.7' }), status: 400, field: 'gpuPowerKw' },
    { name: 'POST /v1/sites: pue out of range', method: 'POST', url: () => sites, key: operator, body: () => newSite({ pue: '3.5' }), status: 400, field: 'pue' },
    { name: 'POST /v1/sites: latitude out of range', method: 'POST', url: () => sites, key: operator, body: () => newSite({ location: { lat: 91, lon: 7 } }), status: 400, field: 'location.lat' },
    { name: 'POST /v1/sites: fractional reserve price (minor units are integers)', method: 'POST', url: () => sites, key: operator, body: () => newSite({ reservePricePerGpuHour: 1.5 }), status: 400, field: 'reservePricePerGpuHour' },
    { name: 'POST /v1/sites: unknown host participant', method: 'POST', url: () => sites, key: operator, body: () => newSite({ hostParticipantId: 'nobody' }), status: 400, field: 'hostParticipantId' },
    { name: 'POST /v1/sites: host without the host role', method: 'POST', url: () => sites, key: operator, body: () => newSite({ hostParticipantId: buyer.id }), status: 400, field: 'hostParticipantId' },
    { name: 'POST /v1/sites: heat recovery enabled without a share', method: 'POST', url: () => sites, key: operator, body: () => newSite({ heatRecovery: { enabled: true } }), status: 400, field: 'heatRecovery.recoveredShareBps' },
    { name: 'POST /v1/sites: chosen id that is not an id (spaces)', method: 'POST', url: () => sites, key: operator, body: () => newSite({ id: 'not an id' }), status: 400, field: 'id' },
    { name: 'POST /v1/sites: body wrapped in an array', method: 'POST', url: () => sites, key: operator, body: () => [newSite()], status: 400, field: '0' },
    { name: 'POST /v1/sites: JSON null as the body', method: 'POST', url: () => sites, key: operator, raw: () => 'null', status: 400, field: 'name' },
    { name: 'POST /v1/sites: malformed JSON (no field to name)', method: 'POST', url: () => sites, key: operator, raw: () => '{"name": "Cannes",', status: 400 },
    { name: 'POST /v1/sites: a __proto__ key inside a field (valid JSON, never accepted)', method: 'POST', url: () => sites, key: operator, raw: () => JSON.stringify(newSite()).replace('"location":{', '"location":{"__proto__":{"lat":1},'), status: 400, field: 'location.__proto__' },
    { name: 'POST /v1/sites: a constructor.prototype pair at the top level', method: 'POST', url: () => sites, key: operator, raw: () => JSON.stringify(newSite()).replace('{', '{"constructor":{"prototype":{"isAdmin":true}},'), status: 400, field: 'constructor' },
    { name: 'POST /v1/sites: body over the 256 KiB limit', method: 'POST', url: () => sites, key: operator, body: () => newSite({ name: 'x'.repeat(BODY_LIMIT_BYTES + 1) }), status: 413 },
    { name: 'POST /v1/sites: XML content type', method: 'POST', url: () => sites, key: operator, raw: () => '<site><name>Cannes</name></site>', headers: { 'content-type': 'application/xml' }, status: 415 },
    { name: 'POST /v1/sites: JSON sent as text/plain', method: 'POST', url: () => sites, key: operator, raw: () => JSON.stringify(newSite()), headers: { 'content-type': 'text/plain' }, status: 415 },
    { name: 'POST /v1/sites: bad Idempotency-Key (over 255 characters)', method: 'POST', url: () => sites, key: operator, body: () => newSite(), headers: { 'idempotency-key': 'k'.repeat(256) }, status: 400, field: 'Idempotency-Key' },

    // ---- site updates
    { name: 'PATCH /v1/sites/:id: an immutable field (gpuCount)', method: 'PATCH', url: () => site, key: operator, body: () => ({ gpuCount: 200 }), status: 400, field: 'gpuCount' },
    { name: 'PATCH /v1/sites/:id: unknown field', method: 'PATCH', url: () => site, key: operator, body: () => ({ colour: 'green' }), status: 400, field: 'colour' },
    { name: 'PATCH /v1/sites/:id: unknown status', method: 'PATCH', url: () => site, key: operator, body: () => ({ status: 'deleted' }), status: 400, field: 'status' },
    { name: 'PATCH /v1/sites/:id: name of the wrong type', method: 'PATCH', url: () => site, key: operator, body: () => ({ name: ['Cannes'] }), status: 400, field: 'name' },
    { name: 'PATCH /v1/sites/:id: pue out of range', method: 'PATCH', url: () => site, key: operator, body: () => ({ pue: '5' }), status: 400, field: 'pue' },
    { name: 'PATCH /v1/sites/:id: unknown jurisdiction code', method: 'PATCH', url: () => site, key: operator, body: () => ({ operatorJurisdiction: 'QQ' }), status: 400, field: 'operatorJurisdiction' },
    { name: 'PATCH /v1/sites/:id: If-Match that is not a revision', method: 'PATCH', url: () => site, key: operator, body: () => ({ name: 'Renamed' }), headers: { 'if-match': 'latest' }, status: 400, field: 'If-Match' },
    { name: 'PATCH /v1/sites/:id: If-Match with a list of revisions', method: 'PATCH', url: () => site, key: operator, body: () => ({ name: 'Renamed' }), headers: { 'if-match': '"1", "2"' }, status: 400, field: 'If-Match' },
    { name: 'PATCH /v1/sites/:id: negative If-Match revision', method: 'PATCH', url: () => site, key: operator, body: () => ({ name: 'Renamed' }), headers: { 'if-match': '-1' }, status: 400, field: 'If-Match' },
    { name: 'PATCH /v1/sites/:id: form-encoded body instead of JSON', method: 'PATCH', url: () => site, key: operator, raw: () => 'name=Renamed', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
    { name: 'PATCH /v1/sites/:id: a body without a content type', method: 'PATCH', url: () => site, key: operator, raw: () => '{"name":"Renamed"}', headers: { 'content-type': '' }, status: 415 },
    { name: 'PATCH /v1/sites/:id: an unknown site', method: 'PATCH', url: () => '/v1/sites/no-such-site', key: operator, body: () => ({ name: 'Renamed' }), status: 404 },

    // ---- maintenance
    { name: 'POST /v1/sites/:id/maintenance: window reversed', method: 'POST', url: () => `${site}/maintenance`, key: operator, body: () => maintenance({ from: '2027-04-01T06:00:00Z', to: '2027-04-01T00:00:00Z' }), status: 400, field: 'to' },
    { name: 'POST /v1/sites/:id/maintenance: empty window (from = to)', method: 'POST', url: () => `${site}/maintenance`, key: operator, body: () => maintenance({ to: '2027-04-01T00:00:00Z' }), status: 400, field: 'to' },
    { name: 'POST /v1/sites/:id/maintenance: from not on a whole hour', method: 'POST', url: () => `${site}/maintenance`, key: operator, body: () => maintenance({ from: '2027-04-01T00:30:00Z' }), status: 400, field: 'from' },
    { name: 'POST /v1/sites/:id/maintenance: from not in UTC', method: 'POST', url: () => `${site}/maintenance`, key: operator, body: () => maintenance({ from: '2027-04-01T02:00:00+02:00' }), status: 400, field: 'from' },
    { name: 'POST /v1/sites/:id/maintenance: negative gpusOffline', method: 'POST', url: () => `${site}/maintenance`, key: operator, body: () => maintenance({ gpusOffline: -4 }), status: 400, field: 'gpusOffline' },
    { name: 'POST /v1/sites/:id/maintenance: more GPUs offline than the site has', method: 'POST', url: () => `${site}/maintenance`, key: operator, body: () => maintenance({ gpusOffline: 101 }), status: 400, field: 'gpusOffline' },
    { name: 'POST /v1/sites/:id/maintenance: required to missing', method: 'POST', url: () => `${site}/maintenance`, key: operator, body: () => without(maintenance(), 'to'), status: 400, field: 'to' },
    { name: 'POST /v1/sites/:id/maintenance: unknown field', method: 'POST', url: () => `${site}/maintenance`, key: operator, body: () => maintenance({ reason: 'upgrade' }), status: 400, field: 'reason' },
    { name: 'POST /v1/sites/:id/maintenance: an unknown site', method: 'POST', url: () => '/v1/sites/no-such-site/maintenance', key: operator, body: () => maintenance(), status: 404 },

    // ---- agreements
    { name: 'PUT /v1/sites/:id/agreement: shares not summing to 10000 bps', method: 'PUT', url: () => `${site}/agreement`, key: operator, body: () => agreement({ hostShareBps: 2000 }), status: 400, field: 'producersShareBps' },
    { name: 'PUT /v1/sites/:id/agreement: negative share', method: 'PUT', url: () => `${site}/agreement`, key: operator, body: () => agreement({ producersShareBps: 11000, hostShareBps: -1000 }), status: 400, field: 'hostShareBps' },
    { name: 'PUT /v1/sites/:id/agreement: fractional share', method: 'PUT', url: () => `${site}/agreement`, key: operator, body: () => agreement({ producersShareBps: 6999.5, hostShareBps: 3000.5 }), status: 400, field: 'producersShareBps' },
    { name: 'PUT /v1/sites/:id/agreement: unknown producer', method: 'PUT', url: () => `${site}/agreement`, key: operator, body: () => agreement({ producers: [{ participantId: 'nobody' }] }), status: 400, field: 'producers[0].participantId' },
    { name: 'PUT /v1/sites/:id/agreement: unknown nested field in a producer', method: 'PUT', url: () => `${site}/agreement`, key: operator, body: () => agreement({ producers: [{ participantId: producer.id, shareBps: 7000 }] }), status: 400, field: 'producers[0].shareBps' },
    { name: 'PUT /v1/sites/:id/agreement: effectiveFrom not in UTC', method: 'PUT', url: () => `${site}/agreement`, key: operator, body: () => agreement({ effectiveFrom: '2027-01-01T01:00:00+01:00' }), status: 400, field: 'effectiveFrom' },
    { name: 'PUT /v1/sites/:id/agreement: required producers missing', method: 'PUT', url: () => `${site}/agreement`, key: operator, body: () => without(agreement(), 'producers'), status: 400, field: 'producers' },
    { name: 'PUT /v1/sites/:id/agreement: an unknown site', method: 'PUT', url: () => '/v1/sites/no-such-site/agreement', key: operator, body: () => agreement(), status: 404 },

    // ---- energy offers
    { name: 'POST /v1/energy-offers: negative Wh', method: 'POST', url: () => offers, key: asProducer, body: () => offerBody([SITE], slotWh('2027-03-01T10:00:00Z', -1000)), status: 400, field: 'profile[0].wh' },
    { name: 'POST /v1/energy-offers: fractional Wh', method: 'POST', url: () => offers, key: asProducer, body: () => offerBody([SITE], slotWh('2027-03-01T10:00:00Z', 1000.5)), status: 400, field: 'profile[0].wh' },
    { name: 'POST /v1/energy-offers: Wh beyond any plant (1e11)', method: 'POST', url: () => offers, key: asProducer, body: () => offerBody([SITE], slotWh('2027-03-01T10:00:00Z', 1e11)), status: 400, field: 'profile[0].wh' },
    { name: 'POST /v1/energy-offers: Wh as a string', method: 'POST', url: () => offers, key: asProducer, body: () => offerBody([SITE], slotWh('2027-03-01T10:00:00Z', '1000')), status: 400, field: 'profile[0].wh' },
    { name: 'POST /v1/energy-offers: slot not on a whole hour', method: 'POST', url: () => offers, key: asProducer, body: () => offerBody([SITE], slotWh('2027-03-01T10:15:00Z', 1000)), status: 400, field: 'profile[0].slot' },
    { name: 'POST /v1/energy-offers: slot not in UTC', method: 'POST', url: () => offers, key: asProducer, body: () => offerBody([SITE], slotWh('2027-03-01T11:00:00+01:00', 1000)), status: 400, field: 'profile[0].slot' },
    { name: 'POST /v1/energy-offers: slot without a time zone', method: 'POST', url: () => offers, key: asProducer, body: () => offerBody([SITE], slotWh('2027-03-01T10:00:00', 1000)), status: 400, field: 'profile[0].slot' },
    { name: 'POST /v1/energy-offers: the same slot twice', method: 'POST', url: () => offers, key: asProducer, body: () => offerBody([SITE], { profile: [{ slot: '2027-03-01T10:00:00Z', wh: 1 }, { slot: '2027-03-01T10:00:00Z', wh: 2 }] }), status: 400, field: 'profile[1].slot' },
    { name: 'POST /v1/energy-offers: empty profile', method: 'POST', url: () => offers, key: asProducer, body: () => offerBody([SITE], { profile: [] }), status: 400, field: 'profile' },
    { name: 'POST /v1/energy-offers: unknown site', method: 'POST', url: () => offers, key: asProducer, body: () => offerBody(['no-such-site']), status: 400, field: 'siteIds[0]' },
    { name: 'POST /v1/energy-offers: unknown currency code', method: 'POST', url: () => offers, key: asProducer, body: () => offerBody([SITE], { currency: 'QQQ' }), status: 400, field: 'currency' },
    { name: 'POST /v1/energy-offers: unknown energy source', method: 'POST', url: () => offers, key: asProducer, body: () => offerBody([SITE], { source: 'coal' }), status: 400, field: 'source' },
    { name: 'POST /v1/energy-offers: carbon intensity of the wrong type', method: 'POST', url: () => offers, key: asProducer, body: () => offerBody([SITE], { carbonGPerKwh: 'low' }), status: 400, field: 'carbonGPerKwh' },
    { name: 'POST /v1/energy-offers: unknown nested field in a profile slot', method: 'POST', url: () => offers, key: asProducer, body: () => offerBody([SITE], { profile: [{ slot: '2027-03-01T10:00:00Z', wh: 1000, note: 'gusty' }] }), status: 400, field: 'profile[0].note' },
    { name: 'POST /v1/energy-offers: required floorPricePerMwh missing', method: 'POST', url: () => offers, key: asProducer, body: () => without(offerBody([SITE]), 'floorPricePerMwh'), status: 400, field: 'floorPricePerMwh' },

    // ---- offer amendments
    { name: 'PATCH /v1/energy-offers/:id: negative Wh', method: 'PATCH', url: offer, key: asProducer, body: () => slotWh('2027-03-01T10:00:00Z', -1), status: 400, field: 'profile[0].wh' },
    { name: 'PATCH /v1/energy-offers/:id: fractional Wh', method: 'PATCH', url: offer, key: asProducer, body: () => slotWh('2027-03-01T10:00:00Z', 0.5), status: 400, field: 'profile[0].wh' },
    { name: 'PATCH /v1/energy-offers/:id: a field that cannot be amended', method: 'PATCH', url: offer, key: asProducer, body: () => ({ ...slotWh('2027-03-01T10:00:00Z', 1000), siteIds: [SITE] }), status: 400, field: 'siteIds' },
    { name: 'PATCH /v1/energy-offers/:id: If-Match that is not a revision', method: 'PATCH', url: offer, key: asProducer, body: () => slotWh('2027-03-01T10:00:00Z', 1000), headers: { 'if-match': 'W/"abc"' }, status: 400, field: 'If-Match' },

    // ---- curtailments
    { name: 'POST /v1/energy-offers/:id/curtailments: negative Wh', method: 'POST', url: () => `${offer()}/curtailments`, key: asProducer, at: CURTAILMENT_TIME, body: () => curtailment({ whCurtailed: -10 }), status: 400, field: 'whCurtailed' },
    { name: 'POST /v1/energy-offers/:id/curtailments: fractional Wh', method: 'POST', url: () => `${offer()}/curtailments`, key: asProducer, at: CURTAILMENT_TIME, body: () => curtailment({ whCurtailed: 10.25 }), status: 400, field: 'whCurtailed' },
    { name: 'POST /v1/energy-offers/:id/curtailments: more Wh than offered', method: 'POST', url: () => `${offer()}/curtailments`, key: asProducer, at: CURTAILMENT_TIME, body: () => curtailment({ whCurtailed: 100_001 }), status: 400, field: 'whCurtailed' },
    { name: 'POST /v1/energy-offers/:id/curtailments: slot not on a whole hour', method: 'POST', url: () => `${offer()}/curtailments`, key: asProducer, at: CURTAILMENT_TIME, body: () => curtailment({ slot: '2027-03-01T12:30:00Z' }), status: 400, field: 'slot' },
    { name: 'POST /v1/energy-offers/:id/curtailments: slot that has not started', method: 'POST', url: () => `${offer()}/curtailments`, key: asProducer, at: CURTAILMENT_TIME, body: () => curtailment({ slot: '2027-03-01T20:00:00Z' }), status: 400, field: 'slot' },
    { name: 'POST /v1/energy-offers/:id/curtailments: unknown field', method: 'POST', url: () => `${offer()}/curtailments`, key: asProducer, at: CURTAILMENT_TIME, body: () => curtailment({ cause: 'calm' }), status: 400, field: 'cause' },
    { name: 'POST /v1/energy-offers/:id/curtailments: required whCurtailed missing', method: 'POST', url: () => `${offer()}/curtailments`, key: asProducer, at: CURTAILMENT_TIME, body: () => without(curtailment(), 'whCurtailed'), status: 400, field: 'whCurtailed' },

    // ---- compute orders
    { name: 'POST /v1/compute-orders: window reversed (deadline before earliestStart)', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody({ earliestStart: '2027-03-02T08:00:00Z', deadline: '2027-03-01T08:00:00Z' }), status: 400, field: 'deadline' },
    { name: 'POST /v1/compute-orders: window shorter than the hours', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody({ deadline: '2027-03-01T10:00:00Z' }), status: 400, field: 'deadline' },
    { name: 'POST /v1/compute-orders: earliestStart not on a whole hour', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody({ earliestStart: '2027-03-01T08:00:01Z' }), status: 400, field: 'earliestStart' },
    { name: 'POST /v1/compute-orders: deadline not in UTC', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody({ deadline: '2027-03-02T09:00:00+01:00' }), status: 400, field: 'deadline' },
    { name: 'POST /v1/compute-orders: earliestStart without a time zone', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody({ earliestStart: '2027-03-01T08:00:00' }), status: 400, field: 'earliestStart' },
    { name: 'POST /v1/compute-orders: a date that does not exist (30 February)', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody({ earliestStart: '2027-02-30T08:00:00Z' }), status: 400, field: 'earliestStart' },
    { name: 'POST /v1/compute-orders: gpus as a string', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody({ gpus: '8' }), status: 400, field: 'gpus' },
    { name: 'POST /v1/compute-orders: negative gpus', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody({ gpus: -8 }), status: 400, field: 'gpus' },
    { name: 'POST /v1/compute-orders: fractional hours', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody({ hours: 2.5 }), status: 400, field: 'hours' },
    { name: 'POST /v1/compute-orders: allOrNone as a string', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody({ allOrNone: 'yes' }), status: 400, field: 'allOrNone' },
    { name: 'POST /v1/compute-orders: required currency missing', method: 'POST', url: () => orders, key: asBuyer, body: () => without(orderBody(), 'currency'), status: 400, field: 'currency' },
    { name: 'POST /v1/compute-orders: unknown currency code', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody({ currency: 'BTC' }), status: 400, field: 'currency' },
    { name: 'POST /v1/compute-orders: unknown jurisdiction', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody({ constraints: { jurisdictions: ['FR', 'ASEAN'] } }), status: 400, field: 'constraints.jurisdictions[1]' },
    { name: 'POST /v1/compute-orders: unknown constraint', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody({ constraints: { jurisdictions: ['FR'], greenOnly: true } }), status: 400, field: 'constraints.greenOnly' },
    { name: 'POST /v1/compute-orders: unknown field three levels deep', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody({ constraints: { maxDistanceKm: { origin: { lat: 48.85, lon: 2.35, alt: 35 }, km: 500 } } }), status: 400, field: 'constraints.maxDistanceKm.origin.alt' },
    { name: 'POST /v1/compute-orders: fractional distance limit', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody({ constraints: { maxDistanceKm: { origin: { lat: 48.85, lon: 2.35 }, km: 500.5 } } }), status: 400, field: 'constraints.maxDistanceKm.km' },
    { name: 'POST /v1/compute-orders: malformed JSON (no field to name)', method: 'POST', url: () => orders, key: asBuyer, raw: () => "{'gpus': 8}", status: 400 },
    { name: 'POST /v1/compute-orders: body over the 256 KiB limit', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody({ constraints: { jurisdictions: Array.from({ length: 60_000 }, () => 'FR') } }), status: 413 },
    { name: 'POST /v1/compute-orders: bad Idempotency-Key (empty)', method: 'POST', url: () => orders, key: asBuyer, body: () => orderBody(), headers: { 'idempotency-key': '' }, status: 400, field: 'Idempotency-Key' },
  ];

  it.each(CASES)('$name → $status problem+json, nothing written', async (c) => {
    if (c.at) market.clock.set(c.at);
    const before = await market.head();
    const options: RequestOptions = {
      key: c.key(),
      ...(c.headers ? { headers: { ...c.headers } } : {}),
    };
    if (c.body) options.body = c.body();
    if (c.raw) options.raw = c.raw();
    if (options.headers?.['content-type'] === '') {
      // No content type at all, with a body: built by hand (the fixture adds JSON's).
      const response = await market.app.inject({
        method: c.method,
        url: c.url(),
        headers: { authorization: `Bearer ${options.key}` },
        payload: options.raw,
      });
      const parsed = {
        status: response.statusCode,
        body: JSON.parse(response.body),
        headers: response.headers,
      };
      expect(parsed.status).toBe(c.status);
      expectProblem(parsed as Response, c.status);
      expect(await market.head()).toBe(before);
      return;
    }

    const response = await market.request(c.method, c.url(), options);

    expect({ status: response.status, body: response.body }).toMatchObject({ status: c.status });
    expectProblem(response, c.status);
    if (c.field !== undefined) {
      expect(response.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ message: expect.any(String) })]),
      );
      expect(fieldsOf(response)).toContain(normaliseField(c.field));
    }
    expect(await market.head()).toBe(before);
  });

  it('every named 400 with a field to name lists it (the table is consistent)', () => {
    for (const c of CASES) {
      if (c.status === 400 && !c.name.includes('malformed JSON')) expect(c.field).toBeDefined();
    }
  });

  // ------------------------------------------------------------------ property

  /** What a field holds, which decides the values that must be refused in it. */
  type Kind =
    | 'int'
    | 'latitude'
    | 'longitude'
    | 'decimal'
    | 'text'
    | 'id'
    | 'participantRef'
    | 'siteRef'
    | 'slot'
    | 'country'
    | 'currency'
    | 'source'
    | 'role'
    | 'jurisdiction'
    | 'siteStatus'
    | 'bool'
    | 'object'
    | 'array';

  interface FieldSpec {
    path: (string | number)[];
    kind: Kind;
    /** Deleting it is an error (it is required wherever its parent is present). */
    required?: boolean;
    /** A list that must not be empty. */
    nonEmpty?: boolean;
    /** A list whose items must be unique. */
    unique?: boolean;
  }

  interface Endpoint {
    name: string;
    method: Method;
    url: () => string;
    key: () => string;
    at?: string;
    runs: number;
    /** A valid body; `n` makes chosen ids unique. */
    valid: (n: number) => JsonObject;
    fields: FieldSpec[];
    /** Pairs of [start, end] fields: swapping them reverses the window. */
    windows?: [string, string][];
  }

  const counter = { n: 0 };
  const ENDPOINTS: Endpoint[] = [
    {
      name: 'site registration',
      method: 'POST',
      url: () => sites,
      key: operator,
      runs: 200,
      valid: (n) =>
        siteBody(`prop-site-${n}`, host.id, {
          heatRecovery: { enabled: true, recoveredShareBps: 4000 },
        }) as JsonObject,
      fields: [
        { path: ['id'], kind: 'id' },
        { path: ['name'], kind: 'text', required: true },
        { path: ['model'], kind: 'text', required: true },
        { path: ['gpuCount'], kind: 'int', required: true },
        { path: ['gpuModel'], kind: 'text', required: true },
        { path: ['gpuPowerKw'], kind: 'decimal', required: true },
        { path: ['pue'], kind: 'decimal', required: true },
        { path: ['location'], kind: 'object', required: true },
        { path: ['location', 'lat'], kind: 'latitude', required: true },
        { path: ['location', 'lon'], kind: 'longitude', required: true },
        { path: ['country'], kind: 'country', required: true },
        { path: ['operatorLegalEntity'], kind: 'text', required: true },
        { path: ['operatorJurisdiction'], kind: 'country', required: true },
        { path: ['certifications'], kind: 'array', required: true, unique: true },
        { path: ['certifications', 0], kind: 'text' },
        { path: ['hostParticipantId'], kind: 'participantRef', required: true },
        { path: ['heatRecovery'], kind: 'object', required: true },
        { path: ['heatRecovery', 'enabled'], kind: 'bool', required: true },
        { path: ['heatRecovery', 'recoveredShareBps'], kind: 'int', required: true },
        { path: ['reservePricePerGpuHour'], kind: 'int', required: true },
        { path: ['currency'], kind: 'currency', required: true },
      ],
    },
    {
      name: 'offer listing',
      method: 'POST',
      url: () => offers,
      key: asProducer,
      runs: 200,
      valid: () =>
        offerBody([SITE], { profile: profile('2027-03-02T00:00:00Z', 3, 50_000) }) as JsonObject,
      fields: [
        { path: ['siteIds'], kind: 'array', required: true, nonEmpty: true, unique: true },
        { path: ['siteIds', 0], kind: 'siteRef' },
        { path: ['source'], kind: 'source', required: true },
        { path: ['carbonGPerKwh'], kind: 'int', required: true },
        { path: ['floorPricePerMwh'], kind: 'int', required: true },
        { path: ['currency'], kind: 'currency', required: true },
        { path: ['profile'], kind: 'array', required: true, nonEmpty: true, unique: true },
        { path: ['profile', 0], kind: 'object' },
        { path: ['profile', 1, 'slot'], kind: 'slot', required: true },
        { path: ['profile', 2, 'wh'], kind: 'int', required: true },
      ],
    },
    {
      name: 'order placement',
      method: 'POST',
      url: () => orders,
      key: asBuyer,
      runs: 200,
      valid: () =>
        orderBody({
          allOrNone: false,
          constraints: {
            jurisdictions: ['FR', 'EU'],
            sovereignOperator: true,
            maxDistanceKm: { origin: { lat: 48.85, lon: 2.35 }, km: 900 },
            renewableOnly: true,
            maxCarbonGPerKwh: 100,
          },
        }) as JsonObject,
      windows: [['earliestStart', 'deadline']],
      fields: [
        { path: ['gpus'], kind: 'int', required: true },
        { path: ['hours'], kind: 'int', required: true },
        { path: ['earliestStart'], kind: 'slot', required: true },
        { path: ['deadline'], kind: 'slot', required: true },
        { path: ['gpuModel'], kind: 'text' },
        { path: ['maxPricePerGpuHour'], kind: 'int', required: true },
        { path: ['currency'], kind: 'currency', required: true },
        { path: ['allOrNone'], kind: 'bool' },
        { path: ['constraints'], kind: 'object' },
        { path: ['constraints', 'jurisdictions'], kind: 'array', nonEmpty: true, unique: true },
        { path: ['constraints', 'jurisdictions', 1], kind: 'jurisdiction' },
        { path: ['constraints', 'sovereignOperator'], kind: 'bool' },
        { path: ['constraints', 'maxDistanceKm'], kind: 'object' },
        { path: ['constraints', 'maxDistanceKm', 'origin'], kind: 'object', required: true },
        {
          path: ['constraints', 'maxDistanceKm', 'origin', 'lat'],
          kind: 'latitude',
          required: true,
        },
        {
          path: ['constraints', 'maxDistanceKm', 'origin', 'lon'],
          kind: 'longitude',
          required: true,
        },
        { path: ['constraints', 'maxDistanceKm', 'km'], kind: 'int', required: true },
        { path: ['constraints', 'renewableOnly'], kind: 'bool' },
        { path: ['constraints', 'maxCarbonGPerKwh'], kind: 'int' },
      ],
    },
    {
      name: 'participant registration',
      method: 'POST',
      url: () => '/v1/participants',
      key: operator,
      runs: 150,
      valid: (n) => ({
        id: `prop-participant-${n}`,
        name: 'Régie de Dijon',
        roles: ['buyer', 'host'],
        country: 'FR',
        legalEntity: 'Régie SPL',
      }),
      fields: [
        { path: ['id'], kind: 'id' },
        { path: ['name'], kind: 'text', required: true },
        { path: ['roles'], kind: 'array', required: true, nonEmpty: true, unique: true },
        { path: ['roles', 1], kind: 'role' },
        { path: ['country'], kind: 'country', required: true },
        { path: ['legalEntity'], kind: 'text' },
      ],
    },
    {
      name: 'agreement',
      method: 'PUT',
      url: () => `${site}/agreement`,
      key: operator,
      runs: 75,
      valid: () => ({ ...agreement(), heatPricePerMwh: 2000 }) as JsonObject,
      fields: [
        { path: ['effectiveFrom'], kind: 'slot', required: true },
        { path: ['hostParticipantId'], kind: 'participantRef', required: true },
        { path: ['producers'], kind: 'array', required: true, nonEmpty: true, unique: true },
        { path: ['producers', 0], kind: 'object' },
        { path: ['producers', 0, 'participantId'], kind: 'participantRef', required: true },
        { path: ['producersShareBps'], kind: 'int', required: true },
        { path: ['hostShareBps'], kind: 'int', required: true },
        { path: ['heatPricePerMwh'], kind: 'int' },
      ],
    },
    {
      name: 'maintenance',
      method: 'POST',
      url: () => `${site}/maintenance`,
      key: operator,
      runs: 50,
      valid: () => maintenance() as JsonObject,
      windows: [['from', 'to']],
      fields: [
        { path: ['from'], kind: 'slot', required: true },
        { path: ['to'], kind: 'slot', required: true },
        { path: ['gpusOffline'], kind: 'int', required: true },
      ],
    },
    {
      name: 'offer amendment',
      method: 'PATCH',
      url: offer,
      key: asProducer,
      runs: 50,
      valid: () => ({ profile: profile('2027-03-01T10:00:00Z', 2, 60_000) }) as JsonObject,
      fields: [
        { path: ['profile'], kind: 'array', required: true, nonEmpty: true, unique: true },
        { path: ['profile', 0], kind: 'object' },
        { path: ['profile', 0, 'slot'], kind: 'slot', required: true },
        { path: ['profile', 1, 'wh'], kind: 'int', required: true },
      ],
    },
    {
      name: 'curtailment',
      method: 'POST',
      url: () => `${offer()}/curtailments`,
      key: asProducer,
      at: CURTAILMENT_TIME,
      runs: 50,
      valid: () => curtailment({ whCurtailed: 2_000 }) as JsonObject,
      fields: [
        { path: ['slot'], kind: 'slot', required: true },
        { path: ['whCurtailed'], kind: 'int', required: true },
      ],
    },
    {
      name: 'site update',
      method: 'PATCH',
      url: () => site,
      key: operator,
      runs: 25,
      valid: () => ({
        name: 'Cannes La Bocca',
        certifications: ['SecNumCloud', 'ISO 27001'],
        reservePricePerGpuHour: 160,
        pue: '1.15',
        heatRecovery: { enabled: true, recoveredShareBps: 3000 },
        operatorLegalEntity: 'Policloud SAS',
        operatorJurisdiction: 'FR',
        hostParticipantId: host.id,
        status: 'active',
      }),
      fields: [
        { path: ['name'], kind: 'text' },
        { path: ['certifications'], kind: 'array', unique: true },
        { path: ['certifications', 1], kind: 'text' },
        { path: ['reservePricePerGpuHour'], kind: 'int' },
        { path: ['pue'], kind: 'decimal' },
        { path: ['heatRecovery'], kind: 'object' },
        { path: ['heatRecovery', 'enabled'], kind: 'bool', required: true },
        { path: ['heatRecovery', 'recoveredShareBps'], kind: 'int', required: true },
        { path: ['operatorLegalEntity'], kind: 'text' },
        { path: ['operatorJurisdiction'], kind: 'country' },
        { path: ['hostParticipantId'], kind: 'participantRef' },
        { path: ['status'], kind: 'siteStatus' },
      ],
    },
  ];

  // ---- values that are never valid for a kind

  const COUNTRIES: ReadonlySet<string> = new Set(COUNTRY_CODES);
  const CURRENCIES: ReadonlySet<string> = new Set(CURRENCY_CODES);
  const JURISDICTIONS: ReadonlySet<string> = new Set([
    ...COUNTRY_CODES,
    ...JURISDICTION_BLOC_NAMES,
  ]);
  const VALID_SLOT = /^\d{4}-\d{2}-\d{2}T\d{2}:00:00(\.0{1,3})?Z$/;

  const anyString = fc.string({ maxLength: 12 });
  const notIn = (set: ReadonlySet<string> | readonly string[]) => {
    const values = new Set<string>(set);
    return fc
      .oneof(
        anyString,
        fc.constantFrom('fr', 'Fr', 'FRA', 'XX', 'ZZ', 'EURO', 'eur', '€', 'E U', ''),
      )
      .filter((value) => !values.has(value));
  };
  const nonString = (optional: boolean): fc.Arbitrary<Json> =>
    fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }) as fc.Arbitrary<Json>,
      fc.dictionary(anyString, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }) as fc.Arbitrary<Json>,
      ...(optional ? [] : [fc.constant(null)]),
    );
  const nonNumber = (optional: boolean): fc.Arbitrary<Json> =>
    fc.oneof(
      anyString,
      fc.constantFrom('NaN', 'Infinity', '-1', '1e3', '8', '0x10'),
      fc.boolean(),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.dictionary(anyString, fc.integer(), { maxKeys: 3 }),
      ...(optional ? [] : [fc.constant(null)]),
    );
  const nonBoolean = (optional: boolean): fc.Arbitrary<Json> =>
    fc.oneof(
      fc.constantFrom('true', 'false', 'yes', 0, 1),
      fc.integer(),
      fc.array(fc.boolean(), { maxLength: 2 }),
      fc.dictionary(anyString, fc.boolean(), { maxKeys: 2 }),
      ...(optional ? [] : [fc.constant(null)]),
    );
  const nonObject = (optional: boolean): fc.Arbitrary<Json> =>
    fc.oneof(
      anyString,
      fc.integer(),
      fc.boolean(),
      fc.array(fc.integer(), { maxLength: 3 }),
      ...(optional ? [] : [fc.constant(null)]),
    );
  const nonArray = (optional: boolean): fc.Arbitrary<Json> =>
    fc.oneof(
      anyString,
      fc.integer(),
      fc.boolean(),
      fc.dictionary(anyString, fc.integer(), { maxKeys: 3 }),
      ...(optional ? [] : [fc.constant(null)]),
    );
  /** Integers the API must refuse: negative, fractional, beyond every limit (≥ 2^53). */
  const badInteger = fc.oneof(
    fc.integer({ min: -1_000_000_000, max: -1 }),
    fc.integer({ min: 0, max: 100_000 }).map((n) => n + 0.5),
    fc.double({ min: 0.001, max: 0.999, noNaN: true }),
    fc.constantFrom(2 ** 53, 2 ** 53 + 2, 1e20, 1e300, Number.MAX_VALUE),
  );
  const badCoordinate = (limit: number) =>
    fc
      .tuple(
        fc.double({ min: limit + 0.000_001, max: 1e300, noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
      )
      .map(([value, negative]) => (negative ? -value : value));
  /** Decimals (kW, PUE) that are negative, too precise, far out of range or not numbers. */
  const badDecimal = fc.oneof(
    fc.constantFrom(
      '-0.7',
      -0.7,
      '0.7001',
      1.2345,
      '1e3',
      '0,7',
      '',
      ' 1.2',
      'abc',
      99_999,
      '99999',
      1e300,
    ),
    fc.double({ min: -1e6, max: -0.001, noNaN: true }),
  );
  const badSlot = fc.oneof(
    fc.constantFrom(
      '2027-03-01T10:30:00Z', // not a whole hour
      '2027-03-01T10:00:01Z',
      '2027-03-01T10:00:00.500Z',
      '2027-03-01T10:00:00', // no zone
      '2027-03-01T11:00:00+01:00', // not UTC
      '2027-03-01T10:00:00-00:00',
      '2027-03-01', // date only
      '2027-03-01 10:00:00Z',
      '2027-03-01t10:00:00z',
      '2027-02-30T10:00:00Z', // no such day
      '2027-03-01T24:00:00Z',
      '1969-12-31T23:00:00Z', // before the epoch
      '20270301T100000Z',
      'tomorrow',
      '',
    ),
    anyString.filter((value) => !VALID_SLOT.test(value)),
  );
  /** Refused by every text field: names (trimmed, ≤ 200), GPU models and certifications (patterns). */
  const badText = fc.constantFrom('', ' ', ' padded', '\tTab', 'x'.repeat(201));
  const badId = fc.constantFrom(
    '',
    'has space',
    '-leading',
    '.dot',
    'slash/inside',
    'x'.repeat(129),
    'é',
  );

  /** A value of the field's kind that must be refused, in its JSON type or another one. */
  function invalidValue(spec: FieldSpec): fc.Arbitrary<Json> {
    const optional = !spec.required;
    switch (spec.kind) {
      case 'int':
        return fc.oneof(badInteger, nonNumber(optional));
      case 'latitude':
        return fc.oneof(badCoordinate(90), nonNumber(optional));
      case 'longitude':
        return fc.oneof(badCoordinate(180), nonNumber(optional));
      case 'decimal':
        return fc.oneof(
          badDecimal,
          fc.boolean(),
          fc.array(fc.integer(), { maxLength: 2 }),
          ...(optional ? [] : [fc.constant(null)]),
        );
      case 'text':
        return fc.oneof(badText, nonString(optional));
      case 'id':
        return fc.oneof(badId, nonString(optional));
      case 'participantRef':
        return fc.oneof(badId, fc.uuid(), nonString(optional)); // a well-formed id of nobody is refused too
      case 'siteRef':
        return fc.oneof(badId, fc.uuid(), nonString(optional));
      case 'slot':
        return fc.oneof(badSlot, nonString(optional));
      case 'country':
        return fc.oneof(notIn(COUNTRIES), nonString(optional));
      case 'currency':
        return fc.oneof(notIn(CURRENCIES), nonString(optional));
      case 'jurisdiction':
        return fc.oneof(notIn(JURISDICTIONS), nonString(optional));
      case 'source':
        return fc.oneof(notIn(ENERGY_SOURCES), nonString(optional));
      case 'role':
        return fc.oneof(notIn(ROLES), nonString(optional));
      case 'siteStatus':
        return fc.oneof(notIn(['active', 'suspended']), nonString(optional));
      case 'bool':
        return nonBoolean(optional);
      case 'object':
        return nonObject(optional);
      case 'array':
        return nonArray(optional);
    }
  }

  // ---- mutations

  interface Mutation {
    describe: string;
    apply: (body: JsonObject) => Json;
  }

  const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

  function at(body: Json, path: (string | number)[]): Json {
    return path.reduce<Json>((node, step) => (node as Record<string | number, Json>)[step], body);
  }

  function setAt(body: JsonObject, path: (string | number)[], value: Json | undefined): JsonObject {
    const copy = clone(body);
    const parent = at(copy, path.slice(0, -1)) as Record<string | number, Json>;
    const last = path[path.length - 1];
    if (value === undefined) delete parent[last];
    else parent[last] = value;
    return copy;
  }

  const show = (path: (string | number)[]) =>
    path
      .map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`))
      .join('')
      .slice(1);

  function mutations(endpoint: Endpoint): fc.Arbitrary<Mutation> {
    const { fields } = endpoint;
    const required = fields.filter((spec) => spec.required);
    const objects: (string | number)[][] = [
      [],
      ...fields.filter((spec) => spec.kind === 'object').map((spec) => spec.path),
    ];
    const nonEmpty = fields.filter((spec) => spec.nonEmpty);
    const unique = fields.filter((spec) => spec.unique);
    const options: fc.Arbitrary<Mutation>[] = [
      // A value that is refused: wrong JSON type, out of range, garbage code, broken time...
      fc
        .constantFrom(...fields)
        .chain((spec) => invalidValue(spec).map((value) => ({ spec, value })))
        .map(({ spec, value }) => ({
          describe: `set ${show(spec.path)} to ${JSON.stringify(value)}`,
          apply: (body) => setAt(body, spec.path, value),
        })),
      // An unknown field, at the top or in any nested object.
      fc
        .tuple(
          fc.constantFrom(...objects),
          fc.string({ maxLength: 8 }).map((s) => `x${s}`),
          fc.jsonValue({ maxDepth: 2 }),
        )
        .map(([path, key, value]) => ({
          describe: `add unknown field ${show([...path, key]) || key} = ${JSON.stringify(value)}`,
          apply: (body) => setAt(body, [...path, key], value as Json),
        })),
      // The whole body is not an object.
      fc.constantFrom<Mutation>(
        { describe: 'wrap the body in an array', apply: (body) => [body] },
        { describe: 'send an empty array', apply: () => [] },
        { describe: 'send a string', apply: (body) => JSON.stringify(body) },
        { describe: 'send a number', apply: () => 42 },
        { describe: 'send null', apply: () => null },
      ),
    ];
    if (required.length > 0) {
      options.push(
        fc.constantFrom(...required).map((spec) => ({
          describe: `delete ${show(spec.path)}`,
          apply: (body) => setAt(body, spec.path, undefined),
        })),
      );
    }
    if (nonEmpty.length > 0) {
      options.push(
        fc.constantFrom(...nonEmpty).map((spec) => ({
          describe: `empty ${show(spec.path)}`,
          apply: (body) => setAt(body, spec.path, []),
        })),
      );
    }
    if (unique.length > 0) {
      options.push(
        fc.constantFrom(...unique).map((spec) => ({
          describe: `duplicate the first item of ${show(spec.path)}`,
          apply: (body) => {
            const list = at(body, spec.path) as Json[];
            return setAt(body, spec.path, [...list, clone(list[0])]);
          },
        })),
      );
    }
    for (const [start, end] of endpoint.windows ?? []) {
      options.push(
        fc.constant<Mutation>({
          describe: `swap ${start} and ${end}`,
          apply: (body) => ({ ...body, [start]: body[end], [end]: body[start] }),
        }),
      );
    }
    // Counterexamples print as what the mutation did.
    return fc.oneof(...options).map((m) => ({ ...m, [fc.toStringMethod]: () => m.describe }));
  }

  it('the valid bodies the property mutates are accepted as they are', async () => {
    for (const endpoint of ENDPOINTS) {
      market.clock.set(endpoint.at ?? ORIGINAL_TIME);
      const response = await market.request(endpoint.method, endpoint.url(), {
        key: endpoint.key(),
        body: endpoint.valid(++counter.n),
      });
      expect({
        endpoint: endpoint.name,
        status: response.status,
        body: response.body,
      }).toMatchObject({
        status: endpoint.method === 'POST' ? 201 : 200,
      });
    }
  });

  it.each(ENDPOINTS.map((endpoint) => [endpoint.name, endpoint.runs, endpoint] as const))(
    'property: any mutation that breaks a valid %s body is refused with a 4xx problem+json and writes nothing (%d runs)',
    async (_name, runs, endpoint) => {
      market.clock.set(endpoint.at ?? ORIGINAL_TIME);
      await fc.assert(
        fc.asyncProperty(mutations(endpoint), async (mutation) => {
          const body = mutation.apply(endpoint.valid(++counter.n));
          const before = await market.head();
          const response = await market.request(endpoint.method, endpoint.url(), {
            key: endpoint.key(),
            body,
          });
          const context = {
            mutation: mutation.describe,
            status: response.status,
            body: response.body,
          };
          expect(context).toMatchObject({ status: expect.any(Number) });
          if (response.status < 400 || response.status >= 500) {
            throw new Error(`accepted or failed: ${JSON.stringify(context)}`);
          }
          expectProblem(response, response.status);
          if (response.status === 400) expect(fieldsOf(response).length).toBeGreaterThan(0);
          expect(await market.head()).toBe(before);
        }),
        { numRuns: runs },
      );
    },
    60_000,
  );

  it('the property budget is 1,000 runs across the bodies', () => {
    expect(ENDPOINTS.reduce((sum, endpoint) => sum + endpoint.runs, 0)).toBe(1000);
  });
});
