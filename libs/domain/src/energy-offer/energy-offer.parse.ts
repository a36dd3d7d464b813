import { FieldError } from '../shared/domain-error';
import { parseCarbonIntensity, parseWh } from '../shared/energy';
import { parseCurrency, parseUnitPrice } from '../shared/money';
import {
  MAX_HORIZON_HOURS,
  parseInstant,
  parseSlot,
  slotHasStarted,
  slotHour,
} from '../shared/slots';
import {
  fail,
  isPlainObject,
  ok,
  parsedFields,
  parseId,
  parseList,
  parseOneOf,
  Parsed,
  unknownKeys,
  Unparsed,
} from '../shared/validation';
import {
  AmendEnergyOffer,
  ListEnergyOffer,
  ReportCurtailment,
  WithdrawEnergyOffer,
} from './energy-offer.commands';
import { ENERGY_SOURCES, SlotEnergy } from './energy-offer.events';

const MAX_SITES_PER_OFFER = 50;

/**
 * An offer as the edge receives it (the producer's fields, the id, producer and time the
 * service adds) into the typed command, or every field error at once. The sites it names, their
 * currency and agreements are other streams: decide checks those.
 */
export function parseListEnergyOffer(
  data: Unparsed<ListEnergyOffer['data']>,
): Parsed<ListEnergyOffer> {
  const fields = parsedFields({
    offerId: parseId(data.offerId, 'offerId'),
    producerId: parseId(data.producerId, 'producerId'),
    listedAt: parseInstant(data.listedAt, 'listedAt'),
    siteIds: parseOfferSiteIds(data.siteIds, 'siteIds'),
    source: parseOneOf(data.source, 'source', ENERGY_SOURCES),
    carbonGPerKwh: parseCarbonIntensity(data.carbonGPerKwh, 'carbonGPerKwh'),
    floorPricePerMwh: parseUnitPrice(data.floorPricePerMwh, 'floorPricePerMwh'),
    currency: parseCurrency(data.currency, 'currency'),
    profile: parseListedProfile(data.profile, 'profile'),
  });
  if (!fields.ok) return fields;
  const errors = startedSlotErrors(fields.value.profile, fields.value.listedAt, 'profile');
  return errors.length > 0
    ? { ok: false, errors }
    : ok({ type: 'ListEnergyOffer', data: fields.value });
}

/** An amendment into the typed command; whether it fits the offer's span is for decide. */
export function parseAmendEnergyOffer(
  data: Unparsed<AmendEnergyOffer['data']>,
): Parsed<AmendEnergyOffer> {
  const fields = parsedFields({
    offerId: parseId(data.offerId, 'offerId'),
    actorId: parseId(data.actorId, 'actorId'),
    amendedAt: parseInstant(data.amendedAt, 'amendedAt'),
    profile: parseAmendedProfile(data.profile, 'profile'),
  });
  if (!fields.ok) return fields;
  const errors = startedSlotErrors(fields.value.profile, fields.value.amendedAt, 'profile');
  return errors.length > 0
    ? { ok: false, errors }
    : ok({ type: 'AmendEnergyOffer', data: fields.value });
}

export function parseWithdrawEnergyOffer(
  data: Unparsed<WithdrawEnergyOffer['data']>,
): Parsed<WithdrawEnergyOffer> {
  const fields = parsedFields({
    offerId: parseId(data.offerId, 'offerId'),
    actorId: parseId(data.actorId, 'actorId'),
    withdrawnAt: parseInstant(data.withdrawnAt, 'withdrawnAt'),
  });
  if (!fields.ok) return fields;
  if (data.slots === undefined) return ok({ type: 'WithdrawEnergyOffer', data: fields.value });
  const slots = parseWithdrawnSlots(data.slots, fields.value.withdrawnAt);
  return slots.ok
    ? ok({ type: 'WithdrawEnergyOffer', data: { ...fields.value, slots: slots.value } })
    : slots;
}

/**
 * A partial withdrawal's `[from, to)`: both slots, in order, none started (energy of a slot in
 * delivery is curtailed, not withdrawn). Errors name `from` and `to`, as the query does.
 */
