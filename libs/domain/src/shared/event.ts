/** An event as the domain emits and reads it; ids, stream and metadata are the store's business. */
export interface DomainEvent<
  Type extends string = string,
  Data = unknown,
  Version extends number = number,
> {
  readonly type: Type;
  readonly schemaVersion: Version;
  readonly data: Data;
}

/** What decide receives: a name and its data. Time and ids are in the data, never read from a clock. */
export interface Command<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/** An event as read from the store, in whatever schema version it was written. */
export interface StoredEventLike {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
}
