/**
 * Audit benchmark: what the per-stream hash chain costs on append, and how fast a full history
 * (hash chains + signed Merkle checkpoints) is verified.
 *
 *   npm run bench:audit [-- --quick]
 *
 * 1. Append overhead, on the local PostgreSQL, in one fresh schema: two SqlEventStores over the
 *    same tables, one with the hash chain and one without (events then carry no hash). Same
 *    workloads, same events, in alternating time-boxed segments (ABBA order, a CHECKPOINT before
 *    each) so that drift (table growth, autovacuum, WAL) falls on both modes equally:
 *      batch   16 writers, each appending batches of 10 events to its own stream (exact expected
 *              revisions; a new stream every 20 batches),
 *      single  16 writers, one event per append (a new stream every 20 events).
 *    events/s = events committed in all the mode's segments / their summed wall time. Also on
 *    stderr: CPU µs per event of this process and of the PostgreSQL backends of each mode's pool
 *    (from /proc, by application_name), and the stored row sizes: where the overhead goes.
 * 2. Verification, in memory: VERIFY_EVENTS events of realistic content in interleaved streams of
 *    ~20 events with valid hash chains (chainHashes), sealed into signed checkpoints of 10,000
 *    events (sealCheckpoint), then verifyHistory over all of them, against a reference that only
 *    computes SHA-256 of each event's canonical JSON (the floor of any verification). Events are
 *    passed through JSON once when generated, as stored or exported events always are. Both run
 *    alternately; the median of the repetitions is reported. A breakdown (canonical JSON alone,
 *    SHA-256 alone, Merkle roots alone) follows, to see where the time goes.
 * 3. Verification from PostgreSQL: PG_VERIFY_EVENTS events appended with appendMany (interleaved
 *    streams) into another fresh schema, sealed (unmeasured read), then timed: readAll in pages of
 *    5,000 (as the audit API's readRange) + verifyHistory.
 * 4. The whole-log tree (log-tree-proofs.ts): 1,000,000 leaves appended to the stored tree, then
 *    the p99 of inclusion and consistency proofs read from PostgreSQL against a point lookup.
 *    The tree is built by the sealer off the append path, so append_overhead_pct (1.) is
 *    unchanged by it; tree_append_events_per_s says what the sealer's catch-up costs.
 *    `--tree-only` runs this part alone.
 * Figures go to stdout as `RESULT key=value`; progress goes to stderr.
 */
