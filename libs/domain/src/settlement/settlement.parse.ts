import { FieldError } from '../shared/domain-error';
import { MAX_GPUS_PER_SITE } from '../site/site.parse';
import { BPS_WHOLE } from '../shared/bps';
import { parseWh } from '../shared/energy';
import { CURRENCY_CODES, parseCurrency, parseMinorUnits } from '../shared/money';
import { parseInstant } from '../shared/slots';
import {
  fail,
  isPlainObject,
  ok,
  parsedFields,
  parseId,
  parseInteger,
  parseList,
  parseObject,
  parseOneOf,
  parseOptional,
  Parsed,
  parseText,
  Unparsed,
} from '../shared/validation';
import { CloseSettlementPeriod, SettlementStatementInput } from './settlement.commands';
import {
  SETTLEMENT_LINE_KINDS,
  SETTLEMENT_PARTY_ROLES,
  SETTLEMENT_QUANTITY_UNITS,
  SETTLEMENT_SETTLED_KINDS,
  SettlementBalance,
  SettlementLine,
  SettlementPoolLine,
  SettlementPoolMember,
  SettlementPoolRecord,
  StatementEnergy,
} from './settlement.events';

/** A settlement period: a calendar month, UTC. */
export const SETTLEMENT_PERIOD_PATTERN = /^\d{4}-(?:0[1-9]|1[0-2])$/;
/** An exact amount: a reduced fraction `n/d`, or the integer `n`. */
export const EXACT_AMOUNT_PATTERN = /^(?:0|-?[1-9]\d*)(?:\/[1-9]\d*)?$/;

/** Bounds of one close (each statement is an event of the close's single append). */
export const MAX_STATEMENTS_PER_CLOSE = 100_000;
export const MAX_SETTLED_POOLS_PER_CLOSE = 1_000_000;
/** Lines of a statement, members of a pool, ids of a line. */
export const MAX_SETTLEMENT_ITEMS = 10_000_000;
export const MAX_SETTLEMENT_DESCRIPTION_LENGTH = 2_000;
export const MAX_SETTLEMENT_LINE_KEY_LENGTH = 1_000;
export const MAX_EXACT_AMOUNT_LENGTH = 1_000;

/**
 * The settlement library's result for one period into the typed command, or every field error
 * at once. The library is trusted for the amounts; this checks the record is consistent: each
 * total is the sum of its lines, and per currency the statements balance (charges = payouts +
 * fee). Whether the period is already closed is for decide.
 */
export function parseCloseSettlementPeriod(
  data: Unparsed<CloseSettlementPeriod['data']>,
): Parsed<CloseSettlementPeriod> {
  const fields = parsedFields({
    period: parsePeriod(data.period, 'period'),
    closedAt: parseInstant(data.closedAt, 'closedAt'),
    closedBy: parseId(data.closedBy, 'closedBy'),
    inputPosition: parseInteger(data.inputPosition, 'inputPosition', { min: 0 }),
    statements: parseList(data.statements, 'statements', parseStatement, {
      max: MAX_STATEMENTS_PER_CLOSE,
      uniqueBy: (statement) => statement.statementId,
      uniqueField: 'statementId',
    }),
    balances: parseList(data.balances, 'balances', parseBalance, {
      max: CURRENCY_CODES.length,
      uniqueBy: (balance) => balance.currency,
      uniqueField: 'currency',
    }),
    settledPools: parseList(data.settledPools, 'settledPools', parsePoolRecord, {
      max: MAX_SETTLED_POOLS_PER_CLOSE,
      uniqueBy: (pool) => `${pool.siteId} v${pool.agreementVersion} in ${pool.period}`,
      uniqueField: 'agreementVersion',
    }),
  });
  if (!fields.ok) return fields;
  const { period } = fields.value;
  const errors = [
    ...statementErrors(period, fields.value.statements),
    ...balanceErrors(period, fields.value.balances),
    ...poolErrors(period, fields.value.settledPools),
  ];
  return errors.length > 0
    ? { ok: false, errors }
    : ok({ type: 'CloseSettlementPeriod', data: fields.value });
}

// ---------------------------------------------------------------- fields

export function parsePeriod(value: unknown, field: string): Parsed<string> {
  return typeof value === 'string' && SETTLEMENT_PERIOD_PATTERN.test(value)
    ? ok(value)
    : fail(field, 'must be a calendar month YYYY-MM, e.g. 2026-03');
}

/** A signed integer (minor units, a change of quantity); -0 is stored as 0. */
function parseSigned(value: unknown, field: string): Parsed<number> {
  const parsed = parseInteger(value, field);
  return parsed.ok ? ok(parsed.value + 0) : parsed;
}

function parseCount(value: unknown, field: string): Parsed<number> {
  const parsed = parseInteger(value, field, { min: 0 });
  return parsed.ok ? ok(parsed.value + 0) : parsed;
}

function parseExact(value: unknown, field: string): Parsed<string> {
  return typeof value === 'string' &&
    value.length <= MAX_EXACT_AMOUNT_LENGTH &&
    EXACT_AMOUNT_PATTERN.test(value)
    ? ok(value)
    : fail(field, 'must be an exact amount as a fraction n/d or an integer n, e.g. -112/5');
}

