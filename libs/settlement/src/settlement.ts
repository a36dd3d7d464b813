/**
 * Settlement of one period: pure and deterministic (no clock, no I/O, no randomness). The same
 * input, in any order, gives the same statements, byte for byte.
 *
 *   1. Usage: the figures of each allocation are those of its usage event with the highest global
 *      position at or before `asOfPosition`.
 *   2. Pools: the period's allocations with usage are grouped by (site, agreement version in
 *      force at the slot); each pool is settled exactly (settlement.pool.ts) and rounded once
 *      (settlement.rounding.ts).
 *   3. Adjustments: an allocation of an earlier period whose usage changed since its pool was
 *      settled (an amendment, a late first report, or a curtailment that changes its caps) makes
 *      its pool settle again as a whole with today's figures; the difference from what the pool's
 *      latest record says was paid lands in this period as `adjustment` lines. Because the
 *      difference is taken against the amounts actually paid (rounded), what a party received
 *      for a pool over all closes stays within one minor unit of the pool's exact amount.
 */
import { Agreement, agreementInForce, CurrencyCode, formatMoney, Site } from '@policloud/domain';
import { drawCapWh } from './settlement.attribution';
import { SettlementInputError } from './settlement.errors';
import {
  addMember,
  chargeOf,
  emptyTotals,
  ExactComponent,
  ExactPosition,
  PoolKey,
  poolKeyString,
  PoolMember,
  poolPositions,
  PoolTotals,
} from './settlement.pool';
import { add, formatRational, isZero, Rational, rational, sub, ZERO } from './settlement.rational';
import { roundPositions, RoundingImbalanceError } from './settlement.rounding';
import {
  CurrencyBalance,
  MeteredUsage,
  OfferSlotSupply,
  PartyRole,
  Period,
  SettledLine,
  SettledMember,
  SettledPool,
  SettlementAllocation,
  SettlementInput,
  SettlementResult,
  SettlementSite,
  Statement,
  StatementLine,
} from './settlement.types';
import {
  checkAllocation,
  checkFeeBps,
  checkPeriod,
  checkRecord,
  checkSite,
  checkSupply,
  checkUsage,
  checkUsageFits,
  periodOfSlot,
} from './settlement.validation';

export const DEFAULT_PLATFORM_PARTY_ID = 'platform';

const ROLE_ORDER: Record<PartyRole, number> = { buyer: 0, producer: 1, host: 2, platform: 3 };

interface SiteIndex {
  site: SettlementSite;
  inForce: Map<string, Agreement | undefined>;
  /** This period's pools of the site, by agreement version (the site's one currency). */
  pools: Map<number, CurrentPool>;
}

interface CurrentPool {
  key: PoolKey;
  agreement: Agreement;
  /** Records of its members, in allocation id order. */
  members: SettledMember[];
  totals: PoolTotals;
}

interface ClosedEntry {
  allocation: SettlementAllocation;
  usage: MeteredUsage;
  capsWh: number[] | undefined;
  recorded?: SettledMember;
}

interface ClosedPool {
  key: PoolKey;
  entries: ClosedEntry[];
}

