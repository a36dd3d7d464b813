/**
 * Example commands, events and contexts shared by the unit specs and the contract test: one
 * small marketplace (a host, two producers, a buyer, one 360-GPU site) on 2026-03-01.
 */
import { AllocationUsageContext, ReportUsage } from '../allocation-usage';
import {
  ComputeOrderFilled,
  ComputeOrderPlaced,
  OrderFill,
  PlaceComputeOrder,
} from '../compute-order';
import {
  EnergyAllocated,
  EnergyAllocation,
  EnergyOfferContext,
  ListEnergyOffer,
} from '../energy-offer';
import { EnergyCertificateIssued } from '../energy-certificate';
import { ParticipantContext, ParticipantRole } from '../participant';
import {
  AllocationInput,
  AllocationMade,
  allocationRanges,
  AllocationRecord,
  MatchingRunCompleted,
  MatchingRunEvent,
  RecordedAllocation,
  RecordMatchingRun,
} from '../matching-run';
import {
  CloseSettlementPeriod,
  SettlementPeriodClosed,
  SettlementBalance,
  SettlementPoolRecord,
  SettlementStatementInput,
} from '../settlement';
import { fold } from '../shared/aggregate';
import {
  AgreementSet,
  evolveSite,
  initialSiteState,
  RegisterSite,
  Site,
  SiteContext,
  SiteEvent,
  SiteRegistered,
} from '../site';

export const PARTICIPANTS: Record<string, readonly ParticipantRole[]> = {
  'host-1': ['host'],
  'host-2': ['host', 'producer'],
  'producer-1': ['producer'],
  'producer-2': ['producer'],
  'buyer-1': ['buyer'],
};

export const siteContext = (participants = PARTICIPANTS): SiteContext => ({
  findParticipant: (id) => (participants[id] ? { roles: participants[id] } : undefined),
});

export function registerSite(overrides: Partial<RegisterSite['data']> = {}): RegisterSite {
  return {
    type: 'RegisterSite',
    data: {
      siteId: 'site-1',
      name: 'Éoliennes de la Beauce',
      model: 'PC-360',
      gpuCount: 360,
      gpuModel: 'H100',
      gpuPowerKw: '0.7',
      pue: '1.125',
      location: { lat: 48.3, lon: 1.6 },
      country: 'FR',
      operatorLegalEntity: 'Policloud SAS',
      operatorJurisdiction: 'FR',
      certifications: ['SecNumCloud'],
      hostParticipantId: 'host-1',
      heatRecovery: { enabled: true, recoveredShareBps: 6_000 },
      reservePricePerGpuHour: 150,
      currency: 'EUR',
      ...overrides,
    },
  };
}

export const siteRegistered = (
  overrides: Partial<SiteRegistered['data']> = {},
): SiteRegistered => ({
  type: 'SiteRegistered',
  schemaVersion: 1,
  data: {
    siteId: 'site-1',
    name: 'Éoliennes de la Beauce',
    model: 'PC-360',
    gpuCount: 360,
    gpuModel: 'H100',
    gpuPowerKw: '0.7',
    pue: '1.125',
    energyPerGpuHourWh: 788,
    location: { lat: 48.3, lon: 1.6 },
    country: 'FR',
    operatorLegalEntity: 'Policloud SAS',
    operatorJurisdiction: 'FR',
    certifications: ['SecNumCloud'],
    hostParticipantId: 'host-1',
    heatRecovery: { enabled: true, recoveredShareBps: 6_000 },
    reservePricePerGpuHour: 150,
    currency: 'EUR',
    ...overrides,
  },
});

export const agreementSet = (overrides: Partial<AgreementSet['data']> = {}): AgreementSet => ({
  type: 'AgreementSet',
  schemaVersion: 1,
  data: {
    siteId: 'site-1',
    version: 1,
    effectiveFrom: '2026-03-01T00:00:00Z',
    hostParticipantId: 'host-1',
    producers: [{ participantId: 'producer-1' }],
    producersShareBps: 7_000,
    hostShareBps: 3_000,
    ...overrides,
  },
});

/** The site as other aggregates see it through their context. */
export const siteAfter = (events: readonly SiteEvent[]): Site =>
  fold(evolveSite, initialSiteState(), events) as Site;

export const offerContext = (...sites: Site[]): EnergyOfferContext => ({
  findSite: (siteId) => sites.find((site) => site.siteId === siteId),
});

export const participantContext = (...sites: Site[]): ParticipantContext => ({
  findSite: (siteId) => sites.find((site) => site.siteId === siteId),
});

