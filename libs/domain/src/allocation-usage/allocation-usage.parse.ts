import { FieldError } from '../shared/domain-error';
import { parseWh } from '../shared/energy';
import { parseInstant, parseSlot } from '../shared/slots';
import {
  ok,
  parsedFields,
  parseId,
  parseInteger,
  parseText,
  Parsed,
  Unparsed,
} from '../shared/validation';
import { MAX_GPUS_PER_SITE } from '../site/site.parse';
import { AmendUsage, ReportUsage } from './allocation-usage.commands';
import { UsageFigures } from './allocation-usage.events';

/**
 * A usage report as the edge receives it (the body, the site and time the service adds) into
 * the typed command, or every field error at once. Rules that read the allocation (its slot,
 * its GPUs, its site) stay in decide.
 */
export function parseReportUsage(data: Unparsed<ReportUsage['data']>): Parsed<ReportUsage> {
  const fields = parsedFields({
    allocationId: parseId(data.allocationId, 'allocationId'),
    siteId: parseId(data.siteId, 'siteId'),
    slot: parseSlot(data.slot, 'slot'),
    ...parseFigures(data),
    reportedAt: parseInstant(data.reportedAt, 'reportedAt'),
  });
  if (!fields.ok) return fields;
  const errors = heatErrors(fields.value);
  return errors.length > 0
    ? { ok: false, errors }
    : ok({ type: 'ReportUsage', data: fields.value });
}

/** An amendment as the edge receives it into the typed command, or every field error at once. */
export function parseAmendUsage(data: Unparsed<AmendUsage['data']>): Parsed<AmendUsage> {
  const fields = parsedFields({
    allocationId: parseId(data.allocationId, 'allocationId'),
    siteId: parseId(data.siteId, 'siteId'),
    ...parseFigures(data),
    reason: parseText(data.reason, 'reason'),
    amendedAt: parseInstant(data.amendedAt, 'amendedAt'),
  });
  if (!fields.ok) return fields;
  const errors = heatErrors(fields.value);
  return errors.length > 0 ? { ok: false, errors } : ok({ type: 'AmendUsage', data: fields.value });
}

/** GPU-hours one slot of one allocation delivered: 0 to MAX_GPUS_PER_SITE. */
export function parseGpuHoursDelivered(value: unknown, field: string): Parsed<number> {
  return parseInteger(value, field, { min: 0, max: MAX_GPUS_PER_SITE });
}

function parseFigures(data: Unparsed<UsageFigures>) {
  return {
    gpuHoursDelivered: parseGpuHoursDelivered(data.gpuHoursDelivered, 'gpuHoursDelivered'),
    whConsumed: parseWh(data.whConsumed, 'whConsumed'),
    heatWhRecovered: parseWh(data.heatWhRecovered, 'heatWhRecovered'),
  };
}

/** Heat recovered comes from the energy consumed: never more. */
function heatErrors(figures: UsageFigures): FieldError[] {
  return figures.heatWhRecovered > figures.whConsumed
    ? [{ field: 'heatWhRecovered', message: 'must not exceed whConsumed' }]
    : [];
}
