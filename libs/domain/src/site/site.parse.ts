import { FieldError } from '../shared/domain-error';
import { BPS_WHOLE, parseBps } from '../shared/bps';
import { parseCountry } from '../shared/countries';
import { parseGpuPowerKw, parsePue } from '../shared/energy';
import { parseGeoPoint } from '../shared/geo';
import { parseGpuModel } from '../shared/gpu-model';
import { parseCurrency, parseUnitPrice } from '../shared/money';
import { MAX_HORIZON_HOURS, parseInstant, parseSlot, slotHour } from '../shared/slots';
import {
  fail,
  isPlainObject,
  ok,
  parseBoolean,
  parsedFields,
  parseId,
  parseInteger,
  parseList,
  parseOneOf,
  parseOptional,
  parseText,
  Parsed,
  unknownKeys,
  Unparsed,
} from '../shared/validation';
import {
  DecommissionSite,
  RegisterSite,
  ScheduleMaintenance,
  SetAgreement,
  SiteChangeRequest,
  UpdateSite,
} from './site.commands';
import { HeatRecovery } from './site.events';

export const MAX_GPUS_PER_SITE = 10_000;
const MAX_CERTIFICATIONS = 32;
const MAX_PRODUCERS_PER_AGREEMENT = 100;
const CERTIFICATION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._:/+-]{0,63}$/;

/**
 * A site as the edge receives it into the typed command, or every field error at once. Whether
 * the host exists and holds the host role reads another stream: decide checks that.
 */
export function parseRegisterSite(data: Unparsed<RegisterSite['data']>): Parsed<RegisterSite> {
  const fields = parsedFields({
    siteId: parseId(data.siteId, 'siteId'),
    name: parseText(data.name, 'name'),
    model: parseSiteModel(data.model, 'model'),
    gpuCount: parseGpuCount(data.gpuCount, 'gpuCount'),
    gpuModel: parseGpuModel(data.gpuModel, 'gpuModel'),
    gpuPowerKw: parseGpuPowerKw(data.gpuPowerKw, 'gpuPowerKw'),
    pue: parsePue(data.pue, 'pue'),
    location: parseGeoPoint(data.location, 'location'),
    country: parseCountry(data.country, 'country'),
    operatorLegalEntity: parseText(data.operatorLegalEntity, 'operatorLegalEntity'),
    operatorJurisdiction: parseCountry(data.operatorJurisdiction, 'operatorJurisdiction'),
    certifications: parseCertifications(data.certifications, 'certifications'),
    hostParticipantId: parseId(data.hostParticipantId, 'hostParticipantId'),
    heatRecovery: parseHeatRecovery(data.heatRecovery, 'heatRecovery'),
    reservePricePerGpuHour: parseUnitPrice(data.reservePricePerGpuHour, 'reservePricePerGpuHour'),
    currency: parseCurrency(data.currency, 'currency'),
  });
  if (!fields.ok) return fields;
  const { gpuPowerKw, pue, ...rest } = fields.value;
  return ok({
    type: 'RegisterSite',
    data: { ...rest, gpuPowerKw: gpuPowerKw.text, pue: pue.text },
  });
}

/** Changes into the typed command: known, mutable fields only, each valid on its own. */
export function parseUpdateSite(data: Unparsed<UpdateSite['data']>): Parsed<UpdateSite> {
  const siteId = parseId(data.siteId, 'siteId');
  const requested = data.changes;
  if (!isPlainObject(requested) || Object.keys(requested).length === 0) {
    return fail('changes', 'must name at least one field to change');
  }
  const errors: FieldError[] = siteId.ok ? [] : siteId.errors;
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(requested)) {
    const field = `changes.${key}`;
    if (IMMUTABLE_FIELDS.includes(key)) {
      errors.push({ field, message: 'cannot be changed after registration' });
    } else if (!Object.hasOwn(SITE_CHANGE_RULES, key)) {
      errors.push({ field, message: 'is not a known field' });
    } else {
      const result = SITE_CHANGE_RULES[key as keyof ChangeParsers](value, field);
      if (!result.ok) errors.push(...result.errors);
      // The PUE is kept as its canonical text, as events store it.
      else changes[key] = key === 'pue' ? (result.value as { text: string }).text : result.value;
    }
  }
  if (errors.length > 0 || !siteId.ok) return { ok: false, errors };
  return ok({
    type: 'UpdateSite',
    data: { siteId: siteId.value, changes: changes as SiteChangeRequest },
  });
}

