import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { Decider, EVENT_REGISTRY } from '@policloud/domain';
import { RecordedEvent } from '@policloud/event-store';
import { Projection } from '../projection';

export interface AggregateStateReadModel<State, Row extends ObjectLiteral> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  decider: Decider<State, any, any, any>;
  entity: EntityTarget<Row>;
  table: string;
  /** The row for the aggregate's new state (id, revision and state are filled in). */
  columns(state: State): Partial<Row>;
  /** Extra tables derived from the same state, rewritten on each event. */
  derived?: { tables: string[]; write(id: string, state: State, manager: EntityManager): Promise<void> };
}

/**
 * One projection for any aggregate: folds each event into the stored state with the domain's
 * own evolve, so the read model can never disagree with the aggregate about what an event means.
 */
export function aggregateStateProjection<State, Row extends ObjectLiteral & { id: string; revision: number; state: State }>(
  model: AggregateStateReadModel<State, Row>,
): Projection {
  const eventTypes = Object.entries(EVENT_REGISTRY)
    .filter(([, registration]) => registration.aggregate === model.decider.name)
    .map(([type]) => type);
  return {
    name: model.table,
    eventTypes,
    tables: [model.table, ...(model.derived?.tables ?? [])],
    async apply(event: RecordedEvent, manager: EntityManager) {
      const id = event.streamId.slice(event.streamId.indexOf('-') + 1);
      const repository = manager.getRepository(model.entity);
      const current = (await repository.findOneBy({ id } as never)) as Row | null;
      const state = model.decider.evolve(current?.state ?? model.decider.initialState(), event);
      await repository.upsert({ ...model.columns(state), id, revision: event.revision, state } as never, ['id']);
      await model.derived?.write(id, state, manager);
    },
  };
}
