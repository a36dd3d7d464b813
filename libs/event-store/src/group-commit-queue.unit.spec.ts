import { GroupCommitQueue } from './group-commit-queue';

function deferred() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { released, release };
}

describe('GroupCommitQueue', () => {
  it('commits a lone item at once and on its own', async () => {
    const groups: number[][] = [];
    const queue = new GroupCommitQueue<number, number>({
      commitGroup: async (items) => (groups.push(items), items.map((item) => item * 10)),
      commitOne: async (item) => item * 100,
    });
    await expect(queue.submit(1)).resolves.toBe(100);
    expect(groups).toEqual([]);
  });

  it('gathers the items that arrive during a commit into the next group', async () => {
    const gate = deferred();
    const groups: number[][] = [];
    const queue = new GroupCommitQueue<number, number>({
      commitGroup: async (items) => (groups.push(items), items.map((item) => item * 10)),
      commitOne: async (item) => (await gate.released, item * 100),
    });
    const first = queue.submit(1);
    const rest = [2, 3, 4].map((item) => queue.submit(item));
    gate.release();
    await expect(first).resolves.toBe(100);
    await expect(Promise.all(rest)).resolves.toEqual([20, 30, 40]);
    expect(groups).toEqual([[2, 3, 4]]);
  });

  it("commits each item of a failed group on its own: one item's failure fails no other", async () => {
    const gate = deferred();
    const queue = new GroupCommitQueue<number, number>({
      commitGroup: async () => {
        throw new Error('the group is all or nothing');
      },
      commitOne: async (item) => {
        await gate.released;
        if (item === 3) throw new Error('conflict on 3');
        return item;
      },
    });
    const outcomes = Promise.allSettled([1, 2, 3, 4].map((item) => queue.submit(item)));
    gate.release();
    const settled = await outcomes;
    expect(settled.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((settled[2] as PromiseRejectedResult).reason.message).toBe('conflict on 3');
  });

  it('caps the size of a group', async () => {
    const gate = deferred();
    const groups: number[][] = [];
    const queue = new GroupCommitQueue<number, number>({
      commitGroup: async (items) => (groups.push(items), items),
      commitOne: async (item) => (await gate.released, item),
      maxGroupSize: 2,
    });
    const all = Promise.all([1, 2, 3, 4, 5].map((item) => queue.submit(item)));
    gate.release();
    await expect(all).resolves.toEqual([1, 2, 3, 4, 5]);
    expect(groups).toEqual([
      [2, 3],
      [4, 5],
    ]);
  });
});
