/**
 * The public event contract (contracts/events): every event the domain emits validates against
 * the JSON Schema of its type and version, and every readable version has a schema.
 */
// eslint-disable-next-line no-restricted-imports -- the contract test reads the schema files
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import { allocationUsageDecider } from './allocation-usage';
import { computeOrderDecider, ComputeOrderPlaced, ComputeOrderPlacedV1 } from './compute-order';
import {
  biddingZoneOf,
  CertifyUsage,
  energyCertificateDecider,
  EnergyCertificateIssued,
} from './energy-certificate';
import { energyOfferDecider } from './energy-offer';
import {
  EVENT_REGISTRY,
  expectEvent,
  READABLE_EVENT_VERSIONS,
  rehydrate,
  upcastEvent,
} from './events.registry';
import { AllocationMade, allocationsIn, matchingRunDecider } from './matching-run';
import { participantDecider } from './participant';
import { SettlementPeriodClosed, settlementDecider, SettlementStatementIssued } from './settlement';
import { Decider } from './shared/aggregate';
import { Command, DomainEvent, StoredEventLike } from './shared/event';
import { COUNTRY_CODES } from './shared/countries';
import { CURRENCY_CODES } from './shared/money';
import { siteDecider } from './site';
import { auditCheckpointDecider } from './audit-checkpoint';
import { sandboxClockDecider } from './sandbox-clock';
import { webhookSubscriptionDecider } from './webhook-subscription';
import { auditWitnessDecider } from './audit-witness';
import { allocateGpusBySite, siteCapacityDecider } from './site-capacity';
import {
  agreementSet,
  allocationInput,
  buyerStatement,
  closeSettlementPeriod,
  computeOrderFilled,
  energyAllocated,
  listEnergyOffer,
  offerContext,
  participantContext,
  placeComputeOrder,
  recordMatchingRun,
  registerSite,
  reportUsage,
  siteAfter,
  siteContext,
  settledPool,
  settlementBalance,
  siteRegistered,
  usageContext,
} from './testing/examples';

const EVENTS_DIR = path.join(__dirname, '..', '..', '..', 'contracts', 'events');
const SCHEMA_BASE = 'https://policloud.example/contracts/events/';

type Schema = {
  $id: string;
  properties: { type: { const: string }; schemaVersion: { const: number } };
};
const schemaFiles = readdirSync(EVENTS_DIR).filter((file) => file.endsWith('.schema.json'));
const schemas = new Map(
  schemaFiles.map((file) => [
    file,
    JSON.parse(readFileSync(path.join(EVENTS_DIR, file), 'utf8')) as Schema,
  ]),
);
const eventSchemaFiles = schemaFiles.filter((file) => file !== 'defs.schema.json');

const ajv = new Ajv2020({ strict: true, allErrors: true });
for (const schema of schemas.values()) ajv.addSchema(schema);

const fileOf = (type: string, version: number) => `${type}.v${version}.schema.json`;

function validatorFor(event: StoredEventLike): ValidateFunction {
  const validate = ajv.getSchema(SCHEMA_BASE + fileOf(event.type, event.schemaVersion));
  if (!validate) throw new Error(`No schema for ${event.type} v${event.schemaVersion}`);
  return validate;
}

function emit<State, Cmd extends Command, Event extends DomainEvent, Context>(
  decider: Decider<State, Cmd, Event, Context>,
  given: readonly StoredEventLike[],
  command: Cmd,
  context?: Context,
): Event[] {
  const events = decider.decide(command, rehydrate(decider, given), context as Context);
  if (events.length === 0) throw new Error(`${command.type} emitted nothing: not a useful sample`);
  return events;
}

// ---------------------------------------------------------------- representative events

const site = siteAfter([siteRegistered(), agreementSet()]);
const listed = emit(energyOfferDecider, [], listEnergyOffer(), offerContext(site));
const placed = emit(computeOrderDecider, [], placeComputeOrder());
const { allOrNone: _, ...v1Data } = (placed[0] as ComputeOrderPlaced).data;
const placedV1: ComputeOrderPlacedV1 = {
  type: 'ComputeOrderPlaced',
  schemaVersion: 1,
  data: v1Data,
};