/** Statements being written, and the balance data of each currency. */
interface Ledger {
  /** `slot`: the hour of the one allocation a line is about (charges and their adjustments). */
  emit(
    partyId: string,
    role: PartyRole,
    currency: CurrencyCode,
    line: StatementLine,
    slot?: string,
  ): void;
  balanceOf(currency: CurrencyCode): CurrencyBalance;
  statements(): Statement[];
  balances(): CurrencyBalance[];
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order a statement reads in, whatever order its lines were settled in: the period's own
 * lines, then adjustments by the period they correct; within each, the lines of one allocation
 * by slot, then allocation id, then the pool-wide lines (no slot) in the order they were settled
 * (the sort is stable). Allocation ids are hashes, so their order says nothing about time.
 */
function byStatementOrder(
  slotOf: (line: StatementLine) => string | undefined,
): (a: StatementLine, b: StatementLine) => number {
  const isAdjustment = (line: StatementLine): number => (line.kind === 'adjustment' ? 1 : 0);
  return (a, b) => {
    const slotA = slotOf(a);
    const slotB = slotOf(b);
    return (
      isAdjustment(a) - isAdjustment(b) ||
      byString(a.poolPeriod, b.poolPeriod) ||
      (slotA === undefined ? 1 : 0) - (slotB === undefined ? 1 : 0) ||
      byString(slotA ?? '', slotB ?? '') ||
      byString(a.allocationId ?? '', b.allocationId ?? '')
    );
  };
}

function createLedger(period: Period): Ledger {
  const statements: Statement[] = [];
  const slots = new Map<StatementLine, string>();
  const index = new Map<CurrencyCode, Map<PartyRole, Map<string, Statement>>>();
  const balances = new Map<CurrencyCode, CurrencyBalance>();
  const balanceOf = (currency: CurrencyCode): CurrencyBalance => {
    let balance = balances.get(currency);
    if (!balance) {
      balance = {
        period,
        currency,
        charged: 0,
        paidOut: 0,
        platformFee: 0,
        difference: 0,
        pools: 0,
        adjustedPools: 0,
        gpuHoursDelivered: 0,
        meteredWh: 0,
        attributedWh: 0,
        excessWh: 0,
        heatWhSold: 0,
        unfundedEnergy: '0',
      };
      balances.set(currency, balance);
    }
    return balance;
  };
  return {
    emit(partyId, role, currency, line, slot) {
      if (slot !== undefined) slots.set(line, slot);
      let byRole = index.get(currency);
      if (!byRole) index.set(currency, (byRole = new Map()));
      let byParty = byRole.get(role);
      if (!byParty) byRole.set(role, (byParty = new Map()));
      let statement = byParty.get(partyId);
      if (!statement) {
        statement = { partyId, role, period, currency, lines: [], total: 0 };
        byParty.set(partyId, statement);
        statements.push(statement);
      }
      statement.lines.push(line);
      statement.total += line.amount;
      const balance = balanceOf(currency);
      const kind = line.adjusts ?? line.kind;
      if (role === 'platform') balance.platformFee += line.amount;
      else if (kind === 'compute_charge' || kind === 'heat_purchase')
        balance.charged -= line.amount;
      else balance.paidOut += line.amount;
    },
    balanceOf,
    statements: () => {
      const lineOrder = byStatementOrder((line) => slots.get(line));
      for (const statement of statements) statement.lines.sort(lineOrder);
      return statements.sort(
        (a, b) =>
          byString(a.currency, b.currency) ||
          ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
          byString(a.partyId, b.partyId),
      );
    },
    balances: () => {
      for (const balance of balances.values()) {
        balance.difference = balance.charged - balance.paidOut - balance.platformFee;
      }
      return [...balances.values()].sort((a, b) => byString(a.currency, b.currency));
    },
  };
}

/** Settles `input.period`: statements per party, balance data per currency, pool records. */
export function settlePeriod(input: SettlementInput): SettlementResult {
  const period = checkPeriod(input.period);
  const defaultFeeBps = checkFeeBps(input.platformFeeBps, 'platformFeeBps');
  const platformPartyId = input.platformPartyId ?? DEFAULT_PLATFORM_PARTY_ID;
  const sites = indexSites(input.sites);
  const supplies = indexSupplies(input.supplies ?? []);
  const usage = latestUsage(input.usage, input.asOfPosition);
  const { records, memberOf } = indexRecords(input.settled ?? [], period);
  const allocations = sortedAllocations(input.allocations);
  const ledger = createLedger(period);
  const describeCharge = chargeDescriber();

  const agreementAt = (allocation: SettlementAllocation): Agreement => {
    const index = sites.get(allocation.siteId);
    if (!index) throw new SettlementInputError(`Site ${allocation.siteId} is not in the input`);
    let agreement = index.inForce.get(allocation.slot);
    if (agreement === undefined && !index.inForce.has(allocation.slot)) {
      // agreementInForce reads nothing but the site's agreements.
      agreement = agreementInForce(index.site as unknown as Site, allocation.slot);
      index.inForce.set(allocation.slot, agreement);
    }
    if (!agreement) {
      throw new SettlementInputError(
        `No agreement in force at site ${allocation.siteId} for slot ${allocation.slot}`,
      );
    }
    return agreement;
  };
  const agreementVersion = (key: PoolKey): Agreement => {
    const agreement = sites
      .get(key.siteId)
      ?.site.agreements.find((candidate) => candidate.version === key.agreementVersion);
    if (!agreement) {
      throw new SettlementInputError(
        `Site ${key.siteId} has no agreement v${key.agreementVersion}`,
      );
    }
    return agreement;
  };
  /** Caps of an allocation's draws, or undefined when none of its offers is curtailed. */
  const capsOf = (allocation: SettlementAllocation): number[] | undefined => {
    const curtailed = supplies.get(allocation.slot);
    if (!curtailed || !allocation.energy.some((draw) => curtailed.has(draw.offerId))) return;
    return allocation.energy.map((draw) => drawCapWh(draw.wh, curtailed.get(draw.offerId)));
  };
  const currentPool = (allocation: SettlementAllocation): CurrentPool => {
    const agreement = agreementAt(allocation);
    const sitePools = sites.get(allocation.siteId)!.pools;
    let pool = sitePools.get(agreement.version);
    if (pool && pool.key.currency === allocation.currency) return pool;
    const key: PoolKey = {
      period,
      siteId: allocation.siteId,
      agreementVersion: agreement.version,
      currency: allocation.currency,
    };
    const keyString = poolKeyString(key);
    pool = current.get(keyString);
    if (!pool) {
      pool = { key, agreement, members: [], totals: emptyTotals() };
      current.set(keyString, pool);
    }
    sitePools.set(agreement.version, pool);
    return pool;
  };

  // One pass over the allocations, in id order: the period's own are settled as they come (their
  // charges are exact integers); earlier ones are gathered by pool for the adjustments.
  const current = new Map<string, CurrentPool>();
  const closed = new Map<string, ClosedPool>();
  for (const allocation of allocations) {
    const allocationPeriod = periodOfSlot(allocation.slot);
    if (allocationPeriod > period) continue;
    const used = usage.get(allocation.allocationId);
    if (used) checkUsageFits(used, allocation);

    if (allocationPeriod === period) {
      if (!used) continue;
      const pool = currentPool(allocation);
      const member: PoolMember = {
        allocation,
        usage: used,
        platformFeeBps: allocation.platformFeeBps ?? defaultFeeBps,
        capsWh: capsOf(allocation),
      };
      addMember(pool.totals, member);
      pool.members.push(memberRecord(member));
      if (used.gpuHoursDelivered > 0) {
        const line = chargeLine(pool.key, member, describeCharge);
        ledger.emit(allocation.buyerId, 'buyer', allocation.currency, line, allocation.slot);
      }
      continue;
    }

    const recorded = memberOf.get(allocation.allocationId);
    if (!used) {
      if (recorded) {
        throw new SettlementInputError(
          `Allocation ${allocation.allocationId} was settled but has no usage at or before the cut-off`,
        );
      }
      continue;
    }
    const key: PoolKey = recorded
      ? recorded.key
      : {
          period: allocationPeriod,
          siteId: allocation.siteId,
          agreementVersion: agreementAt(allocation).version,
          currency: allocation.currency,
        };
    const keyString = poolKeyString(key);
    let pool = closed.get(keyString);
    if (!pool) {
      pool = { key, entries: [] };
      closed.set(keyString, pool);
    }
    pool.entries.push({
      allocation,
      usage: used,
      capsWh: capsOf(allocation),
      recorded: recorded?.member,
    });
  }

  const settledPools: SettledPool[] = [];
  const unfunded = new Map<CurrencyCode, Rational>();
  for (const keyString of [...current.keys()].sort(byString)) {
    const pool = current.get(keyString)!;
    const result = settleCurrentPool(pool, platformPartyId, ledger);
    settledPools.push({
      ...pool.key,
      settledIn: period,
      members: pool.members,
      lines: result.lines,
    });
    const balance = ledger.balanceOf(pool.key.currency);
    balance.pools += 1;
    balance.gpuHoursDelivered += pool.totals.gpuHours;
    balance.meteredWh += pool.totals.meteredWh;
    balance.attributedWh += pool.totals.attributedWh;
    balance.excessWh += pool.totals.excessWh;
    if (pool.agreement.heatPricePerMwh !== undefined) balance.heatWhSold += pool.totals.heatWh;
    unfunded.set(pool.key.currency, add(unfunded.get(pool.key.currency) ?? ZERO, result.unfunded));
  }

  for (const keyString of [...closed.keys()].sort(byString)) {
    const pool = closed.get(keyString)!;
    const record = records.get(keyString);
    const changed = pool.entries.filter((entry) => hasChanged(entry));
    if (changed.length === 0) continue;
    if (record) {
      const present = new Set(pool.entries.map((entry) => entry.allocation.allocationId));
      const missing = record.members.filter((member) => !present.has(member.allocationId));
      if (missing.length > 0) {
        throw new SettlementInputError(
          `Pool ${pool.key.siteId} ${pool.key.period} v${pool.key.agreementVersion} needs an ` +
            `adjustment but its allocation ${missing[0].allocationId} is not in the input`,
        );
      }
    }
    const adjusted = adjustClosedPool(pool, agreementVersion(pool.key), record, changed, {
      defaultFeeBps,
      platformPartyId,
      ledger,
      describeCharge,
    });
    settledPools.push({ ...adjusted, settledIn: period });
    const balance = ledger.balanceOf(pool.key.currency);
    balance.pools += 1;
    balance.adjustedPools += 1;
  }

  const balances = ledger.balances();
  for (const balance of balances) {
    balance.unfundedEnergy = formatRational(unfunded.get(balance.currency) ?? ZERO);
  }
  return { period, statements: ledger.statements(), balances, settledPools };
}

// ---------------------------------------------------------------- inputs

function indexSites(sites: readonly SettlementSite[]): Map<string, SiteIndex> {
  const index = new Map<string, SiteIndex>();
  for (const site of sites) {
    if (index.has(site.siteId))
      throw new SettlementInputError(`Site ${site.siteId} is listed twice`);
    checkSite(site);
    index.set(site.siteId, { site, inForce: new Map(), pools: new Map() });
  }
  return index;
}

/** The allocations, checked, in id order; an id listed twice is refused. */
function sortedAllocations(allocations: readonly SettlementAllocation[]): SettlementAllocation[] {
  for (const allocation of allocations) checkAllocation(allocation);
  const sorted = [...allocations].sort((a, b) =>
    a.allocationId < b.allocationId ? -1 : a.allocationId > b.allocationId ? 1 : 0,
  );
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].allocationId === sorted[i - 1].allocationId) {
      throw new SettlementInputError(`Allocation ${sorted[i].allocationId} is listed twice`);
    }
  }
  return sorted;
}

