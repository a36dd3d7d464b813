import { DomainError, FieldError } from '../shared/domain-error';
import { parseBps, BPS_WHOLE } from '../shared/bps';
import { parseCountry } from '../shared/countries';
import { storedThousandths, Thousandths } from '../shared/decimals';
import { energyPerGpuHourWh, parseGpuPowerKw, parsePue } from '../shared/energy';
import { parseGeoPoint } from '../shared/geo';
import { parseCurrency, parseUnitPrice } from '../shared/money';
import { MAX_HORIZON_HOURS, parseInstant, parseSlot, slotHour } from '../shared/slots';
import {
  fail,
  isPlainObject,
  ok,
  parseBoolean,
  parseId,
  parseInteger,
  parseList,
  parseOneOf,
  parseOptional,
  parseText,
  Parsed,
  throwIfInvalid,
  unknownKeys,
  validFields,
} from '../shared/validation';
import { parseGpuModel } from '../shared/gpu-model';
import type { ParticipantRole } from '../participant/participant.events';
import {
  DecommissionSite,
  RegisterSite,
  ScheduleMaintenance,
  SetAgreement,
  SiteChangeRequest,
  SiteCommand,
  UpdateSite,
} from './site.commands';
import {
  AgreementSet,
  HeatRecovery,
  MaintenanceScheduled,
  SiteChanges,
  SiteDecommissioned,
  SiteEvent,
  SiteRegistered,
  SiteUpdated,
} from './site.events';
import { Site, SiteState } from './site.evolve';
import { gpusOfflineAt } from './site.queries';

/** Facts about participants (other streams) that site rules need; the caller looks them up. */
export interface SiteContext {
  findParticipant(participantId: string): { roles: readonly ParticipantRole[] } | undefined;
}

export const MAX_GPUS_PER_SITE = 10_000;
const MAX_CERTIFICATIONS = 32;
const MAX_PRODUCERS_PER_AGREEMENT = 100;
const CERTIFICATION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._:/+-]{0,63}$/;

export function decideSite(
  command: SiteCommand,
  state: SiteState,
  context: SiteContext,
): SiteEvent[] {
  if (command.type === 'RegisterSite') return [registerSite(command.data, state, context)];
  if (state.status === 'absent') throw DomainError.notFound('Site', command.data.siteId);
  if (state.status === 'decommissioned') {
    throw DomainError.conflict(`Site ${state.siteId} is decommissioned`);
  }
  switch (command.type) {
    case 'UpdateSite':
      return updateSite(command.data, state, context);
    case 'ScheduleMaintenance':
      return [scheduleMaintenance(command.data, state)];
    case 'SetAgreement':
      return [setAgreement(command.data, state, context)];
    case 'DecommissionSite':
      return [decommissionSite(command.data, state)];
  }
}

function registerSite(
  data: RegisterSite['data'],
  state: SiteState,
  context: SiteContext,
): SiteRegistered {
  if (state.status !== 'absent') {
    throw DomainError.conflict(`Site ${data.siteId} is already registered`);
  }
  const input = validFields({
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
  throwIfInvalid(roleErrors(context, input.hostParticipantId, 'host', 'hostParticipantId'));
  const { gpuPowerKw, pue, ...rest } = input;
  return {
    type: 'SiteRegistered',
    schemaVersion: 1,
    data: {
      ...rest,
      gpuPowerKw: gpuPowerKw.text,
      pue: pue.text,
      energyPerGpuHourWh: energyPerGpuHourWh(gpuPowerKw, pue),
    },
  };
}

// ---------------------------------------------------------------- update

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

function updateSite(data: UpdateSite['data'], site: Site, context: SiteContext): SiteUpdated[] {
  const requested: unknown = data.changes;
  if (!isPlainObject(requested) || Object.keys(requested).length === 0) {
    throwIfInvalid([{ field: 'changes', message: 'must name at least one field to change' }]);
  }
  const errors: FieldError[] = [];
  const parsed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(requested as Record<string, unknown>)) {
    const field = `changes.${key}`;
    if (IMMUTABLE_FIELDS.includes(key)) {
      errors.push({ field, message: 'cannot be changed after registration' });
    } else if (!Object.hasOwn(SITE_CHANGE_RULES, key)) {
      errors.push({ field, message: 'is not a known field' });
    } else {
      const result = SITE_CHANGE_RULES[key as keyof ChangeParsers](value, field);
      if (result.ok) parsed[key] = result.value;
      else errors.push(...result.errors);
    }
  }
  throwIfInvalid(errors);
  if (typeof parsed.hostParticipantId === 'string') {
    throwIfInvalid(
      roleErrors(context, parsed.hostParticipantId, 'host', 'changes.hostParticipantId'),
    );
  }

  const changes: SiteChanges = {};
  const record = changes as Record<string, unknown>;
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'pue') {
      const pue = value as Thousandths;
      if (pue.text === site.pue) continue;
      changes.pue = pue.text;
      const energy = energyPerGpuHourWh(storedThousandths(site.gpuPowerKw), pue);
      if (energy !== site.energyPerGpuHourWh) changes.energyPerGpuHourWh = energy;
    } else if (!sameValue(value, (site as Record<string, unknown>)[key])) {
      record[key] = value;
    }
  }
  // Re-sending current values is not a change: nothing to record.
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'SiteUpdated', schemaVersion: 1, data: { siteId: site.siteId, changes } }];
}

