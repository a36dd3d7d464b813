import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { UNFILLED_REASON_CODES } from '@policloud/domain';

/**
 * The success response of every operation of the v1 contract, by operationId. Reads answer
 * read-model views: the schemas name the fields clients rely on; views may carry more.
 * Operations whose controller declares a response DTO (@ApiCreatedResponse) need no entry; an
 * operation with neither fails test/openapi.e2e.spec.ts.
 */
export interface SuccessResponse {
  status: '200' | '201';
  description: string;
  /** Content type of the body; application/json unless said otherwise. */
  contentType?: string;
  schema: SchemaObject;
}

const string: SchemaObject = { type: 'string' };
const integer: SchemaObject = { type: 'integer' };
const boolean: SchemaObject = { type: 'boolean' };
const instant: SchemaObject = { type: 'string', format: 'date-time' };
const nullableString: SchemaObject = { type: 'string', nullable: true };

function object(
  properties: Record<string, SchemaObject>,
  required = Object.keys(properties),
): SchemaObject {
  return { type: 'object', properties, required };
}

/** An aggregate's read-model view: its state, id and revision (send it back as If-Match). */
function view(properties: Record<string, SchemaObject> = {}): SchemaObject {
  return {
    type: 'object',
    properties: { id: string, revision: integer, ...properties },
    required: ['id', 'revision'],
    additionalProperties: true,
  };
}

const cursor: SchemaObject = {
  type: 'string',
  nullable: true,
  description: 'Pass as `after` for the next page; null on the last page',
};

function page(item: SchemaObject, nextAfter: SchemaObject = cursor): SchemaObject {
  return object({ items: { type: 'array', items: item }, nextAfter });
}

/** A keyset page whose cursor also goes by `nextCursor` (send it back as `cursor` or `after`). */
function keysetPage(item: SchemaObject): SchemaObject {
  return object({
    items: { type: 'array', items: item },
    nextAfter: cursor,
    nextCursor: {
      ...cursor,
      description: 'Pass as `cursor` (or `after`) for the next page; null on the last page',
    },
  });
}

const list = (item: SchemaObject): SchemaObject =>
  object({ items: { type: 'array', items: item } });

/** A site's GPUs and Wh per hourly slot over a window. */
const siteCapacity: SchemaObject = object({
  siteId: string,
  energyPerGpuHourWh: integer,
  from: instant,
  to: instant,
  slots: {
    type: 'array',
    items: object({
      slot: instant,
      gpusOnline: integer,
      gpusAllocated: integer,
      gpusFree: integer,
      whFree: integer,
      whAllocated: integer,
      capacityGpus: integer,
    }),
  },
});

/** What a command answers: the id of the resource it wrote and the stream's new revision. */
const written: SchemaObject = object({
  id: string,
  revision: { type: 'integer', description: 'Stream revision: send it back as If-Match to update' },
});

const site = view({
  name: string,
  country: string,
  operatorJurisdiction: string,
  gpuModel: string,
  gpus: integer,
  energyPerGpuHourWh: integer,
  status: string,
  agreements: { type: 'array', items: { type: 'object', additionalProperties: true } },
});
const energyOffer = view({
  producerId: string,
  siteIds: { type: 'array', items: string },
  status: string,
});
const computeOrder = view({
  buyerId: string,
  gpus: integer,
  hours: integer,
  earliestStart: instant,
  deadline: instant,
  maxPricePerGpuHour: { type: 'integer', description: 'Minor units per GPU-hour' },
  currency: string,
  status: { type: 'string', enum: ['open', 'partially_filled', 'filled', 'cancelled'] },
});
const allocation: SchemaObject = {
  type: 'object',
  properties: {
    allocationId: string,
    runId: string,
    orderId: string,
    buyerId: string,
    siteId: string,
    slot: instant,
    gpus: integer,
    pricePerGpuHour: integer,
    currency: string,
  },
  required: ['allocationId', 'orderId', 'siteId', 'slot', 'gpus'],
  additionalProperties: true,
};
/** Why a run left an order (partly) unfilled (libs/matching README, "Unfilled reasons"). */
const unfilledReason: SchemaObject = {
  type: 'object',
  properties: {
    reason: {
      type: 'string',
      enum: [...UNFILLED_REASON_CODES],
    },
    message: { type: 'string', description: 'One sentence for the buyer' },
    slotsRequested: integer,
    slotsFilled: integer,
    unfilledGpuHours: integer,
    constraint: { type: 'string', description: 'no_eligible_site: the filter that left no site' },
    lowestReservePerGpuHour: {
      type: 'integer',
      description: 'below_reserve: the lowest reserve among the eligible sites',
    },
    clearingPricePerGpuHour: {
      type: 'integer',
      description:
        'outbid: the lowest clearing price of the cells it could use; a bid above it was needed',
    },
  },
  required: ['reason', 'message', 'slotsRequested', 'slotsFilled', 'unfilledGpuHours'],
};
const depthLevel = object({
  pricePerGpuHour: integer,
  gpuHours: integer,
  cumulativeGpuHours: integer,
});