import { execSync } from 'node:child_process';
import { createHash, KeyObject, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import {
  AuditedEvent,
  canonicalJson,
  chainHashes,
  eventHash,
  GENESIS_HASH,
  generateSigningKey,
  merkleRoot,
  parseSigningKey,
  publicKeyOf,
  sealCheckpoint,
  SignedCheckpoint,
  verifyHistory,
} from '../../libs/audit/src';
import { prng } from '../../libs/domain/src';
import {
  EventToAppend,
  ExpectedRevision,
  NO_STREAM,
  RecordedEvent,
  StreamBatch,
} from '../../libs/event-store/src/event-store.port';
import { PgExecutor } from '../../libs/event-store/src/sql/pg-executor';
import { SqlEventStore } from '../../libs/event-store/src/sql/sql-event-store';
import { createTestSchema, TestSchema } from '../../test/support/postgres-test-database';
import { benchSize, bySize, hasFlag, progress, result } from '../support/bench-io';
import { benchLogTreeProofs } from './log-tree-proofs';

const POOL_SIZE = 20;
const WRITERS = 16;
const BATCH_SIZE = 10;
const APPENDS_PER_STREAM = 20;
// each round: one segment per mode (ABBA order across rounds)
const ROUNDS = bySize({ full: 6, quick: 4, smoke: 2 });
const SEGMENT_MS = bySize({ full: 3_000, quick: 1_000, smoke: 250 });
const WARMUP_MS = bySize({ full: 1_500, quick: 500, smoke: 100 });
const VERIFY_EVENTS = bySize({ full: 1_000_000, quick: 100_000, smoke: 20_000 });
// a pass over a million events takes half a minute
const VERIFY_REPS = bySize({ full: 2, quick: 3, smoke: 1 });
const CHECKPOINT_EVERY = 10_000;
const PG_VERIFY_EVENTS = bySize({ full: 100_000, quick: 100_000, smoke: 20_000 });
const PG_APPEND_WRITERS = 4;
const PG_STREAMS_PER_CALL = 200;
const PG_CHUNKS_PER_STREAM = 4;
const PG_PAGE = 5_000;
const CPUS = availableParallelism();
const applicationName = (mode: Mode): string => `bench_audit_${mode}_${process.pid}`;

// ---------------------------------------------------------------- realistic events

const random = prng(20240517);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
const ulid = (): string =>
  `usr_01HZX${Math.floor(random() * 36 ** 8)
    .toString(36)
    .toUpperCase()
    .padStart(8, '0')}${int(1000, 9999)}Q4B7`;
const SITES = [
  'site-lyon-3',
  'site-grenoble-1',
  'site-bordeaux-2',
  'site-lille-4',
  'site-nantes-1',
];
const GPUS = ['H100-80GB', 'A100-40GB', 'L40S-48GB', 'RTX-6000-Ada'];
const CURRENCY = 'EUR';

type Content = Pick<EventToAppend, 'type' | 'schemaVersion' | 'data' | 'metadata'>;

/** The content of event number `revision` of a market stream (~300 bytes of canonical data). */
function marketEvent(streamId: string, revision: number, context: StreamContext): Content {
  const at = new Date(Date.UTC(2025, 4, 17, 8, 0, 0) + context.clock++ * 1_337).toISOString();
  const metadata = {
    correlationId: context.correlationId,
    causationId: context.lastEventId,
    actor: revision % 3 === 0 ? context.seller : context.buyer,
    source: 'market-api',
  };
  if (revision === 0) {
    return {
      type: 'OfferPublished',
      schemaVersion: 2,
      data: {
        offerId: streamId,
        sellerId: context.seller,
        siteId: context.site,
        gpu: context.gpu,
        gpuCount: int(1, 8),
        window: { from: at, hours: int(1, 12) },
        pricePerGpuHour: { amount: int(90, 420), currency: CURRENCY },
        surplusKwh: int(50, 4_000),
        carbonGramsPerKwh: int(12, 80),
        publishedAt: at,
      },
      metadata,
    };
  }
  switch (revision % 4) {
    case 1:
      return {
        type: 'BidPlaced',
        schemaVersion: 1,
        data: {
          offerId: streamId,
          bidId: `bid-${revision}-${int(100_000, 999_999)}`,
          buyerId: context.buyer,
          gpuCount: int(1, 4),
          maxPricePerGpuHour: { amount: int(100, 450), currency: CURRENCY },
          workload: { image: 'registry.policloud.eu/train/llm-ft:1.4.2', minMemoryGb: 40 },
          placedAt: at,
        },
        metadata,
      };
    case 2:
      return {
        type: 'MatchProposed',
        schemaVersion: 1,
        data: {
          offerId: streamId,
          matchId: `match-${int(100_000, 999_999)}`,
          buyerId: context.buyer,
          sellerId: context.seller,
          gpuCount: int(1, 4),
          clearingPrice: { amount: int(100, 420), currency: CURRENCY },
          welfare: int(1_000, 90_000),
          proposedAt: at,
        },
        metadata,
      };
    case 3:
      return {
        type: 'UsageMetered',
        schemaVersion: 1,
        data: {
          offerId: streamId,
          siteId: context.site,
          interval: { from: at, minutes: 15 },
          gpuSeconds: int(600, 28_800),
          energyWh: int(10_000, 900_000),
          peakPowerW: int(300, 5_600),
          meterReading: { before: context.clock * 977, after: context.clock * 977 + int(1, 900) },
        },
        metadata,
      };
    default:
      return {
        type: 'SettlementLineBooked',
        schemaVersion: 1,
        data: {
          offerId: streamId,
          lineId: `line-${revision}-${int(100_000, 999_999)}`,
          debit: { party: context.buyer, amount: int(1_000, 500_000), currency: CURRENCY },
          credit: { party: context.seller, amount: int(1_000, 500_000), currency: CURRENCY },
          feeBasisPoints: 250,
          bookedAt: at,
        },
        metadata,
      };
  }
}

interface StreamContext {
  clock: number;
  correlationId: string;
  lastEventId: string;
  seller: string;
  buyer: string;
  site: string;
  gpu: string;
}

function newContext(): StreamContext {
  return {
    clock: int(0, 100_000),
    correlationId: randomUUID(),
    lastEventId: randomUUID(),
    seller: ulid(),
    buyer: ulid(),
    site: pick(SITES),
    gpu: pick(GPUS),
  };
}

/** A market stream of its own, producing events one by one. */
class StreamSource {
  readonly streamId = 'offer-' + randomUUID();
  private readonly context = newContext();
  revision = 0;

  next(): EventToAppend {
    const content = marketEvent(this.streamId, this.revision++, this.context);
    const id = randomUUID();
    this.context.lastEventId = id;
    return { id, ...content };
  }
}

// ---------------------------------------------------------------- 1. append overhead

type Mode = 'hashed' | 'unhashed';

interface Workload {
  name: 'batch' | 'single';
  eventsPerAppend: number;
}

/** One writer: its own stream, exact expected revisions, a new stream every APPENDS_PER_STREAM. */
function writer(store: SqlEventStore, eventsPerAppend: number): () => Promise<number> {
  let source = new StreamSource();
  let expected: ExpectedRevision = NO_STREAM;
  let appends = 0;
  return async () => {
    if (appends > 0 && appends % APPENDS_PER_STREAM === 0) {
      source = new StreamSource();
      expected = NO_STREAM;
    }
    appends++;
    const events = Array.from({ length: eventsPerAppend }, () => source.next());
    expected = (await store.append(source.streamId, events, expected)).nextExpectedRevision;
    return eventsPerAppend;
  };
}

/** Clock ticks per second of /proc/<pid>/stat times. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a local process has used so far; undefined if unreadable. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime
  } catch {
    return undefined;
  }
}

/** CPU seconds of the PostgreSQL backends serving one application_name (a local server only). */
async function backendCpu(admin: PgExecutor, application: string): Promise<Map<number, number>> {
  const rows = await admin.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
    [application],
  );
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    const seconds = processCpuSeconds(pid);
    if (seconds !== undefined) cpu.set(pid, seconds);
  }
  return cpu;
}