/** Supplies by slot, then offer. */
function indexSupplies(
  supplies: readonly OfferSlotSupply[],
): Map<string, Map<string, OfferSlotSupply>> {
  const index = new Map<string, Map<string, OfferSlotSupply>>();
  for (const supply of supplies) {
    checkSupply(supply);
    let bySlot = index.get(supply.slot);
    if (!bySlot) index.set(supply.slot, (bySlot = new Map()));
    if (bySlot.has(supply.offerId)) {
      throw new SettlementInputError(
        `Supply of ${supply.offerId} at ${supply.slot} is listed twice`,
      );
    }
    bySlot.set(supply.offerId, supply);
  }
  return index;
}

/** Per allocation, the usage event with the highest position at or before the cut-off. */
function latestUsage(
  usage: readonly MeteredUsage[],
  asOfPosition: number | undefined,
): Map<string, MeteredUsage> {
  const latest = new Map<string, MeteredUsage>();
  for (const entry of usage) {
    checkUsage(entry);
    if (asOfPosition !== undefined && entry.position > asOfPosition) continue;
    const known = latest.get(entry.allocationId);
    if (!known || entry.position > known.position) {
      latest.set(entry.allocationId, entry);
    } else if (entry.position === known.position && entry.eventId !== known.eventId) {
      throw new SettlementInputError(
        `Usage events ${known.eventId} and ${entry.eventId} share position ${entry.position}`,
      );
    }
  }
  return latest;
}