function parseWithdrawnSlots(
  value: unknown,
  withdrawnAt: string,
): Parsed<{ from: string; to: string }> {
  const range = isPlainObject(value) ? value : {};
  const fields = parsedFields({
    from: parseSlot(range.from, 'from'),
    to: parseSlot(range.to, 'to'),
  });
  if (!fields.ok) return fields;
  const { from, to } = fields.value;
  const errors: FieldError[] = [
    ...(slotHasStarted(from, withdrawnAt)
      ? [{ field: 'from', message: 'has started: only future slots can be withdrawn' }]
      : []),
    ...(slotHour(to) <= slotHour(from) ? [{ field: 'to', message: 'must be after from' }] : []),
  ];
  return errors.length > 0 ? { ok: false, errors } : ok(fields.value);
}

/** A curtailment into the typed command: only a slot that has started can have been curtailed. */
export function parseReportCurtailment(
  data: Unparsed<ReportCurtailment['data']>,
): Parsed<ReportCurtailment> {
  const fields = parsedFields({
    offerId: parseId(data.offerId, 'offerId'),
    actorId: parseId(data.actorId, 'actorId'),
    slot: parseSlot(data.slot, 'slot'),
    whCurtailed: parseWh(data.whCurtailed, 'whCurtailed'),
    reportedAt: parseInstant(data.reportedAt, 'reportedAt'),
  });
  if (!fields.ok) return fields;
  if (!slotHasStarted(fields.value.slot, fields.value.reportedAt)) {
    return fail('slot', 'has not started yet: lower a future slot with an amendment');
  }
  return ok({ type: 'ReportCurtailment', data: fields.value });
}

/** The sites an offer can feed: 1 to MAX_SITES_PER_OFFER ids, each once. */
export function parseOfferSiteIds(value: unknown, field: string): Parsed<string[]> {
  return parseList(value, field, parseId, {
    min: 1,
    max: MAX_SITES_PER_OFFER,
    uniqueBy: (id) => id,
  });
}

/** A listed profile: every slot offers at least 1 Wh, all within MAX_HORIZON_HOURS. */
export function parseListedProfile(value: unknown, field: string): Parsed<SlotEnergy[]> {
  const profile = parseProfile(value, field, 1);
  if (!profile.ok) return profile;
  const span = offerSpanErrors(
    profile.value.map(({ slot }) => slot),
    field,
  );
  return span.length > 0 ? { ok: false, errors: span } : profile;
}

/** An amendment's slots: 0 Wh takes a slot's unallocated energy back. */
export function parseAmendedProfile(value: unknown, field: string): Parsed<SlotEnergy[]> {
  return parseProfile(value, field, 0);
}

function parseProfile(value: unknown, field: string, minWh: number): Parsed<SlotEnergy[]> {
  const entry = (item: unknown, itemField: string): Parsed<SlotEnergy> => {
    if (!isPlainObject(item)) return fail(itemField, 'must be an object with slot and wh');
    const extra = unknownKeys(item, itemField, ['slot', 'wh']);
    const slot = parseSlot(item.slot, `${itemField}.slot`);
    const wh = parseWh(item.wh, `${itemField}.wh`, minWh);
    if (extra.length > 0 || !slot.ok || !wh.ok) {
      return {
        ok: false,
        errors: [...extra, ...(slot.ok ? [] : slot.errors), ...(wh.ok ? [] : wh.errors)],
      };
    }
    return ok({ slot: slot.value, wh: wh.value });
  };
  return parseList(value, field, entry, {
    min: 1,
    max: MAX_HORIZON_HOURS,
    uniqueBy: ({ slot }) => slot,
    uniqueField: 'slot',
  });
}

function startedSlotErrors(
  profile: readonly SlotEnergy[],
  at: string,
  field: string,
): FieldError[] {
  return profile.flatMap(({ slot }, index) =>
    slotHasStarted(slot, at)
      ? [{ field: `${field}[${index}].slot`, message: `has already started at ${at}` }]
      : [],
  );
}

/** An offer's slots lie within MAX_HORIZON_HOURS (366 days) from the first to the end of the last. */
export function offerSpanErrors(slots: readonly string[], field: string): FieldError[] {
  if (slots.length === 0) return [];
  const hours = slots.map(slotHour);
  const span = Math.max(...hours) - Math.min(...hours) + 1;
  return span > MAX_HORIZON_HOURS
    ? [
        {
          field,
          message: `the slots must lie within ${MAX_HORIZON_HOURS} hours (366 days); these span ${span}`,
        },
      ]
    : [];
}
