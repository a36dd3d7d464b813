import { Inject, Injectable } from '@nestjs/common';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { hasRole, Principal } from '@policloud/auth';
import {
  buildCertificateBundle,
  bundledEventOf,
  CertificateBundle,
  CertificateEvidenceEvent,
  CertificateView,
} from '@policloud/audit';
import {
  allocationRecordsOfStored,
  DomainError,
  energyCertificateDecider,
  energyCertificateStreamId,
  matchingRunStreamId,
  slotRange,
} from '@policloud/domain';
import { EVENT_STORE, EventStore, RecordedEvent } from '@policloud/event-store';
import { READ_MODELS } from '@policloud/http';
import { EnergyCertificateRow } from '@policloud/projections';
import { Clock, CLOCK, CommandHandler, LogTreeInclusionProver } from '@policloud/runtime';
import { Caller } from '../shared/caller.decorator';
import { PAGE_DEFAULT, PAGE_MAX, pageOf, pageStart } from '../shared/page';
import { Written } from '../shared/resource';
import { ExportCertificatesQuery, ListCertificatesQuery } from './certificates.dto';

/** A claim decides nothing about energy: the offer-hour's deliverable Wh is not read. */
const CLAIM_CONTEXT = { deliverableWh: 0 };

const present = (row: EnergyCertificateRow) => ({
  ...row.data,
  status: row.status,
  ...(row.claimedAt ? { claimedAt: row.claimedAt } : {}),
});

/** Hourly energy-to-compute certificates: buyers list, claim and export theirs; auditors read all. */
@Injectable()
export class CertificatesService {
  constructor(
    private readonly commands: CommandHandler,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly prover: LogTreeInclusionProver,
  ) {}

  /** By slot then id, a page at a time; `nextAfter` continues it (null on the last page). */
  async list(query: ListCertificatesQuery, principal: Principal) {
    const builder = this.selection(query, principal);
    if (query.status) builder.andWhere('c.status = :status', { status: query.status });
    const start = pageStart(query, 2);
    if (start) {
      const [afterSlot, afterId] = start;
      builder.andWhere('(c.slot, c.certificate_id) > (:afterSlot, :afterId)', {
        afterSlot,
        afterId,
      });
    }
    const limit = query.limit ?? PAGE_DEFAULT;
    const rows = await builder.limit(limit + 1).getMany();
    return pageOf(rows, limit, (row) => [row.slot, row.certificateId], present);
  }

  async claim(certificateId: string, principal: Principal, caller: Caller): Promise<Written> {
    const row = await this.readModels
      .getRepository(EnergyCertificateRow)
      .findOneBy({ certificateId });
    // Another buyer's certificate does not exist for this caller: its id reveals nothing.
    if (!row || row.beneficiaryId !== principal.participantId) {
      throw DomainError.notFound('Certificate', certificateId);
    }
    const result = await this.commands.handle(
      energyCertificateStreamId(row.offerId, row.slot),
      energyCertificateDecider,
      {
        type: 'ClaimCertificate',
        data: {
          certificateId,
          claimantId: principal.participantId,
          claimedAt: this.clock.now().toISOString(),
        },
      },
      CLAIM_CONTEXT,
      caller,
    );
    return { id: certificateId, revision: result.revision };
  }

