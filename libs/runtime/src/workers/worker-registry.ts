import { Injectable } from '@nestjs/common';
import { PeriodicWorkerStatus } from './periodic-worker';

/** The periodic workers a process runs (audit sealer, scheduled matching), by name, for /health. */
@Injectable()
export class WorkerRegistry {
  private readonly workers = new Map<string, () => PeriodicWorkerStatus>();

  register(name: string, status: () => PeriodicWorkerStatus): void {
    this.workers.set(name, status);
  }

  statuses(): Record<string, PeriodicWorkerStatus> {
    return Object.fromEntries([...this.workers].map(([name, status]) => [name, status()]));
  }
}
