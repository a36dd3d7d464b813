import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@policloud/event-store';
import { emptyHistory, foldMarketHistory, MarketHistory } from '@policloud/projections';

/** Events folded per turn of the event loop: short pauses for the requests served meanwhile. */
const PAGE = 250;
/** How often the market follows the log in the background. */
const FOLLOW_MS = 1_000;

/**
 * The market as of the head of the log, folded with the domain's own evolve functions (what a
 * matching run reads), kept in memory and brought up to date by folding only the events
 * appended since: a quote costs the new events, not the history. It follows the log in the
 * background too, so the events of a large run are folded before the next quote asks. One
 * catch-up at a time; the history is only read synchronously after it, so a quote sees one
 * consistent position.
 */
@Injectable()
export class LiveMarket implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LiveMarket');
  private readonly history: MarketHistory = emptyHistory();
  private catchingUp: Promise<MarketHistory> | undefined;
  private follower: NodeJS.Timeout | undefined;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  onApplicationBootstrap(): void {
    this.follower = setInterval(() => {
      this.current().catch((error: unknown) =>
        this.logger.warn({
          msg: 'following the log failed; the next quote retries',
          error: String(error),
        }),
      );
    }, FOLLOW_MS);
    this.follower.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.follower);
  }

  current(): Promise<MarketHistory> {
    this.catchingUp ??= this.catchUp().finally(() => (this.catchingUp = undefined));
    return this.catchingUp;
  }

  private async catchUp(): Promise<MarketHistory> {
    const head = await this.store.headPosition();
    while (this.history.position < head) {
      const page = (
        await this.store.readAll({ after: this.history.position, maxCount: PAGE })
      ).filter((event) => event.globalPosition <= head);
      if (page.length === 0) break;
      foldMarketHistory(this.history, page);
      await nextTurn();
    }
    if (head > this.history.position) this.history.position = head;
    return this.history;
  }
}
