import { DomainError, FieldError } from '../shared/domain-error';
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
  parseId,
  parseList,
  parseOneOf,
  Parsed,
  throwIfInvalid,
  unknownKeys,
  validFields,
} from '../shared/validation';
import type { Site } from '../site/site.evolve';
import { agreementInForce } from '../site/site.queries';
import {
  AllocateEnergy,
  AmendEnergyOffer,
  EnergyOfferCommand,
  ListEnergyOffer,
  ReportCurtailment,
  WithdrawEnergyOffer,
} from './energy-offer.commands';
import {
  CurtailmentReported,
  ENERGY_SOURCES,
  EnergyAllocated,
  EnergyOfferAmended,
  EnergyOfferEvent,
  EnergyOfferListed,
  EnergyOfferWithdrawn,
  SlotEnergy,
} from './energy-offer.events';
import { EnergyOffer, EnergyOfferState } from './energy-offer.evolve';

/** Sites (other streams) an offer names; the caller looks them up. */
export interface EnergyOfferContext {
  findSite(siteId: string): Site | undefined;
}

const MAX_SITES_PER_OFFER = 50;

export function decideEnergyOffer(
  command: EnergyOfferCommand,
  state: EnergyOfferState,
  context: EnergyOfferContext,
): EnergyOfferEvent[] {
  if (command.type === 'ListEnergyOffer') return [listEnergyOffer(command.data, state, context)];
  if (state.status === 'absent') throw DomainError.notFound('Energy offer', command.data.offerId);
  // Matching acts for the platform, not for the producer.
  if (command.type === 'AllocateEnergy') return allocateEnergy(command.data, state);
  if (command.data.actorId !== state.producerId) {
    throw DomainError.forbidden(`Energy offer ${state.offerId} belongs to another producer`);
  }
  switch (command.type) {
    case 'AmendEnergyOffer':
      return amendEnergyOffer(command.data, state, context);
    case 'WithdrawEnergyOffer':
      return [withdrawEnergyOffer(command.data, state)];
    case 'ReportCurtailment':
      return reportCurtailment(command.data, state);
  }
}