  /**
   * The beneficiary's certificates in force over [from, to), with every event each derives from,
   * their inclusion proofs into the one log tree and its newest checkpoint note: what `audit:verify --certificates` checks.
   */
  async export(query: ExportCertificatesQuery, principal: Principal): Promise<CertificateBundle> {
    const beneficiaryId = this.beneficiaryOf(query, principal);
    if (!beneficiaryId) {
      throw DomainError.invalid([
        { field: 'beneficiaryId', message: 'is required: a bundle holds one buyer’s certificates' },
      ]);
    }
    const { from, to } = slotRange(query);
    if (!from || !to) {
      throw DomainError.invalid([
        from ? { field: 'to', message: 'is required' } : { field: 'from', message: 'is required' },
      ]);
    }
    const rows = await this.selection(query, principal)
      .andWhere('c.status IN (:...inForce)', { inForce: ['issued', 'claimed'] })
      .limit(PAGE_MAX + 1)
      .getMany();
    if (rows.length > PAGE_MAX) {
      throw DomainError.invalid([
        { field: 'to', message: `selects more than ${PAGE_MAX} certificates: narrow the range` },
      ]);
    }
    const events = await this.evidenceOf(rows);
    const { proofs, checkpoint, keyRotations, unsealed } = await this.prover.prove(events);
    return buildCertificateBundle({
      generatedAt: this.clock.now().toISOString(),
      beneficiaryId,
      from,
      to,
      certificates: rows.map((row) => present(row) as CertificateView),
      events,
      proofs,
      checkpoint,
      keyRotations,
      unsealed,
    });
  }

  /** Buyers see their own; auditors anyone's, or everyone's. */
  private beneficiaryOf(query: ExportCertificatesQuery, principal: Principal): string | undefined {
    if (hasRole(principal, 'auditor')) return query.beneficiaryId;
    if (query.beneficiaryId !== undefined && query.beneficiaryId !== principal.participantId) {
      throw DomainError.forbidden('Buyers see their own certificates only', [
        { field: 'beneficiaryId', message: 'must be your own participant id' },
      ]);
    }
    return principal.participantId;
  }

  private selection(
    query: ExportCertificatesQuery,
    principal: Principal,
  ): SelectQueryBuilder<EnergyCertificateRow> {
    const { from, to } = slotRange(query);
    const beneficiaryId = this.beneficiaryOf(query, principal);
    const builder = this.readModels.getRepository(EnergyCertificateRow).createQueryBuilder('c');
    if (beneficiaryId) builder.andWhere('c.beneficiary_id = :beneficiaryId', { beneficiaryId });
    if (from) builder.andWhere('c.slot >= :from', { from });
    if (to) builder.andWhere('c.slot < :to', { to });
    return builder.orderBy('c.slot', 'ASC').addOrderBy('c.certificate_id', 'ASC');
  }

  /** The issue and claim of each certificate, its allocation and its usage event, from the log. */
  private async evidenceOf(rows: EnergyCertificateRow[]): Promise<CertificateEvidenceEvent[]> {
    const streams = new Map<string, Promise<RecordedEvent[]>>();
    const read = (streamId: string) => {
      let events = streams.get(streamId);
      if (!events) {
        events = this.store.readStream(streamId);
        streams.set(streamId, events);
      }
      return events;
    };
    const wanted = new Map<string, RecordedEvent>();
    const keep = (event: RecordedEvent | undefined, what: string) => {
      if (!event) throw new Error(`The log has no ${what}: the read model is ahead of it`);
      wanted.set(event.id, event);
    };
    for (const row of rows) {
      const { evidence } = row.data;
      const certificateEvents = await read(energyCertificateStreamId(row.offerId, row.slot));
      const lifecycle = new Set([row.issuedEventId, row.claimedEventId].filter(Boolean));
      for (const event of certificateEvents) if (lifecycle.has(event.id)) keep(event, event.id);
      const usage = await read(evidence.usageStreamId);
      keep(
        usage.find((event) => event.revision === evidence.usageRevision),
        `${evidence.usageStreamId}@${evidence.usageRevision}`,
      );
      const run = await read(matchingRunStreamId(evidence.runId));
      keep(
        run.find((event) =>
          allocationRecordsOfStored(event).some(
            (allocation) => allocation.allocationId === evidence.allocationId,
          ),
        ),
        `AllocationMade of ${evidence.allocationId}`,
      );
    }
    return [...wanted.values()].map((event) =>
      bundledEventOf(event, { hash: event.hash ?? '', prevHash: event.prevHash ?? '' }),
    );
  }
}
