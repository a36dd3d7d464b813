import { AuditCheckpointEvent } from './audit-checkpoint/audit-checkpoint.events';
import { AuditWitnessEvent } from './audit-witness/audit-witness.events';
import { AUDIT_CHECKPOINT_UPCASTERS } from './audit-checkpoint/audit-checkpoint.upcasters';
import { AllocationUsageEvent } from './allocation-usage/allocation-usage.events';
import { ComputeOrderEvent } from './compute-order/compute-order.events';
import { COMPUTE_ORDER_UPCASTERS } from './compute-order/compute-order.upcasters';
import { EnergyCertificateEvent } from './energy-certificate/energy-certificate.events';
import { EnergyOfferEvent } from './energy-offer/energy-offer.events';
import { ENERGY_OFFER_UPCASTERS } from './energy-offer/energy-offer.upcasters';
import {
  AllocationMade,
  AllocationRecord,
  MatchingRunEvent,
} from './matching-run/matching-run.events';
import { allocationsIn } from './matching-run/matching-run.queries';
import { MATCHING_RUN_UPCASTERS } from './matching-run/matching-run.upcasters';
import { ParticipantEvent } from './participant/participant.events';
import { SettlementEvent } from './settlement/settlement.events';
import { SETTLEMENT_UPCASTERS } from './settlement/settlement.upcasters';
import { CorruptStreamError, Decider, fold } from './shared/aggregate';
import { Command, DomainEvent, StoredEventLike } from './shared/event';
import { createUpcaster } from './shared/upcasters';
import { SandboxClockEvent } from './sandbox-clock/sandbox-clock.events';
import { WebhookSubscriptionEvent } from './webhook-subscription/webhook-subscription.events';
import { SiteCapacityEvent } from './site-capacity/site-capacity.events';
import { SiteEvent } from './site/site.events';

export type AnyDomainEvent =
  | ParticipantEvent
  | SiteEvent
  | EnergyOfferEvent
  | ComputeOrderEvent
  | MatchingRunEvent
  | SiteCapacityEvent
  | AllocationUsageEvent
  | EnergyCertificateEvent
  | SettlementEvent
  | AuditCheckpointEvent
  | SandboxClockEvent
  | WebhookSubscriptionEvent
  | AuditWitnessEvent;

export interface EventRegistration {
  aggregate: string;
  /** The version decide emits. */
  currentVersion: number;
  /** Every version a stored event may have; older ones are upcast before evolve. */
  readableVersions: readonly number[];
}

/**
 * Every event type the domain emits or reads. The mapped type makes the compiler reject a
 * missing type or a current version that differs from the event's TypeScript definition.
 */
export const EVENT_REGISTRY: {
  [E in AnyDomainEvent as E['type']]: EventRegistration & { currentVersion: E['schemaVersion'] };
} = {
  ParticipantRegistered: { aggregate: 'participant', currentVersion: 1, readableVersions: [1] },
  ApiKeyIssued: { aggregate: 'participant', currentVersion: 1, readableVersions: [1] },
  SiteRegistered: { aggregate: 'site', currentVersion: 1, readableVersions: [1] },
  SiteUpdated: { aggregate: 'site', currentVersion: 1, readableVersions: [1] },
  MaintenanceScheduled: { aggregate: 'site', currentVersion: 1, readableVersions: [1] },
  AgreementSet: { aggregate: 'site', currentVersion: 1, readableVersions: [1] },
  SiteDecommissioned: { aggregate: 'site', currentVersion: 1, readableVersions: [1] },
  EnergyOfferListed: { aggregate: 'energy-offer', currentVersion: 1, readableVersions: [1] },
  EnergyOfferAmended: { aggregate: 'energy-offer', currentVersion: 1, readableVersions: [1] },
  EnergyOfferWithdrawn: { aggregate: 'energy-offer', currentVersion: 1, readableVersions: [1] },
  CurtailmentReported: { aggregate: 'energy-offer', currentVersion: 1, readableVersions: [1] },
  EnergyAllocated: { aggregate: 'energy-offer', currentVersion: 2, readableVersions: [1, 2] },
  ComputeOrderPlaced: { aggregate: 'compute-order', currentVersion: 2, readableVersions: [1, 2] },
  ComputeOrderAmended: { aggregate: 'compute-order', currentVersion: 1, readableVersions: [1] },
  ComputeOrderCancelled: { aggregate: 'compute-order', currentVersion: 1, readableVersions: [1] },
  ComputeOrderFilled: { aggregate: 'compute-order', currentVersion: 2, readableVersions: [1, 2] },
  AllocationMade: { aggregate: 'matching-run', currentVersion: 2, readableVersions: [1, 2] },
  OrdersLeftUnfilled: { aggregate: 'matching-run', currentVersion: 1, readableVersions: [1] },
  MatchingRunCompleted: { aggregate: 'matching-run', currentVersion: 1, readableVersions: [1] },
  SiteGpusAllocated: { aggregate: 'site-capacity', currentVersion: 1, readableVersions: [1] },
  SiteGpusTakenOffline: { aggregate: 'site-capacity', currentVersion: 1, readableVersions: [1] },
  UsageReported: { aggregate: 'allocation-usage', currentVersion: 1, readableVersions: [1] },
  UsageAmended: { aggregate: 'allocation-usage', currentVersion: 1, readableVersions: [1] },
  EnergyCertificateIssued: {
    aggregate: 'energy-certificate',
    currentVersion: 1,
    readableVersions: [1],
  },
  EnergyCertificateClaimed: {
    aggregate: 'energy-certificate',
    currentVersion: 1,
    readableVersions: [1],
  },
  EnergyCertificateCancelled: {
    aggregate: 'energy-certificate',
    currentVersion: 1,
    readableVersions: [1],
  },
  SettlementStatementIssued: {
    aggregate: 'settlement',
    currentVersion: 2,
    readableVersions: [1, 2],
  },
  SettlementPeriodClosed: { aggregate: 'settlement', currentVersion: 1, readableVersions: [1] },
  AuditCheckpointSealed: {
    aggregate: 'audit-checkpoint',
    currentVersion: 2,
    readableVersions: [1, 2],
  },
  AuditSigningKeyRotated: {
    aggregate: 'audit-checkpoint',
    currentVersion: 1,
    readableVersions: [1],
  },
  SandboxClockAdvanced: { aggregate: 'sandbox-clock', currentVersion: 1, readableVersions: [1] },
  WebhookSubscribed: {
    aggregate: 'webhook-subscription',
    currentVersion: 1,
    readableVersions: [1],
  },
  WebhookDeleted: { aggregate: 'webhook-subscription', currentVersion: 1, readableVersions: [1] },
  WebhookDisabled: { aggregate: 'webhook-subscription', currentVersion: 1, readableVersions: [1] },
  AuditWitnessRegistered: { aggregate: 'audit-witness', currentVersion: 1, readableVersions: [1] },
  CheckpointCosigned: { aggregate: 'audit-witness', currentVersion: 1, readableVersions: [1] },
};