function listEnergyOffer(
  data: ListEnergyOffer['data'],
  state: EnergyOfferState,
  context: EnergyOfferContext,
): EnergyOfferListed {
  if (state.status !== 'absent') {
    throw DomainError.conflict(`Energy offer ${data.offerId} is already listed`);
  }
  const input = validFields({
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
  throwIfInvalid(startedSlotErrors(input.profile, input.listedAt, 'profile'));
  const sites = resolveSites(input.siteIds, context);
  throwIfInvalid(
    sites.flatMap((site) =>
      site.currency === input.currency
        ? []
        : [
            {
              field: 'currency',
              message: `must be ${site.currency}, the currency of site ${site.siteId}`,
            },
          ],
    ),
  );
  assertProducerMayFeed(
    sites,
    input.producerId,
    input.profile.map(({ slot }) => slot),
  );
  return {
    type: 'EnergyOfferListed',
    schemaVersion: 1,
    data: { ...input, profile: sortBySlot(input.profile) },
  };
}

function amendEnergyOffer(
  data: AmendEnergyOffer['data'],
  offer: EnergyOffer,
  context: EnergyOfferContext,
): EnergyOfferAmended[] {
  if (offer.status === 'withdrawn') {
    throw DomainError.conflict(`Energy offer ${offer.offerId} is withdrawn`);
  }
  const input = validFields({
    amendedAt: parseInstant(data.amendedAt, 'amendedAt'),
    profile: parseAmendedProfile(data.profile, 'profile'),
  });
  // The offer after the amendment, its earlier slots included, spans at most a leap year (which
  // also bounds its slot count).
  throwIfInvalid([
    ...startedSlotErrors(input.profile, input.amendedAt, 'profile'),
    ...spanErrors(
      [...Object.keys(offer.slots), ...input.profile.map(({ slot }) => slot)],
      'profile',
    ),
  ]);
  const belowAllocated: FieldError[] = input.profile.flatMap(({ slot, wh }, index) => {
    const allocated = offer.slots[slot]?.allocatedWh ?? 0;
    return wh < allocated
      ? [
          {
            field: `profile[${index}].wh`,
            message: `must be at least the ${allocated} Wh already allocated in ${slot}`,
          },
        ]
      : [];
  });
  if (belowAllocated.length > 0) {
    throw DomainError.conflict('Allocated energy cannot be taken back', belowAllocated);
  }

  const changed = input.profile.filter(
    ({ slot, wh }) => wh !== (offer.slots[slot]?.offeredWh ?? 0),
  );
  if (changed.length === 0) return [];
  // Giving energy back is always allowed; offering more must still be allowed by the agreements.
  const increased = changed
    .filter(({ slot, wh }) => wh > (offer.slots[slot]?.offeredWh ?? 0))
    .map(({ slot }) => slot);
  if (increased.length > 0) {
    assertProducerMayFeed(resolveSites(offer.siteIds, context), offer.producerId, increased);
  }
  return [
    {
      type: 'EnergyOfferAmended',
      schemaVersion: 1,
      data: { offerId: offer.offerId, amendedAt: input.amendedAt, profile: sortBySlot(changed) },
    },
  ];
}

function withdrawEnergyOffer(
  data: WithdrawEnergyOffer['data'],
  offer: EnergyOffer,
): EnergyOfferWithdrawn {
  if (offer.status === 'withdrawn') {
    throw DomainError.conflict(`Energy offer ${offer.offerId} is already withdrawn`);
  }
  const input = validFields({ withdrawnAt: parseInstant(data.withdrawnAt, 'withdrawnAt') });
  const releasedWh = Object.values(offer.slots).reduce(
    (sum, slot) => sum + Math.max(0, slot.offeredWh - slot.allocatedWh),
    0,
  );
  if (releasedWh === 0) {
    throw DomainError.conflict(
      `Energy offer ${offer.offerId} is fully allocated: nothing to withdraw`,
    );
  }
  return {
    type: 'EnergyOfferWithdrawn',
    schemaVersion: 1,
    data: { offerId: offer.offerId, withdrawnAt: input.withdrawnAt, releasedWh },
  };
}

function reportCurtailment(
  data: ReportCurtailment['data'],
  offer: EnergyOffer,
): CurtailmentReported[] {
  const input = validFields({
    slot: parseSlot(data.slot, 'slot'),
    whCurtailed: parseWh(data.whCurtailed, 'whCurtailed'),
    reportedAt: parseInstant(data.reportedAt, 'reportedAt'),
  });
  const entry = offer.slots[input.slot];
  if (!entry || entry.offeredWh === 0) {
    throw DomainError.invalid([
      { field: 'slot', message: 'is not a slot this offer has energy in' },
    ]);
  }
  if (!slotHasStarted(input.slot, input.reportedAt)) {
    throw DomainError.invalid([
      { field: 'slot', message: 'has not started yet: lower a future slot with an amendment' },
    ]);
  }
  if (input.whCurtailed > entry.offeredWh) {
    throw DomainError.invalid([
      {
        field: 'whCurtailed',
        message: `must not exceed the ${entry.offeredWh} Wh offered in ${input.slot}`,
      },
    ]);
  }
  // The same total again is a retry, not news.
  if (input.whCurtailed === entry.curtailedWh) return [];
  return [
    { type: 'CurtailmentReported', schemaVersion: 1, data: { offerId: offer.offerId, ...input } },
  ];
}

/**
 * A matching run draws energy: each draw takes at most what the slot still has unallocated
 * (draws of one run on one slot add up), so no Wh is ever sold twice.
 */
function allocateEnergy(data: AllocateEnergy['data'], offer: EnergyOffer): EnergyAllocated[] {
  const taken = new Map<string, number>();
  return data.draws.map((draw, index) => {
    const entry = offer.slots[draw.slot];
    const before = taken.get(draw.slot) ?? 0;
    const left = entry ? Math.max(0, entry.offeredWh - entry.allocatedWh) - before : 0;
    if (!Number.isSafeInteger(draw.wh) || draw.wh < 1) {
      throw DomainError.invalid([
        { field: `draws[${index}].wh`, message: 'must be a whole number of Wh, at least 1' },
      ]);
    }
    if (draw.wh > left) {
      throw DomainError.conflict(
        `Energy offer ${offer.offerId} has ${left} Wh left in ${draw.slot}, not ${draw.wh}`,
      );
    }
    taken.set(draw.slot, before + draw.wh);
    return {
      type: 'EnergyAllocated',
      schemaVersion: 1,
      data: {
        offerId: offer.offerId,
        slot: draw.slot,
        wh: draw.wh,
        allocationId: draw.allocationId,
      },
    };
  });
}

// ---------------------------------------------------------------- shared rules

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
  const span = spanErrors(
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
function spanErrors(slots: readonly string[], field: string): FieldError[] {
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

function sortBySlot(profile: readonly SlotEnergy[]): SlotEnergy[] {
  return [...profile].sort((a, b) => slotHour(a.slot) - slotHour(b.slot));
}

function resolveSites(siteIds: readonly string[], context: EnergyOfferContext): Site[] {
  const found = siteIds.map((siteId) => context.findSite(siteId));
  throwIfInvalid(
    found.flatMap((site, index) =>
      site
        ? []
        : [{ field: `siteIds[${index}]`, message: `site ${siteIds[index]} does not exist` }],
    ),
  );
  const sites = found as Site[];
  const decommissioned = sites
    .filter((site) => site.status === 'decommissioned')
    .map((site) => site.siteId);
  if (decommissioned.length > 0) {
    throw DomainError.conflict(`Site ${decommissioned.join(', ')} is decommissioned`);
  }
  return sites;
}

/** A producer feeds a site in a slot only if the site's agreement in force then lists it. */
function assertProducerMayFeed(
  sites: readonly Site[],
  producerId: string,
  slots: readonly string[],
): void {
  const errors: FieldError[] = [];
  sites.forEach((site, index) => {
    const barred = slots.filter(
      (slot) =>
        !agreementInForce(site, slot)?.producers.some((p) => p.participantId === producerId),
    );
    if (barred.length > 0) {
      const first = [...barred].sort((a, b) => slotHour(a) - slotHour(b))[0];
      errors.push({
        field: `siteIds[${index}]`,
        message:
          `no agreement of site ${site.siteId} lets producer ${producerId} feed it at ${first}` +
          (barred.length > 1 ? ` (and ${barred.length - 1} other slots)` : ''),
      });
    }
  });
  if (errors.length > 0) {
    throw DomainError.forbidden(
      `Producer ${producerId} may not feed every site of this offer`,
      errors,
    );
  }
}
