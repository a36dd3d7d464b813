import { DataSource } from 'typeorm';
import { PgliteExecutor, RecordedEvent } from '@policloud/event-store';
import { Projection } from '../projection';
import { openReadModels, ReadModelSchema } from '../read-model-data-source';

/** A domain event as the deciders and fixtures build it. */
export interface GivenEvent {
  type: string;
  schemaVersion: number;
  data: object;
}

/** The events of one stream, in order. */
export interface GivenStream {
  streamId: string;
  events: readonly GivenEvent[];
}

/** The rows expected of one table: `columns` and `orderBy` are SQL, the rows as PostgreSQL returns them. */
export interface ThenRows {
  table: string;
  columns: string;
  orderBy: string;
  rows: Record<string, unknown>[];
}

/**
 * Given events → then rows, for projections on the embedded read-model database: one PGlite per
 * spec file, the projections' tables emptied before each case. Each case applies the events as
 * one page (as the runner applies a catch-up page), checks the rows, then rebuilds from
 * position 0 one event per page and checks the rows again: a replay must not change them,
 * whatever the paging.
 */
export class ProjectionSpec {
  private dataSource?: DataSource;
  private executor?: PgliteExecutor;

  private constructor(private readonly projections: readonly Projection[]) {}

  /**
   * Registers the database's lifecycle with the spec file's hooks. `keptByRebuilds` names tables
   * a projection writes but a rebuild keeps (queued webhook deliveries): emptied before each test
   * only, so the tests of a file stay independent while the replay pass still sees them.
   */
  static for(
    projections: readonly Projection[],
    schema: ReadModelSchema,
    keptByRebuilds: string[] = [],
  ): ProjectionSpec {
    const spec = new ProjectionSpec(projections);
    beforeAll(async () => {
      spec.executor = await PgliteExecutor.open();
      spec.dataSource = await openReadModels({ kind: 'embedded', executor: spec.executor }, schema);
    });
    beforeEach(() => spec.truncate(keptByRebuilds));
    afterAll(async () => {
      await spec.dataSource?.destroy();
      await spec.executor?.db.close();
    });
    return spec;
  }

  given(...streams: GivenStream[]): { then(...expected: ThenRows[]): Promise<void> } {
    const events = recorded(streams);
    return {
      then: async (...expected) => {
        await this.applyPage(events);
        await this.expectRows(expected, 'after the events');
        await this.truncate();
        for (const event of events) await this.applyPage([event]);
        await this.expectRows(expected, 'after a replay from position 0');
      },
    };
  }

  /** As the runner does: each projection gets its own events of the page, in one transaction. */
  private async applyPage(page: RecordedEvent[]): Promise<void> {
    await this.source().transaction(async (manager) => {
      for (const projection of this.projections) {
        const own = page.filter((event) => projection.eventTypes.includes(event.type));
        if (own.length === 0) continue;
        if (projection.applyBatch) await projection.applyBatch(own, manager);
        else for (const event of own) await projection.apply(event, manager);
      }
    });
  }

  private async expectRows(expected: ThenRows[], when: string): Promise<void> {
    for (const { table, columns, orderBy, rows } of expected) {
      const actual: unknown = await this.source().query(
        `SELECT ${columns} FROM "${table}" ORDER BY ${orderBy}`,
      );
      // The label names the table and the pass in the failure message.
      expect({ [`${table} ${when}`]: actual }).toEqual({ [`${table} ${when}`]: rows });
    }
  }

  private async truncate(alsoTables: string[] = []): Promise<void> {
    const tables = [...this.projections.flatMap((projection) => projection.tables), ...alsoTables];
    await this.source().query(`TRUNCATE ${tables.map((table) => `"${table}"`).join(', ')}`);
  }

  private source(): DataSource {
    if (!this.dataSource)
      throw new Error('ProjectionSpec.for must be called at the top of a spec file');
    return this.dataSource;
  }
}

/** The streams' events as the log records them: interleaved in the given order, positions from 1. */
function recorded(streams: GivenStream[]): RecordedEvent[] {
  let position = 0;
  return streams.flatMap(({ streamId, events }) =>
    events.map((event, revision) => {
      position += 1;
      return {
        id: `evt-${position}`,
        streamId,
        revision,
        globalPosition: position,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: JSON.parse(JSON.stringify(event.data)) as Record<string, unknown>,
        metadata: {},
        recordedAt: new Date(Date.UTC(2026, 2, 1, 9, 0, position)).toISOString(),
      };
    }),
  );
}
