import { EntityManager } from 'typeorm';
import { RecordedEvent } from '@policloud/event-store';

/**
 * A read model fed by the global log. `apply` writes through the given manager only, inside the
 * runner's transaction, so its rows and the checkpoint commit together.
 */
export interface Projection {
  readonly name: string;
  /** The event types it reads; the runner skips the others. */
  readonly eventTypes: readonly string[];
  /** The tables it owns: emptied before a rebuild from position 0. */
  readonly tables: readonly string[];
  apply(event: RecordedEvent, manager: EntityManager): Promise<void>;
  /** Optional: a page of its events at once (fewer round trips); `apply` is then not called. */
  applyBatch?(events: RecordedEvent[], manager: EntityManager): Promise<void>;
}
