import { expectEvent } from '@policloud/domain';
import { RecordedEvent } from '@policloud/event-store';
import { EntityManager } from 'typeorm';
import { Projection } from '../projection';
import { EnergyCertificateRow } from './energy-certificate.entity';

async function applyCertificateEvent(event: RecordedEvent, manager: EntityManager): Promise<void> {
  const rows = manager.getRepository(EnergyCertificateRow);
  switch (event.type) {
    case 'EnergyCertificateIssued': {
      const { data } = expectEvent(event, 'EnergyCertificateIssued');
      // Insert only: replaying the issue after a claim or cancellation must not undo them.
      await rows
        .createQueryBuilder()
        .insert()
        .values({
          certificateId: data.certificateId,
          beneficiaryId: data.beneficiaryId,
          slot: data.slot,
          offerId: data.offerId,
          allocationId: data.evidence.allocationId,
          status: 'issued',
          wh: data.wh,
          data,
          issuedEventId: event.id,
          claimedEventId: null,
          claimedAt: null,
          cancelledEventId: null,
        })
        .orIgnore()
        .execute();
      return;
    }
    case 'EnergyCertificateClaimed': {
      const { data } = expectEvent(event, 'EnergyCertificateClaimed');
      await rows.update(
        { certificateId: data.certificateId },
        { status: 'claimed', claimedEventId: event.id, claimedAt: data.claimedAt },
      );
      return;
    }
    case 'EnergyCertificateCancelled': {
      const { data } = expectEvent(event, 'EnergyCertificateCancelled');
      await rows.update(
        { certificateId: data.certificateId },
        { status: 'cancelled', cancelledEventId: event.id },
      );
      return;
    }
  }
}

const certificates: Projection = {
  name: 'rm_energy_certificates',
  eventTypes: ['EnergyCertificateIssued', 'EnergyCertificateClaimed', 'EnergyCertificateCancelled'],
  tables: ['rm_energy_certificates'],
  apply: applyCertificateEvent,
};

export const CERTIFICATE_PROJECTIONS: Projection[] = [certificates];
export const CERTIFICATE_ENTITIES = [EnergyCertificateRow];
