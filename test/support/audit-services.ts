import { AuditEventsService } from '../../apps/audit-api/src/audit-events.service';
import { AuditKeyService } from '../../apps/audit-api/src/checkpoints/audit-key.service';
import { CheckpointsService } from '../../apps/audit-api/src/checkpoints/checkpoints.service';
import { VerificationService } from '../../apps/audit-api/src/checkpoints/verification.service';
import { LogTreeStore } from '@policloud/runtime';
import { SovereigntyService } from '../../apps/audit-api/src/sovereignty.service';
import { WitnessesService } from '../../apps/audit-api/src/witnesses/witnesses.service';
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
    new LogTreeStore(platform.store, platform.readModels),
  );
  const witnesses = new WitnessesService(platform.commands, checkpoints, platform.clock);
  return {
    key,
    events,
    checkpoints,
    witnesses,
    verification: new VerificationService(
      platform.store,
      platform.clock,
      key,
      checkpoints,
      events,
      witnesses,
    ),
    sovereignty: new SovereigntyService(platform.readModels),
  };
}
