import { EVENT_REGISTRY, upcastEvent } from '@policloud/domain';
import { RecordedEvent } from '@policloud/event-store';
import {
  ALLOCATION_USAGE_PROJECTION,
  AllocationListsMigration,
  AllocationUsageMigration,
  AllocationUsageRow,
  CERTIFICATE_ENTITIES,
  CERTIFICATE_PROJECTIONS,
  EnergyCertificateReadModelsMigration,
  MARKET_ENTITIES,
  MARKET_PROJECTIONS,
  MarketReadModelsMigration,
  AuditLogTreeMigration,
  MARKETPLACE_ENTITIES,
  MARKETPLACE_PROJECTIONS,
  MarketplaceReadModelsMigration,
  MARKET_STATE_ENTITIES,
  MARKET_STATE_PROJECTIONS,
  MarketStateReadModelsMigration,
  MATCHING_ENTITIES,
  MATCHING_PROJECTIONS,
  MatchingReadModelsMigration,
  PARTICIPANT_EVENTS_PROJECTION,
  ParticipantEventRow,
  ParticipantEventsMigration,
  SETTLEMENT_ENTITIES,
  SETTLEMENT_PROJECTIONS,
  SettlementReadModelsMigration,
  WEBHOOK_ENTITIES,
  WEBHOOK_PROJECTIONS,
  WebhookReadModelsMigration,
} from '@policloud/projections';
import type { RuntimeFeatures } from '../runtime.module';
import { storedData } from '../stored-data';
import { PrincipalDirectoryService } from './principal-directory.service';

/** Old event versions read as the current one; events of other modules pass through. */
function upcastPlatformEvent(event: RecordedEvent): RecordedEvent {
  if (!(event.type in EVENT_REGISTRY)) return event;
  const current = upcastEvent(event);
  return {
    ...event,
    schemaVersion: current.schemaVersion,
    data: storedData(current),
  };
}

/**
 * The read models every service shares: one schema, filled by the one projection runner of the
 * deployment, read by all (API keys included, for authentication).
 */
export const PLATFORM_FEATURES: RuntimeFeatures = {
  readModels: {
    entities: [
      ...MARKETPLACE_ENTITIES,
      ...MATCHING_ENTITIES,
      ...SETTLEMENT_ENTITIES,
      ...MARKET_STATE_ENTITIES,
      ParticipantEventRow,
      AllocationUsageRow,
      ...CERTIFICATE_ENTITIES,
      ...MARKET_ENTITIES,
      ...WEBHOOK_ENTITIES,
    ],
    migrations: [
      MarketplaceReadModelsMigration,
      MatchingReadModelsMigration,
      SettlementReadModelsMigration,
      MarketStateReadModelsMigration,
      AllocationListsMigration,
      ParticipantEventsMigration,
      AllocationUsageMigration,
      EnergyCertificateReadModelsMigration,
      MarketReadModelsMigration,
      WebhookReadModelsMigration,
      AuditLogTreeMigration,
    ],
  },
  projections: [
    ...MARKETPLACE_PROJECTIONS,
    ...MATCHING_PROJECTIONS,
    ...SETTLEMENT_PROJECTIONS,
    ...MARKET_STATE_PROJECTIONS,
    PARTICIPANT_EVENTS_PROJECTION,
    ALLOCATION_USAGE_PROJECTION,
    ...CERTIFICATE_PROJECTIONS,
    ...MARKET_PROJECTIONS,
    ...WEBHOOK_PROJECTIONS,
  ],
  upcast: upcastPlatformEvent,
  principalDirectory: PrincipalDirectoryService,
};
