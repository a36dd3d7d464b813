import { Command } from '../shared/event';
import { CurrencyCode } from '../shared/money';
import { EnergySource, SlotEnergy } from './energy-offer.events';

/** Edge commands are typed by their parse function (parseListEnergyOffer...): valid, stored form. */
export type ListEnergyOffer = Command<
  'ListEnergyOffer',
  {
    offerId: string;
    /** The acting producer: an offer belongs to whoever lists it. */
    producerId: string;
    listedAt: string;
    siteIds: string[];
    source: EnergySource;
    carbonGPerKwh: number;
    floorPricePerMwh: number;
    currency: CurrencyCode;
    profile: SlotEnergy[];
  }
>;

export type AmendEnergyOffer = Command<
  'AmendEnergyOffer',
  {
    offerId: string;
    actorId: string;
    amendedAt: string;
    /** New Wh for these slots (0 allowed); other slots keep theirs. */
    profile: SlotEnergy[];
  }
>;

/** The whole offer's unallocated energy, or only that of the slots in `[from, to)`. */
export type WithdrawEnergyOffer = Command<
  'WithdrawEnergyOffer',
  { offerId: string; actorId: string; withdrawnAt: string; slots?: { from: string; to: string } }
>;

export type ReportCurtailment = Command<
  'ReportCurtailment',
  { offerId: string; actorId: string; slot: string; whCurtailed: number; reportedAt: string }
>;

export type EnergyOfferCommand =
  ListEnergyOffer | AmendEnergyOffer | WithdrawEnergyOffer | ReportCurtailment | AllocateEnergy;

/** One draw of a matching run on the offer: `wh` of the slot's energy, for one allocation. */
export interface EnergyDraw {
  allocationId: string;
  slot: string;
  wh: number;
}

/** A matching run takes energy of the offer: every draw of the run on it, in one command. */
export type AllocateEnergy = Command<'AllocateEnergy', { offerId: string; draws: EnergyDraw[] }>;
