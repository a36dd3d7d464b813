import { siteCapacityStreamId, siteGpusAllocated } from './site-capacity';

describe('site capacity: the GPUs a matching run takes at each site', () => {
  it('records one event per site, the GPUs summed per slot, sites and slots sorted', () => {
    const events = siteGpusAllocated('run-1', [
      { siteId: 'site-b', slot: '2026-03-01T11:00:00Z', gpus: 4 },
      { siteId: 'site-a', slot: '2026-03-01T11:00:00Z', gpus: 10 },
      { siteId: 'site-b', slot: '2026-03-01T10:00:00Z', gpus: 2 },
      { siteId: 'site-b', slot: '2026-03-01T11:00:00Z', gpus: 6 },
    ]);
    expect(events).toEqual([
      {
        type: 'SiteGpusAllocated',
        schemaVersion: 1,
        data: {
          siteId: 'site-a',
          runId: 'run-1',
          slots: [{ slot: '2026-03-01T11:00:00Z', gpus: 10 }],
        },
      },
      {
        type: 'SiteGpusAllocated',
        schemaVersion: 1,
        data: {
          siteId: 'site-b',
          runId: 'run-1',
          slots: [
            { slot: '2026-03-01T10:00:00Z', gpus: 2 },
            { slot: '2026-03-01T11:00:00Z', gpus: 10 },
          ],
        },
      },
    ]);
  });

  it('records nothing for a run without allocations', () => {
    expect(siteGpusAllocated('run-1', [])).toEqual([]);
  });

  it('names the stream after the site, with no dash in its prefix', () => {
    expect(siteCapacityStreamId('cannes-1')).toBe('sitecapacity-cannes-1');
  });
});
