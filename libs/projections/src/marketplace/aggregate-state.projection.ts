import { EntityManager, EntityTarget, In, ObjectLiteral } from 'typeorm';
import { Decider, EVENT_REGISTRY } from '@policloud/domain';
import { RecordedEvent } from '@policloud/event-store';
import { Projection } from '../projection';
import { upsertRows } from '../upsert-rows';

export interface AggregateStateReadModel<State, Row extends ObjectLiteral> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  decider: Decider<State, any, any, any>;
  entity: EntityTarget<Row>;
  table: string;
  /** The row for the aggregate's new state (id, revision and state are filled in). */
  columns(state: State): Partial<Row>;
  /**
   * Whether the row keeps the global position of its stream's first event (`createdPosition`):
   * the order in which folding the log meets the aggregates, which a matching run's snapshot
   * keeps when it is read from the read model instead.
   */
  keepsCreationOrder?: boolean;
  /** Extra tables derived from the same state, given the events that changed it. */
  derived?: {
    tables: string[];
    write(id: string, state: State, events: RecordedEvent[], manager: EntityManager): Promise<void>;
  };
}

/**
 * One projection for any aggregate: folds events into the stored state with the domain's own
 * evolve, so the read model can never disagree with the aggregate about what an event means.
 * A page of events costs one read and one multi-row upsert, whatever its size.
 */
export function aggregateStateProjection<
  State,
  Row extends ObjectLiteral & { id: string; revision: number; state: State },
>(model: AggregateStateReadModel<State, Row>): Projection {
  const eventTypes = Object.entries(EVENT_REGISTRY)
    .filter(([, registration]) => registration.aggregate === model.decider.name)
    .map(([type]) => type);
  const idOf = (event: RecordedEvent) => event.streamId.slice(event.streamId.indexOf('-') + 1);

  async function applyBatch(events: RecordedEvent[], manager: EntityManager): Promise<void> {
    const byId = new Map<string, RecordedEvent[]>();
    for (const event of events) byId.set(idOf(event), [...(byId.get(idOf(event)) ?? []), event]);
    const repository = manager.getRepository(model.entity);
    const current = (await repository.findBy({ id: In([...byId.keys()]) } as never)) as Row[];
    const stateOf = new Map(current.map((row) => [row.id, row.state]));
    const createdAt = new Map(
      current.map((row) => [row.id, (row as { createdPosition?: number | null }).createdPosition]),
    );
    const rows: Row[] = [];
    for (const [id, own] of byId) {
      const from = stateOf.get(id) ?? model.decider.initialState();
      // A one-pass fold where the aggregate has one (an offer's slot record is big).
      const state = model.decider.evolveAll
        ? model.decider.evolveAll(from, own)
        : own.reduce((folded, event) => model.decider.evolve(folded, event), from);
      rows.push({
        ...model.columns(state),
        id,
        revision: own[own.length - 1].revision,
        state,
        ...(model.keepsCreationOrder
          ? { createdPosition: stateOf.has(id) ? createdAt.get(id) : own[0].globalPosition }
          : {}),
      } as Row);
      await model.derived?.write(id, state, own, manager);
    }
    await upsertRows(repository as never, rows, ['id']);
  }

  return {
    name: model.table,
    eventTypes,
    tables: [model.table, ...(model.derived?.tables ?? [])],
    apply: (event, manager) => applyBatch([event], manager),
    applyBatch,
  };
}
