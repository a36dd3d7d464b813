/**
 * The ids of the events whose effects were applied. Kafka delivery is at-least-once (the
 * marketplace's relay re-publishes after a crash, the consumer re-reads after a restart before
 * its commit), so every effect goes through processOnce.
 *
 * In production this is a durable table, `processed_events (event_id uuid PRIMARY KEY)`, in the
 * same database as the invoices, and processOnce is one transaction:
 *
 *   BEGIN;
 *   INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING;
 *   -- 0 rows inserted: a duplicate; ROLLBACK and return false
 *   ... the invoice / allocation writes of `apply` ...
 *   COMMIT;
 *
 * so an effect is recorded exactly when its event id is, whatever crashes in between. Offsets
 * are committed to Kafka only after that transaction; a crash between the two re-delivers
 * messages that this table then rejects.
 */
export interface ProcessedEventStore {
  /** Applies `apply` and records `eventId` together, unless it was recorded before (then false). */
  processOnce(eventId: string, apply: () => void | Promise<void>): Promise<boolean>;
}

/**
 * For the example and tests: a process-local set. Not durable: a restarted process would apply
 * events again, which is why production uses the table above. Effects that throw are not
 * recorded (the ledger validates before it writes, standing in for a rollback).
 */
export class InMemoryProcessedEventStore implements ProcessedEventStore {
  private readonly ids = new Set<string>();

  async processOnce(eventId: string, apply: () => void | Promise<void>): Promise<boolean> {
    if (this.ids.has(eventId)) return false;
    // Claimed before applying, so a concurrent copy of the same event is a duplicate too.
    this.ids.add(eventId);
    try {
      await apply();
    } catch (error) {
      this.ids.delete(eventId);
      throw error;
    }
    return true;
  }

  get size(): number {
    return this.ids.size;
  }
}