function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

async function timed(
  store: SqlEventStore,
  workload: Workload,
  durationMs: number,
): Promise<{ events: number; seconds: number }> {
  const steps = Array.from({ length: WRITERS }, () => writer(store, workload.eventsPerAppend));
  const start = performance.now();
  const deadline = start + durationMs;
  let events = 0;
  await Promise.all(
    steps.map(async (step) => {
      while (performance.now() < deadline) {
        const appended = await step();
        events += appended;
      }
    }),
  );
  return { events, seconds: (performance.now() - start) / 1000 };
}

async function measureAppend(
  stores: Record<Mode, SqlEventStore>,
  admin: PgExecutor,
  workload: Workload,
): Promise<Record<Mode, number>> {
  for (const mode of ['hashed', 'unhashed'] as const) {
    await timed(stores[mode], workload, WARMUP_MS);
  }
  const totals: Record<Mode, { events: number; seconds: number; nodeCpu: number; pgCpu: number }> =
    {
      hashed: { events: 0, seconds: 0, nodeCpu: 0, pgCpu: 0 },
      unhashed: { events: 0, seconds: 0, nodeCpu: 0, pgCpu: 0 },
    };
  const perRound: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // ABBA: H U, U H, H U, …
    const order: Mode[] = round % 2 === 0 ? ['hashed', 'unhashed'] : ['unhashed', 'hashed'];
    const rates = {} as Record<Mode, number>;
    for (const mode of order) {
      await admin.exec('CHECKPOINT');
      const backendsBefore = await backendCpu(admin, applicationName(mode));
      const nodeBefore = process.cpuUsage();
      const { events, seconds } = await timed(stores[mode], workload, SEGMENT_MS);
      const node = process.cpuUsage(nodeBefore);
      totals[mode].nodeCpu += (node.user + node.system) / 1e6;
      totals[mode].pgCpu += cpuSince(
        backendsBefore,
        await backendCpu(admin, applicationName(mode)),
      );
      totals[mode].events += events;
      totals[mode].seconds += seconds;
      rates[mode] = events / seconds;
    }
    perRound.push(`${(100 * (1 - rates.hashed / rates.unhashed)).toFixed(1)}%`);
  }
  const hashed = totals.hashed.events / totals.hashed.seconds;
  const unhashed = totals.unhashed.events / totals.unhashed.seconds;
  progress(
    `append ${workload.name}: hashed ${Math.round(hashed)} events/s, unhashed ${Math.round(unhashed)} events/s, ` +
      `overhead per round ${perRound.join(' ')}`,
  );
  const perEvent = (mode: Mode, what: 'nodeCpu' | 'pgCpu') =>
    ((totals[mode][what] * 1e6) / totals[mode].events).toFixed(1);
  progress(
    `append ${workload.name}: CPU µs/event hashed: node ${perEvent('hashed', 'nodeCpu')} + PostgreSQL backends ${perEvent('hashed', 'pgCpu')}; ` +
      `unhashed: node ${perEvent('unhashed', 'nodeCpu')} + backends ${perEvent('unhashed', 'pgCpu')} ` +
      `(${CPUS} CPUs, load average ${loadavg()[0].toFixed(2)})`,
  );
  return { hashed, unhashed };
}

