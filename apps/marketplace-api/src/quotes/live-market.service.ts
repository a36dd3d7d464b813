import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@policloud/event-store';
import { emptyHistory, foldMarketHistory, MarketHistory } from '@policloud/projections';

const PAGE = 5_000;

/**
 * The market as of the head of the log, folded with the domain's own evolve functions (what a
 * matching run reads), kept in memory and brought up to date by folding only the events
 * appended since: a quote costs the new events, not the history. One catch-up at a time; the
 * history is only read synchronously after it, so a quote sees one consistent position.
 */
@Injectable()
export class LiveMarket {
  private readonly history: MarketHistory = emptyHistory();
  private catchingUp: Promise<MarketHistory> | undefined;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

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
    }
    if (head > this.history.position) this.history.position = head;
    return this.history;
  }
}
