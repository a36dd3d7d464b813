/**
 * The part of a stored event the audit needs. Structurally, the event store's RecordedEvent is
 * assignable to it (this lib does not depend on the event store).
 */
export interface AuditedEvent {
  id: string;
  streamId: string;
  revision: number;
  /** Strictly increasing in the global log (gaps allowed). */
  globalPosition: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
  /** Not covered by any hash: never trusted, never exported in bundles. */
  recordedAt?: string;
  hash?: string;
  prevHash?: string;
}
