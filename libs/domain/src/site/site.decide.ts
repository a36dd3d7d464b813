import { DomainError, FieldError } from '../shared/domain-error';
import { storedThousandths } from '../shared/decimals';
import { energyPerGpuHourWh } from '../shared/energy';
import { slotHour } from '../shared/slots';
import { throwIfInvalid } from '../shared/validation';
import type { ParticipantRole } from '../participant/participant.events';
import {
  DecommissionSite,
  RegisterSite,
  ScheduleMaintenance,
  SetAgreement,
  SiteCommand,
  UpdateSite,
} from './site.commands';
import {
  AgreementSet,
  MaintenanceScheduled,
  SiteChanges,
  SiteDecommissioned,
  SiteEvent,
  SiteRegistered,
  SiteUpdated,
} from './site.events';
import { Site, SiteState } from './site.evolve';
import { gpusOfflineAt } from './site.queries';

/** Facts about participants (other streams) that site rules need; the caller looks them up. */
export interface SiteContext {
  findParticipant(participantId: string): { roles: readonly ParticipantRole[] } | undefined;
}

/** Commands arrive typed (parseRegisterSite and its siblings): these rules read the site and its participants. */
export function decideSite(
  command: SiteCommand,
  state: SiteState,
  context: SiteContext,
): SiteEvent[] {
  if (command.type === 'RegisterSite') return [registerSite(command.data, state, context)];
  if (state.status === 'absent') throw DomainError.notFound('Site', command.data.siteId);
  if (state.status === 'decommissioned') {
    throw DomainError.conflict(`Site ${state.siteId} is decommissioned`);
  }
  switch (command.type) {
    case 'UpdateSite':
      return updateSite(command.data, state, context);
    case 'ScheduleMaintenance':
      return [scheduleMaintenance(command.data, state)];
    case 'SetAgreement':
      return [setAgreement(command.data, state, context)];
    case 'DecommissionSite':
      return [decommissionSite(command.data, state)];
  }
}

function registerSite(
  input: RegisterSite['data'],
  state: SiteState,
  context: SiteContext,
): SiteRegistered {
  if (state.status !== 'absent') {
    throw DomainError.conflict(`Site ${input.siteId} is already registered`);
  }
  throwIfInvalid(roleErrors(context, input.hostParticipantId, 'host', 'hostParticipantId'));
  return {
    type: 'SiteRegistered',
    schemaVersion: 1,
    data: {
      ...input,
      energyPerGpuHourWh: energyPerGpuHourWh(
        storedThousandths(input.gpuPowerKw),
        storedThousandths(input.pue),
      ),
    },
  };
}

// ---------------------------------------------------------------- update

function updateSite(data: UpdateSite['data'], site: Site, context: SiteContext): SiteUpdated[] {
  const parsed = data.changes;
  if (typeof parsed.hostParticipantId === 'string') {
    throwIfInvalid(
      roleErrors(context, parsed.hostParticipantId, 'host', 'changes.hostParticipantId'),
    );
  }

  const changes: SiteChanges = {};
  const record = changes as Record<string, unknown>;
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'pue') {
      const pue = value as string;
      if (pue === site.pue) continue;
      changes.pue = pue;
      const energy = energyPerGpuHourWh(storedThousandths(site.gpuPowerKw), storedThousandths(pue));
      if (energy !== site.energyPerGpuHourWh) changes.energyPerGpuHourWh = energy;
    } else if (!sameValue(value, (site as Record<string, unknown>)[key])) {
      record[key] = value;
    }
  }
  // Re-sending current values is not a change: nothing to record.
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'SiteUpdated', schemaVersion: 1, data: { siteId: site.siteId, changes } }];
}

/** Both sides are built from JSON-like values in a fixed key order. */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ---------------------------------------------------------------- maintenance

function scheduleMaintenance(data: ScheduleMaintenance['data'], site: Site): MaintenanceScheduled {
  const { siteId: _siteId, ...input } = data;
  if (input.gpusOffline > site.gpuCount) {
    throwIfInvalid([
      { field: 'gpusOffline', message: `must be between 1 and ${site.gpuCount}, the site's GPUs` },
    ]);
  }
  if (site.maintenance.some((window) => window.maintenanceId === input.maintenanceId)) {
    throw DomainError.conflict(`Maintenance ${input.maintenanceId} is already scheduled`);
  }
  const peak = peakOfflineWith(site, input);
  if (peak > site.gpuCount) {
    throw DomainError.conflict(
      `Overlapping maintenance would take ${peak} GPUs offline at once; the site has ${site.gpuCount}`,
      [
        {
          field: 'gpusOffline',
          message: `at most ${site.gpuCount - (peak - input.gpusOffline)} GPUs can go offline in this window`,
        },
      ],
    );
  }
  return {
    type: 'MaintenanceScheduled',
    schemaVersion: 1,
    data: { siteId: site.siteId, ...input },
  };
}

/** The most GPUs offline at once inside the new window; the peak is always at some window's start. */
function peakOfflineWith(site: Site, window: Site['maintenance'][number]): number {
  const windows = [...site.maintenance, window];
  const from = slotHour(window.from);
  const to = slotHour(window.to);
  const starts = windows
    .map((w) => w.from)
    .filter((start) => slotHour(start) > from && slotHour(start) < to);
  return Math.max(
    ...[window.from, ...starts].map((slot) => gpusOfflineAt({ maintenance: windows }, slot)),
  );
}

// ---------------------------------------------------------------- agreement

function setAgreement(data: SetAgreement['data'], site: Site, context: SiteContext): AgreementSet {
  const { siteId: _siteId, ...input } = data;
  const errors: FieldError[] = [];
  if (input.hostParticipantId !== site.hostParticipantId) {
    errors.push({
      field: 'hostParticipantId',
      message: `must be the site's host, ${site.hostParticipantId}`,
    });
  }
  input.producers.forEach(({ participantId }, index) =>
    errors.push(
      ...roleErrors(context, participantId, 'producer', `producers[${index}].participantId`),
    ),
  );
  throwIfInvalid(errors);

  const latest = site.agreements.at(-1);
  if (latest && slotHour(input.effectiveFrom) < slotHour(latest.effectiveFrom)) {
    throw DomainError.conflict(
      `Agreement version ${latest.version} is effective from ${latest.effectiveFrom}; a new version cannot take effect earlier`,
      [{ field: 'effectiveFrom', message: `must be ${latest.effectiveFrom} or later` }],
    );
  }
  const { heatPricePerMwh, ...required } = input;
  return {
    type: 'AgreementSet',
    schemaVersion: 1,
    data: {
      siteId: site.siteId,
      version: (latest?.version ?? 0) + 1,
      ...required,
      ...(heatPricePerMwh !== undefined && { heatPricePerMwh }),
    },
  };
}

// ---------------------------------------------------------------- decommission

function decommissionSite(data: DecommissionSite['data'], site: Site): SiteDecommissioned {
  return {
    type: 'SiteDecommissioned',
    schemaVersion: 1,
    data: { siteId: site.siteId, decommissionedAt: data.decommissionedAt },
  };
}

function roleErrors(
  context: SiteContext,
  participantId: string,
  role: ParticipantRole,
  field: string,
): FieldError[] {
  const participant = context.findParticipant(participantId);
  if (!participant) return [{ field, message: `participant ${participantId} does not exist` }];
  if (!participant.roles.includes(role)) {
    return [{ field, message: `participant ${participantId} does not have the role '${role}'` }];
  }
  return [];
}