/**
 * The latest record of each pool written by a close before `period` (records of this period's
 * own earlier close are ignored: closing twice gives the same result), and which pool each
 * settled allocation belongs to.
 */
function indexRecords(
  settled: readonly SettledPool[],
  period: Period,
): {
  records: Map<string, SettledPool>;
  memberOf: Map<string, { key: PoolKey; member: SettledMember }>;
} {
  const records = new Map<string, SettledPool>();
  for (const record of settled) {
    checkRecord(record);
    if (record.settledIn >= period || record.period >= period) continue;
    const keyString = poolKeyString(record);
    const known = records.get(keyString);
    if (
      known &&
      known.settledIn === record.settledIn &&
      JSON.stringify(known) !== JSON.stringify(record)
    ) {
      throw new SettlementInputError(
        `Two records of pool ${record.siteId} ${record.period} from the close of ${record.settledIn}`,
      );
    }
    if (!known || record.settledIn > known.settledIn) records.set(keyString, record);
  }
  const memberOf = new Map<string, { key: PoolKey; member: SettledMember }>();
  for (const record of records.values()) {
    const key: PoolKey = {
      period: record.period,
      siteId: record.siteId,
      agreementVersion: record.agreementVersion,
      currency: record.currency,
    };
    for (const member of record.members) {
      if (memberOf.has(member.allocationId)) {
        throw new SettlementInputError(`Allocation ${member.allocationId} is in two pool records`);
      }
      memberOf.set(member.allocationId, { key, member });
    }
  }
  return { records, memberOf };
}

