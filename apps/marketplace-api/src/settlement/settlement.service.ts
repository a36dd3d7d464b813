import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hasRole, Principal } from '@policloud/auth';
import { AppConfig } from '@policloud/config';
import { DomainError } from '@policloud/domain';
import { EVENT_STORE, EventStore, StreamNotFoundError } from '@policloud/event-store';
import { deterministicIds, IdSource, ProblemException, READ_MODELS, uuidV5 } from '@policloud/http';
import { marketHistoryAt, RunningChargeRow, SettlementStatementRow } from '@policloud/projections';
import { APP_CONFIG, Clock, CLOCK, CommandHandler, ReadModelBarrier } from '@policloud/runtime';
import {
  energyFootprint,
  PERIOD_PATTERN,
  settlePeriod,
  statementEnergyByBuyer,
} from '@policloud/settlement';
import {
  parseCloseSettlementPeriod,
  settlementDecider,
  settlementStreamId,
  valueOrThrow,
} from '@policloud/domain';
import { closedPeriods, settlementInput, statementEnergyInput } from './settlement-input';

/** The first instant after a `YYYY-MM` period. */
function periodEnd(period: string): Date {
  const [year, month] = period.split('-').map(Number);
  const end = new Date(0);
  end.setUTCFullYear(year, month, 1); // setUTCFullYear, unlike Date.UTC, keeps years below 100
  return end;
}

/**
 * Closes periods: settles metered usage into one balanced statement per party and currency,
 * recorded as events. Closing again returns the recorded statements unchanged.
 */
@Injectable()
export class SettlementService {
  private readonly logger = new Logger('Settlement');
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readModelsReady: ReadModelBarrier,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
    private readonly commands: CommandHandler,
  ) {}

  async close(period: string, closedBy: string, principal: Principal) {
    this.checkPeriod(period);
    if (periodEnd(period) > this.clock.now()) {
      throw new ProblemException(
        409,
        `Period ${period} is not over yet: it can be closed from ${periodEnd(period).toISOString()}`,
      );
    }
    const history = await marketHistoryAt(this.store, await this.store.headPosition());
    if (!closedPeriods(history).has(period)) {
      const result = settlePeriod(settlementInput(history, period, this.config.platformFeeBps));
      // Buyers' statements carry the period's CFE share and gCO2e per GPU-hour beside the money.
      const energy = statementEnergyByBuyer(statementEnergyInput(history, period));
      const energyOf = (buyerId: string) =>
        energy.get(buyerId) ?? energyFootprint({ gpuHours: 0, wh: 0 }, []);
      const closed = await this.commands.handle(
        settlementStreamId(period),
        settlementDecider,
        // The library's result is checked before the command handler: a bad record writes nothing.
        valueOrThrow(
          parseCloseSettlementPeriod({
            period,
            closedAt: this.clock.now().toISOString(),
            closedBy,
            inputPosition: history.position,
            statements: result.statements.map((statement) => ({
              ...statement,
              statementId: `${period}:${statement.currency}:${statement.role}:${statement.partyId}`,
              ...(statement.role === 'buyer' ? { energy: energyOf(statement.partyId) } : {}),
            })),
            balances: result.balances,
            settledPools: result.settledPools,
          }),
        ),
        undefined,
        // One close per period, ever: a concurrent close of the same period replays the first.
        { actor: closedBy, ids: settlementIds(period) },
      );
      if (!closed.replayed) {
        this.logger.log({
          msg: 'settlement period closed',
          period,
          closedBy,
          inputPosition: history.position,
          statements: result.statements.length,
        });
      }
      await this.readModelsReady.reach(closed.position);
    }
    return this.statements(period, principal);
  }

  /** Operators see every statement of the period; a party sees its own. */
  async statements(period: string, principal: Principal) {
    this.checkPeriod(period);
    const rows = await this.readModels.getRepository(SettlementStatementRow).find({
      where: {
        period,
        ...(hasRole(principal, 'operator') ? {} : { partyId: principal.participantId }),
      },
      order: { statementId: 'ASC' },
    });
    return { period, closed: await this.isClosed(period), items: rows.map((row) => row.data) };
  }

  private async isClosed(period: string): Promise<boolean> {
    try {
      const events = await this.store.readStream(settlementStreamId(period), {
        direction: 'backwards',
        maxCount: 1,
      });
      return events[0]?.type === 'SettlementPeriodClosed';
    } catch (error) {
      if (error instanceof StreamNotFoundError) return false;
      throw error;
    }
  }

  async running(period: string, principal: Principal) {
    this.checkPeriod(period);
    const rows = await this.readModels.getRepository(RunningChargeRow).find({
      where: {
        period,
        ...(hasRole(principal, 'operator') ? {} : { buyerId: principal.participantId }),
      },
      order: { buyerId: 'ASC', currency: 'ASC' },
    });
    return { period, items: rows };
  }

  private checkPeriod(period: string): void {
    if (!PERIOD_PATTERN.test(period) || Number(period.slice(0, 4)) < 1970) {
      throw DomainError.invalid([
        { field: 'period', message: 'must be a calendar month YYYY-MM from 1970-01' },
      ]);
    }
  }
}

/** The ids of a close's events: `<streamId>#<index>` → the ids closes have always carried. */
function settlementIds(period: string): IdSource {
  return deterministicIds((purpose) => {
    const index = Number(purpose.slice(purpose.lastIndexOf('#') + 1));
    return uuidV5(`settlement\u0000${period}\u0000${index}`);
  });
}
