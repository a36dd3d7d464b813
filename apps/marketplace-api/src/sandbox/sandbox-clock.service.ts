import { Inject, Injectable } from '@nestjs/common';
import {
  parseAdvanceSandboxClock,
  SANDBOX_CLOCK_STREAM,
  sandboxClockDecider,
  valueOrThrow,
} from '@policloud/domain';
import { ProblemException } from '@policloud/http';
import { Clock, CLOCK, CommandHandler, SandboxClockFollower } from '@policloud/runtime';
import { Caller } from '../shared/caller.decorator';
import { AdvanceSandboxClockDto, SandboxClockDto } from './sandbox-clock.dto';

/** Moves the sandbox clock forward: one SandboxClockAdvanced event per move. */
@Injectable()
export class SandboxClockService {
  constructor(
    private readonly commands: CommandHandler,
    private readonly follower: SandboxClockFollower,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async advance(dto: AdvanceSandboxClockDto, caller: Caller): Promise<SandboxClockDto> {
    const sandbox = this.follower.sandbox;
    if (!sandbox) {
      throw new ProblemException(
        404,
        'The sandbox clock is off: this service runs on real time (start it with CLOCK=sandbox, never in production)',
      );
    }
    // Another replica may have moved it meanwhile: decide on the latest move.
    await this.follower.refresh();
    const command = valueOrThrow(
      parseAdvanceSandboxClock({
        advanceTo: dto.advanceTo,
        now: this.clock.now().toISOString(),
        actorId: caller.actor,
      }),
    );
    const result = await this.commands.handle(
      SANDBOX_CLOCK_STREAM,
      sandboxClockDecider,
      command,
      undefined,
      caller,
    );
    sandbox.observe(result.state.advancedTo ?? command.data.advanceTo);
    return {
      now: this.clock.now().toISOString(),
      previous: command.data.now,
      revision: result.revision,
    };
  }
}