// ---------------------------------------------------------------- pools

/** Draws whose cap is below their drawn Wh, by offer id (absent when none). */
function capsRecord(
  allocation: SettlementAllocation,
  capsWh: readonly number[] | undefined,
): Record<string, number> | undefined {
  if (!capsWh) return undefined;
  let caps: Record<string, number> | undefined;
  allocation.energy.forEach((draw, i) => {
    if (capsWh[i] < draw.wh) (caps ??= {})[draw.offerId] = capsWh[i];
  });
  return caps;
}

function sameCaps(a: Record<string, number> | undefined, b: Record<string, number> | undefined) {
  const aKeys = Object.keys(a ?? {});
  const bKeys = Object.keys(b ?? {});
  return aKeys.length === bKeys.length && aKeys.every((key) => a![key] === b?.[key]);
}

function hasChanged(entry: ClosedEntry): boolean {
  const { recorded, usage, allocation, capsWh } = entry;
  return (
    !recorded ||
    recorded.usageEventId !== usage.eventId ||
    !sameCaps(recorded.capsWh, capsRecord(allocation, capsWh))
  );
}

function memberRecord(member: PoolMember): SettledMember {
  const { allocation, usage } = member;
  const record: SettledMember = {
    allocationId: allocation.allocationId,
    usageEventId: usage.eventId,
    gpuHoursDelivered: usage.gpuHoursDelivered,
    whConsumed: usage.whConsumed,
    heatWhRecovered: usage.heatWhRecovered,
    platformFeeBps: member.platformFeeBps,
  };
  const caps = capsRecord(allocation, member.capsWh);
  if (caps) record.capsWh = caps;
  return record;
}

type ChargeDescriber = (allocation: SettlementAllocation, gpuHours: number) => string;

/** Describes buyer charges, with price texts memoised for one close (a million charges, few prices). */
function chargeDescriber(): ChargeDescriber {
  const prices = new Map<string, Map<number, string>>();
  return (allocation, gpuHours) => {
    const { pricePerGpuHour, currency } = allocation;
    let byAmount = prices.get(currency);
    if (!byAmount) prices.set(currency, (byAmount = new Map()));
    let price = byAmount.get(pricePerGpuHour);
    if (price === undefined) {
      price = formatMoney(pricePerGpuHour, currency);
      byAmount.set(pricePerGpuHour, price);
    }
    return (
      `${gpuHours} of ${allocation.gpus} GPU-hours delivered × ${price} at ${allocation.siteId}, ` +
      `slot ${allocation.slot}, order ${allocation.orderId}`
    );
  };
}

