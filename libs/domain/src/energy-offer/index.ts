import { Decider } from '../shared/aggregate';
import { EnergyOfferCommand } from './energy-offer.commands';
import { EnergyOfferContext, decideEnergyOffer } from './energy-offer.decide';
import { EnergyOfferEvent } from './energy-offer.events';
import {
  EnergyOfferState,
  evolveEnergyOffer,
  evolveEnergyOfferAll,
  initialEnergyOfferState,
} from './energy-offer.evolve';

export * from './energy-offer.commands';
export * from './energy-offer.decide';
export * from './energy-offer.events';
export * from './energy-offer.evolve';
export * from './energy-offer.parse';
export * from './energy-offer.queries';

export const energyOfferDecider: Decider<
  EnergyOfferState,
  EnergyOfferCommand,
  EnergyOfferEvent,
  EnergyOfferContext
> = {
  name: 'energy-offer',
  initialState: initialEnergyOfferState,
  decide: decideEnergyOffer,
  evolve: evolveEnergyOffer,
  evolveAll: evolveEnergyOfferAll,
};

/** No dash in the prefix: the Kafka relay names topics after the stream id up to its first dash. */
export const energyOfferStreamId = (offerId: string): string => `energyoffer-${offerId}`;