/** A window into the typed command; the GPUs the site has are for decide. */
export function parseScheduleMaintenance(
  data: Unparsed<ScheduleMaintenance['data']>,
): Parsed<ScheduleMaintenance> {
  const fields = parsedFields({
    siteId: parseId(data.siteId, 'siteId'),
    maintenanceId: parseId(data.maintenanceId, 'maintenanceId'),
    from: parseSlot(data.from, 'from'),
    to: parseSlot(data.to, 'to'),
    gpusOffline: parseGpuCount(data.gpusOffline, 'gpusOffline'),
  });
  if (!fields.ok) return fields;
  const errors = maintenanceWindowErrors(fields.value);
  return errors.length > 0
    ? { ok: false, errors }
    : ok({ type: 'ScheduleMaintenance', data: fields.value });
}

/** An agreement into the typed command; its host and producers' roles are for decide. */
export function parseSetAgreement(data: Unparsed<SetAgreement['data']>): Parsed<SetAgreement> {
  const fields = parsedFields({
    siteId: parseId(data.siteId, 'siteId'),
    effectiveFrom: parseSlot(data.effectiveFrom, 'effectiveFrom'),
    hostParticipantId: parseId(data.hostParticipantId, 'hostParticipantId'),
    producers: parseAgreementProducers(data.producers, 'producers'),
    producersShareBps: parseBps(data.producersShareBps, 'producersShareBps'),
    hostShareBps: parseBps(data.hostShareBps, 'hostShareBps'),
    heatPricePerMwh: parseOptional(data.heatPricePerMwh, 'heatPricePerMwh', parseUnitPrice),
  });
  if (!fields.ok) return fields;
  const errors = agreementShareErrors(fields.value);
  if (errors.length > 0) return { ok: false, errors };
  const { heatPricePerMwh, ...required } = fields.value;
  return ok({
    type: 'SetAgreement',
    data: { ...required, ...(heatPricePerMwh !== undefined && { heatPricePerMwh }) },
  });
}

export function parseDecommissionSite(
  data: Unparsed<DecommissionSite['data']>,
): Parsed<DecommissionSite> {
  const fields = parsedFields({
    siteId: parseId(data.siteId, 'siteId'),
    decommissionedAt: parseInstant(data.decommissionedAt, 'decommissionedAt'),
  });
  return fields.ok ? ok({ type: 'DecommissionSite', data: fields.value }) : fields;
}

/** Identity and physical facts: changing them would silently rewrite what past events meant. */
const IMMUTABLE_FIELDS = [
  'siteId',
  'model',
  'gpuCount',
  'gpuModel',
  'gpuPowerKw',
  'location',
  'country',
  'currency',
];

type ChangeParsers = {
  [K in keyof SiteChangeRequest]-?: (value: unknown, field: string) => Parsed<unknown>;
};

/** The rule of each field an update may change. */
export const SITE_CHANGE_RULES: ChangeParsers = {
  name: parseText,
  certifications: parseCertifications,
  reservePricePerGpuHour: parseUnitPrice,
  pue: parsePue,
  heatRecovery: parseHeatRecovery,
  operatorLegalEntity: parseText,
  operatorJurisdiction: parseCountry,
  hostParticipantId: parseId,
  status: (value, field) =>
    value === 'decommissioned'
      ? fail(field, 'a site is decommissioned with DecommissionSite, not by an update')
      : parseOneOf(value, field, ['active', 'suspended'] as const),
};

/**
 * A maintenance window `[from, to)` is not empty and spans at most MAX_HORIZON_HOURS; a refusal
 * names `to`. Nothing is said while `from` or `to` breaks its own rule.
 */