const matchingRun: SchemaObject = {
  type: 'object',
  properties: {
    id: string,
    runId: string,
    completedAt: instant,
    inputPosition: { type: 'integer', description: 'Log position the run read its input at' },
    inputHash: { type: 'string', description: 'Lowercase hex SHA-256 of the run’s input' },
    welfare: integer,
    allocationCount: integer,
    filledGpuHours: integer,
    prices: { type: 'array', items: { type: 'object', additionalProperties: true } },
    unfilledOrderIds: { type: 'array', items: string },
    unfilled: {
      type: 'array',
      description: 'Why each unfilled order got less than it wanted, by order id',
      items: {
        ...unfilledReason,
        properties: { orderId: string, ...unfilledReason.properties },
        required: ['orderId', ...(unfilledReason.required ?? [])],
      },
    },
  },
  required: ['id', 'inputPosition', 'inputHash', 'allocationCount'],
  additionalProperties: true,
};
const statementLine: SchemaObject = {
  type: 'object',
  properties: {
    kind: string,
    adjusts: string,
    poolPeriod: string,
    siteId: string,
    allocationId: string,
    quantity: integer,
    unit: { type: 'string', enum: ['gpu_hour', 'wh'] },
    unitPrice: integer,
    amount: { type: 'integer', description: 'Signed minor units: positive is owed to the party' },
    exact: { type: 'string', description: 'The exact amount before rounding, n/d' },
    description: string,
  },
  required: ['kind', 'poolPeriod', 'siteId', 'quantity', 'unit', 'amount', 'exact', 'description'],
};
const statement = object(
  {
    partyId: string,
    role: { type: 'string', enum: ['buyer', 'producer', 'host', 'platform'] },
    period: string,
    currency: string,
    lines: { type: 'array', items: statementLine, description: 'In slot order; adjustments last' },
    total: { type: 'integer', description: 'Σ of the lines’ amounts, minor units' },
    energy: {
      ...object({
        gpuHours: integer,
        meteredWh: integer,
        certifiedWh: integer,
        cfeWh: { type: 'integer', description: 'Certified Wh of wind, solar and hydro' },
        cfeShareBps: { type: 'integer', description: 'cfeWh / meteredWh in bps, rounded down' },
        co2eGrams: integer,
        gCo2ePerGpuHour: {
          type: 'string',
          nullable: true,
          description: 'Grams to the milligram, e.g. "18.347"; null without GPU-hours',
        },
      }),
      description: 'Buyers only: the period’s CFE share and emissions, from its certificates',
    },
  },
  ['partyId', 'role', 'period', 'currency', 'lines', 'total'],
);
const certificate: SchemaObject = object(
  {
    certificateId: string,
    slot: { type: 'string', description: 'The hour (start, UTC) of production and consumption' },
    siteId: string,
    country: string,
    biddingZone: string,
    wh: { type: 'integer', description: 'Metered Wh certified' },
    energySource: { type: 'string', enum: ['wind', 'solar', 'hydro', 'biomass', 'grid'] },
    producerId: string,
    offerId: string,
    emissionFactorGPerKwh: integer,
    gpuHours: integer,
    gpuModel: string,
    beneficiaryId: string,
    orderId: string,
    evidence: object({
      runId: string,
      allocationId: string,
      usageStreamId: string,
      usageRevision: integer,
    }),
    issuedAt: instant,
    status: { type: 'string', enum: ['issued', 'claimed', 'cancelled'] },
    claimedAt: instant,
  },
  [
    'certificateId',
    'slot',
    'siteId',
    'country',
    'biddingZone',
    'wh',
    'energySource',
    'producerId',
    'emissionFactorGPerKwh',
    'gpuHours',
    'gpuModel',
    'beneficiaryId',
    'evidence',
    'status',
  ],
);
const checkpoint: SchemaObject = object(
  {
    sequence: integer,
    fromPosition: integer,
    toPosition: integer,
    eventCount: integer,
    firstEventId: string,
    lastEventId: string,
    merkleRoot: string,
    previousCheckpointHash: nullableString,
    sealedAt: instant,
    keyId: string,
    signature: { type: 'string', description: 'Base64 Ed25519 signature' },
    treeSize: {
      type: 'integer',
      description: 'v2: events in the whole-log tree (RFC 9162) through toPosition',
    },
    note: {
      type: 'string',
      description:
        'v2: C2SP checkpoint signed note (origin, tree size, base64 root, log signature)',
    },
  },
  [
    'sequence',
    'fromPosition',
    'toPosition',
    'eventCount',
    'merkleRoot',
    'previousCheckpointHash',
    'sealedAt',
    'keyId',
    'signature',
  ],
);
const hashList: SchemaObject = { type: 'array', items: { type: 'string', description: 'hex' } };
const witness: SchemaObject = object({
  name: string,
  verifierKey: { type: 'string', description: 'C2SP verifier key: name+keyid+base64(0x04 ‖ key)' },
  registeredBy: string,
  registeredAt: instant,
});
const cosignature: SchemaObject = object({
  witness: string,
  treeSize: integer,
  cosignature: { type: 'string', description: 'C2SP cosignature/v1 line' },
  timestamp: { type: 'integer', description: 'Unix seconds, from the cosignature' },
});
const auditEvent: SchemaObject = {
  type: 'object',
  properties: {
    id: string,
    streamId: string,
    revision: integer,
    globalPosition: integer,
    type: string,
    schemaVersion: integer,
    data: { type: 'object', additionalProperties: true },
    metadata: { type: 'object', additionalProperties: true },
    recordedAt: instant,
    hash: string,
    prevHash: string,
  },
  required: ['id', 'streamId', 'revision', 'globalPosition', 'type', 'data'],
  additionalProperties: true,
};

