import { EVENT_REGISTRY, upcastEvent } from '@policloud/domain';
import { RecordedEvent } from '@policloud/event-store';
import {
  AuditLogTreeMigration,
  MARKETPLACE_ENTITIES,
  MARKETPLACE_PROJECTIONS,
  MarketplaceReadModelsMigration,
  MATCHING_ENTITIES,
  MATCHING_PROJECTIONS,
  MatchingReadModelsMigration,
  SETTLEMENT_ENTITIES,
  SETTLEMENT_PROJECTIONS,
  SettlementReadModelsMigration,
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
    entities: [...MARKETPLACE_ENTITIES, ...MATCHING_ENTITIES, ...SETTLEMENT_ENTITIES],
    migrations: [
      MarketplaceReadModelsMigration,
      MatchingReadModelsMigration,
      SettlementReadModelsMigration,
      AuditLogTreeMigration,
    ],
  },
  projections: [...MARKETPLACE_PROJECTIONS, ...MATCHING_PROJECTIONS, ...SETTLEMENT_PROJECTIONS],
  upcast: upcastPlatformEvent,
  principalDirectory: PrincipalDirectoryService,
};
