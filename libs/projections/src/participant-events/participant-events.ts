import {
  Column,
  Entity,
  EntityManager,
  MigrationInterface,
  PrimaryColumn,
  QueryRunner,
} from 'typeorm';
import { EVENT_REGISTRY } from '@policloud/domain';
import { RecordedEvent } from '@policloud/event-store';
import { backfillNewProjection } from '../backfill-new-projection';
import { bigintAsNumber } from '../column-transformers';
import { Projection } from '../projection';

/** The data fields that name a participant as a party of an event (an auditor's filter). */
export const PARTY_FIELDS = [
  'buyerId',
  'producerId',
  'hostParticipantId',
  'participantId',
  'partyId',
];

/** The participants an event is about: its actor and the parties its data names. */
export function participantsOf(event: RecordedEvent): string[] {
  const named = PARTY_FIELDS.map((field) => event.data[field]);
  const actor = event.metadata.actor;
  return [...new Set([actor, ...named].filter((id): id is string => typeof id === 'string'))];
}

/**
 * Each participant's events by global position: an auditor's query or export of one participant
 * reads its own rows, not the whole log.
 */
@Entity({ name: 'rm_participant_events' })
export class ParticipantEventRow {
  @PrimaryColumn({ type: 'text', name: 'participant_id' }) participantId!: string;
  @PrimaryColumn({ type: 'bigint', name: 'global_position', transformer: bigintAsNumber })
  globalPosition!: number;
  @Column({ type: 'text', name: 'recorded_at' }) recordedAt!: string;
}

async function indexEvents(events: RecordedEvent[], manager: EntityManager): Promise<void> {
  const rows = events.flatMap((event) =>
    participantsOf(event).map((participantId) => ({
      participant_id: participantId,
      global_position: event.globalPosition,
      recorded_at: event.recordedAt,
    })),
  );
  if (rows.length === 0) return;
  await manager.query(
    `INSERT INTO rm_participant_events (participant_id, global_position, recorded_at)
     SELECT participant_id, global_position, recorded_at
     FROM json_populate_recordset(NULL::rm_participant_events, $1::json)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

export const PARTICIPANT_EVENTS_PROJECTION: Projection = {
  name: 'rm_participant_events',
  eventTypes: Object.keys(EVENT_REGISTRY),
  tables: ['rm_participant_events'],
  apply: (event, manager) => indexEvents([event], manager),
  applyBatch: indexEvents,
};

export class ParticipantEventsMigration implements MigrationInterface {
  name = 'ParticipantEvents1765180000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE rm_participant_events (
      participant_id text NOT NULL, global_position bigint NOT NULL, recorded_at text NOT NULL,
      PRIMARY KEY (participant_id, global_position))`);
    await backfillNewProjection(runner, 'rm_participant_events');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE rm_participant_events');
  }
}