async function benchAppend(): Promise<void> {
  const schema = await createTestSchema('bench_audit_append');
  const config = { ...schema.poolConfig, max: POOL_SIZE };
  const hashedExecutor = new PgExecutor({
    ...config,
    application_name: applicationName('hashed'),
  });
  const unhashedExecutor = new PgExecutor({
    ...config,
    application_name: applicationName('unhashed'),
  });
  const admin = new PgExecutor({ ...schema.poolConfig, max: 1 });
  try {
    const stores: Record<Mode, SqlEventStore> = {
      hashed: await SqlEventStore.open('postgres', hashedExecutor, { hashChain: true }),
      unhashed: await SqlEventStore.open('postgres', unhashedExecutor, { hashChain: false }),
    };
    const batch = await measureAppend(stores, admin, {
      name: 'batch',
      eventsPerAppend: BATCH_SIZE,
    });
    const single = await measureAppend(stores, admin, { name: 'single', eventsPerAppend: 1 });
    const [check] = await admin.query<{
      hashed: number;
      unhashed: number;
      hashed_bytes: number;
      unhashed_bytes: number;
    }>(
      `SELECT count(*) FILTER (WHERE hash IS NOT NULL)::int AS hashed,
              count(*) FILTER (WHERE hash IS NULL)::int AS unhashed,
              avg(pg_column_size(e.*)) FILTER (WHERE hash IS NOT NULL)::float8 AS hashed_bytes,
              avg(pg_column_size(e.*)) FILTER (WHERE hash IS NULL)::float8 AS unhashed_bytes
         FROM es_events e`,
    );
    progress(
      `append: ${check.hashed} hashed and ${check.unhashed} unhashed events stored, ` +
        `rows of ${Math.round(check.hashed_bytes)} vs ${Math.round(check.unhashed_bytes)} bytes`,
    );
    if (check.hashed === 0 || check.unhashed === 0) throw new Error('a mode stored nothing');

    result('append_hashed_events_per_s', Math.round(batch.hashed));
    result('append_unhashed_events_per_s', Math.round(batch.unhashed));
    result('append_overhead_pct', 100 * (1 - batch.hashed / batch.unhashed), 1);
    result('append_single_hashed_events_per_s', Math.round(single.hashed));
    result('append_single_unhashed_events_per_s', Math.round(single.unhashed));
    result('append_single_overhead_pct', 100 * (1 - single.hashed / single.unhashed), 1);
  } finally {
    await hashedExecutor.close();
    await unhashedExecutor.close();
    await admin.close();
    await schema.drop();
  }
}

// ---------------------------------------------------------------- 2. verification in memory

/**
 * `count` events at positions 1..count from interleaved streams of 10–30 events (~20): each
 * position takes the next event of a random stream among 256 open ones.
 */
