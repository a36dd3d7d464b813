import { Upcaster } from '../shared/upcasters';
import { EnergyAllocated, EnergyAllocatedV1 } from './energy-offer.events';

/** A v1 allocation was one draw: the v2 event of that one draw. */
export const energyAllocatedV1ToV2: Upcaster = {
  type: 'EnergyAllocated',
  fromVersion: 1,
  upcast: (data): EnergyAllocated['data'] => {
    const { offerId, ...draw } = data as EnergyAllocatedV1['data'];
    return { offerId, draws: [draw] };
  },
};

export const ENERGY_OFFER_UPCASTERS: readonly Upcaster[] = [energyAllocatedV1ToV2];
