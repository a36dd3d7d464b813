import { parseInstant } from '../shared/slots';
import { ok, parsedFields, parseId, Parsed, Unparsed } from '../shared/validation';
import { AdvanceSandboxClock } from './sandbox-clock.commands';

export function parseAdvanceSandboxClock(
  data: Unparsed<AdvanceSandboxClock['data']>,
): Parsed<AdvanceSandboxClock> {
  const fields = parsedFields({
    advanceTo: parseInstant(data.advanceTo, 'advanceTo'),
    now: parseInstant(data.now, 'now'),
    actorId: parseId(data.actorId, 'actorId'),
  });
  return fields.ok ? ok({ type: 'AdvanceSandboxClock', data: fields.value }) : fields;
}
