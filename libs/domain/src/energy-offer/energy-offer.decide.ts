import { DomainError, FieldError } from '../shared/domain-error';
import { slotHour } from '../shared/slots';
import { throwIfInvalid } from '../shared/validation';
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
  EnergyAllocated,
  EnergyOfferAmended,
  EnergyOfferEvent,
  EnergyOfferListed,
  EnergyOfferWithdrawn,
  SlotEnergy,
} from './energy-offer.events';
import { EnergyOffer, EnergyOfferState } from './energy-offer.evolve';
import { offerSpanErrors } from './energy-offer.parse';

/** Sites (other streams) an offer names; the caller looks them up. */
export interface EnergyOfferContext {
  findSite(siteId: string): Site | undefined;
}

/**
 * Commands from the edge arrive typed (parseListEnergyOffer and its siblings): these are the
 * rules that read the offer, its sites and the matching run's draws.
 */
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
      return command.data.slots
        ? [withdrawSlots(command.data, command.data.slots, state)]
        : [withdrawEnergyOffer(command.data, state)];
    case 'ReportCurtailment':
      return reportCurtailment(command.data, state);
  }
}

function listEnergyOffer(
  input: ListEnergyOffer['data'],
  state: EnergyOfferState,
  context: EnergyOfferContext,
): EnergyOfferListed {
  if (state.status !== 'absent') {
    throw DomainError.conflict(`Energy offer ${input.offerId} is already listed`);
  }
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
  input: AmendEnergyOffer['data'],
  offer: EnergyOffer,
  context: EnergyOfferContext,
): EnergyOfferAmended[] {
  if (offer.status === 'withdrawn') {
    throw DomainError.conflict(`Energy offer ${offer.offerId} is withdrawn`);
  }
  // The offer after the amendment, its earlier slots included, spans at most a leap year (which
  // also bounds its slot count).
  throwIfInvalid(
    offerSpanErrors(
      [...Object.keys(offer.slots), ...input.profile.map(({ slot }) => slot)],
      'profile',
    ),
  );
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
  input: WithdrawEnergyOffer['data'],
  offer: EnergyOffer,
): EnergyOfferWithdrawn {
  if (offer.status === 'withdrawn') {
    throw DomainError.conflict(`Energy offer ${offer.offerId} is already withdrawn`);
  }
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

/**
 * Withdraws the unallocated energy of the offer's slots in `[from, to)`: each keeps only what is
 * allocated, the rest of the offer stays. Recorded as the amendment it amounts to.
 */
function withdrawSlots(
  input: WithdrawEnergyOffer['data'],
  range: { from: string; to: string },
  offer: EnergyOffer,
): EnergyOfferAmended {
  if (offer.status === 'withdrawn') {
    throw DomainError.conflict(`Energy offer ${offer.offerId} is withdrawn`);
  }
  const [from, to] = [slotHour(range.from), slotHour(range.to)];
  const released = Object.entries(offer.slots)
    .filter(([slot, entry]) => {
      const hour = slotHour(slot);
      return hour >= from && hour < to && entry.offeredWh > entry.allocatedWh;
    })
    .map(([slot, entry]) => ({ slot, wh: entry.allocatedWh }));
  if (released.length === 0) {
    throw DomainError.conflict(
      `Energy offer ${offer.offerId} has no unallocated energy from ${range.from} to ${range.to}: ` +
        'allocated energy cannot be withdrawn',
    );
  }
  return {
    type: 'EnergyOfferAmended',
    schemaVersion: 1,
    data: { offerId: offer.offerId, amendedAt: input.withdrawnAt, profile: sortBySlot(released) },
  };
}

function reportCurtailment(
  input: ReportCurtailment['data'],
  offer: EnergyOffer,
): CurtailmentReported[] {
  const entry = offer.slots[input.slot];
  if (!entry || entry.offeredWh === 0) {
    throw DomainError.invalid([
      { field: 'slot', message: 'is not a slot this offer has energy in' },
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
    {
      type: 'CurtailmentReported',
      schemaVersion: 1,
      data: {
        offerId: offer.offerId,
        slot: input.slot,
        whCurtailed: input.whCurtailed,
        reportedAt: input.reportedAt,
      },
    },
  ];
}

/**
 * A matching run draws energy: each draw takes at most what the slot still has unallocated
 * (draws of one run on one slot add up), so no Wh is ever sold twice.
 */
function allocateEnergy(data: AllocateEnergy['data'], offer: EnergyOffer): EnergyAllocated[] {
  const taken = new Map<string, number>();
  const draws = data.draws.map((draw, index) => {
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
    return { allocationId: draw.allocationId, slot: draw.slot, wh: draw.wh };
  });
  if (draws.length === 0) return [];
  return [{ type: 'EnergyAllocated', schemaVersion: 2, data: { offerId: offer.offerId, draws } }];
}

// ---------------------------------------------------------------- shared rules

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