export function listEnergyOffer(overrides: Partial<ListEnergyOffer['data']> = {}): ListEnergyOffer {
  return {
    type: 'ListEnergyOffer',
    data: {
      offerId: 'offer-1',
      producerId: 'producer-1',
      listedAt: '2026-03-01T08:30:00.000Z',
      siteIds: ['site-1'],
      source: 'wind',
      carbonGPerKwh: 12,
      floorPricePerMwh: 4_000,
      currency: 'EUR',
      profile: [
        { slot: '2026-03-01T11:00:00Z', wh: 200_000 },
        { slot: '2026-03-01T10:00:00Z', wh: 150_000 },
      ],
      ...overrides,
    },
  };
}

/** A run's draws on offer 1 (one draw of 50 kWh at 10:00 unless told): one event per run. */
export const energyAllocated = (
  draw: Partial<EnergyAllocation & { offerId: string }> = {},
  ...moreDraws: EnergyAllocation[]
): EnergyAllocated => {
  const { offerId = 'offer-1', ...first } = draw;
  return {
    type: 'EnergyAllocated',
    schemaVersion: 2,
    data: {
      offerId,
      draws: [
        { allocationId: 'alloc-1', slot: '2026-03-01T10:00:00Z', wh: 50_000, ...first },
        ...moreDraws,
      ],
    },
  };
};

export function placeComputeOrder(
  overrides: Partial<PlaceComputeOrder['data']> = {},
): PlaceComputeOrder {
  return {
    type: 'PlaceComputeOrder',
    data: {
      orderId: 'order-1',
      buyerId: 'buyer-1',
      placedAt: '2026-03-01T08:00:00.000Z',
      gpus: 8,
      hours: 4,
      earliestStart: '2026-03-01T10:00:00Z',
      deadline: '2026-03-01T20:00:00Z',
      maxPricePerGpuHour: 250,
      currency: 'EUR',
      ...overrides,
    },
  };
}

/** Order 1 as placed (schema v2): the same order `placeComputeOrder` asks for, divisible. */
export const computeOrderPlaced = (
  overrides: Partial<ComputeOrderPlaced['data']> = {},
): ComputeOrderPlaced => ({
  type: 'ComputeOrderPlaced',
  schemaVersion: 2,
  data: {
    orderId: 'order-1',
    buyerId: 'buyer-1',
    placedAt: '2026-03-01T08:00:00.000Z',
    gpus: 8,
    hours: 4,
    earliestStart: '2026-03-01T10:00:00Z',
    deadline: '2026-03-01T20:00:00Z',
    maxPricePerGpuHour: 250,
    currency: 'EUR',
    allOrNone: false,
    constraints: {},
    ...overrides,
  },
});

/** A run's fills of order 1 (8 GPUs on site 1 at 10:00 unless told): one event per run. */
export const computeOrderFilled = (
  fill: Partial<OrderFill & { orderId: string }> = {},
  ...moreFills: OrderFill[]
): ComputeOrderFilled => {
  const { orderId = 'order-1', ...first } = fill;
  return {
    type: 'ComputeOrderFilled',
    schemaVersion: 2,
    data: {
      orderId,
      fills: [
        {
          allocationId: 'alloc-1',
          siteId: 'site-1',
          slot: '2026-03-01T10:00:00Z',
          gpus: 8,
          pricePerGpuHour: 180,
          ...first,
        },
        ...moreFills,
      ],
    },
  };
};

/**
 * Order 1 (8 GPUs) on site 1 at 10:00, on wind energy of producer 1: e = 788 Wh, so 6304 Wh.
 * Its reserve is the site's 150 (the energy part, 788 Wh × 40 €/MWh / 0.9, is 4 cents).
 */
export function allocationInput(overrides: Partial<AllocationInput> = {}): RecordedAllocation {
  // Typed as recorded: specs pass engine-shaped overrides, some invalid, for parse to refuse.
  return <RecordedAllocation>{
    allocationId: 'alloc-1',
    orderId: 'order-1',
    buyerId: 'buyer-1',
    siteId: 'site-1',
    slot: '2026-03-01T10:00:00Z',
    gpus: 8,
    pricePerGpuHour: 180,
    currency: 'EUR',
    energyPerGpuHourWh: 788,
    reservePerGpuHour: 150,
    energy: [
      {
        offerId: 'offer-1',
        producerId: 'producer-1',
        wh: 6_304,
        source: 'wind',
        carbonGPerKwh: 12,
        floorPricePerMwh: 4_000,
      },
    ],
    site: {
      country: 'FR',
      operatorJurisdiction: 'FR',
      operatorLegalEntity: 'Policloud SAS',
      certifications: ['SecNumCloud'],
      hostParticipantId: 'host-1',
      gpuModel: 'H100',
    },
    ...overrides,
  };
}