const parseAgreementVersion = (value: unknown, field: string) =>
  parseInteger(value, field, { min: 1 });

const parseIds = (value: unknown, field: string) =>
  parseList(value, field, parseId, { min: 1, max: MAX_SETTLEMENT_ITEMS });

/** Drops the optional keys a parse left undefined: events carry absent fields as absent. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function parseStatement(value: unknown, field: string): Parsed<SettlementStatementInput> {
  const parsed = parseObject(value, field, {
    statementId: parseId,
    partyId: parseId,
    role: (role, roleField) => parseOneOf(role, roleField, SETTLEMENT_PARTY_ROLES),
    period: parsePeriod,
    currency: parseCurrency,
    lines: (lines, linesField) =>
      parseList(lines, linesField, parseLine, { max: MAX_SETTLEMENT_ITEMS }),
    total: parseSigned,
    energy: (energy, energyField) => parseOptional(energy, energyField, parseStatementEnergy),
  });
  return parsed.ok ? ok(withoutUndefined(parsed.value)) : parsed;
}

/** Whole-gram-to-the-milligram decimal, as energyFootprint writes it. */
const GRAMS_PATTERN = /^(?:0|[1-9]\d{0,15})\.\d{3}$/;

function parseStatementEnergy(value: unknown, field: string): Parsed<StatementEnergy> {
  return parseObject(value, field, {
    gpuHours: parseCount,
    meteredWh: parseCount,
    certifiedWh: parseCount,
    cfeWh: parseCount,
    cfeShareBps: (bps, bpsField) => parseInteger(bps, bpsField, { min: 0, max: BPS_WHOLE }),
    co2eGrams: parseCount,
    gCo2ePerGpuHour: (grams, gramsField) =>
      grams === null
        ? ok(null)
        : typeof grams === 'string' && GRAMS_PATTERN.test(grams)
          ? ok(grams)
          : fail(gramsField, 'must be grams to the milligram ("18.347"), or null'),
  });
}

function parseLine(value: unknown, field: string): Parsed<SettlementLine> {
  const parsed = parseObject(value, field, {
    kind: (kind, kindField) => parseOneOf(kind, kindField, SETTLEMENT_LINE_KINDS),
    adjusts: (kind, kindField) =>
      parseOptional(kind, kindField, (k, f) => parseOneOf(k, f, SETTLEMENT_SETTLED_KINDS)),
    poolPeriod: parsePeriod,
    siteId: parseId,
    agreementVersion: parseAgreementVersion,
    allocationId: (id, idField) => parseOptional(id, idField, parseId),
    allocationIds: (ids, idsField) => parseOptional(ids, idsField, parseIds),
    usageEventIds: (ids, idsField) => parseOptional(ids, idsField, parseIds),
    offerId: (id, idField) => parseOptional(id, idField, parseId),
    quantity: parseSigned,
    unit: (unit, unitField) => parseOneOf(unit, unitField, SETTLEMENT_QUANTITY_UNITS),
    unitPrice: (price, priceField) => parseOptional(price, priceField, parseMinorUnits),
    amount: parseSigned,
    exact: parseExact,
    description: (text, textField) => parseText(text, textField, MAX_SETTLEMENT_DESCRIPTION_LENGTH),
  });
  if (!parsed.ok) return parsed;
  const line = withoutUndefined(parsed.value) as SettlementLine;
  if (line.kind === 'adjustment' && line.adjusts === undefined) {
    return fail(`${field}.adjusts`, 'must name the kind of line an adjustment corrects');
  }
  if (line.kind !== 'adjustment' && line.adjusts !== undefined) {
    return fail(`${field}.adjusts`, 'is only for adjustment lines');
  }
  return ok(line);
}

function parseBalance(value: unknown, field: string): Parsed<SettlementBalance> {
  return parseObject(value, field, {
    period: parsePeriod,
    currency: parseCurrency,
    charged: parseSigned,
    paidOut: parseSigned,
    platformFee: parseSigned,
    difference: parseSigned,
    pools: parseCount,
    adjustedPools: parseCount,
    gpuHoursDelivered: parseCount,
    meteredWh: parseCount,
    attributedWh: parseCount,
    excessWh: parseCount,
    heatWhSold: parseCount,
    unfundedEnergy: parseExact,
  });
}

function parsePoolRecord(value: unknown, field: string): Parsed<SettlementPoolRecord> {
  return parseObject(value, field, {
    period: parsePeriod,
    siteId: parseId,
    agreementVersion: parseAgreementVersion,
    currency: parseCurrency,
    settledIn: parsePeriod,
    members: (members, membersField) =>
      parseList(members, membersField, parsePoolMember, {
        max: MAX_SETTLEMENT_ITEMS,
        uniqueBy: (member) => member.allocationId,
        uniqueField: 'allocationId',
      }),
    lines: (lines, linesField) =>
      parseList(lines, linesField, parsePoolLine, {
        max: MAX_SETTLEMENT_ITEMS,
        uniqueBy: (line) => line.key,
        uniqueField: 'key',
      }),
  });
}

