/**
 * Proofs of the whole-log tree from PostgreSQL (part 4 of bench:audit).
 *
 * TREE_EVENTS event hashes (1,000,000 at full size) are appended to a LogTreeStore in a fresh
 * schema (its real code: pages of 5,000, leaves and perfect nodes in one transaction each) from a
 * stub log, timed as tree_append_events_per_s. Then, alternately, PROOF_SAMPLES requests each of:
 *   inclusion    leafOf(eventId) + inclusionProofWithRoot(leaf, n): what GET proofs/inclusion reads
 *   consistency  consistencyProof(m, n) with both roots: what GET proofs/consistency reads
 *   reference    one primary-key lookup of a leaf row (the floor of any request to the database)
 * every proof checked with the verifier. p99 (ms) of each, and the ratio to the reference.
 */
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { consistencyFailure, verifyInclusion } from '../../libs/audit/src';
import { EventStore, RecordedEvent } from '../../libs/event-store/src/event-store.port';
import { AuditLogTreeMigration, openReadModels } from '../../libs/projections/src';
import { LogTreeStore } from '@policloud/runtime';
import { createTestSchema } from '../../test/support/postgres-test-database';
import { bySize, progress, result } from '../support/bench-io';

const TREE_EVENTS = bySize({ full: 1_000_000, quick: 200_000, smoke: 3_000 });
const PROOF_SAMPLES = bySize({ full: 2_000, quick: 1_000, smoke: 50 });

const eventHashOf = (i: number) => createHash('sha256').update(`event ${i}`).digest('hex');
const eventIdOf = (i: number) => `evt-${i}`;

/** The log as the tree builder reads it: readAll pages of generated events. */
function stubLog(total: number): EventStore {
  return {
    readAll: async ({ after, maxCount }: { after: number; maxCount: number }) => {
      const events: RecordedEvent[] = [];
      for (let p = after + 1; p <= Math.min(total, after + maxCount); p++) {
        events.push({ id: eventIdOf(p), globalPosition: p, hash: eventHashOf(p) } as RecordedEvent);
      }
      return events;
    },
  } as unknown as EventStore;
}

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function benchLogTreeProofs(random: () => number): Promise<void> {
  const schema = await createTestSchema('bench_tree');
  let db: DataSource | undefined;
  try {
    db = await openReadModels(
      { kind: 'postgres', url: schema.url, timeoutMs: 60_000 },
      { entities: [], migrations: [AuditLogTreeMigration] },
    );
    const tree = new LogTreeStore(stubLog(TREE_EVENTS), db);
    const buildStart = performance.now();
    const head = await tree.extend();
    const buildSeconds = (performance.now() - buildStart) / 1000;
    if (head.treeSize !== TREE_EVENTS) throw new Error(`tree of ${head.treeSize} leaves`);
    progress(`log tree: ${TREE_EVENTS} leaves appended in ${buildSeconds.toFixed(1)} s`);
    result('tree_events', TREE_EVENTS);
    result('tree_append_events_per_s', Math.round(TREE_EVENTS / buildSeconds));

    const n = TREE_EVENTS;
    const rootN = await tree.root(n);
    const inclusion: number[] = [];
    const consistency: number[] = [];
    const reference: number[] = [];
    // Warm-up (JIT, plan cache, pool): not measured.
    for (let s = 0; s < 20; s++) await tree.consistencyProof(1 + s, n);
    for (let s = 0; s < PROOF_SAMPLES; s++) {
      const leaf = Math.floor(random() * n);
      let t = performance.now();
      const found = await tree.leafOf(eventIdOf(leaf + 1));
      const proof = await tree.inclusionProofWithRoot(found!.leafIndex, n);
      const root = proof.rootHash;
      inclusion.push(performance.now() - t);
      if (root !== rootN || !verifyInclusion(eventHashOf(leaf + 1), proof, root))
        throw new Error(`inclusion proof of leaf ${leaf} does not verify`);

      const m = 1 + Math.floor(random() * (n - 1));
      t = performance.now();
      const cons = await tree.consistencyProof(m, n);
      consistency.push(performance.now() - t);
      if (consistencyFailure(cons, cons.firstRoot, rootN) !== null)
        throw new Error(`consistency proof ${m} → ${n} does not verify`);

      t = performance.now();
      await db.query('SELECT global_position FROM audit_tree_leaves WHERE leaf_index = $1', [leaf]);
      reference.push(performance.now() - t);
    }
    const [incl, cons, ref] = [p99(inclusion), p99(consistency), p99(reference)];
    result('inclusion_proof_ms_p99', incl, 2);
    result('consistency_proof_ms_p99', cons, 2);
    result('point_lookup_ms_p99', ref, 2);
    result('inclusion_proof_ms_p50', median(inclusion), 2);
    result('consistency_proof_ms_p50', median(consistency), 2);
    result('point_lookup_ms_p50', median(reference), 2);
    result('ratio_inclusion_proof_vs_point_lookup', incl / ref, 2);
    result('ratio_consistency_proof_vs_point_lookup', cons / ref, 2);
  } finally {
    await db?.destroy();
    await schema.drop();
  }
}
