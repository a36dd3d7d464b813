import { Message } from 'kafkajs';
import { RecordedEvent } from '@policloud/event-store';

/** Header names of every integration message; consumers dedupe on EVENT_ID_HEADER. */
export const EVENT_ID_HEADER = 'event-id';
export const EVENT_TYPE_HEADER = 'event-type';
export const SCHEMA_VERSION_HEADER = 'schema-version';
export const GLOBAL_POSITION_HEADER = 'global-position';
export const STREAM_REVISION_HEADER = 'stream-revision';

/** A stream id is "<aggregate>-<id>": one topic per aggregate type, e.g. policloud.site. */
export function topicFor(prefix: string, streamId: string): string {
  const dash = streamId.indexOf('-');
  const category = dash > 0 ? streamId.slice(0, dash) : streamId;
  return `${prefix}.${category.replace(/[^a-zA-Z0-9._]/g, '_')}`;
}

/** Key = stream id, so one stream's events stay in one partition, in order. */
export function integrationMessage(event: RecordedEvent): Message {
  return {
    key: event.streamId,
    value: JSON.stringify(event),
    headers: {
      [EVENT_ID_HEADER]: event.id,
      [EVENT_TYPE_HEADER]: event.type,
      [SCHEMA_VERSION_HEADER]: String(event.schemaVersion),
      [GLOBAL_POSITION_HEADER]: String(event.globalPosition),
      [STREAM_REVISION_HEADER]: String(event.revision),
    },
  };
}
