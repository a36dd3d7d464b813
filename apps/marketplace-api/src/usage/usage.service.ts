import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Principal } from '@policloud/auth';
import {
  DomainError,
  AllocationUsageCommand,
  allocationUsageDecider,
  allocationUsageStreamId,
  parseAmendUsage,
  parseReportUsage,
  Parsed,
  valueOrThrow,
} from '@policloud/domain';
import { PreconditionFailedException, ProblemException, READ_MODELS } from '@policloud/http';
import { AllocationRow } from '@policloud/projections';
import { Clock, CLOCK, CommandHandler } from '@policloud/runtime';
import { CertificateIssuanceService } from '../certificates/certificate-issuance.service';
import { Caller } from '../shared/caller.decorator';
import { inRequestTerms } from '../shared/field-names';
import { Written } from '../shared/resource';
import { AmendUsageDto, ReportUsageDto } from './usage.dto';

/** Metered usage, reported by a site identity for its own allocations only. */
/** Plans of a usage write tried before a concurrent write is the caller's to retry. */
const CONCURRENT_WRITE_ATTEMPTS = 5;

@Injectable()
export class UsageService {
  constructor(
    private readonly commands: CommandHandler,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly certificates: CertificateIssuanceService,
  ) {}

  report(dto: ReportUsageDto, principal: Principal, caller: Caller): Promise<Written> {
    return this.execute(
      dto.allocationId,
      principal,
      caller,
      parseReportUsage({
        ...dto,
        siteId: principal.siteId ?? '',
        reportedAt: this.clock.now().toISOString(),
      }),
    );
  }

  amend(
    allocationId: string,
    dto: AmendUsageDto,
    principal: Principal,
    caller: Caller,
  ): Promise<Written> {
    return this.execute(
      allocationId,
      principal,
      caller,
      parseAmendUsage({
        ...dto,
        allocationId,
        siteId: principal.siteId ?? '',
        amendedAt: this.clock.now().toISOString(),
      }),
    );
  }

  private async execute(
    allocationId: string,
    principal: Principal,
    caller: Caller,
    parsed: Parsed<AllocationUsageCommand>,
  ): Promise<Written> {
    const row = await this.readModels.getRepository(AllocationRow).findOneBy({ allocationId });
    // Another site's allocation does not exist for this site: its id reveals nothing.
    if (row && row.siteId !== principal.siteId)
      throw DomainError.notFound('Allocation', allocationId);
    // Refused here, before the command handler: a request with errors writes nothing.
    const command = valueOrThrow(parsed);
    const handled = async () => {
      const plan = row ? await this.certificates.plan(row.data, command) : undefined;
      try {
        return await this.commands.handle(
          allocationUsageStreamId(allocationId),
          allocationUsageDecider,
          command,
          {
            findAllocation: (id: string) => (row && id === row.allocationId ? row.data : undefined),
          },
          {
            ...caller,
            // The certificates name the usage event by its revision: it must land where planned.
            ifMatch: caller.ifMatch ?? plan?.readRevision,
            alongside: plan?.alongside,
          },
        );
      } catch (error) {
        // Without an If-Match of the caller's, a concurrent write is ours to retry.
        const concurrent =
          error instanceof PreconditionFailedException ||
          (error instanceof ProblemException && error.status === 409);
        if (caller.ifMatch === undefined && concurrent) {
          return undefined;
        }
        throw error;
      }
    };
    // Reports of other allocations on the same offer-hour move its certificate stream: plan again
    // on the fresh state (a concurrent report of this allocation is then refused by the decider).
    const retried = async () => {
      for (let attempt = 1; attempt <= CONCURRENT_WRITE_ATTEMPTS; attempt++) {
        const written = await handled();
        if (written) return written;
      }
      throw new ProblemException(
        409,
        `Usage of allocation ${allocationId} changed concurrently; retry the request`,
      );
    };
    const result = await inRequestTerms(retried(), { reportedAt: 'slot', amendedAt: 'slot' });
    return { id: allocationId, revision: result.revision };
  }
}