/** Both sides are built from JSON-like values in a fixed key order. */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ---------------------------------------------------------------- maintenance

function scheduleMaintenance(data: ScheduleMaintenance['data'], site: Site): MaintenanceScheduled {
  const input = validFields({
    maintenanceId: parseId(data.maintenanceId, 'maintenanceId'),
    from: parseSlot(data.from, 'from'),
    to: parseSlot(data.to, 'to'),
    gpusOffline: parseGpuCount(data.gpusOffline, 'gpusOffline', site.gpuCount),
  });
  throwIfInvalid(maintenanceWindowErrors(input));
  if (site.maintenance.some((window) => window.maintenanceId === input.maintenanceId)) {
    throw DomainError.conflict(`Maintenance ${input.maintenanceId} is already scheduled`);
  }
  const peak = peakOfflineWith(site, input);
  if (peak > site.gpuCount) {
    throw DomainError.conflict(
      `Overlapping maintenance would take ${peak} GPUs offline at once; the site has ${site.gpuCount}`,
      [
        {
          field: 'gpusOffline',
          message: `at most ${site.gpuCount - (peak - input.gpusOffline)} GPUs can go offline in this window`,
        },
      ],
    );
  }
  return {
    type: 'MaintenanceScheduled',
    schemaVersion: 1,
    data: { siteId: site.siteId, ...input },
  };
}

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

/** The most GPUs offline at once inside the new window; the peak is always at some window's start. */
function peakOfflineWith(site: Site, window: Site['maintenance'][number]): number {
  const windows = [...site.maintenance, window];
  const from = slotHour(window.from);
  const to = slotHour(window.to);
  const starts = windows
    .map((w) => w.from)
    .filter((start) => slotHour(start) > from && slotHour(start) < to);
  return Math.max(
    ...[window.from, ...starts].map((slot) => gpusOfflineAt({ maintenance: windows }, slot)),
  );
}

// ---------------------------------------------------------------- agreement

function setAgreement(data: SetAgreement['data'], site: Site, context: SiteContext): AgreementSet {
  const input = validFields({
    effectiveFrom: parseSlot(data.effectiveFrom, 'effectiveFrom'),
    hostParticipantId: parseId(data.hostParticipantId, 'hostParticipantId'),
    producers: parseAgreementProducers(data.producers, 'producers'),
    producersShareBps: parseBps(data.producersShareBps, 'producersShareBps'),
    hostShareBps: parseBps(data.hostShareBps, 'hostShareBps'),
    heatPricePerMwh: parseOptional(data.heatPricePerMwh, 'heatPricePerMwh', parseUnitPrice),
  });
  const errors: FieldError[] = agreementShareErrors(input);
  if (input.hostParticipantId !== site.hostParticipantId) {
    errors.push({
      field: 'hostParticipantId',
      message: `must be the site's host, ${site.hostParticipantId}`,
    });
  }
  input.producers.forEach(({ participantId }, index) =>
    errors.push(
      ...roleErrors(context, participantId, 'producer', `producers[${index}].participantId`),
    ),
  );
  throwIfInvalid(errors);

  const latest = site.agreements.at(-1);
  if (latest && slotHour(input.effectiveFrom) < slotHour(latest.effectiveFrom)) {
    throw DomainError.conflict(
      `Agreement version ${latest.version} is effective from ${latest.effectiveFrom}; a new version cannot take effect earlier`,
      [{ field: 'effectiveFrom', message: `must be ${latest.effectiveFrom} or later` }],
    );
  }
  const { heatPricePerMwh, ...required } = input;
  return {
    type: 'AgreementSet',
    schemaVersion: 1,
    data: {
      siteId: site.siteId,
      version: (latest?.version ?? 0) + 1,
      ...required,
      ...(heatPricePerMwh !== undefined && { heatPricePerMwh }),
    },
  };
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

// ---------------------------------------------------------------- decommission

function decommissionSite(data: DecommissionSite['data'], site: Site): SiteDecommissioned {
  const input = validFields({
    decommissionedAt: parseInstant(data.decommissionedAt, 'decommissionedAt'),
  });
  return { type: 'SiteDecommissioned', schemaVersion: 1, data: { siteId: site.siteId, ...input } };
}

// ---------------------------------------------------------------- shared field rules

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

function roleErrors(
  context: SiteContext,
  participantId: string,
  role: ParticipantRole,
  field: string,
): FieldError[] {
  const participant = context.findParticipant(participantId);
  if (!participant) return [{ field, message: `participant ${participantId} does not exist` }];
  if (!participant.roles.includes(role)) {
    return [{ field, message: `participant ${participantId} does not have the role '${role}'` }];
  }
  return [];
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