function lineOf(
  key: PoolKey,
  component: ExactComponent,
  amount: bigint,
  exact: Rational,
): StatementLine {
  const line: StatementLine = {
    kind: component.kind,
    poolPeriod: key.period,
    siteId: key.siteId,
    agreementVersion: key.agreementVersion,
    quantity: component.quantity,
    unit: component.unit,
    amount: Number(amount),
    exact: formatRational(exact),
    description: component.description,
  };
  if (component.offerId !== undefined) line.offerId = component.offerId;
  if (component.unitPrice !== undefined) line.unitPrice = component.unitPrice;
  return line;
}

/** The buyer charge of one of the period's allocations: exact, nothing to round. */
function chargeLine(
  key: PoolKey,
  member: PoolMember,
  describeCharge: ChargeDescriber,
): StatementLine {
  const { allocation, usage } = member;
  const amount = -chargeOf(member);
  return {
    kind: 'compute_charge',
    poolPeriod: key.period,
    siteId: key.siteId,
    agreementVersion: key.agreementVersion,
    allocationId: allocation.allocationId,
    usageEventIds: [usage.eventId],
    quantity: usage.gpuHoursDelivered,
    unit: 'gpu_hour',
    unitPrice: allocation.pricePerGpuHour,
    amount,
    exact: String(amount),
    description: describeCharge(allocation, usage.gpuHoursDelivered),
  };
}

/** The pool-wide lines of one of the period's pools (its charges are already written). */
function settleCurrentPool(
  pool: CurrentPool,
  platformPartyId: string,
  ledger: Ledger,
): { lines: SettledLine[]; unfunded: Rational } {
  const { key, agreement, totals } = pool;
  const figures = poolPositions(key, agreement, totals, platformPartyId);
  const rounded = roundPositions(
    figures.positions.map((position) => ({
      partyId: position.partyId,
      key: position.key,
      components: position.components.map((component) => component.exact),
    })),
    -figures.charges,
  );
  const recordLines: SettledLine[] = [];
  figures.positions.forEach((position, p) =>
    position.components.forEach((component, c) => {
      const amount = rounded[p][c];
      if (amount !== 0n || component.quantity !== 0) {
        recordLines.push({
          key: component.key,
          partyId: position.partyId,
          role: position.role,
          kind: component.kind,
          quantity: component.quantity,
          amount: Number(amount),
        });
      }
      if (amount === 0n && isZero(component.exact)) return;
      ledger.emit(
        position.partyId,
        position.role,
        key.currency,
        lineOf(key, component, amount, component.exact),
      );
    }),
  );
  return { lines: recordLines, unfunded: figures.unfunded };
}