function parsePoolMember(value: unknown, field: string): Parsed<SettlementPoolMember> {
  const parsed = parseObject(value, field, {
    allocationId: parseId,
    usageEventId: parseId,
    platformFeeBps: (bps, bpsField) => parseInteger(bps, bpsField, { min: 0, max: BPS_WHOLE }),
    gpuHoursDelivered: (gpuHours, gpuHoursField) =>
      parseInteger(gpuHours, gpuHoursField, { min: 0, max: MAX_GPUS_PER_SITE }),
    whConsumed: (wh, whField) => parseWh(wh, whField),
    heatWhRecovered: (wh, whField) => parseWh(wh, whField),
    capsWh: (caps, capsField) => parseOptional(caps, capsField, parseCaps),
  });
  return parsed.ok ? ok(withoutUndefined(parsed.value) as SettlementPoolMember) : parsed;
}

function parseCaps(value: unknown, field: string): Parsed<Record<string, number>> {
  if (!isPlainObject(value)) return fail(field, 'must be an object of Wh by offer id');
  const errors: FieldError[] = [];
  const caps: [string, number][] = [];
  for (const [offerId, wh] of Object.entries(value)) {
    const id = parseId(offerId, `${field}.${offerId}`);
    const cap = parseWh(wh, `${field}.${offerId}`);
    if (!id.ok) errors.push(...id.errors);
    else if (!cap.ok) errors.push(...cap.errors);
    else caps.push([offerId, cap.value + 0]);
  }
  return errors.length > 0 ? { ok: false, errors } : ok(Object.fromEntries(caps));
}

function parsePoolLine(value: unknown, field: string): Parsed<SettlementPoolLine> {
  return parseObject(value, field, {
    key: (key, keyField) =>
      typeof key === 'string' && key !== '' && key.length <= MAX_SETTLEMENT_LINE_KEY_LENGTH
        ? ok(key)
        : fail(keyField, `must be a string of 1 to ${MAX_SETTLEMENT_LINE_KEY_LENGTH} characters`),
    partyId: parseId,
    role: (role, roleField) => parseOneOf(role, roleField, SETTLEMENT_PARTY_ROLES),
    kind: (kind, kindField) => parseOneOf(kind, kindField, SETTLEMENT_SETTLED_KINDS),
    quantity: parseCount,
    amount: parseSigned,
  });
}

// ---------------------------------------------------------------- rules across fields

/**
 * Each statement is of the period closed, its lines settle it or an earlier period, its total is
 * the sum of its lines; per currency the totals sum to 0 (what payers owe is paid out or fee).
 */
function statementErrors(
  period: string,
  statements: readonly SettlementStatementInput[],
): FieldError[] {
  const errors: FieldError[] = [];
  const byCurrency = new Map<string, bigint>();
  statements.forEach((statement, i) => {
    const at = `statements[${i}]`;
    if (statement.period !== period) {
      errors.push({ field: `${at}.period`, message: `must be ${period}, the period closed` });
    }
    let sum = 0n;
    statement.lines.forEach((line, k) => {
      sum += BigInt(line.amount);
      if (line.poolPeriod > period) {
        errors.push({
          field: `${at}.lines[${k}].poolPeriod`,
          message: `must be ${period} or earlier`,
        });
      }
    });
    if (sum !== BigInt(statement.total)) {
      errors.push({
        field: `${at}.total`,
        message: `must be ${sum}, the sum of the statement's line amounts`,
      });
    }
    byCurrency.set(
      statement.currency,
      (byCurrency.get(statement.currency) ?? 0n) + BigInt(statement.total),
    );
  });
  for (const [currency, sum] of byCurrency) {
    if (sum !== 0n) {
      errors.push({
        field: 'statements',
        message: `the ${currency} statements sum to ${sum}; charges must equal payouts plus the fee (sum 0)`,
      });
    }
  }
  return errors;
}

function balanceErrors(period: string, balances: readonly SettlementBalance[]): FieldError[] {
  return balances.flatMap((balance, i): FieldError[] => {
    const at = `balances[${i}]`;
    const errors: FieldError[] = [];
    if (balance.period !== period) {
      errors.push({ field: `${at}.period`, message: `must be ${period}, the period closed` });
    }
    const difference =
      BigInt(balance.charged) - BigInt(balance.paidOut) - BigInt(balance.platformFee);
    if (balance.difference !== 0 || difference !== 0n) {
      errors.push({
        field: `${at}.difference`,
        message: `must be 0: ${balance.currency} charged ${balance.charged}, paid out ${balance.paidOut}, fee ${balance.platformFee}`,
      });
    }
    return errors;
  });
}

function poolErrors(period: string, pools: readonly SettlementPoolRecord[]): FieldError[] {
  return pools.flatMap((pool, i): FieldError[] => [
    ...(pool.settledIn === period
      ? []
      : [
          {
            field: `settledPools[${i}].settledIn`,
            message: `must be ${period}, the period closed`,
          },
        ]),
    ...(pool.period <= period
      ? []
      : [{ field: `settledPools[${i}].period`, message: `must be ${period} or earlier` }]),
  ]);
}