function generateHistory(count: number): AuditedEvent[] {
  const events: AuditedEvent[] = new Array(count);
  interface Open {
    source: StreamSource;
    streamId: string;
    length: number;
    tip: string;
  }
  const open = (): Open => {
    const source = new StreamSource();
    // A flat copy of the id (a read stream id is flat; a concatenated one serialises slower).
    const streamId = JSON.parse(JSON.stringify(source.streamId)) as string;
    return { source, streamId, length: int(10, 30), tip: GENESIS_HASH };
  };
  const active: Open[] = Array.from({ length: 256 }, open);
  for (let position = 1; position <= count; position++) {
    const slot = Math.floor(random() * active.length);
    const stream = active[slot];
    const revision = stream.source.revision;
    // Through JSON, as every verified event arrives (pg's json columns, NDJSON bundles): flat
    // strings and parser-made objects, which V8 serialises markedly faster than built ones.
    const event = JSON.parse(JSON.stringify(stream.source.next())) as EventToAppend;
    const [hash] = chainHashes(stream.streamId, [event], revision, stream.tip);
    events[position - 1] = {
      ...event,
      streamId: stream.streamId,
      revision,
      globalPosition: position,
      recordedAt: new Date(Date.UTC(2025, 4, 17) + position * 37).toISOString(),
      prevHash: stream.tip,
      hash,
    };
    stream.tip = hash;
    if (stream.source.revision >= stream.length) active[slot] = open();
  }
  return events;
}

/** Signed checkpoints over consecutive slices of CHECKPOINT_EVERY events. */
function seal(events: readonly AuditedEvent[], key: KeyObject): SignedCheckpoint[] {
  const checkpoints: SignedCheckpoint[] = [];
  for (let start = 0; start < events.length; start += CHECKPOINT_EVERY) {
    const slice = events.slice(start, start + CHECKPOINT_EVERY);
    checkpoints.push(
      sealCheckpoint(
        {
          previous: checkpoints[checkpoints.length - 1],
          toPosition: slice[slice.length - 1].globalPosition,
          events: slice,
          sealedAt: new Date(Date.UTC(2025, 4, 18, 0, checkpoints.length)).toISOString(),
        },
        key,
      ),
    );
  }
  return checkpoints;
}

function verifyAll(
  events: readonly AuditedEvent[],
  checkpoints: readonly SignedCheckpoint[],
  publicKey: string,
  toPosition: number,
): number {
  const start = performance.now();
  const outcome = verifyHistory({
    events,
    checkpoints,
    publicKey,
    range: { fromPosition: 0, toPosition },
  });
  const seconds = (performance.now() - start) / 1000;
  if (
    !outcome.ok ||
    outcome.eventsChecked !== events.length ||
    outcome.checkpointsChecked !== checkpoints.length
  ) {
    throw new Error(`verification failed: ${JSON.stringify(outcome)}`);
  }
  return seconds;
}

/** The event's hashed fields as one canonical JSON text (what eventHash covers). */
function canonicalEventJson(event: AuditedEvent): string {
  return canonicalJson({
    id: event.id,
    stream: event.streamId,
    revision: event.revision,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    prevHash: event.prevHash,
  });
}

/** The floor: SHA-256 of each event's canonical JSON (what eventHash hashes), no checks at all. */
function hashOnly(events: readonly AuditedEvent[]): number {
  const start = performance.now();
  let sink = 0;
  for (const event of events) {
    const digest = createHash('sha256').update(canonicalEventJson(event), 'utf8').digest('hex');
    sink ^= digest.charCodeAt(0);
  }
  const seconds = (performance.now() - start) / 1000;
  if (sink < 0) progress('unreachable');
  return seconds;
}