/** Order 1 again at 11:00, on wind of producer 1 and solar of producer 2, at a higher price. */
export const secondAllocationInput = (
  overrides: Partial<AllocationInput> = {},
): RecordedAllocation =>
  allocationInput({
    allocationId: 'alloc-2',
    slot: '2026-03-01T11:00:00Z',
    pricePerGpuHour: 190,
    energy: [
      {
        offerId: 'offer-1',
        producerId: 'producer-1',
        wh: 4_000,
        source: 'wind',
        carbonGPerKwh: 12,
        floorPricePerMwh: 4_000,
      },
      {
        offerId: 'offer-2',
        producerId: 'producer-2',
        wh: 2_304,
        source: 'solar',
        carbonGPerKwh: 30,
        floorPricePerMwh: 3_500,
      },
    ],
    ...overrides,
  });

/** A run as the engine would propose it; specs override fields, some invalid, for parse to refuse. */
type ProposedRun = Omit<RecordMatchingRun['data'], 'allocations' | 'prices'> & {
  allocations: AllocationInput[];
  prices: { siteId: string; slot: string; currency: string; pricePerGpuHour: number }[];
};

export function recordMatchingRun(overrides: Partial<ProposedRun> = {}): RecordMatchingRun {
  return <RecordMatchingRun>{
    type: 'RecordMatchingRun',
    data: {
      runId: 'run-1',
      requestedBy: 'operator-1',
      completedAt: '2026-03-01T09:00:05.250Z',
      horizon: { from: '2026-03-01T10:00:00Z', to: '2026-03-01T12:00:00Z' },
      inputPosition: 42,
      inputHash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      platformFeeBps: 1_000,
      welfare: 1_600,
      allocations: [allocationInput(), secondAllocationInput()],
      prices: [
        { siteId: 'site-1', slot: '2026-03-01T10:00:00Z', currency: 'EUR', pricePerGpuHour: 180 },
        { siteId: 'site-1', slot: '2026-03-01T11:00:00Z', currency: 'EUR', pricePerGpuHour: 190 },
      ],
      unfilledOrderIds: ['order-2'],
      ...overrides,
    },
  };
}

/** One allocation (order 1 on site 1 at 10:00 unless told), as every reader sees it. */
export const allocationRecord = (overrides: Partial<AllocationRecord> = {}): AllocationRecord => ({
  runId: 'run-1',
  ...(allocationInput() as Omit<AllocationRecord, 'runId'>),
  ...overrides,
});

/** The AllocationMade of one allocation: a range of one slot. */
export const allocationMade = (overrides: Partial<AllocationRecord> = {}): AllocationMade => {
  const { runId, ...record } = allocationRecord(overrides);
  return { type: 'AllocationMade', schemaVersion: 2, data: allocationRanges(runId, [record])[0] };
};

/** The allocation event a run records for `input`. */
export const made = (input: AllocationInput, overrides: Partial<AllocationRecord> = {}) =>
  allocationMade({ ...(input as Omit<AllocationRecord, 'runId'>), ...overrides });

export const completed = (
  overrides: Partial<MatchingRunCompleted['data']> = {},
): MatchingRunCompleted => ({
  type: 'MatchingRunCompleted',
  schemaVersion: 1,
  data: {
    runId: 'run-1',
    requestedBy: 'operator-1',
    completedAt: '2026-03-01T09:00:05.250Z',
    horizon: { from: '2026-03-01T10:00:00Z', to: '2026-03-01T12:00:00Z' },
    inputPosition: 42,
    inputHash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    platformFeeBps: 1_000,
    welfare: 1_600,
    allocationCount: 2,
    filledGpuHours: 16,
    prices: [
      { siteId: 'site-1', slot: '2026-03-01T10:00:00Z', currency: 'EUR', pricePerGpuHour: 180 },
      { siteId: 'site-1', slot: '2026-03-01T11:00:00Z', currency: 'EUR', pricePerGpuHour: 190 },
    ],
    unfilledOrderIds: ['order-2'],
    ...overrides,
  },
});

/** A recorded run: two allocations, then its completion. */
/** The AllocationMade of consecutive slots of one order on one site, as a run records them. */
export const madeRange = (...inputs: RecordedAllocation[]): AllocationMade => ({
  type: 'AllocationMade',
  schemaVersion: 2,
  data: allocationRanges('run-1', inputs)[0],
});