export type EventType = keyof typeof EVENT_REGISTRY;

/** Every (type, version) pair a stored event may carry: one JSON Schema each in contracts/events. */
export const READABLE_EVENT_VERSIONS: readonly { type: EventType; schemaVersion: number }[] = (
  Object.entries(EVENT_REGISTRY) as [EventType, EventRegistration][]
).flatMap(([type, registration]) =>
  registration.readableVersions.map((schemaVersion) => ({ type, schemaVersion })),
);

export const CURRENT_EVENT_VERSIONS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(EVENT_REGISTRY).map(([type, registration]) => [type, registration.currentVersion]),
);

export const EVENT_UPCASTERS = [
  ...COMPUTE_ORDER_UPCASTERS,
  ...ENERGY_OFFER_UPCASTERS,
  ...MATCHING_RUN_UPCASTERS,
  ...SETTLEMENT_UPCASTERS,
  ...AUDIT_CHECKPOINT_UPCASTERS,
];

/** Brings a stored event of any readable version to the current one; throws on unknown types and versions. */
export const upcastEvent: <E extends StoredEventLike = AnyDomainEvent>(
  event: StoredEventLike,
) => E = createUpcaster(CURRENT_EVENT_VERSIONS, EVENT_UPCASTERS);

/** Folds a stream as stored (any readable versions) into the aggregate's current state. */
export function rehydrate<State, Cmd extends Command, Event extends DomainEvent, Context>(
  decider: Decider<State, Cmd, Event, Context>,
  events: readonly StoredEventLike[],
): State {
  const current = events.map((event) => {
    const registration = (EVENT_REGISTRY as Record<string, EventRegistration>)[event.type];
    if (registration?.aggregate !== decider.name) {
      throw new CorruptStreamError(
        decider.name,
        `${event.type} belongs to no ${decider.name} stream`,
      );
    }
    return upcastEvent<Event>(event);
  });
  return decider.evolveAll
    ? decider.evolveAll(decider.initialState(), current)
    : fold(decider.evolve, decider.initialState(), current);
}

/** The domain event of a given type, from the union. */
export type DomainEventOfType<T extends EventType> = Extract<AnyDomainEvent, { type: T }>;

/**
 * A stored event as the domain event of `type` (upcast to its current version), or undefined
 * when it is of another type: the typed way to read an event's data, instead of a cast.
 */
export function eventOfType<T extends EventType>(
  event: StoredEventLike,
  type: T,
): DomainEventOfType<T> | undefined {
  return event.type === type ? upcastEvent<DomainEventOfType<T>>(event) : undefined;
}

/** Like eventOfType, for an event that must be of `type`: anything else is a corrupt stream. */
export function expectEvent<T extends EventType>(
  event: StoredEventLike,
  type: T,
): DomainEventOfType<T> {
  const typed = eventOfType(event, type);
  if (!typed) throw new CorruptStreamError(type, `expected ${type}, found ${event.type}`);
  return typed;
}

/** The allocation records (one per slot) of a stored AllocationMade of any readable version. */
export function allocationRecordsOfStored(event: StoredEventLike): AllocationRecord[] {
  return event.type === 'AllocationMade'
    ? allocationsIn(upcastEvent<AllocationMade>(event).data)
    : [];
}
