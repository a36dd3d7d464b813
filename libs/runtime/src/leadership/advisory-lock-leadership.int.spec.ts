import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { TEST_DATABASE_URL } from '@policloud/test-support/postgres-test-database';
import { eventually } from '@policloud/test-support/eventually';
import { AdvisoryLockLeadership } from './advisory-lock-leadership';

/** A candidate process: its leadership and whether its singleton work is running. */
function candidate(singleton: string) {
  const state = { working: false, elected: 0, deposed: 0 };
  const leadership = new AdvisoryLockLeadership(
    singleton,
    { connectionString: TEST_DATABASE_URL },
    { pollMs: 200 },
  );
  leadership.start({
    onElected: () => {
      state.working = true;
      state.elected++;
    },
    onDeposed: () => {
      state.working = false;
      state.deposed++;
    },
  });
  return { leadership, state };
}

describe('leadership by a PostgreSQL advisory lock', () => {
  const started: AdvisoryLockLeadership[] = [];
  const elect = (singleton: string) => {
    const one = candidate(singleton);
    started.push(one.leadership);
    return one;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((leadership) => leadership.stop()));
  });

  it('lets exactly one of several candidates run the singleton', async () => {
    const singleton = `projector-${randomUUID()}`;
    const candidates = [elect(singleton), elect(singleton), elect(singleton)];
    await eventually(() => candidates.some((one) => one.state.working), 'a leader');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(candidates.filter((one) => one.state.working)).toHaveLength(1);
  });

  it('hands over to a standby when the leader stops', async () => {
    const singleton = `relay-${randomUUID()}`;
    const first = elect(singleton);
    await eventually(() => first.state.working, 'the first to lead');
    const standby = elect(singleton);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(standby.state.working).toBe(false);
    await first.leadership.stop();
    expect(first.state).toMatchObject({ working: false, deposed: 1 });
    await eventually(() => standby.state.working, 'the standby to take over', 2_000);
  });

  it('stops the leader’s work when its connection is killed, and one candidate leads again within 5 s', async () => {
    const singleton = `sealer-${randomUUID()}`;
    const leader = elect(singleton);
    await eventually(() => leader.state.working, 'the first to lead');
    const standby = elect(singleton);
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const killedAt = Date.now();
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [`policloud-leader-${singleton}`],
      );
      await eventually(() => leader.state.deposed === 1, 'the leader to stop its work', 2_000);
      // The killed session freed the lock: one of the two leads again (either may win), never both.
      const working = () => [leader, standby].filter((one) => one.state.working).length;
      await eventually(() => working() === 1, 'a new leader', 5_000);
      expect(Date.now() - killedAt).toBeLessThan(5_000);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(working()).toBe(1);
    } finally {
      await admin.end();
    }
  });

  it('elects each singleton on its own', async () => {
    const relay = elect(`relay-${randomUUID()}`);
    const sealer = elect(`sealer-${randomUUID()}`);
    await eventually(() => relay.state.working && sealer.state.working, 'both to lead');
  });
});