function adjustClosedPool(
  pool: ClosedPool,
  agreement: Agreement,
  record: SettledPool | undefined,
  changed: readonly ClosedEntry[],
  context: {
    defaultFeeBps: number;
    platformPartyId: string;
    ledger: Ledger;
    describeCharge: ChargeDescriber;
  },
): Omit<SettledPool, 'settledIn'> {
  const { defaultFeeBps, platformPartyId, ledger, describeCharge } = context;
  const { key } = pool;
  const totals = emptyTotals();
  const entries = pool.entries; // in allocation id order, as the allocations were read
  const members: PoolMember[] = entries.map((entry) => ({
    allocation: entry.allocation,
    usage: entry.usage,
    platformFeeBps:
      entry.recorded?.platformFeeBps ?? entry.allocation.platformFeeBps ?? defaultFeeBps,
    capsWh: entry.capsWh,
  }));
  for (const member of members) addMember(totals, member);
  const figures = poolPositions(key, agreement, totals, platformPartyId);

  const changedIds = changed.map((entry) => entry.allocation.allocationId);
  const changedUsageIds = [
    ...new Set(
      changed.flatMap((entry) =>
        entry.recorded ? [entry.recorded.usageEventId, entry.usage.eventId] : [entry.usage.eventId],
      ),
    ),
  ];
  const origin = `${key.period} at ${key.siteId} (agreement v${key.agreementVersion})`;
  const money = (amount: number) => formatMoney(amount, key.currency);

  // Buyer charges: exact integers, corrected allocation by allocation.
  let chargeDeltaTotal = 0n;
  for (let i = 0; i < entries.length; i++) {
    const { recorded } = entries[i];
    const member = members[i];
    const { allocation, usage } = member;
    const before = recorded ? recorded.gpuHoursDelivered : 0;
    const gpuHoursDelta = usage.gpuHoursDelivered - before;
    if (gpuHoursDelta === 0) continue;
    const amount = -gpuHoursDelta * allocation.pricePerGpuHour;
    chargeDeltaTotal += BigInt(amount);
    ledger.emit(
      allocation.buyerId,
      'buyer',
      key.currency,
      {
        kind: 'adjustment',
        adjusts: 'compute_charge',
        poolPeriod: key.period,
        siteId: key.siteId,
        agreementVersion: key.agreementVersion,
        allocationId: allocation.allocationId,
        usageEventIds: recorded ? [recorded.usageEventId, usage.eventId] : [usage.eventId],
        quantity: gpuHoursDelta,
        unit: 'gpu_hour',
        unitPrice: allocation.pricePerGpuHour,
        amount,
        exact: String(amount),
        description:
          `Adjustment for ${origin}: ${describeCharge(allocation, usage.gpuHoursDelivered)}` +
          ` (previously ${before} GPU-hours)`,
      },
      allocation.slot,
    );
  }

  // Pool-wide lines: today's exact amount less what the pool's record says was paid.
  const paid = new Map<string, SettledLine>();
  for (const line of record?.lines ?? []) paid.set(line.key, line);
  const positions: ExactPosition[] = figures.positions.map((position) => ({
    ...position,
    components: position.components.map((component) => ({ ...component })),
  }));
  const covered = new Set(positions.flatMap((p) => p.components.map((c) => c.key)));
  for (const line of [...paid.values()]
    .filter((l) => !covered.has(l.key))
    .sort((a, b) => byString(a.key, b.key))) {
    positions.push({
      key: line.key,
      partyId: line.partyId,
      role: line.role,
      components: [
        {
          key: line.key,
          kind: line.kind,
          exact: ZERO,
          quantity: 0,
          // GPU-hours for the fee and the host's share, Wh for everything else (settlement.pool).
          unit:
            line.kind === 'platform_fee' || (line.kind === 'surplus_share' && line.role === 'host')
              ? 'gpu_hour'
              : 'wh',
          description: 'No longer due',
        },
      ],
    });
  }
  const deltas = positions.map((position) =>
    position.components.map((component) =>
      sub(component.exact, rational(paid.get(component.key)?.amount ?? 0)),
    ),
  );
  let rounded: bigint[][];
  try {
    rounded = roundPositions(
      positions.map((position, p) => ({
        partyId: position.partyId,
        key: position.key,
        components: deltas[p],
      })),
      chargeDeltaTotal,
    );
  } catch (error) {
    if (error instanceof RoundingImbalanceError) {
      throw new SettlementInputError(
        `The record of pool ${origin} does not balance with its allocations' charges`,
      );
    }
    throw error;
  }

  const recordLines: SettledLine[] = [];
  positions.forEach((position, p) =>
    position.components.forEach((component, c) => {
      const before = paid.get(component.key);
      const amount = rounded[p][c];
      const delta = deltas[p][c];
      const quantityDelta = component.quantity - (before?.quantity ?? 0);
      const total = (before?.amount ?? 0) + Number(amount);
      if (total !== 0 || component.quantity !== 0) {
        recordLines.push({
          key: component.key,
          partyId: position.partyId,
          role: position.role,
          kind: component.kind,
          quantity: component.quantity,
          amount: total,
        });
      }
      if (amount === 0n && quantityDelta === 0) return; // nothing moves: no line
      const line = lineOf(key, component, amount, delta);
      line.kind = 'adjustment';
      line.adjusts = component.kind;
      line.quantity = quantityDelta;
      line.allocationIds = changedIds;
      line.usageEventIds = changedUsageIds;
      line.description =
        `Adjustment for ${origin}: ${component.description}` +
        ` (previously settled ${money(before?.amount ?? 0)})`;
      ledger.emit(position.partyId, position.role, key.currency, line);
    }),
  );
  return { ...key, members: members.map(memberRecord), lines: recordLines };
}