/** Runs synchronous work and sums the GC pauses reported meanwhile. */
async function withGc<T>(work: () => T): Promise<{ value: T; gcSeconds: number }> {
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  const value = work();
  await new Promise((resolve) => setTimeout(resolve, 200)); // GC entries arrive asynchronously
  observer.disconnect();
  return { value, gcSeconds: gcMs / 1000 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Where the time of a verification goes, measured piece by piece on the same events. */
function breakdown(events: readonly AuditedEvent[]): void {
  // Nothing is retained (retained texts would be promoted and trigger full GCs of a big heap):
  // SHA-256 runs over the texts of the first 1,000 events, cycled.
  const n = events.length;
  let sink = 0;
  let start = performance.now();
  for (let i = 0; i < n; i++) {
    const event = events[i];
    sink ^= canonicalEventJson(event).length;
  }
  const canonicalSeconds = (performance.now() - start) / 1000;

  const texts = events.slice(0, 1_000).map((event) => canonicalEventJson(event));
  start = performance.now();
  for (let i = 0; i < n; i++) {
    sink ^= createHash('sha256')
      .update(texts[i % texts.length], 'utf8')
      .digest('hex')
      .charCodeAt(0);
  }
  const shaSeconds = (performance.now() - start) / 1000;

  start = performance.now();
  for (let i = 0; i < n; i++) {
    const event = events[i];
    sink ^= JSON.stringify({
      id: event.id,
      stream: event.streamId,
      revision: event.revision,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: event.metadata,
      prevHash: event.prevHash,
    }).length;
  }
  const stringifySeconds = (performance.now() - start) / 1000;

  start = performance.now();
  for (let from = 0; from < n; from += CHECKPOINT_EVERY) {
    sink ^= merkleRoot(events.slice(from, from + CHECKPOINT_EVERY).map((e) => e.hash!)).charCodeAt(
      0,
    );
  }
  const merkleSeconds = (performance.now() - start) / 1000;
  if (sink < 0) progress('unreachable');

  const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const sampled = texts.length;
  progress(
    `breakdown over ${n} events, µs/event: ` +
      `canonicalJson ${((canonicalSeconds * 1e6) / n).toFixed(2)}, ` +
      `JSON.stringify (no sorting, for comparison) ${((stringifySeconds * 1e6) / n).toFixed(2)}, ` +
      `SHA-256 of the text ${((shaSeconds * 1e6) / n).toFixed(2)}, ` +
      `Merkle roots ${((merkleSeconds * 1e6) / n).toFixed(2)}; ` +
      `canonical event ${Math.round(bytes / sampled)} bytes`,
  );
  result('canonical_json_events_per_s', Math.round(n / canonicalSeconds));
  result('sha256_only_events_per_s', Math.round(n / shaSeconds));
  result('merkle_root_events_per_s', Math.round(n / merkleSeconds));
}

async function benchVerifyInMemory(key: KeyObject, publicKey: string): Promise<void> {
  let start = performance.now();
  const events = generateHistory(VERIFY_EVENTS);
  const generated = (performance.now() - start) / 1000;
  start = performance.now();
  const checkpoints = seal(events, key);
  const sealed = (performance.now() - start) / 1000;
  const dataBytes =
    events.slice(0, 10_000).reduce((sum, e) => sum + Buffer.byteLength(canonicalJson(e.data)), 0) /
    10_000;
  progress(
    `verify: ${events.length} events generated in ${generated.toFixed(1)} s (data ~${Math.round(dataBytes)} bytes), ` +
      `${checkpoints.length} checkpoints sealed in ${sealed.toFixed(1)} s, ` +
      `heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MiB`,
  );

  const toPosition = events[events.length - 1].globalPosition;
  verifyAll(events.slice(0, 20_000), checkpoints.slice(0, 2), publicKey, 20_000); // warm-up
  hashOnly(events.slice(0, 20_000));
  const verifySeconds: number[] = [];
  const hashSeconds: number[] = [];
  for (let rep = 0; rep < VERIFY_REPS; rep++) {
    const verify = await withGc(() => verifyAll(events, checkpoints, publicKey, toPosition));
    const hash = await withGc(() => hashOnly(events));
    verifySeconds.push(verify.value);
    hashSeconds.push(hash.value);
    progress(
      `verify rep ${rep + 1}: verifyHistory ${verify.value.toFixed(2)} s (GC ${verify.gcSeconds.toFixed(2)} s), ` +
        `hash only ${hash.value.toFixed(2)} s (GC ${hash.gcSeconds.toFixed(2)} s), load average ${loadavg()[0].toFixed(2)}`,
    );
  }
  const verifyRate = events.length / median(verifySeconds);
  const hashRate = events.length / median(hashSeconds);
  result('verify_event_count', events.length);
  result('verify_events_per_s', Math.round(verifyRate));
  result('hash_only_events_per_s', Math.round(hashRate));
  result('ratio_verify_vs_hash_only', verifyRate / hashRate, 2);
  breakdown(events.slice(0, 100_000));
}

// ---------------------------------------------------------------- 3. verification from PostgreSQL

/** Streams of 10–30 events appended in PG_CHUNKS_PER_STREAM chunks, interleaved by appendMany. */
async function appendHistory(store: SqlEventStore, count: number): Promise<number> {
  const streams: { streamId: string; events: EventToAppend[] }[] = [];
  let total = 0;
  while (total < count) {
    const source = new StreamSource();
    const length = Math.min(int(10, 30), count - total);
    streams.push({
      streamId: source.streamId,
      events: Array.from({ length }, () => source.next()),
    });
    total += length;
  }
  const groups: (typeof streams)[] = [];
  for (let i = 0; i < streams.length; i += PG_STREAMS_PER_CALL) {
    groups.push(streams.slice(i, i + PG_STREAMS_PER_CALL));
  }
  let nextGroup = 0;
  await Promise.all(
    Array.from({ length: PG_APPEND_WRITERS }, async () => {
      while (nextGroup < groups.length) {
        const group = groups[nextGroup++];
        for (let chunk = 0; chunk < PG_CHUNKS_PER_STREAM; chunk++) {
          const batches: StreamBatch[] = [];
          for (const { streamId, events } of group) {
            const from = Math.floor((chunk * events.length) / PG_CHUNKS_PER_STREAM);
            const to = Math.floor(((chunk + 1) * events.length) / PG_CHUNKS_PER_STREAM);
            if (to > from) {
              batches.push({
                streamId,
                events: events.slice(from, to),
                expectedRevision: from === 0 ? NO_STREAM : from - 1,
              });
            }
          }
          await store.appendMany(batches);
        }
      }
    }),
  );
  return total;
}

async function readEverything(store: SqlEventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: PG_PAGE });
    if (page.length === 0) break;
    for (const event of page) events.push(event);
    after = page[page.length - 1].globalPosition;
  }
  return events;
}

