import {
  ComputeOrder,
  computeOrderDecider,
  EnergyOffer,
  energyOfferDecider,
  Participant,
  participantDecider,
  Site,
  siteDecider,
} from '@policloud/domain';
import { Projection } from '../projection';
import { aggregateStateProjection } from './aggregate-state.projection';
import {
  ApiKeyRow,
  ComputeOrderRow,
  EnergyOfferRow,
  EnergyOfferSlotRow,
  ParticipantRow,
  SiteRow,
} from './marketplace.entities';

const participants = aggregateStateProjection<Participant, ParticipantRow>({
  decider: participantDecider as never,
  entity: ParticipantRow,
  table: 'rm_participants',
  columns: () => ({}),
});

/** API keys by hash, for authentication: only the hash is ever stored. */
const apiKeys: Projection = {
  name: 'rm_api_keys',
  eventTypes: ['ApiKeyIssued'],
  tables: ['rm_api_keys'],
  async apply(event, manager) {
    const data = event.data as { participantId: string; keyId: string; keyHash: string };
    await manager.getRepository(ApiKeyRow).save({
      keyHash: data.keyHash,
      keyId: data.keyId,
      participantId: data.participantId,
    });
  },
};

const sites = aggregateStateProjection<Site, SiteRow>({
  decider: siteDecider as never,
  entity: SiteRow,
  table: 'rm_sites',
  columns: (site) => ({ status: site.status, country: site.country }),
});

const energyOffers = aggregateStateProjection<EnergyOffer, EnergyOfferRow>({
  decider: energyOfferDecider as never,
  entity: EnergyOfferRow,
  table: 'rm_energy_offers',
  columns: (offer) => ({ producerId: offer.producerId, status: offer.status }),
  derived: {
    tables: ['rm_energy_offer_slots'],
    async write(offerId, offer, manager) {
      const slots = manager.getRepository(EnergyOfferSlotRow);
      await slots.delete({ offerId });
      const rows = Object.entries(offer.slots).map(([slot, energy]) => ({
        ...energy,
        offerId,
        slot,
        remainingWh:
          offer.status === 'withdrawn' ? 0 : Math.max(0, energy.offeredWh - energy.allocatedWh),
      }));
      for (let start = 0; start < rows.length; start += 1000) {
        await slots.insert(rows.slice(start, start + 1000));
      }
    },
  },
});

const computeOrders = aggregateStateProjection<ComputeOrder, ComputeOrderRow>({
  decider: computeOrderDecider as never,
  entity: ComputeOrderRow,
  table: 'rm_compute_orders',
  columns: (order) => ({ buyerId: order.buyerId, status: order.status, placedAt: order.placedAt }),
});

export const MARKETPLACE_PROJECTIONS: Projection[] = [
  participants,
  apiKeys,
  sites,
  energyOffers,
  computeOrders,
];