const checkpointV1 = {
  sequence: 1,
  fromPosition: 0,
  toPosition: 42,
  eventCount: 42,
  firstEventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  lastEventId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  merkleRoot: 'ab'.repeat(32),
  previousCheckpointHash: '0'.repeat(64),
  sealedAt: '2026-03-01T10:00:00.000Z',
  keyId: 'k1',
  signature: 'c2lnbmF0dXJl',
};

const [witnessRegistered] = emit(auditWitnessDecider, [], {
  type: 'RegisterWitness',
  data: {
    name: 'witness.example/w1',
    verifierKey: 'witness.example/w1+0a0b0c0d+BKqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq',
    registeredBy: 'auditor-1',
    registeredAt: '2026-03-01T10:00:00.000Z',
  },
});

const run = emit(matchingRunDecider, [], recordMatchingRun());
const [allocation] = allocationsIn((run[0] as AllocationMade).data);
const usageReported = emit(allocationUsageDecider, [], reportUsage(), usageContext(allocation));

const certifyUsage = (meteredWh: number, usageRevision: number): CertifyUsage => ({
  type: 'CertifyUsage',
  data: {
    allocation,
    offerId: allocation.energy[0].offerId,
    meteredWh,
    gpuHours: allocation.gpus,
    biddingZone: biddingZoneOf(allocation.site.country),
    evidence: {
      runId: allocation.runId,
      allocationId: allocation.allocationId,
      usageStreamId: 'usage-alloc-1',
      usageRevision,
    },
    recordedAt: '2026-03-01T11:00:30.000Z',
  },
});
const certificates = emit(energyCertificateDecider, [], certifyUsage(6_000, 0), {
  deliverableWh: 100_000,
});

