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

describe('participant and API key projections', () => {
  const registered = {
    type: 'ParticipantRegistered',
    schemaVersion: 1,
    data: { participantId: 'buyer-1', name: 'Ville de Lyon', roles: ['buyer'], country: 'FR' },
  };
  const keyIssued = (keyId: string) => ({
    type: 'ApiKeyIssued',
    schemaVersion: 1,
    data: { participantId: 'buyer-1', keyId, keyHash: `${keyId}-hash` },
  });
  const participants = {
    table: 'rm_participants',
    columns: `id, revision, state->>'name' AS name, state->'roles' AS roles, state->'apiKeyIds' AS key_ids`,
    orderBy: 'id',
  };
  const apiKeys = {
    table: 'rm_api_keys',
    columns: 'key_hash, key_id, participant_id',
    orderBy: 'key_hash',
  };

  it('a registered participant is listed with its roles and the ids of its keys', () =>
    spec.given({ streamId: 'Participant-buyer-1', events: [registered, keyIssued('key-a')] }).then({
      ...participants,
      rows: [
        {
          id: 'buyer-1',
          revision: 1,
          name: 'Ville de Lyon',
          roles: ['buyer'],
          key_ids: ['key-a'],
        },
      ],
    }));

  it('each issued key is found by its hash alone, the key itself is never stored', () =>
    spec
      .given({
        streamId: 'Participant-buyer-1',
        events: [registered, keyIssued('key-a'), keyIssued('key-b')],
      })
      .then(
        {
          ...apiKeys,
          rows: [
            { key_hash: 'key-a-hash', key_id: 'key-a', participant_id: 'buyer-1' },
            { key_hash: 'key-b-hash', key_id: 'key-b', participant_id: 'buyer-1' },
          ],
        },
        { ...participants, rows: [expect.objectContaining({ key_ids: ['key-a', 'key-b'] })] },
      ));
});

describe('energy offer withdrawal and curtailment', () => {
  const withdrawn = {
    type: 'EnergyOfferWithdrawn',
    schemaVersion: 1,
    data: { offerId: 'offer-1', withdrawnAt: '2026-03-01T09:30:00.000Z', releasedWh: 300_000 },
  };
  const curtailed = (slot: string, whCurtailed: number) => ({
    type: 'CurtailmentReported',
    schemaVersion: 1,
    data: { offerId: 'offer-1', slot, whCurtailed, reportedAt: '2026-03-01T12:00:00.000Z' },
  });

  it('a withdrawn offer keeps what was allocated and leaves nothing remaining', () =>
    spec
      .given({ streamId: 'EnergyOffer-offer-1', events: [...listed, energyAllocated(), withdrawn] })
      .then(
        {
          table: 'rm_energy_offers',
          columns: 'id, revision, status',
          orderBy: 'id',
          rows: [{ id: 'offer-1', revision: 2, status: 'withdrawn' }],
        },
        {
          ...slots,
          rows: [
            slotRow('2026-03-01T10:00:00Z', 50_000, 50_000),
            slotRow('2026-03-01T11:00:00Z', 0, 0),
          ],
        },
      ));

  it("a curtailment is recorded on its slot; a later report replaces the slot's figure", () =>
    spec
      .given({
        streamId: 'EnergyOffer-offer-1',
        events: [
          ...listed,
          energyAllocated(),
          curtailed('2026-03-01T10:00:00Z', 20_000),
          curtailed('2026-03-01T10:00:00Z', 30_000),
        ],
      })
      .then({
        ...slots,
        rows: [
          slotRow('2026-03-01T10:00:00Z', 150_000, 50_000, 30_000),
          slotRow('2026-03-01T11:00:00Z', 200_000, 0),
        ],
      }));
});

describe('compute order cancellation and fills', () => {
  const cancelled = {
    type: 'ComputeOrderCancelled',
    schemaVersion: 1,
    data: { orderId: 'order-1', cancelledAt: '2026-03-01T09:00:00.000Z', cancelledGpuHours: 24 },
  };
  const order = (status: string, revision: number, filled: number) => ({
    id: 'order-1',
    revision,
    buyer_id: 'buyer-1',
    status,
    placed_at: '2026-03-01T08:00:00.000Z',
    filled,
  });
  const fillAt = (hour: number) =>
    computeOrderFilled({
      allocationId: `alloc-${hour}`,
      slot: `2026-03-01T${hour}:00:00Z`,
    });

  it('a cancelled order is listed cancelled and keeps the GPU-hours filled before', () =>
    spec
      .given({
        streamId: 'ComputeOrder-order-1',
        events: [...placed, computeOrderFilled(), cancelled],
      })
      .then({ ...orders, rows: [order('cancelled', 2, 8)] }));

  it('a fill racing the cancellation counts, and the order stays cancelled', () =>
    spec
      .given({ streamId: 'ComputeOrder-order-1', events: [...placed, cancelled, fillAt(11)] })
      .then({ ...orders, rows: [order('cancelled', 2, 8)] }));

  it('an order filled in all its GPU-hours (4 slots of 8 GPUs) is listed filled', () =>
    spec
      .given({
        streamId: 'ComputeOrder-order-1',
        events: [...placed, fillAt(10), fillAt(11), fillAt(12), fillAt(13)],
      })
      .then({ ...orders, rows: [order('filled', 4, 32)] }));
});

describe('site projection', () => {
  const sites = {
    table: 'rm_sites',
    columns: `id, revision, status, country, jsonb_array_length(state->'maintenance') AS windows`,
    orderBy: 'id',
  };

  it('maintenance windows are kept in the site state, the site stays active', () =>
    spec
      .given({
        streamId: 'Site-site-1',
        events: [
          siteRegistered(),
          {
            type: 'MaintenanceScheduled',
            schemaVersion: 1,
            data: {
              siteId: 'site-1',
              maintenanceId: 'mnt-1',
              from: '2026-03-02T00:00:00Z',
              to: '2026-03-02T06:00:00Z',
              gpusOffline: 40,
            },
          },
        ],
      })
      .then({
        ...sites,
        rows: [{ id: 'site-1', revision: 1, status: 'active', country: 'FR', windows: 1 }],
      }));

  it('a suspended then decommissioned site is listed with its latest status', () =>
    spec
      .given({
        streamId: 'Site-site-1',
        events: [
          siteRegistered(),
          {
            type: 'SiteUpdated',
            schemaVersion: 1,
            data: { siteId: 'site-1', changes: { status: 'suspended' } },
          },
          {
            type: 'SiteDecommissioned',
            schemaVersion: 1,
            data: { siteId: 'site-1', decommissionedAt: '2026-04-01T00:00:00.000Z' },
          },
        ],
      })
      .then({
        ...sites,
        rows: [{ id: 'site-1', revision: 2, status: 'decommissioned', country: 'FR', windows: 0 }],
      }));
});

function slotRow(slot: string, offeredWh: number, allocatedWh: number, curtailedWh = 0) {
  return {
    offer_id: 'offer-1',
    slot,
    offered_wh: offeredWh,
    allocated_wh: allocatedWh,
    curtailed_wh: curtailedWh,
    remaining_wh: offeredWh - allocatedWh,
  };
}
