/**
 * Why a run left an order (partly) unfilled: the engine's reason code, a sentence for the buyer
 * and, for some codes, the figure that explains it. Recorded in the run's `OrdersLeftUnfilled`
 * event and shown on the order.
 */
import { parseMinorUnits } from '../shared/money';
import {
  ok,
  parseId,
  parseInteger,
  parseObject,
  parseOneOf,
  parseOptional,
  Parsed,
  parseText,
} from '../shared/validation';

export const UNFILLED_REASON_CODES = [
  'no_eligible_site',
  'no_slot_in_horizon',
  'below_reserve',
  'no_free_gpus',
  'energy_short',
  'all_or_none',
  'outbid',
] as const;

export type UnfilledReasonCode = (typeof UNFILLED_REASON_CODES)[number];

/** Filters `no_eligible_site` may name, in the order a buyer sets them. */
export const EXCLUDING_CONSTRAINTS = [
  'currency',
  'gpuModel',
  'constraints.jurisdictions',
  'constraints.sovereignOperator',
  'constraints.maxDistanceKm',
  'energy',
  'constraints.renewableOnly',
  'constraints.maxCarbonGPerKwh',
] as const;

export interface UnfilledOrderReason {
  orderId: string;
  reason: UnfilledReasonCode;
  /** One sentence a buyer can act on. */
  message: string;
  /** Slots the order wanted from the run, and those it got. */
  slotsRequested: number;
  slotsFilled: number;
  unfilledGpuHours: number;
  /** `no_eligible_site`: the filter that left no site. */
  constraint?: (typeof EXCLUDING_CONSTRAINTS)[number];
  /** `below_reserve`: the lowest reserve per GPU-hour among the eligible sites. */
  lowestReservePerGpuHour?: number;
  /** `outbid`: the lowest clearing price of the cells it could have used; a bid above was needed. */
  clearingPricePerGpuHour?: number;
}

const MESSAGE_LENGTH = 500;

/** One reason as the engine gives it, typed; optional figures are absent, never `undefined`. */
export function parseUnfilledOrderReason(
  value: unknown,
  field: string,
): Parsed<UnfilledOrderReason> {
  const parsed = parseObject(value, field, {
    orderId: parseId,
    reason: (reason, reasonField) => parseOneOf(reason, reasonField, UNFILLED_REASON_CODES),
    message: (text, textField) => parseText(text, textField, MESSAGE_LENGTH),
    slotsRequested: (n, nField) => parseInteger(n, nField, { min: 1 }),
    slotsFilled: (n, nField) => parseInteger(n, nField, { min: 0 }),
    unfilledGpuHours: (n, nField) => parseInteger(n, nField, { min: 1 }),
    constraint: (name, nameField) =>
      parseOptional(name, nameField, (v, f) => parseOneOf(v, f, EXCLUDING_CONSTRAINTS)),
    lowestReservePerGpuHour: (n, nField) => parseOptional(n, nField, parseMinorUnits),
    clearingPricePerGpuHour: (n, nField) => parseOptional(n, nField, parseMinorUnits),
  });
  if (!parsed.ok) return parsed;
  const reason = Object.fromEntries(
    Object.entries(parsed.value).filter(([, v]) => v !== undefined),
  ) as unknown as UnfilledOrderReason;
  return ok(reason);
}
