import { Inject, Injectable } from '@nestjs/common';
import { DomainError, FieldError, parseInstant, throwIfInvalid } from '@policloud/domain';
import { EVENT_STORE, EventStore, RecordedEvent } from '@policloud/event-store';
import { AuditEventsQuery } from './audit.dto';

const SCAN_PAGE = 2_000;
/** A request scans at most this much of the log, then answers with a cursor to go on. */
const SCAN_LIMIT = 200_000;

/** The global log, filtered, in global order, with a cursor (`nextAfter`) to page on. */
@Injectable()
export class AuditEventsService {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async find(query: AuditEventsQuery) {
    const { from, to } = this.timeRange(query);
    const limit = query.limit ?? 100;
    const matches = (event: RecordedEvent) =>
      (!query.stream || event.streamId === query.stream) &&
      (!query.type || event.type === query.type) &&
      (!query.participant ||
        event.metadata.actor === query.participant ||
        mentions(event, query.participant)) &&
      (!query.site ||
        event.streamId === `site-${query.site}` ||
        event.data.siteId === query.site) &&
      (!from || event.recordedAt >= from) &&
      (!to || event.recordedAt < to);
    const items: RecordedEvent[] = [];
    let after = query.after ?? 0;
    let scanned = 0;
    const head = await this.store.headPosition();
    while (items.length < limit && after < head && scanned < SCAN_LIMIT) {
      const page = await this.store.readAll({ after, maxCount: SCAN_PAGE });
      if (page.length === 0) break;
      for (const event of page) {
        after = event.globalPosition;
        scanned++;
        if (matches(event)) items.push(event);
        if (items.length === limit) break;
      }
    }
    return { items, nextAfter: after < head ? after : null };
  }

  private timeRange(query: AuditEventsQuery): { from?: string; to?: string } {
    const errors: FieldError[] = [];
    const instant = (field: 'from' | 'to') => {
      if (query[field] === undefined) return undefined;
      const parsed = parseInstant(query[field], field);
      if (!parsed.ok) errors.push(...parsed.errors);
      return parsed.ok ? parsed.value : undefined;
    };
    const range = { from: instant('from'), to: instant('to') };
    throwIfInvalid(errors);
    if (range.from && range.to && range.from >= range.to)
      throw DomainError.invalid([{ field: 'to', message: 'must be after from' }]);
    return range;
  }
}

/** Events about a participant as a party: buyer, producer, host or the participant itself. */
function mentions(event: RecordedEvent, participantId: string): boolean {
  return ['buyerId', 'producerId', 'hostParticipantId', 'participantId', 'partyId'].some(
    (key) => event.data[key] === participantId,
  );
}
