import { stalledSeconds } from './read-model-status';

describe('read models stalled behind the log (readiness)', () => {
  const now = Date.parse('2030-03-01T10:00:00Z');
  const secondsAgo = (seconds: number) => now - seconds * 1000;

  it('catching up page after page is not stalled, however old the first unapplied event', () => {
    // A weekly run's events committed 60 s ago; the projector applied a page a second ago.
    expect(stalledSeconds(secondsAgo(60), secondsAgo(1), now)).toBe(1);
  });

  it('stuck read models are stalled since the oldest event they have not applied', () => {
    expect(stalledSeconds(secondsAgo(40), secondsAgo(100), now)).toBe(40);
  });

  it('before any progress is known, the age of the oldest unapplied event', () => {
    expect(stalledSeconds(secondsAgo(45), 0, now)).toBe(45);
  });
});
