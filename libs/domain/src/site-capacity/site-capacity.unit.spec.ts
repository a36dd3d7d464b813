import { DeciderSpecification } from '../shared/decider-specification';
import { allocateGpusBySite, siteCapacityDecider, siteCapacityStreamId } from './site-capacity';
import { AllocateGpus, GpuAllocation, TakeGpusOffline } from './site-capacity.commands';
import { SiteGpusAllocated, SiteGpusTakenOffline } from './site-capacity.events';

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

const maintenance = { from: '2026-03-01T10:00:00Z', to: '2026-03-01T12:00:00Z', gpusOffline: 8 };
const takeGpusOffline = (maintenanceId: string, gpusOffline = 8): TakeGpusOffline => ({
  type: 'TakeGpusOffline',
  data: { siteId: 'site-b', maintenanceId, ...maintenance, gpusOffline },
});
const gpusTakenOffline = (maintenanceId: string): SiteGpusTakenOffline => ({
  type: 'SiteGpusTakenOffline',
  schemaVersion: 1,
  data: { siteId: 'site-b', maintenanceId, ...maintenance },
});

describe('site capacity: maintenance takes GPUs offline on the stream runs append to', () => {
  it('records the GPUs going offline, after GPUs a run already took there', () => {
    spec
      .given([gpusAllocated('run-1')])
      .when(takeGpusOffline('mnt-1'))
      .then([gpusTakenOffline('mnt-1')]);
  });

  it('lets a run take GPUs after maintenance went offline', () => {
    spec
      .given([gpusTakenOffline('mnt-1')])
      .when(allocateGpus('run-1', [{ siteId: 'site-b', slot: '2026-03-01T10:00:00Z', gpus: 2 }]))
      .then([gpusAllocated('run-1')]);
  });

  it('refuses one maintenance going offline twice', () => {
    spec
      .given([gpusTakenOffline('mnt-1')])
      .when(takeGpusOffline('mnt-1'))
      .thenThrows('conflict');
  });

  it('refuses maintenance taking no GPU offline', () => {
    spec.given([]).when(takeGpusOffline('mnt-1', 0)).thenThrows('invalid', ['gpusOffline']);
  });
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
