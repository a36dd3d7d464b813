import { Injectable } from '@nestjs/common';
import { DomainError } from '@policloud/domain';
import { LogTreeStore } from '@policloud/runtime';
import { CheckpointsService } from '../checkpoints/checkpoints.service';
import { ConsistencyProofQuery, InclusionProofQuery } from './proofs.dto';

/** Inclusion and consistency proofs of the whole-log tree, for the sizes it holds. */
@Injectable()
export class ProofsService {
  constructor(
    private readonly tree: LogTreeStore,
    private readonly checkpoints: CheckpointsService,
  ) {}

  async inclusion(query: InclusionProofQuery) {
    const treeSize = query.treeSize ?? (await this.newestTreeSize());
    await this.assertHeld(treeSize, 'treeSize');
    const leaf = await this.tree.leafOf(query.eventId);
    if (!leaf) throw DomainError.notFound('event in the sealed log', query.eventId);
    if (leaf.leafIndex >= treeSize) {
      throw DomainError.invalid([
        {
          field: 'treeSize',
          message: `event ${query.eventId} is leaf ${leaf.leafIndex}: it is not in a tree of ${treeSize} events`,
        },
      ]);
    }
    return {
      eventId: leaf.eventId,
      globalPosition: leaf.globalPosition,
      ...(await this.tree.inclusionProofWithRoot(leaf.leafIndex, treeSize)),
    };
  }

  async consistency(query: ConsistencyProofQuery) {
    if (query.from > query.to) {
      throw DomainError.invalid([{ field: 'from', message: `must not exceed to (${query.to})` }]);
    }
    await this.assertHeld(query.to, 'to');
    return this.tree.consistencyProof(query.from, query.to);
  }

  private async newestTreeSize(): Promise<number> {
    const newest = (await this.checkpoints.list()).filter((c) => c.treeSize !== undefined).at(-1);
    if (!newest?.treeSize) {
      throw DomainError.notFound('checkpoint of the whole-log tree', 'newest');
    }
    return newest.treeSize;
  }

  private async assertHeld(treeSize: number, field: string): Promise<void> {
    const head = await this.tree.head();
    if (treeSize > head.treeSize) {
      throw DomainError.invalid([
        {
          field,
          message: `the tree holds ${head.treeSize} events so far (sealed on each checkpoint); ${treeSize} is beyond it`,
        },
      ]);
    }
  }
}
