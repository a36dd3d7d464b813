import { computeOrderDecider, energyOfferDecider } from '@policloud/domain';
import {
  agreementSet,
  computeOrderFilled,
  energyAllocated,
  listEnergyOffer,
  offerContext,
  placeComputeOrder,
  siteAfter,
  siteRegistered,
} from '../../../domain/src/testing/examples';
import { ProjectionCheckpointEntity } from '../projection-checkpoint.entity';
import { ProjectionCheckpointsMigration } from '../projection-checkpoints.migration';
import { ProjectionSpec } from '../testing/projection-spec';
import { MARKETPLACE_ENTITIES } from './marketplace.entities';
import { MarketStateReadModelsMigration } from '../market-state/market-state.migration';
import { MarketplaceReadModelsMigration } from './marketplace-read-models.migration';
import { MARKETPLACE_PROJECTIONS } from './marketplace.projections';

const spec = ProjectionSpec.for(MARKETPLACE_PROJECTIONS, {
  entities: [...MARKETPLACE_ENTITIES, ProjectionCheckpointEntity],
  migrations: [
    ProjectionCheckpointsMigration,
    MarketplaceReadModelsMigration,
    MarketStateReadModelsMigration,
  ],
});

const placed = computeOrderDecider.decide(
  placeComputeOrder(),
  computeOrderDecider.initialState(),
  undefined,
);
const listed = energyOfferDecider.decide(
  listEnergyOffer(),
  energyOfferDecider.initialState(),
  offerContext(siteAfter([siteRegistered(), agreementSet()])),
);

const orders = {
  table: 'rm_compute_orders',
  columns: `id, revision, buyer_id, status, placed_at, (state->>'filledGpuHours')::int AS filled`,
  orderBy: 'id',
};
const slots = {
  table: 'rm_energy_offer_slots',
  columns:
    'offer_id, slot, offered_wh::int, allocated_wh::int, curtailed_wh::int, remaining_wh::int',
  orderBy: 'offer_id, slot',
};

describe('marketplace projections', () => {
  it('a placed order is listed open, with nothing filled', () =>
    spec.given({ streamId: 'ComputeOrder-order-1', events: placed }).then({
      ...orders,
      rows: [
        {
          id: 'order-1',
          revision: 0,
          buyer_id: 'buyer-1',
          status: 'open',
          placed_at: '2026-03-01T08:00:00.000Z',
          filled: 0,
        },
      ],
    }));

  it('a fill moves GPU-hours to filled (8 of 32: partially filled)', () =>
    spec
      .given({ streamId: 'ComputeOrder-order-1', events: [...placed, computeOrderFilled()] })
      .then({
        ...orders,
        rows: [
          {
            id: 'order-1',
            revision: 1,
            buyer_id: 'buyer-1',
            status: 'partially_filled',
            placed_at: '2026-03-01T08:00:00.000Z',
            filled: 8,
          },
        ],
      }));

  it('a listed offer has a slot row per slot of its profile, all of it remaining', () =>
    spec.given({ streamId: 'EnergyOffer-offer-1', events: listed }).then(
      {
        table: 'rm_energy_offers',
        columns: 'id, revision, producer_id, status',
        orderBy: 'id',
        rows: [{ id: 'offer-1', revision: 0, producer_id: 'producer-1', status: 'open' }],
      },
      {
        ...slots,
        rows: [
          slotRow('2026-03-01T10:00:00Z', 150_000, 0),
          slotRow('2026-03-01T11:00:00Z', 200_000, 0),
        ],
      },
    ));

  it("an allocation draws on its slot's remaining Wh only", () =>
    spec.given({ streamId: 'EnergyOffer-offer-1', events: [...listed, energyAllocated()] }).then({
      ...slots,
      rows: [
        slotRow('2026-03-01T10:00:00Z', 150_000, 50_000),
        slotRow('2026-03-01T11:00:00Z', 200_000, 0),
      ],
    }));

  it("an amendment replaces the slot's Wh (0 Wh leaves nothing remaining)", () =>
    spec
      .given({
        streamId: 'EnergyOffer-offer-1',
        events: [
          ...listed,
          {
            type: 'EnergyOfferAmended',
            schemaVersion: 1,
            data: {
              offerId: 'offer-1',
              amendedAt: '2026-03-01T09:00:00.000Z',
              profile: [
                { slot: '2026-03-01T10:00:00Z', wh: 0 },
                { slot: '2026-03-01T11:00:00Z', wh: 120_000 },
              ],
            },
          },
        ],
      })
      .then({
        ...slots,
        rows: [slotRow('2026-03-01T10:00:00Z', 0, 0), slotRow('2026-03-01T11:00:00Z', 120_000, 0)],
      }));

  it('a site is listed with its status and country', () =>
    spec.given({ streamId: 'Site-site-1', events: [siteRegistered(), agreementSet()] }).then({
      table: 'rm_sites',
      columns: 'id, revision, status, country',
      orderBy: 'id',
      rows: [{ id: 'site-1', revision: 1, status: expect.any(String), country: 'FR' }],
    }));
});

function slotRow(slot: string, offeredWh: number, allocatedWh: number) {
  return {
    offer_id: 'offer-1',
    slot,
    offered_wh: offeredWh,
    allocated_wh: allocatedWh,
    curtailed_wh: 0,
    remaining_wh: offeredWh - allocatedWh,
  };
}