const samples: StoredEventLike[] = [
  // participant
  ...emit(
    participantDecider,
    [],
    {
      type: 'RegisterParticipant',
      data: { participantId: 'p-1', name: 'Buyer', roles: ['buyer'], country: 'DE' },
    },
    participantContext(),
  ),
  ...emit(
    participantDecider,
    [],
    {
      type: 'RegisterParticipant',
      data: {
        participantId: 'p-2',
        name: 'Wind Co',
        roles: ['producer', 'host'],
        country: 'FR',
        legalEntity: 'Wind Co SAS',
      },
    },
    participantContext(),
  ),
  ...emit(
    participantDecider,
    [],
    {
      type: 'RegisterParticipant',
      data: {
        participantId: 'ctl-1',
        name: 'Site 1 controller',
        roles: ['site'],
        country: 'FR',
        siteId: 'site-1',
      },
    },
    participantContext(site),
  ),
  ...emit(
    participantDecider,
    [
      {
        type: 'ParticipantRegistered',
        schemaVersion: 1,
        data: { participantId: 'p-1', name: 'Buyer', roles: ['buyer'], country: 'DE' },
      },
    ],
    {
      type: 'IssueApiKey',
      data: { participantId: 'p-1', keyId: 'key-1', keyHash: 'sha256:' + 'f'.repeat(64) },
    },
    participantContext(),
  ),
  // site
  ...emit(siteDecider, [], registerSite(), siteContext()),
  ...emit(
    siteDecider,
    [],
    registerSite({
      certifications: [],
      heatRecovery: { enabled: false, recoveredShareBps: 0 },
      currency: 'JPY',
      gpuPowerKw: '1',
      pue: '1',
    }),
    siteContext(),
  ),
  ...emit(
    siteDecider,
    [siteRegistered()],
    {
      type: 'UpdateSite',
      data: {
        siteId: 'site-1',
        changes: {
          name: 'Beauce 2',
          certifications: ['SecNumCloud', 'ISO/IEC 27001'],
          reservePricePerGpuHour: 0,
          pue: '1.2',
          heatRecovery: { enabled: false, recoveredShareBps: 0 },
          operatorLegalEntity: 'Policloud Europe SA',
          operatorJurisdiction: 'LU',
          hostParticipantId: 'host-2',
          status: 'suspended',
        },
      },
    },
    siteContext(),
  ),
  ...emit(
    siteDecider,
    [siteRegistered()],
    {
      type: 'ScheduleMaintenance',
      data: {
        siteId: 'site-1',
        maintenanceId: 'mw-1',
        from: '2026-03-02T08:00:00Z',
        to: '2026-03-02T12:00:00Z',
        gpusOffline: 40,
      },
    },
    siteContext(),
  ),
  ...emit(
    siteDecider,
    [siteRegistered()],
    {
      type: 'SetAgreement',
      data: {
        siteId: 'site-1',
        effectiveFrom: '2026-03-01T00:00:00Z',
        hostParticipantId: 'host-1',
        producers: [{ participantId: 'producer-1' }],
        producersShareBps: 10_000,
        hostShareBps: 0,
      },
    },
    siteContext(),
  ),
  ...emit(
    siteDecider,
    [siteRegistered(), agreementSet()],
    {
      type: 'SetAgreement',
      data: {
        siteId: 'site-1',
        effectiveFrom: '2026-04-01T00:00:00Z',
        hostParticipantId: 'host-1',
        producers: [{ participantId: 'producer-1' }, { participantId: 'producer-2' }],
        producersShareBps: 6_500,
        hostShareBps: 3_500,
        heatPricePerMwh: 2_500,
      },
    },
    siteContext(),
  ),
  ...emit(
    siteDecider,
    [siteRegistered()],
    {
      type: 'DecommissionSite',
      data: { siteId: 'site-1', decommissionedAt: '2026-12-31T23:59:59.000Z' },
    },
    siteContext(),
  ),
  // energy offer
  ...listed,
  ...emit(
    energyOfferDecider,
    listed,
    {
      type: 'AmendEnergyOffer',
      data: {
        offerId: 'offer-1',
        actorId: 'producer-1',
        amendedAt: '2026-03-01T09:00:00.000Z',
        profile: [
          { slot: '2026-03-01T10:00:00Z', wh: 0 },
          { slot: '2026-03-01T12:00:00Z', wh: 75_000 },
        ],
      },
    },
    offerContext(site),
  ),
  ...emit(
    energyOfferDecider,
    listed,
    {
      type: 'WithdrawEnergyOffer',
      data: { offerId: 'offer-1', actorId: 'producer-1', withdrawnAt: '2026-03-01T09:30:00.000Z' },
    },
    offerContext(site),
  ),
  ...emit(
    energyOfferDecider,
    listed,
    {
      type: 'ReportCurtailment',
      data: {
        offerId: 'offer-1',
        actorId: 'producer-1',
        slot: '2026-03-01T10:00:00Z',
        whCurtailed: 12_345,
        reportedAt: '2026-03-01T11:00:00.000Z',
      },
    },
    offerContext(site),
  ),
  energyAllocated(),
  // as stored before a run's draws on an offer made one event
  {
    type: 'EnergyAllocated',
    schemaVersion: 1,
    data: { offerId: 'offer-1', ...energyAllocated().data.draws[0] },
  },
  // compute order
  ...placed,
  ...emit(
    computeOrderDecider,
    [],
    placeComputeOrder({
      gpuModel: 'H200',
      allOrNone: true,
      currency: 'AED',
      constraints: {
        jurisdictions: ['EEA', 'CH', 'GCC', 'US'],
        sovereignOperator: true,
        maxDistanceKm: { origin: { lat: 25.2, lon: 55.27 }, km: 1_500 },
        renewableOnly: true,
        maxCarbonGPerKwh: 0,
      },
    }),
  ),
  ...emit(computeOrderDecider, placed, {
    type: 'AmendComputeOrder',
    data: {
      orderId: 'order-1',
      actorId: 'buyer-1',
      amendedAt: '2026-03-01T09:00:00.000Z',
      changes: {
        gpus: 4,
        hours: 6,
        earliestStart: '2026-03-01T12:00:00Z',
        deadline: '2026-03-02T00:00:00Z',
        gpuModel: 'H200',
        maxPricePerGpuHour: 300,
        allOrNone: true,
        constraints: { jurisdictions: ['EU'], renewableOnly: true },
      },
    },
  }),
  ...emit(computeOrderDecider, placed, {
    type: 'CancelComputeOrder',
    data: { orderId: 'order-1', actorId: 'buyer-1', cancelledAt: '2026-03-01T09:00:00.000Z' },
  }),
  computeOrderFilled(),
  // as stored before a run's fills of an order made one event
  {
    type: 'ComputeOrderFilled',
    schemaVersion: 1,
    data: { orderId: 'order-1', ...computeOrderFilled().data.fills[0] },
  },
  placedV1,
  // matching run
  ...run,
  ...emit(
    matchingRunDecider,
    [],
    recordMatchingRun({
      runId: 'run-2',
      horizon: { from: '2026-03-01T00:00:00Z', to: '2027-03-01T00:00:00Z' },
      inputPosition: 0,
      platformFeeBps: 0,
      welfare: 0,
      allocations: [
        allocationInput({
          currency: 'KWD',
          pricePerGpuHour: 0,
          reservePerGpuHour: 0,
          energyPerGpuHourWh: 30_000,
          gpus: 10_000,
          energy: [
            {
              offerId: 'offer-9',
              producerId: 'producer-9',
              wh: 300_000_000,
              source: 'grid',
              carbonGPerKwh: 2_000,
              floorPricePerMwh: 0,
            },
          ],
          site: {
            country: 'KW',
            operatorJurisdiction: 'US',
            operatorLegalEntity: 'Gulf Compute W.L.L.',
            certifications: [],
            hostParticipantId: 'host-9',
            gpuModel: 'MI300X',
          },
        }),
      ],
      prices: [
        { siteId: 'site-1', slot: '2026-03-01T10:00:00Z', currency: 'KWD', pricePerGpuHour: 0 },
      ],
      unfilledOrderIds: [],
    }),
  ),
  ...emit(matchingRunDecider, [], recordMatchingRun({ allocations: [], prices: [] })),
  // as stored before a run's allocations were recorded by range: one slot each
  { type: 'AllocationMade', schemaVersion: 1, data: allocation },
  ...emit(
    matchingRunDecider,
    [],
    recordMatchingRun({
      unfilled: [
        {
          orderId: 'order-2',
          reason: 'outbid',
          message: 'Outbid: the GPUs it could use cleared at 2.50 EUR per GPU-hour or more.',
          slotsRequested: 2,
          slotsFilled: 1,
          unfilledGpuHours: 8,
          clearingPricePerGpuHour: 250,
        },
      ],
    }),
  ),
  // site capacity
  ...allocateGpusBySite(allocation.runId, [
    allocation,
    { ...allocation, slot: '2026-03-01T11:00:00Z', gpus: 10_000 },
    { ...allocation, siteId: 'site-2' },
  ]).flatMap((command) => emit(siteCapacityDecider, [], command)),
  ...emit(siteCapacityDecider, [], {
    type: 'TakeGpusOffline',
    data: {
      siteId: 'site-1',
      maintenanceId: 'mnt-1',
      from: '2026-03-01T10:00:00Z',
      to: '2026-03-01T12:00:00Z',
      gpusOffline: 10_000,
    },
  }),
  // allocation usage
  ...usageReported,
  ...emit(
    allocationUsageDecider,
    usageReported,
    {
      type: 'AmendUsage',
      data: {
        allocationId: 'alloc-1',
        siteId: 'site-1',
        gpuHoursDelivered: 0,
        whConsumed: 0,
        heatWhRecovered: 0,
        reason: 'Site lost power at 09:58; nothing ran',
        amendedAt: '2026-03-02T08:00:00.000Z',
      },
    },
    usageContext(allocation),
  ),
  // energy certificates: issued, claimed, and cancelled with a replacement
  ...certificates,
  ...emit(
    energyCertificateDecider,
    certificates,
    {
      type: 'ClaimCertificate',
      data: {
        certificateId: (certificates[0] as EnergyCertificateIssued).data.certificateId,
        claimantId: allocation.buyerId,
        claimedAt: '2026-03-05T09:00:00.000Z',
      },
    },
    { deliverableWh: 100_000 },
  ),
  ...emit(energyCertificateDecider, certificates, certifyUsage(1_000, 1), {
    deliverableWh: 100_000,
  }),
  // settlement
  ...emit(settlementDecider, [], closeSettlementPeriod()),
  // as recorded before the energy figures
  { ...emit(settlementDecider, [], closeSettlementPeriod())[0], schemaVersion: 1 },
  // a buyer statement with its energy figures, and one of a buyer with no GPU-hours
  ...emit(
    settlementDecider,
    [],
    closeSettlementPeriod({
      statements: [
        {
          ...buyerStatement(),
          energy: {
            gpuHours: 8,
            meteredWh: 6_100,
            certifiedWh: 6_000,
            cfeWh: 6_000,
            cfeShareBps: 9_836,
            co2eGrams: 121,
            gCo2ePerGpuHour: '15.125',
          },
        },
        {
          ...buyerStatement(),
          statementId: 'st-2026-03-buyer-2-EUR',
          partyId: 'buyer-2',
          lines: [],
          total: 0,
          energy: {
            gpuHours: 0,
            meteredWh: 0,
            certifiedWh: 0,
            cfeWh: 0,
            cfeShareBps: 0,
            co2eGrams: 0,
            gCo2ePerGpuHour: null,
          },
        },
      ],
      balances: [],
      settledPools: [],
    }),
  ),
  // every optional field the settlement library sets: adjustments of an earlier pool, caps,
  // excess energy, heat, several currencies, an unfunded energy cost
  ...emit(
    settlementDecider,
    [],
    closeSettlementPeriod({
      period: '2026-04',
      closedAt: '2026-05-01T00:00:00.000Z',
      inputPosition: 0,
      statements: [
        {
          statementId: 'st-2026-04-producer-1-EUR',
          partyId: 'producer-1',
          role: 'producer',
          period: '2026-04',
          currency: 'EUR',
          lines: [
            {
              kind: 'adjustment',
              adjusts: 'energy_payment',
              poolPeriod: '2026-03',
              siteId: 'site-1',
              agreementVersion: 1,
              allocationIds: ['alloc-1'],
              usageEventIds: ['evt-1', 'evt-2'],
              offerId: 'offer-1',
              quantity: -600,
              unit: 'wh',
              unitPrice: 4_000,
              amount: -2,
              exact: '-12/5',
              description:
                'Adjustment for pool site-1 v1 2026-03: 5000 Wh of offer offer-1 × 40.00/MWh (previously settled 0.22)',
            },
          ],
          total: -2,
        },
        {
          statementId: 'st-2026-04-buyer-1-EUR',
          partyId: 'buyer-1',
          role: 'buyer',
          period: '2026-04',
          currency: 'EUR',
          lines: [
            {
              kind: 'adjustment',
              adjusts: 'compute_charge',
              poolPeriod: '2026-03',
              siteId: 'site-1',
              agreementVersion: 1,
              allocationId: 'alloc-1',
              usageEventIds: ['evt-1', 'evt-2'],
              quantity: -1,
              unit: 'gpu_hour',
              unitPrice: 180,
              amount: 180,
              exact: '180',
              description:
                'Adjustment for pool site-1 v1 2026-03: 7 GPU-hours (previously 8 GPU-hours)',
            },
          ],
          total: 180,
        },
        {
          statementId: 'st-2026-04-host-1-EUR',
          partyId: 'host-1',
          role: 'host',
          period: '2026-04',
          currency: 'EUR',
          lines: [
            {
              kind: 'adjustment',
              adjusts: 'surplus_share',
              poolPeriod: '2026-03',
              siteId: 'site-1',
              agreementVersion: 1,
              allocationIds: ['alloc-1'],
              usageEventIds: ['evt-1', 'evt-2'],
              quantity: 0,
              unit: 'wh',
              amount: -178,
              exact: '-4462/25',
              description:
                'Adjustment for pool site-1 v1 2026-03: host share (previously settled 3.82)',
            },
          ],
          total: -178,
        },
        {
          statementId: 'st-2026-04-host-9-KWD',
          partyId: 'host-9',
          role: 'host',
          period: '2026-04',
          currency: 'KWD',
          lines: [
            {
              kind: 'heat_purchase',
              poolPeriod: '2026-04',
              siteId: 'site-9',
              agreementVersion: 3,
              quantity: 1_000,
              unit: 'wh',
              unitPrice: 5_000,
              amount: -5,
              exact: '-5',
              description: '1000 Wh of recovered heat at site-9 in 2026-04 × 5.000/MWh',
            },
          ],
          total: -5,
        },
        {
          statementId: 'st-2026-04-producer-9-KWD',
          partyId: 'producer-9',
          role: 'producer',
          period: '2026-04',
          currency: 'KWD',
          lines: [
            {
              kind: 'heat_revenue',
              poolPeriod: '2026-04',
              siteId: 'site-9',
              agreementVersion: 3,
              quantity: 2_000,
              unit: 'wh',
              amount: 5,
              exact: '5',
              description:
                'Recovered heat sold to the host at site-9, pro rata to 2000 of 2000 Wh supplied',
            },
            {
              kind: 'surplus_share',
              poolPeriod: '2026-04',
              siteId: 'site-9',
              agreementVersion: 3,
              quantity: 2_000,
              unit: 'wh',
              amount: 3,
              exact: '10/3',
              description: "Producers' share 100% of the surplus at site-9",
            },
            {
              kind: 'excess_energy',
              poolPeriod: '2026-04',
              siteId: 'site-9',
              agreementVersion: 3,
              quantity: 400,
              unit: 'wh',
              amount: -3,
              exact: '-3',
              description: "Borne by the producers' share: 400 Wh beyond e × GPU-hours",
            },
          ],
          total: 5,
        },
      ],
      balances: [
        settlementBalance({
          period: '2026-04',
          charged: -180,
          paidOut: -180,
          platformFee: 0,
          pools: 1,
          adjustedPools: 1,
          gpuHoursDelivered: 0,
          meteredWh: 0,
          attributedWh: 0,
        }),
        settlementBalance({
          period: '2026-04',
          currency: 'KWD',
          charged: 5,
          paidOut: 5,
          platformFee: 0,
          gpuHoursDelivered: 2,
          meteredWh: 2_400,
          attributedWh: 2_000,
          excessWh: 400,
          heatWhSold: 1_000,
          unfundedEnergy: '7/3',
        }),
      ],
      settledPools: [
        settledPool({
          settledIn: '2026-04',
          members: [
            {
              allocationId: 'alloc-1',
              usageEventId: 'evt-2',
              platformFeeBps: 10_000,
              gpuHoursDelivered: 7,
              whConsumed: 5_000,
              heatWhRecovered: 0,
              capsWh: { 'offer-1': 0, 'offer-2': 4_000 },
            },
          ],
        }),
        settledPool({
          period: '2026-04',
          siteId: 'site-9',
          agreementVersion: 3,
          currency: 'KWD',
          settledIn: '2026-04',
          members: [],
          lines: [
            {
              key: '["excess_energy","producer","producer-9"]',
              partyId: 'producer-9',
              role: 'producer',
              kind: 'excess_energy',
              quantity: 400,
              amount: -3,
            },
          ],
        }),
      ],
    }),
  ),
  ...emit(
    settlementDecider,
    [],
    closeSettlementPeriod({ statements: [], balances: [], settledPools: [] }),
  ),
  // audit checkpoints: v1 (a range only, as stored before the log tree) and v2 (with its note)
  { type: 'AuditCheckpointSealed', schemaVersion: 1, data: checkpointV1 },
  ...emit(auditCheckpointDecider, [], {
    type: 'SealCheckpoint',
    data: {
      checkpoint: {
        ...checkpointV1,
        treeSize: 42,
        note: 'policloud/audit-log\n42\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n\n\u2014 policloud/audit-log AAAAAGFh\n',
      },
    },
  }),
  // webhooks
  ...emit(webhookSubscriptionDecider, [], {
    type: 'SubscribeWebhook',
    data: {
      subscriptionId: 'wh-1',
      ownerId: 'buyer-1',
      url: 'https://buyer.example/hooks',
      eventTypes: ['order.filled', 'statement.issued'],
      scope: 'own',
      subscribedAt: '2026-03-01T10:00:00.000Z',
    },
  }),
  {
    type: 'WebhookDeleted',
    schemaVersion: 1,
    data: { subscriptionId: 'wh-1', deletedAt: '2026-03-02T10:00:00.000Z' },
  },
  {
    type: 'WebhookDisabled',
    schemaVersion: 1,
    data: {
      subscriptionId: 'wh-1',
      disabledAt: '2026-03-02T10:00:00.000Z',
      consecutiveFailures: 10,
      lastError: 'connect ECONNREFUSED',
    },
  },
  // sandbox clock
  ...emit(sandboxClockDecider, [], {
    type: 'AdvanceSandboxClock',
    data: {
      advanceTo: '2026-04-01T00:00:00.000Z',
      now: '2026-03-01T10:00:00.000Z',
      actorId: 'op-1',
    },
  }),
  ...emit(auditCheckpointDecider, [], {
    type: 'RotateSigningKey',
    data: {
      rotation: {
        previousKeyId: '0123456789abcdef',
        previousPublicKey:
          '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n',
        keyId: 'fedcba9876543210',
        publicKey: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEB\n-----END PUBLIC KEY-----\n',
        rotatedAt: '2026-03-01T10:00:00.000Z',
        endorsement: 'c2lnbmF0dXJl',
        acceptance: 'c2lnbmF0dXJl',
      },
    },
  }),
  // audit witnesses
  witnessRegistered,
  ...emit(auditWitnessDecider, [witnessRegistered], {
    type: 'RecordCosignature',
    data: {
      witness: 'witness.example/w1',
      treeSize: 42,
      cosignature: '\u2014 witness.example/w1 AAAAAGFh\n',
      timestamp: 1_772_359_200,
    },
  }),
];

