import { CorruptStreamError } from '../shared/aggregate';
import { EnergyOfferEvent, EnergyOfferListed } from './energy-offer.events';

export interface OfferSlot {
  offeredWh: number;
  allocatedWh: number;
  curtailedWh: number;
}

export type EnergyOffer = Omit<EnergyOfferListed['data'], 'profile'> & {
  status: 'open' | 'withdrawn';
  /** Keyed by slot. */
  slots: Record<string, OfferSlot>;
  withdrawnAt?: string;
};

export type EnergyOfferState = { status: 'absent' } | EnergyOffer;

export const initialEnergyOfferState = (): EnergyOfferState => ({ status: 'absent' });

export function evolveEnergyOffer(
  state: EnergyOfferState,
  event: EnergyOfferEvent,
): EnergyOfferState {
  return evolveEnergyOfferAll(state, [event]);
}

/**
 * The same state as folding `evolveEnergyOffer`, in one pass: a year of hourly slots with an
 * allocation each would otherwise copy the slot record once per event (minutes, not
 * milliseconds). Only a fresh copy is changed; the given state is never mutated.
 */
export function evolveEnergyOfferAll(
  state: EnergyOfferState,
  events: readonly EnergyOfferEvent[],
): EnergyOfferState {
  let draft: EnergyOffer | undefined;
  for (const event of events) {
    if (event.type === 'EnergyOfferListed') {
      draft = listed(event);
      continue;
    }
    if (!draft) {
      if (state.status === 'absent') {
        throw new CorruptStreamError('energy-offer', `${event.type} before EnergyOfferListed`);
      }
      draft = { ...state, slots: { ...state.slots } };
    }
    apply(draft, event);
  }
  return draft ?? state;
}

function listed(event: EnergyOfferListed): EnergyOffer {
  const { profile, ...offer } = event.data;
  const slots: Record<string, OfferSlot> = {};
  for (const { slot, wh } of profile)
    slots[slot] = { offeredWh: wh, allocatedWh: 0, curtailedWh: 0 };
  return { ...offer, status: 'open', slots };
}

/** Changes a draft this module created; slot entries are replaced, never modified. */
function apply(draft: EnergyOffer, event: Exclude<EnergyOfferEvent, EnergyOfferListed>): void {
  switch (event.type) {
    case 'EnergyOfferAmended':
      for (const { slot, wh } of event.data.profile) {
        draft.slots[slot] = {
          ...(draft.slots[slot] ?? { allocatedWh: 0, curtailedWh: 0 }),
          offeredWh: wh,
        };
      }
      return;
    case 'EnergyOfferWithdrawn':
      draft.status = 'withdrawn';
      draft.withdrawnAt = event.data.withdrawnAt;
      for (const [slot, entry] of Object.entries(draft.slots)) {
        draft.slots[slot] = { ...entry, offeredWh: entry.allocatedWh };
      }
      return;
    case 'CurtailmentReported':
      draft.slots[event.data.slot] = {
        ...existingSlot(draft, event.type, event.data.slot),
        curtailedWh: event.data.whCurtailed,
      };
      return;
    case 'EnergyAllocated': {
      for (const { slot, wh } of event.data.draws) {
        const entry = existingSlot(draft, event.type, slot);
        draft.slots[slot] = { ...entry, allocatedWh: entry.allocatedWh + wh };
      }
      return;
    }
  }
}

function existingSlot(offer: EnergyOffer, eventType: string, slot: string): OfferSlot {
  const entry = offer.slots[slot];
  if (!entry) {
    throw new CorruptStreamError(
      'energy-offer',
      `${eventType} for ${slot}, a slot the offer never had`,
    );
  }
  return entry;
}