const ok = (description: string, schema: SchemaObject): SuccessResponse => ({
  status: '200',
  description,
  schema,
});
const created = (description: string, schema: SchemaObject = written): SuccessResponse => ({
  status: '201',
  description,
  schema,
});

export const SUCCESS_RESPONSES: Record<string, SuccessResponse> = {
  HealthController_get: ok('The service’s state', {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['ok', 'degraded'] },
      eventStore: { type: 'object', additionalProperties: true },
      projections: { type: 'object', additionalProperties: true },
      kafka: { type: 'object', additionalProperties: true },
      workers: { type: 'object', additionalProperties: true },
    },
    required: ['status', 'eventStore', 'projections', 'kafka', 'workers'],
  }),
  HealthController_live: ok(
    'The process answers',
    object({ status: { type: 'string', enum: ['live'] } }),
  ),
  HealthController_ready: ok(
    'Ready for traffic (503 with the same shape and a reason when not)',
    object(
      {
        status: { type: 'string', enum: ['ready', 'not ready'] },
        ready: boolean,
        reason: string,
        lag: object({
          events: integer,
          seconds: { type: 'number' },
          stalledSeconds: { type: 'number' },
        }),
      },
      ['status', 'ready'],
    ),
  ),
  ParticipantsController_me: ok('The caller', {
    type: 'object',
    properties: { id: string, roles: { type: 'array', items: string }, siteId: string },
    required: ['id', 'roles'],
  }),
  SitesController_list: ok('Sites', list(site)),
  SitesController_update: ok('The site changed', written),
  SitesController_get: ok('The site with its agreements and maintenance windows', site),
  SitesController_scheduleMaintenance: created('The maintenance window scheduled'),
  SitesController_setAgreement: ok('The agreement recorded', written),
  SitesController_capacity: ok('Capacity per hourly slot', siteCapacity),
  MarketController_capacity: ok(
    'A page of sites, each with its capacity per hourly slot',
    keysetPage(siteCapacity),
  ),
  EnergyOffersController_find: ok(
    'The caller’s energy offers (all for operators)',
    list(energyOffer),
  ),
  EnergyOffersController_amend: ok('The offer amended', written),
  EnergyOffersController_withdraw: ok('The offer withdrawn', written),
  EnergyOffersController_get: ok('The energy offer', energyOffer),
  EnergyOffersController_reportCurtailment: created('The curtailment recorded'),
  ComputeOrdersController_find: ok(
    'Orders by placement time, then id, a page at a time',
    keysetPage(computeOrder),
  ),
  ComputeOrdersController_cancel: ok('The order cancelled', written),
  ComputeOrdersController_get: ok(
    'The order with its fills',
    view({
      ...computeOrder.properties,
      fills: { type: 'array', items: allocation },
      lastUnfilled: {
        ...unfilledReason,
        description: 'While open: why the last run that left it short did so (absent if none did)',
        properties: { runId: string, ...unfilledReason.properties },
      },
    }),
  ),
  QuotesController_quote: ok('What the order would fill at now (indicative; nothing is written)', {
    type: 'object',
    properties: {
      indicative: { type: 'boolean', enum: [true] },
      position: { type: 'integer', description: 'Global log position the market was read at' },
      computedAt: instant,
      horizon: object({ from: instant, to: instant }),
      fill: { type: 'string', enum: ['full', 'partial', 'none'] },
      gpus: integer,
      hoursRequested: integer,
      hoursFilled: integer,
      gpuHours: integer,
      currency: string,
      pricePerGpuHour: {
        type: 'integer',
        nullable: true,
        description: 'Mean cleared price per GPU-hour, minor units; null when nothing fills',
      },
      totalPrice: { type: 'integer', description: 'Σ price × GPU-hours, minor units' },
      carbonGPerGpuHour: {
        type: 'number',
        nullable: true,
        description: 'gCO2e per GPU-hour of the energy drawn, to 0.1 g',
      },
      slots: {
        type: 'array',
        items: object({
          siteId: string,
          slot: instant,
          gpus: integer,
          pricePerGpuHour: integer,
          carbonGPerGpuHour: { type: 'number' },
        }),
      },
      unfilled: unfilledReason,
    },
    required: [
      'indicative',
      'position',
      'computedAt',
      'horizon',
      'fill',
      'gpus',
      'hoursRequested',
      'hoursFilled',
      'gpuHours',
      'currency',
      'pricePerGpuHour',
      'totalPrice',
      'carbonGPerGpuHour',
      'slots',
    ],
  }),
  MarketController_prices: ok(
    'Clearing price and GPU-hours per site-hour, one line per run that cleared it',
    {
      type: 'object',
      properties: {
        from: instant,
        to: instant,
        siteId: string,
        prices: {
          type: 'array',
          items: object({
            siteId: string,
            slot: instant,
            runId: string,
            currency: string,
            pricePerGpuHour: integer,
            gpuHours: integer,
          }),
        },
      },
      required: ['from', 'to', 'prices'],
    },
  ),
  MarketController_depth: ok(
    'Supply (cheapest first) and demand (dearest first) per slot and currency',
    object({
      from: instant,
      to: instant,
      platformFeeBps: integer,
      slots: {
        type: 'array',
        items: object({
          slot: instant,
          currency: string,
          supply: { type: 'array', items: depthLevel },
          demand: { type: 'array', items: depthLevel },
        }),
      },
    }),
  ),
  AllocationsController_list: ok(
    'Allocations by slot, site and order, a page at a time',
    keysetPage(allocation),
  ),
  UsageController_amend: created('The usage corrected'),
  MatchingRunsController_run: created('The run, recorded', matchingRun),
  MatchingRunsController_get: ok('A recorded run', matchingRun),
  SettlementController_close: ok(
    'The period’s statements (closing again returns the same)',
    object({ period: string, closed: boolean, items: { type: 'array', items: statement } }),
  ),
  SettlementController_statements: ok(
    'The period’s statements (parties see their own)',
    object({ period: string, closed: boolean, items: { type: 'array', items: statement } }),
  ),
  CertificatesController_list: ok(
    'Certificates by slot and id, a page at a time',
    page(certificate),
  ),
  CertificatesController_bundle: ok(
    'A certificate bundle (format policloud-certificate-bundle/2): every event proven into the one log tree under its newest checkpoint note; verify it with audit:verify --certificates',
    object({
      format: string,
      generatedAt: instant,
      beneficiaryId: string,
      from: string,
      to: string,
      certificates: { type: 'array', items: certificate },
      events: { type: 'array', items: auditEvent },
      proofs: {
        type: 'array',
        items: object({
          eventId: string,
          leafIndex: integer,
          proof: object({
            leafIndex: integer,
            treeSize: integer,
            path: { type: 'array', items: string },
          }),
        }),
      },
      checkpoint: {
        ...object({
          sequence: integer,
          treeSize: integer,
          keyId: string,
          note: {
            type: 'string',
            description:
              'C2SP checkpoint signed note (origin, tree size, base64 root, log signature)',
          },
          cosignatures: {
            type: 'array',
            items: string,
            description: 'C2SP cosignature/v1 lines: note + lines is the cosigned note',
          },
        }),
        nullable: true,
        description: 'The newest sealed checkpoint of the whole-log tree (null before the first)',
      },
      keyRotations: {
        type: 'array',
        description: 'Audit key rotations in order: a verifier follows them from the key it trusts',
        items: { type: 'object', additionalProperties: true },
      },
      unsealed: {
        type: 'array',
        items: string,
        description: "Events beyond the newest checkpoint's tree size: seal, then export again",
      },
    }),
  ),
  SettlementController_running: ok(
    'Charges so far in a period not yet closed',
    object({
      period: string,
      items: { type: 'array', items: { type: 'object', additionalProperties: true } },
    }),
  ),
  AuditController_find: ok(
    'Events in global order',
    page(auditEvent, {
      type: 'integer',
      nullable: true,
      description: 'The log position to pass as `after` for the next page; null at the head',
    }),
  ),
  AuditController_verify: ok(
    'What was verified over the log positions (from, to], and the first inconsistency if any',
    {
      type: 'object',
      properties: {
        from: { type: 'integer', description: 'Log position (exclusive)' },
        to: { type: 'integer', description: 'Log position (inclusive)' },
        keyId: string,
        ok: boolean,
        eventsChecked: integer,
        checkpointsChecked: integer,
        checkpointsSkipped: integer,
        firstInconsistency: { type: 'object', additionalProperties: true },
      },
      required: [
        'from',
        'to',
        'keyId',
        'ok',
        'eventsChecked',
        'checkpointsChecked',
        'checkpointsSkipped',
      ],
    },
  ),
  AuditController_published: ok(
    'Signed checkpoints (v2 ones with their cosignatures) and the keys that verify them',
    object({
      publicKey: { type: 'string', description: 'Ed25519 public key, PEM' },
      keyId: string,
      algorithm: { type: 'string', enum: ['Ed25519'] },
      origin: { type: 'string', description: 'Origin line of the checkpoint notes' },
      logVerifierKey: {
        type: 'string',
        description: 'C2SP verifier key of the checkpoint notes: origin+keyid+base64(0x01 ‖ key)',
      },
      keyRotations: {
        type: 'array',
        description:
          'Audit key rotations in order (previous key endorses, next accepts): checkpoints verify with their own keyId',
        items: { type: 'object', additionalProperties: true },
      },
      witnesses: { type: 'array', items: witness },
      items: {
        type: 'array',
        items: {
          allOf: [
            checkpoint,
            {
              type: 'object',
              properties: {
                cosignatures: { type: 'array', items: cosignature },
                cosignedNote: {
                  type: 'string',
                  description: 'The note followed by every cosignature line (verify with a quorum)',
                },
              },
            },
          ],
        },
      },
    }),
  ),
  AuditTreeController_inclusion: ok(
    'RFC 9162 inclusion proof: verify with SHA-256(0x00 ‖ event hash) up the path to rootHash',
    object({
      eventId: string,
      globalPosition: integer,
      leafIndex: integer,
      treeSize: integer,
      path: hashList,
      rootHash: string,
    }),
  ),
  AuditTreeController_consistency: ok(
    'RFC 9162 consistency proof that the tree of firstSize events is a prefix of secondSize',
    object({
      firstSize: integer,
      secondSize: integer,
      path: hashList,
      firstRoot: string,
      secondRoot: string,
    }),
  ),
  AuditTreeController_register: created('The witness registered', witness),
  AuditTreeController_list: ok(
    'Registered witnesses and their cosignatures',
    object({
      witnesses: { type: 'array', items: witness },
      cosignatures: { type: 'array', items: cosignature },
    }),
  ),
  AuditTreeController_cosign: created('The cosignature, verified and recorded', cosignature),
  AuditController_seal: ok('The checkpoint sealed; null when nothing was left to seal', {
    ...checkpoint,
    nullable: true,
  }),
  AuditController_report: ok(
    'Every allocation of the buyer as recorded at match time, and a verdict per order constraint',
    object({
      buyerId: string,
      from: nullableString,
      to: nullableString,
      allocations: { type: 'array', items: { type: 'object', additionalProperties: true } },
      orders: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            orderId: string,
            constraints: { type: 'object', additionalProperties: true },
            verdicts: { type: 'object', additionalProperties: true },
          },
          required: ['orderId', 'constraints', 'verdicts'],
          additionalProperties: true,
        },
      },
    }),
  ),
  AuditController_export: {
    status: '200',
    description:
      'NDJSON bundle, one JSON object a line: events, hashes, checkpoints, inclusion proofs, public key',
    contentType: 'application/x-ndjson',
    schema: { type: 'string' },
  },
  AuditController_replay: ok(
    'The recorded run compared with its replay',
    object({
      runId: string,
      inputPosition: integer,
      inputHashMatches: boolean,
      identical: boolean,
      recordedAllocations: integer,
      replayedAllocations: integer,
    }),
  ),
};