const describeEvent = (event: StoredEventLike) =>
  `${event.type} v${event.schemaVersion} ${JSON.stringify(event.data).slice(0, 60)}…`;

describe('event contracts', () => {
  it('has a schema for every readable version of every registered event type', () => {
    const missing = READABLE_EVENT_VERSIONS.filter(
      ({ type, schemaVersion }) => !schemas.has(fileOf(type, schemaVersion)),
    );
    expect(missing).toEqual([]);
  });

  it('has no schema for an event the domain does not know', () => {
    const known = new Set(
      READABLE_EVENT_VERSIONS.map(({ type, schemaVersion }) => fileOf(type, schemaVersion)),
    );
    expect(eventSchemaFiles.filter((file) => !known.has(file))).toEqual([]);
  });

  it('names each schema after the type and version it fixes', () => {
    for (const file of eventSchemaFiles) {
      const schema = schemas.get(file)!;
      expect(schema.$id).toBe(SCHEMA_BASE + file);
      expect(fileOf(schema.properties.type.const, schema.properties.schemaVersion.const)).toBe(
        file,
      );
    }
  });

  it('samples every registered event type and version', () => {
    const sampled = new Set(samples.map((event) => fileOf(event.type, event.schemaVersion)));
    expect(
      READABLE_EVENT_VERSIONS.map(({ type, schemaVersion }) => fileOf(type, schemaVersion)).filter(
        (f) => !sampled.has(f),
      ),
    ).toEqual([]);
  });

  it.each(samples.map((event) => [describeEvent(event), event] as const))(
    'validates %s',
    (_, event) => {
      const validate = validatorFor(event);
      expect(validate(event) ? [] : validate.errors).toEqual([]);
    },
  );

  it.each(samples.map((event) => [describeEvent(event), event] as const))(
    'emits plain JSON: %s',
    (_, event) => expect(JSON.parse(JSON.stringify(event))).toEqual(event),
  );

  it('reads an old version as the current one, which validates too', () => {
    const upcast = upcastEvent(placedV1);
    expect(upcast.schemaVersion).toBe(EVENT_REGISTRY.ComputeOrderPlaced.currentVersion);
    expect(validatorFor(upcast)(upcast)).toBe(true);
  });

  describe('is strict', () => {
    const first = (type: string) =>
      samples.find((event) => event.type === type)! as {
        type: string;
        schemaVersion: number;
        data: Record<string, unknown>;
      };
    const rejects = (event: { type: string; schemaVersion: number; data: unknown }) =>
      expect(validatorFor(event)(event)).toBe(false);

    it('rejects unknown fields in any event', () => {
      for (const event of samples) {
        // Cast kept: any event's data, spread to build an invalid one on purpose.
        rejects({ ...event, data: { ...(event.data as object), unexpected: 1 } });
        expect(validatorFor(event)({ ...event, metadata: {} })).toBe(false);
      }
    });

    it('rejects unknown fields inside the audit facts of an allocation', () => {
      const event = first('AllocationMade');
      const { data } = expectEvent(event, 'AllocationMade');
      rejects({ ...event, data: { ...data, site: { ...data.site, status: 'active' } } });
      const [slot] = data.slots;
      const withSlot = (changed: object) => ({
        ...event,
        data: { ...data, slots: [{ ...slot, ...changed }] },
      });
      rejects(withSlot({ energy: [{ ...slot.energy[0], currency: 'EUR' }] }));
      rejects(withSlot({ energy: [] }));
      rejects({ ...event, data: { ...data, slots: [] } });
    });

    it('rejects a run hash that is not 64 lowercase hex digits', () => {
      const event = first('MatchingRunCompleted');
      rejects({ ...event, data: { ...event.data, inputHash: 'AB'.repeat(32) } });
      rejects({ ...event, data: { ...event.data, inputHash: 'ab'.repeat(31) } });
    });

    it('rejects negative or fractional metered usage', () => {
      const event = first('UsageReported');
      rejects({ ...event, data: { ...event.data, whConsumed: -1 } });
      rejects({ ...event, data: { ...event.data, gpuHoursDelivered: 7.5 } });
      const amendment = first('UsageAmended');
      rejects({
        ...amendment,
        data: { ...amendment.data, previous: { gpuHoursDelivered: 1, whConsumed: 1 } },
      });
    });

    it('rejects unknown fields and malformed amounts in settlement statements and records', () => {
      const statement = first('SettlementStatementIssued') as unknown as SettlementStatementIssued;
      const [line] = statement.data.lines;
      const withLine = (changed: object) => ({
        ...statement,
        data: { ...statement.data, lines: [changed] },
      });
      rejects(withLine({ ...line, vat: 0 }));
      rejects(withLine({ ...line, exact: '-1440.0' }));
      rejects(withLine({ ...line, amount: 1.5 }));
      rejects(withLine({ ...line, adjusts: 'compute_charge' }));
      rejects(withLine({ ...line, kind: 'adjustment' }));
      rejects({ ...statement, data: { ...statement.data, period: '2026-3' } });
      const close = first('SettlementPeriodClosed') as unknown as SettlementPeriodClosed;
      const [balance] = close.data.balances;
      const [pool] = close.data.settledPools;
      const withClose = (changed: object) => ({ ...close, data: { ...close.data, ...changed } });
      rejects(withClose({ balances: [{ ...balance, difference: 1 }] }));
      rejects(withClose({ balances: [{ ...balance, fx: 1 }] }));
      rejects(withClose({ settledPools: [{ ...pool, lines: [{ ...pool.lines[0], note: '' }] }] }));
      rejects(
        withClose({
          settledPools: [{ ...pool, members: [{ ...pool.members[0], capsWh: { 'offer-1': -1 } }] }],
        }),
      );
    });

    const withDraw = (changed: object) => {
      const { data } = expectEvent(first('EnergyAllocated'), 'EnergyAllocated');
      return {
        ...first('EnergyAllocated'),
        data: { ...data, draws: [{ ...data.draws[0], ...changed }] },
      };
    };

    it('rejects a missing required field', () => {
      const { data } = expectEvent(first('EnergyAllocated'), 'EnergyAllocated');
      const { slot: _slot, ...draw } = data.draws[0];
      rejects({ ...first('EnergyAllocated'), data: { ...data, draws: [draw] } });
      rejects({ ...first('EnergyAllocated'), data: { ...data, draws: [] } });
    });

    it('rejects non-integer Wh and money', () => {
      rejects(withDraw({ wh: 1.5 }));
      const { data } = expectEvent(first('ComputeOrderFilled'), 'ComputeOrderFilled');
      rejects({
        ...first('ComputeOrderFilled'),
        data: { ...data, fills: [{ ...data.fills[0], pricePerGpuHour: 1.5 }] },
      });
      rejects({
        ...first('SiteRegistered'),
        data: { ...first('SiteRegistered').data, reservePricePerGpuHour: '150' },
      });
    });

    it('rejects slots that are not whole UTC hours, and unknown codes', () => {
      rejects(withDraw({ slot: '2026-03-01T10:30:00Z' }));
      rejects(withDraw({ slot: '2026-03-01T10:00:00+01:00' }));
      rejects({
        ...first('SiteRegistered'),
        data: { ...first('SiteRegistered').data, country: 'UK' },
      });
      rejects({
        ...first('SiteRegistered'),
        data: { ...first('SiteRegistered').data, currency: 'EURO' },
      });
    });

    it('rejects another version under the same schema', () => {
      const event = first('SiteRegistered');
      expect(validatorFor(event)({ ...event, schemaVersion: 2 })).toBe(false);
    });
  });

  it('lists the same countries and currencies as the domain', () => {
    const defs = schemas.get('defs.schema.json') as unknown as {
      $defs: Record<string, { enum: string[] }>;
    };
    expect(defs.$defs.countryCode.enum).toEqual([...COUNTRY_CODES]);
    expect(defs.$defs.currencyCode.enum).toEqual([...CURRENCY_CODES]);
  });
});