/** Run 1: order 1 on site 1 at 10:00 and 11:00, one range, then the run's completion. */
export const recorded: MatchingRunEvent[] = [
  madeRange(allocationInput(), secondAllocationInput()),
  completed(),
];

/** The allocations a usage report may name, as the caller finds them (a read model). */
export const usageContext = (...allocations: AllocationRecord[]): AllocationUsageContext => ({
  findAllocation: (allocationId) => allocations.find((a) => a.allocationId === allocationId),
});

export function reportUsage(overrides: Partial<ReportUsage['data']> = {}): ReportUsage {
  return {
    type: 'ReportUsage',
    data: {
      allocationId: 'alloc-1',
      siteId: 'site-1',
      slot: '2026-03-01T10:00:00Z',
      gpuHoursDelivered: 8,
      whConsumed: 6_100,
      heatWhRecovered: 3_600,
      reportedAt: '2026-03-01T11:00:30.000Z',
      ...overrides,
    },
  };
}

// ---------------------------------------------------------------- settlement

/**
 * March 2026 of the example site, as the settlement library would close it: 8 GPU-hours at 180
 * charged 1,440; 10% fee 144; 5,600 Wh of offer 1 at 4,000/MWh (22.4); the surplus 1,273.6
 * shared 70/30 between producer 1 (891.52) and host 1 (382.08). Totals sum to 0.
 */
export const buyerStatement = (
  overrides: Partial<SettlementStatementInput> = {},
): SettlementStatementInput => ({
  statementId: 'st-2026-03-buyer-1-EUR',
  partyId: 'buyer-1',
  role: 'buyer',
  period: '2026-03',
  currency: 'EUR',
  lines: [
    {
      kind: 'compute_charge',
      poolPeriod: '2026-03',
      siteId: 'site-1',
      agreementVersion: 1,
      allocationId: 'alloc-1',
      usageEventIds: ['evt-1'],
      quantity: 8,
      unit: 'gpu_hour',
      unitPrice: 180,
      amount: -1_440,
      exact: '-1440',
      description: '8 GPU-hours at site-1, slot 2026-03-01T10:00:00Z, order order-1',
    },
  ],
  total: -1_440,
  ...overrides,
});

export const producerStatement = (
  overrides: Partial<SettlementStatementInput> = {},
): SettlementStatementInput => ({
  statementId: 'st-2026-03-producer-1-EUR',
  partyId: 'producer-1',
  role: 'producer',
  period: '2026-03',
  currency: 'EUR',
  lines: [
    {
      kind: 'energy_payment',
      poolPeriod: '2026-03',
      siteId: 'site-1',
      agreementVersion: 1,
      usageEventIds: ['evt-1'],
      offerId: 'offer-1',
      quantity: 5_600,
      unit: 'wh',
      unitPrice: 4_000,
      amount: 22,
      exact: '112/5',
      description: '5600 Wh of offer offer-1 at site-1 in 2026-03 × 40.00/MWh',
    },
    {
      kind: 'surplus_share',
      poolPeriod: '2026-03',
      siteId: 'site-1',
      agreementVersion: 1,
      quantity: 5_600,
      unit: 'wh',
      amount: 892,
      exact: '22288/25',
      description: "Producers' share 70% of the surplus at site-1 in 2026-03",
    },
  ],
  total: 914,
  ...overrides,
});

export const hostStatement = (
  overrides: Partial<SettlementStatementInput> = {},
): SettlementStatementInput => ({
  statementId: 'st-2026-03-host-1-EUR',
  partyId: 'host-1',
  role: 'host',
  period: '2026-03',
  currency: 'EUR',
  lines: [
    {
      kind: 'surplus_share',
      poolPeriod: '2026-03',
      siteId: 'site-1',
      agreementVersion: 1,
      quantity: 8,
      unit: 'gpu_hour',
      amount: 382,
      exact: '9552/25',
      description: "Host's share 30% of the surplus at site-1 in 2026-03",
    },
  ],
  total: 382,
  ...overrides,
});

export const platformStatement = (
  overrides: Partial<SettlementStatementInput> = {},
): SettlementStatementInput => ({
  statementId: 'st-2026-03-platform-EUR',
  partyId: 'platform',
  role: 'platform',
  period: '2026-03',
  currency: 'EUR',
  lines: [
    {
      kind: 'platform_fee',
      poolPeriod: '2026-03',
      siteId: 'site-1',
      agreementVersion: 1,
      quantity: 8,
      unit: 'gpu_hour',
      amount: 144,
      exact: '144',
      description: 'Platform fee 10% at site-1 in 2026-03',
    },
  ],
  total: 144,
  ...overrides,
});

