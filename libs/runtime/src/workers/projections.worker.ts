import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ProjectionRunner } from '@policloud/projections';
import { Leadership } from '../leadership/leadership';
import { SingletonWorkers } from '../leadership/singleton-workers';
import { PROJECTION_RUNNER } from '../runtime.tokens';

/**
 * Runs the projection runner in the one process of the deployment that leads the `projections`
 * singleton: two runners on one checkpoint would apply additive projections (running charges)
 * twice. Other processes follow the checkpoint it commits (ReadModelBarrier).
 */
@Injectable()
export class ProjectionsWorker implements OnApplicationBootstrap {
  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    private readonly singletons: SingletonWorkers,
  ) {}

  private leadership: Leadership | null = null;

  /** Whether this process runs the projections now. */
  leading(): boolean {
    return this.leadership?.isLeader() ?? false;
  }

  onApplicationBootstrap(): void {
    this.leadership = this.singletons.lead('projections', {
      start: () => this.runner.start(),
      stop: () => this.runner.stop(),
    });
  }
}
