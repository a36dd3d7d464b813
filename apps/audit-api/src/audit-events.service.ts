import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, FieldError, parseInstant, throwIfInvalid } from '@policloud/domain';
import { EVENT_STORE, EventStore, RecordedEvent } from '@policloud/event-store';
import { READ_MODELS } from '@policloud/http';
import { PARTY_FIELDS } from '@policloud/projections';
import { AuditEventsQuery } from './audit.dto';

const SCAN_PAGE = 2_000;
/** A request scans at most this much of the log, then answers with a cursor to go on. */
const SCAN_LIMIT = 200_000;

/** Positions of one participant's events closer than this are read in one request. */
const NEARBY_POSITIONS = 32;

/**
 * The global log, filtered, in global order, with a cursor (`nextAfter`) to page on. A
 * participant's events come from its rows of `rm_participant_events` up to the position the read
 * models have indexed, then from the log past it: what a scan would find, without the scan.
 */
@Injectable()
export class AuditEventsService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
  ) {}

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
    if (query.participant) {
      const indexed = Math.min(head, await this.indexedThrough());
      while (items.length < limit && after < indexed) {
        const page = await this.participantEvents(query.participant, after, indexed, {
          limit: limit - items.length,
          from,
          to,
        });
        items.push(...page.events.filter(matches));
        after = page.through;
      }
    }
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

  /**
   * The position through which every event is in `rm_participant_events`: the read models'
   * checkpoint, or where the index stopped if it halted on an event.
   */
  private async indexedThrough(): Promise<number> {
    const rows: { name: string; position: string }[] = await this.readModels.query(
      'SELECT name, position FROM projection_checkpoints WHERE name = ANY($1)',
      [['read-models', 'read-models/rm_participant_events']],
    );
    return rows.length === 0 ? 0 : Math.min(...rows.map((row) => Number(row.position)));
  }

  /**
   * The participant's next events in `(after, through]`, from its index rows, nearby ones read
   * together, and the position read through (`through` itself once the rows run out).
   */
  private async participantEvents(
    participantId: string,
    after: number,
    through: number,
    page: { limit: number; from?: string; to?: string },
  ): Promise<{ events: RecordedEvent[]; through: number }> {
    const rows: { global_position: string }[] = await this.readModels.query(
      `SELECT global_position FROM rm_participant_events
       WHERE participant_id = $1 AND global_position > $2 AND global_position <= $3
         AND ($4::text IS NULL OR recorded_at >= $4) AND ($5::text IS NULL OR recorded_at < $5)
       ORDER BY global_position LIMIT $6`,
      [participantId, after, through, page.from ?? null, page.to ?? null, page.limit],
    );
    const positions = rows.map((row) => Number(row.global_position));
    const wanted = new Set(positions);
    const events: RecordedEvent[] = [];
    for (let start = 0; start < positions.length;) {
      let end = start;
      while (
        end + 1 < positions.length &&
        positions[end + 1] - positions[end] <= NEARBY_POSITIONS
      ) {
        end++;
      }
      const span = await this.store.readAll({
        after: positions[start] - 1,
        maxCount: positions[end] - positions[start] + 1,
      });
      events.push(...span.filter((event) => wanted.has(event.globalPosition)));
      start = end + 1;
    }
    // A position the log no longer holds (an event deleted behind the store's back) is left out,
    // as a scan would: verification reports the break.
    return {
      events,
      through: positions.length < page.limit ? through : positions[positions.length - 1],
    };
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
  return PARTY_FIELDS.some((key) => event.data[key] === participantId);
}
