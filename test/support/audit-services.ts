import { AuditEventsService } from '../../apps/audit-api/src/audit-events.service';
import { AuditKeyService } from '../../apps/audit-api/src/checkpoints/audit-key.service';
import { CheckpointsService } from '../../apps/audit-api/src/checkpoints/checkpoints.service';
import { VerificationService } from '../../apps/audit-api/src/checkpoints/verification.service';
import { SovereigntyService } from '../../apps/audit-api/src/sovereignty.service';
import { EmbeddedPlatform } from './embedded-platform';

/** The audit API's services on a platform, built as its modules provide them. */
export function auditServices(platform: EmbeddedPlatform) {
  const key = new AuditKeyService(platform.config);
  const events = new AuditEventsService(platform.store, platform.readModels);
  const checkpoints = new CheckpointsService(
    platform.store,
    platform.clock,
    key,
    platform.metrics,
    platform.commands,
  );
  return {
    key,
    events,
    checkpoints,
    verification: new VerificationService(platform.store, platform.clock, key, checkpoints, events),
    sovereignty: new SovereigntyService(platform.readModels),
  };
}