export function maintenanceWindowErrors(window: { from?: unknown; to?: unknown }): FieldError[] {
  const from = parseSlot(window.from, 'from');
  const to = parseSlot(window.to, 'to');
  if (!from.ok || !to.ok) return [];
  const hours = slotHour(to.value) - slotHour(from.value);
  if (hours <= 0) return [{ field: 'to', message: 'must be after from' }];
  if (hours > MAX_HORIZON_HOURS) {
    return [{ field: 'to', message: `the window must not exceed ${MAX_HORIZON_HOURS} hours` }];
  }
  return [];
}

/**
 * The producers' and the host's shares make the whole surplus. Nothing is said while a share
 * breaks its own rule: that rule says why.
 */
export function agreementShareErrors(shares: {
  producersShareBps?: unknown;
  hostShareBps?: unknown;
}): FieldError[] {
  const producers = parseBps(shares.producersShareBps, 'producersShareBps');
  const host = parseBps(shares.hostShareBps, 'hostShareBps');
  if (!producers.ok || !host.ok) return [];
  const total = producers.value + host.value;
  if (total === BPS_WHOLE) return [];
  const message = `producersShareBps + hostShareBps must be ${BPS_WHOLE}, is ${total}`;
  return [
    { field: 'producersShareBps', message },
    { field: 'hostShareBps', message },
  ];
}

/** The producers an agreement lets feed the site: 1 to 100, each once. */
export function parseAgreementProducers(
  value: unknown,
  field: string,
): Parsed<{ participantId: string }[]> {
  return parseList(value, field, parseProducer, {
    min: 1,
    max: MAX_PRODUCERS_PER_AGREEMENT,
    uniqueBy: (producer) => producer.participantId,
    uniqueField: 'participantId',
  });
}

function parseProducer(value: unknown, field: string): Parsed<{ participantId: string }> {
  if (!isPlainObject(value)) return fail(field, 'must be an object with participantId');
  const extra = unknownKeys(value, field, ['participantId']);
  const participantId = parseId(value.participantId, `${field}.participantId`);
  if (extra.length > 0) {
    return { ok: false, errors: [...extra, ...(participantId.ok ? [] : participantId.errors)] };
  }
  return participantId.ok ? ok({ participantId: participantId.value }) : participantId;
}

/** GPUs at one site (its size, an order's GPUs, GPUs taken offline): 1 to `max`. */
export function parseGpuCount(
  value: unknown,
  field: string,
  max: number = MAX_GPUS_PER_SITE,
): Parsed<number> {
  return parseInteger(value, field, { min: 1, max });
}

export function parseSiteModel(value: unknown, field: string): Parsed<string> {
  return parseText(value, field, 64);
}

/** Certification names (SecNumCloud, ISO/IEC 27001, …), each once; also frozen in allocations. */
export function parseCertifications(value: unknown, field: string): Parsed<string[]> {
  const certification = (item: unknown, itemField: string): Parsed<string> =>
    typeof item === 'string' && CERTIFICATION_PATTERN.test(item)
      ? ok(item)
      : fail(
          itemField,
          'must be a certification name such as SecNumCloud or ISO/IEC 27001 (up to 64 characters)',
        );
  return parseList(value, field, certification, {
    max: MAX_CERTIFICATIONS,
    uniqueBy: (name) => name,
  });
}

export function parseHeatRecovery(value: unknown, field: string): Parsed<HeatRecovery> {
  if (!isPlainObject(value)) {
    return fail(field, 'must be an object with enabled and recoveredShareBps');
  }
  const extra = unknownKeys(value, field, ['enabled', 'recoveredShareBps']);
  const enabled = parseBoolean(value.enabled, `${field}.enabled`);
  const share = parseOptional(value.recoveredShareBps, `${field}.recoveredShareBps`, parseBps);
  if (extra.length > 0 || !enabled.ok || !share.ok) {
    return {
      ok: false,
      errors: [...extra, ...(enabled.ok ? [] : enabled.errors), ...(share.ok ? [] : share.errors)],
    };
  }
  if (enabled.value && !share.value) {
    return fail(
      `${field}.recoveredShareBps`,
      'must be between 1 and 10000 when heat recovery is enabled',
    );
  }
  if (!enabled.value && share.value) {
    return fail(`${field}.recoveredShareBps`, 'must be 0 or absent when heat recovery is disabled');
  }
  return ok({ enabled: enabled.value, recoveredShareBps: share.value ?? 0 });
}
