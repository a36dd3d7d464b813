import { allocationRecord, energyCertificateIssued } from '../../../domain/src/testing/examples';
import { ProjectionCheckpointEntity } from '../projection-checkpoint.entity';
import { ProjectionCheckpointsMigration } from '../projection-checkpoints.migration';
import { ProjectionSpec } from '../testing/projection-spec';
import { EnergyCertificateReadModelsMigration } from './energy-certificate-read-models.migration';
import { CERTIFICATE_ENTITIES, CERTIFICATE_PROJECTIONS } from './energy-certificate.projections';

const spec = ProjectionSpec.for(CERTIFICATE_PROJECTIONS, {
  entities: [...CERTIFICATE_ENTITIES, ProjectionCheckpointEntity],
  migrations: [ProjectionCheckpointsMigration, EnergyCertificateReadModelsMigration],
});

const allocation = allocationRecord();
const SLOT = allocation.slot;
const issued = (certificateId: string, allocationId: string, wh: number) =>
  energyCertificateIssued({
    certificateId,
    wh,
    evidence: {
      runId: 'run-1',
      allocationId,
      usageStreamId: `usage-${allocationId}`,
      usageRevision: 0,
    },
  });
const claimed = {
  type: 'EnergyCertificateClaimed',
  schemaVersion: 1,
  data: {
    certificateId: 'gc.alloc-1.offer-1.1',
    offerId: 'offer-1',
    slot: SLOT,
    beneficiaryId: 'buyer-1',
    claimedAt: '2026-03-05T09:00:00.000Z',
  },
};
const cancelled = {
  type: 'EnergyCertificateCancelled',
  schemaVersion: 1,
  data: {
    certificateId: 'gc.alloc-2.offer-1.1',
    offerId: 'offer-1',
    slot: SLOT,
    reason: 'usage-amended',
    usageRevision: 1,
    cancelledAt: '2026-03-02T08:00:00.000Z',
  },
};
const stream = `certificates-offer-1-${SLOT}`;

describe('energy certificate projection', () => {
  it('keeps each certificate with its status and the events of its lifecycle, replayed alike', () =>
    spec
      .given({
        streamId: stream,
        events: [
          issued('gc.alloc-1.offer-1.1', 'alloc-1', 6_100),
          issued('gc.alloc-2.offer-1.1', 'alloc-2', 2_000),
          claimed,
          cancelled,
        ],
      })
      .then({
        table: 'rm_energy_certificates',
        columns:
          'certificate_id, beneficiary_id, slot, allocation_id, status, wh::int, claimed_at, ' +
          '(issued_event_id IS NOT NULL) AS has_issue, (claimed_event_id IS NOT NULL) AS has_claim, ' +
          '(cancelled_event_id IS NOT NULL) AS has_cancellation',
        orderBy: 'certificate_id',
        rows: [
          {
            certificate_id: 'gc.alloc-1.offer-1.1',
            beneficiary_id: 'buyer-1',
            slot: SLOT,
            allocation_id: 'alloc-1',
            status: 'claimed',
            wh: 6_100,
            claimed_at: '2026-03-05T09:00:00.000Z',
            has_issue: true,
            has_claim: true,
            has_cancellation: false,
          },
          {
            certificate_id: 'gc.alloc-2.offer-1.1',
            beneficiary_id: 'buyer-1',
            slot: SLOT,
            allocation_id: 'alloc-2',
            status: 'cancelled',
            wh: 2_000,
            claimed_at: null,
            has_issue: true,
            has_claim: false,
            has_cancellation: true,
          },
        ],
      }));
});
