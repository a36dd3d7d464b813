import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  ConsistencyProof,
  consistencyProofFromNodes,
  InclusionProof,
  inclusionProofFromNodes,
  interiorHash,
  leafNodeOf,
  NodeRef,
  nodesForConsistencyProof,
  nodesForInclusionProof,
  nodesOfTree,
  treeRootFromNodes,
} from '@policloud/audit';
import { EVENT_STORE, EventStore, RecordedEvent } from '@policloud/event-store';
import { READ_MODELS } from '../runtime.tokens';

/** The tree's size and the global position of its last leaf (0 for the empty tree). */
export interface TreeHead {
  treeSize: number;
  position: number;
}

export interface TreeLeaf {
  leafIndex: number;
  globalPosition: number;
  eventId: string;
}

const PAGE = 5_000;
// One builder at a time across processes: the tree is appended in log order, never twice.
const BUILDER_LOCK = 1_765_200_001;

const key = (node: NodeRef) => `${node.level}:${node.index}`;

/**
 * The one RFC 9162 tree over the whole log, in the read-model database: leaves in log order
 * (audit_tree_leaves) and every perfect node (audit_tree_nodes), appended from the log by
 * `extend`. Roots and proofs of any size it holds read O(log n) nodes in one query.
 */
@Injectable()
export class LogTreeStore {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly db: DataSource,
  ) {}

  /** Appends every event of the log not yet in the tree, a page per transaction. */
  async extend(): Promise<TreeHead> {
    for (;;) {
      // The log is read outside the transaction (the embedded database runs one at a time);
      // the transaction re-checks under the builder lock that no one appended meanwhile.
      const before = await this.head();
      const page = await this.store.readAll({ after: before.position, maxCount: PAGE });
      if (page.length === 0) return before;
      const appended = await this.db.transaction((manager) =>
        this.appendPage(manager, before, page),
      );
      if (appended && page.length < PAGE) return appended;
    }
  }

  async head(manager: EntityManager = this.db.manager): Promise<TreeHead> {
    const [row] = await manager.query(
      'SELECT leaf_index, global_position FROM audit_tree_leaves ORDER BY leaf_index DESC LIMIT 1',
    );
    return row
      ? { treeSize: Number(row.leaf_index) + 1, position: Number(row.global_position) }
      : { treeSize: 0, position: 0 };
  }

  async leafOf(eventId: string): Promise<TreeLeaf | undefined> {
    const [row] = await this.db.query(
      'SELECT leaf_index, global_position FROM audit_tree_leaves WHERE event_id = $1',
      [eventId],
    );
    return row
      ? { leafIndex: Number(row.leaf_index), globalPosition: Number(row.global_position), eventId }
      : undefined;
  }

  /** The leaves of these events, by event id, in one query (events not in the tree are absent). */
  async leavesOf(eventIds: readonly string[]): Promise<Map<string, TreeLeaf>> {
    const rows: { event_id: string; leaf_index: string; global_position: string }[] =
      eventIds.length === 0
        ? []
        : await this.db.query(
            `SELECT event_id, leaf_index, global_position FROM audit_tree_leaves
             WHERE event_id = ANY($1::text[])`,
            [eventIds],
          );
    return new Map(
      rows.map((row) => [
        row.event_id,
        {
          eventId: row.event_id,
          leafIndex: Number(row.leaf_index),
          globalPosition: Number(row.global_position),
        },
      ]),
    );
  }

  async root(treeSize: number): Promise<string> {
    const nodes = await this.nodes(nodesOfTree(treeSize));
    return treeRootFromNodes(treeSize, lookupIn(nodes));
  }

  async inclusionProof(leafIndex: number, treeSize: number): Promise<InclusionProof> {
    const nodes = await this.nodes(nodesForInclusionProof(leafIndex, treeSize));
    return inclusionProofFromNodes(leafIndex, treeSize, lookupIn(nodes));
  }

  /** The inclusion proof and the root it leads to, from one read of the nodes both need. */
  async inclusionProofWithRoot(
    leafIndex: number,
    treeSize: number,
  ): Promise<InclusionProof & { rootHash: string }> {
    const lookup = lookupIn(
      await this.nodes([...nodesForInclusionProof(leafIndex, treeSize), ...nodesOfTree(treeSize)]),
    );
    return {
      ...inclusionProofFromNodes(leafIndex, treeSize, lookup),
      rootHash: treeRootFromNodes(treeSize, lookup),
    };
  }

  /** The consistency proof and both roots, from one read of the nodes they need. */
  async consistencyProof(
    firstSize: number,
    secondSize: number,
  ): Promise<ConsistencyProof & { firstRoot: string; secondRoot: string }> {
    const lookup = lookupIn(await this.nodes(nodesForConsistencyProof(firstSize, secondSize)));
    return {
      ...consistencyProofFromNodes(firstSize, secondSize, lookup),
      firstRoot: treeRootFromNodes(firstSize, lookup),
      secondRoot: treeRootFromNodes(secondSize, lookup),
    };
  }

  /** Appends `page` after `head`; undefined when another builder moved the tree meanwhile. */
  private async appendPage(
    manager: EntityManager,
    head: TreeHead,
    page: readonly RecordedEvent[],
  ): Promise<TreeHead | undefined> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [BUILDER_LOCK]);
    const current = await this.head(manager);
    if (current.treeSize !== head.treeSize) return undefined;
    // The right edge of the tree: the only stored nodes a new leaf can complete a parent with.
    const nodes = await this.nodes(nodesOfTree(head.treeSize), manager);
    const written: { node: NodeRef; hash: Buffer }[] = [];
    let treeSize = head.treeSize;
    for (const event of page) {
      if (!event.hash) throw new Error(`event ${event.id} has no hash: it cannot join the tree`);
      let index = treeSize;
      let level = 0;
      let hash = leafNodeOf(event.hash);
      for (;;) {
        nodes.set(key({ level, index }), hash);
        written.push({ node: { level, index }, hash });
        if (index % 2 === 0) break;
        hash = interiorHash(nodes.get(key({ level, index: index - 1 }))!, hash);
        level += 1;
        index = (index - 1) / 2;
      }
      treeSize += 1;
    }
    await manager.query(
      `INSERT INTO audit_tree_leaves (leaf_index, global_position, event_id)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[])`,
      [
        page.map((_, i) => head.treeSize + i),
        page.map((event) => event.globalPosition),
        page.map((event) => event.id),
      ],
    );
    await manager.query(
      `INSERT INTO audit_tree_nodes (level, node_index, hash)
       SELECT l, i, decode(h, 'hex') FROM unnest($1::smallint[], $2::bigint[], $3::text[]) AS n(l, i, h)`,
      [
        written.map((w) => w.node.level),
        written.map((w) => w.node.index),
        written.map((w) => w.hash.toString('hex')),
      ],
    );
    return { treeSize, position: page[page.length - 1].globalPosition };
  }

  private async nodes(
    refs: readonly NodeRef[],
    manager: EntityManager = this.db.manager,
  ): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    if (refs.length === 0) return found;
    const rows: { level: number; node_index: string; hash: string }[] = await manager.query(
      `SELECT level, node_index, encode(hash, 'hex') AS hash FROM audit_tree_nodes
       WHERE (level, node_index) IN (SELECT * FROM unnest($1::smallint[], $2::bigint[]))`,
      [refs.map((ref) => ref.level), refs.map((ref) => ref.index)],
    );
    for (const row of rows) {
      found.set(
        key({ level: Number(row.level), index: Number(row.node_index) }),
        Buffer.from(row.hash, 'hex'),
      );
    }
    return found;
  }
}

function lookupIn(nodes: Map<string, Buffer>) {
  return (node: NodeRef): Buffer => {
    const hash = nodes.get(key(node));
    if (!hash) throw new RangeError(`the tree has no node ${node.level}/${node.index} yet`);
    return hash;
  };
}