async function benchVerifyFromPostgres(key: KeyObject, publicKey: string): Promise<void> {
  let schema: TestSchema | undefined;
  let executor: PgExecutor | undefined;
  try {
    schema = await createTestSchema('bench_audit_verify');
    executor = new PgExecutor({ ...schema.poolConfig, max: POOL_SIZE });
    const store = await SqlEventStore.open('postgres', executor, { hashChain: true });
    let start = performance.now();
    const appended = await appendHistory(store, PG_VERIFY_EVENTS);
    progress(
      `postgres: appended ${appended} events with appendMany in ${((performance.now() - start) / 1000).toFixed(1)} s`,
    );
    await executor.exec('VACUUM ANALYZE es_events');
    await executor.exec('VACUUM ANALYZE es_streams');

    // Sealing (unmeasured): what the scheduled sealer would have done while the log grew.
    const head = await store.headPosition();
    const checkpoints = seal(await readEverything(store), key);
    await executor.exec('CHECKPOINT');

    start = performance.now();
    const events = await readEverything(store);
    const readSeconds = (performance.now() - start) / 1000;
    const verifySeconds = verifyAll(events, checkpoints, publicKey, head);
    const total = readSeconds + verifySeconds;
    progress(
      `postgres: read ${events.length} events in ${readSeconds.toFixed(2)} s ` +
        `(${Math.round(events.length / readSeconds)} events/s), verified in ${verifySeconds.toFixed(2)} s ` +
        `(${Math.round(events.length / verifySeconds)} events/s), ${checkpoints.length} checkpoints`,
    );
    result('verify_from_postgres_event_count', events.length);
    result('verify_from_postgres_events_per_s', Math.round(events.length / total));
    result('read_all_for_verify_events_per_s', Math.round(events.length / readSeconds));
  } finally {
    await executor?.close();
    await schema?.drop();
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = performance.now();
  progress(
    `${benchSize()} run on ${(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test').replace(/\/\/[^@]*@/, '//')}`,
  );
  const key = parseSigningKey(generateSigningKey());
  const publicKey = publicKeyOf(key);
  // Sanity: the chain helpers agree with each other on a sample.
  const sample = new StreamSource().next();
  const sampleHash = eventHash({ ...sample, streamId: 's', revision: 0 }, GENESIS_HASH);
  if (chainHashes('s', [sample], 0, GENESIS_HASH)[0] !== sampleHash)
    throw new Error('hash mismatch');
  try {
    if (!hasFlag('--tree-only')) {
      await benchAppend();
      await benchVerifyInMemory(key, publicKey);
      await benchVerifyFromPostgres(key, publicKey);
    }
    await benchLogTreeProofs(random);
  } finally {
    progress(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
