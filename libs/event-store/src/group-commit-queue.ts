interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitQueueOptions<Item, Result> {
  /** Commits several items in one all-or-nothing round trip; results in the items' order. */
  commitGroup(items: Item[]): Promise<Result[]>;
  /** Commits one item on its own: a lone item, and each item of a group that failed. */
  commitOne(item: Item): Promise<Result>;
  /** Groups committing at once; items arriving meanwhile wait and form the next group. */
  maxInFlight?: number;
  maxGroupSize?: number;
}

/**
 * Group commit: items submitted while a commit is in flight are committed together by the next
 * one, so under load one round trip (and one WAL flush) serves many callers, while a lone
 * caller never waits for company. A group is all-or-nothing, so when it fails each of its items
 * is committed again on its own: one caller's conflict never fails another caller.
 */
export class GroupCommitQueue<Item, Result> {
  private waiting: Waiting<Item, Result>[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly maxGroupSize: number;

  constructor(private readonly options: GroupCommitQueueOptions<Item, Result>) {
    this.maxInFlight = options.maxInFlight ?? 1;
    this.maxGroupSize = options.maxGroupSize ?? 256;
  }

  submit(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.maxGroupSize);
      this.inFlight++;
      void this.commit(group).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }

  private async commit(group: Waiting<Item, Result>[]): Promise<void> {
    if (group.length > 1) {
      let results: Result[] | undefined;
      try {
        results = await this.options.commitGroup(group.map((waiting) => waiting.item));
      } catch {
        // Nothing of the group was committed: each item on its own gets its own outcome.
      }
      if (results) {
        group.forEach((waiting, index) => waiting.resolve(results[index]));
        return;
      }
    }
    await Promise.all(
      group.map((waiting) =>
        this.options.commitOne(waiting.item).then(waiting.resolve, waiting.reject),
      ),
    );
  }
}
