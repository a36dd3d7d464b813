import { deepStrictEqual, fail, strictEqual } from 'node:assert/strict';
import { rehydrate } from '../events.registry';
import { Decider } from './aggregate';
import { DomainErrorCode, isDomainError } from './domain-error';
import { Command, DomainEvent, StoredEventLike } from './event';

/**
 * Specs that read as rules, after Emmett's DeciderSpecification:
 *   spec.given([past events]).when(command, context).then([new events])
 *   ... .thenThrows('conflict') / .thenThrows('invalid', ['gpuCount']) / .thenNothingHappens()
 * Past events go through upcasting like a stored stream, so old versions can be given too.
 * Plain node:assert, no test framework: it runs under any runner.
 */
export const DeciderSpecification = {
  for<State, Cmd extends Command, Event extends DomainEvent, Context>(
    decider: Decider<State, Cmd, Event, Context>,
  ) {
    return {
      given(events: readonly StoredEventLike[] = []) {
        return {
          when(command: Cmd, context?: Context) {
            const run = () =>
              decider.decide(command, rehydrate(decider, events), context as Context);
            return {
              then(expected: readonly Event[]): void {
                deepStrictEqual(run(), expected);
              },
              thenNothingHappens(): void {
                deepStrictEqual(run(), []);
              },
              thenThrows(code: DomainErrorCode, fields?: readonly string[]): void {
                let emitted: Event[];
                try {
                  emitted = run();
                } catch (error) {
                  if (!isDomainError(error)) throw error;
                  strictEqual(
                    error.code,
                    code,
                    `expected error code ${code}, got ${error.code}: ${error.message}`,
                  );
                  if (fields) {
                    deepStrictEqual(error.errors.map((e) => e.field).sort(), [...fields].sort());
                  }
                  return;
                }
                fail(`expected error code ${code}, got events ${JSON.stringify(emitted)}`);
              },
            };
          },
        };
      },
    };
  },
};