export const settlementBalance = (
  overrides: Partial<SettlementBalance> = {},
): SettlementBalance => ({
  period: '2026-03',
  currency: 'EUR',
  charged: 1_440,
  paidOut: 1_296,
  platformFee: 144,
  difference: 0,
  pools: 1,
  adjustedPools: 0,
  gpuHoursDelivered: 8,
  meteredWh: 5_600,
  attributedWh: 5_600,
  excessWh: 0,
  heatWhSold: 0,
  unfundedEnergy: '0',
  ...overrides,
});

export const settledPool = (
  overrides: Partial<SettlementPoolRecord> = {},
): SettlementPoolRecord => ({
  period: '2026-03',
  siteId: 'site-1',
  agreementVersion: 1,
  currency: 'EUR',
  settledIn: '2026-03',
  members: [
    {
      allocationId: 'alloc-1',
      usageEventId: 'evt-1',
      platformFeeBps: 1_000,
      gpuHoursDelivered: 8,
      whConsumed: 5_600,
      heatWhRecovered: 0,
    },
  ],
  lines: [
    {
      key: '["energy_payment","producer","producer-1","offer-1@4000"]',
      partyId: 'producer-1',
      role: 'producer',
      kind: 'energy_payment',
      quantity: 5_600,
      amount: 22,
    },
    {
      key: '["surplus_share","producer","producer-1"]',
      partyId: 'producer-1',
      role: 'producer',
      kind: 'surplus_share',
      quantity: 5_600,
      amount: 892,
    },
    {
      key: '["surplus_share","host","host-1"]',
      partyId: 'host-1',
      role: 'host',
      kind: 'surplus_share',
      quantity: 8,
      amount: 382,
    },
    {
      key: '["platform_fee","platform","platform"]',
      partyId: 'platform',
      role: 'platform',
      kind: 'platform_fee',
      quantity: 8,
      amount: 144,
    },
  ],
  ...overrides,
});

export function closeSettlementPeriod(
  overrides: Partial<CloseSettlementPeriod['data']> = {},
): CloseSettlementPeriod {
  return {
    type: 'CloseSettlementPeriod',
    data: {
      period: '2026-03',
      closedAt: '2026-04-02T06:00:00.000Z',
      closedBy: 'operator-1',
      inputPosition: 1_234,
      statements: [buyerStatement(), producerStatement(), hostStatement(), platformStatement()],
      balances: [settlementBalance()],
      settledPools: [settledPool()],
      ...overrides,
    },
  };
}

/** The event of a closed period, with the example statements, balances and pools. */
export const closed = (
  overrides: Partial<SettlementPeriodClosed['data']> = {},
): SettlementPeriodClosed => ({
  type: 'SettlementPeriodClosed',
  schemaVersion: 1,
  data: {
    period: '2026-03',
    closedAt: '2026-04-02T06:00:00.000Z',
    closedBy: 'operator-1',
    inputPosition: 1_234,
    statementIds: [
      'st-2026-03-buyer-1-EUR',
      'st-2026-03-producer-1-EUR',
      'st-2026-03-host-1-EUR',
      'st-2026-03-platform-EUR',
    ],
    balances: [settlementBalance()],
    settledPools: [settledPool()],
    ...overrides,
  },
});

/** Certificate 1 of alloc-1's 10:00 slot from offer-1 (6,100 Wh of wind), unless told. */
export const energyCertificateIssued = (
  overrides: Partial<EnergyCertificateIssued['data']> = {},
): EnergyCertificateIssued => ({
  type: 'EnergyCertificateIssued',
  schemaVersion: 1,
  data: {
    certificateId: 'gc.alloc-1.offer-1.1',
    slot: '2026-03-01T10:00:00Z',
    siteId: 'site-1',
    country: 'FR',
    biddingZone: 'FR',
    wh: 6_100,
    energySource: 'wind',
    producerId: 'producer-1',
    offerId: 'offer-1',
    emissionFactorGPerKwh: 12,
    gpuHours: 8,
    gpuModel: 'H100',
    beneficiaryId: 'buyer-1',
    orderId: 'order-1',
    evidence: {
      runId: 'run-1',
      allocationId: 'alloc-1',
      usageStreamId: 'usage-alloc-1',
      usageRevision: 0,
    },
    issuedAt: '2026-03-01T11:00:30.000Z',
    ...overrides,
  },
});
