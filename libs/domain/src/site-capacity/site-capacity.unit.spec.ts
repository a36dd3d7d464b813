import { DeciderSpecification } from '../shared/decider-specification';
import { allocateGpusBySite, siteCapacityDecider, siteCapacityStreamId } from './site-capacity';
import { AllocateGpus, GpuAllocation } from './site-capacity.commands';
import { SiteGpusAllocated } from './site-capacity.events';

const spec = DeciderSpecification.for(siteCapacityDecider);
const allocateGpus = (runId: string, allocations: GpuAllocation[]): AllocateGpus => ({
  type: 'AllocateGpus',
  data: { siteId: 'site-b', runId, allocations },
});
const gpusAllocated = (runId: string): SiteGpusAllocated => ({
  type: 'SiteGpusAllocated',
  schemaVersion: 1,
  data: { siteId: 'site-b', runId, slots: [{ slot: '2026-03-01T10:00:00Z', gpus: 2 }] },
});

describe('site capacity: the GPUs a matching run takes at each site', () => {
  it('records one event per run and site, the GPUs summed per slot, slots sorted', () => {
    spec
      .given([])
      .when(
        allocateGpus('run-1', [
          { siteId: 'site-b', slot: '2026-03-01T11:00:00Z', gpus: 4 },
          { siteId: 'site-b', slot: '2026-03-01T10:00:00Z', gpus: 2 },
          { siteId: 'site-b', slot: '2026-03-01T11:00:00Z', gpus: 6 },
        ]),
      )
      .then([
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

  it('records nothing for a run without allocations there', () => {
    spec.given([]).when(allocateGpus('run-1', [])).thenNothingHappens();
  });

  it('lets a later run take GPUs after an earlier one', () => {
    spec
      .given([gpusAllocated('run-1')])
      .when(allocateGpus('run-2', [{ siteId: 'site-b', slot: '2026-03-01T10:00:00Z', gpus: 2 }]))
      .then([gpusAllocated('run-2')]);
  });

  it('refuses a run taking the GPUs of a site twice', () => {
    spec
      .given([gpusAllocated('run-1')])
      .when(allocateGpus('run-1', [{ siteId: 'site-b', slot: '2026-03-01T10:00:00Z', gpus: 2 }]))
      .thenThrows('conflict');
  });

  it('refuses an allocation of another site or of no GPU', () => {
    spec
      .given([])
      .when(allocateGpus('run-1', [{ siteId: 'site-a', slot: '2026-03-01T10:00:00Z', gpus: 2 }]))
      .thenThrows('invalid', ['allocations[0].siteId']);
    spec
      .given([])
      .when(allocateGpus('run-1', [{ siteId: 'site-b', slot: '2026-03-01T10:00:00Z', gpus: 0 }]))
      .thenThrows('invalid', ['allocations[0].gpus']);
  });

  it('gives one command per site a run allocates on, sites sorted', () => {
    const commands = allocateGpusBySite('run-1', [
      { siteId: 'site-b', slot: '2026-03-01T11:00:00Z', gpus: 4 },
      { siteId: 'site-a', slot: '2026-03-01T11:00:00Z', gpus: 10 },
    ]);
    expect(commands.map((command) => command.data.siteId)).toEqual(['site-a', 'site-b']);
  });

  it('names the stream after the site, with no dash in its prefix', () => {
    expect(siteCapacityStreamId('cannes-1')).toBe('sitecapacity-cannes-1');
  });
});
