/**
 * One pool — the allocations of one site under one agreement version in one period (one
 * currency, the site's) — settled in exact arithmetic. Buyer charges are exact integers; every
 * other amount is a pool-wide position computed once from the pool's totals:
 *
 *   C  = Σ delivered GPU-hours × clearing price            (buyers pay it)
 *   F₀ = Σ C × fee bps / 10,000                             (platform fee, before excess)
 *   E  = Σ attributed Wh × floor price / 10⁶               (energy, per offer)
 *   Eₓ = Σ paid excess Wh × floor price / 10⁶              (part of E beyond e × GPU-hours)
 *   S₀ = C − F₀ − (E − Eₓ)                                  (surplus before excess)
 *   H₀ = max(S₀, 0) × host bps / 10,000,  P₀ = max(S₀, 0) − H₀
 *   K  = Eₓ + max(−S₀, 0)      the cost the buyers' price does not cover; borne, in this order,
 *                              by the host's share (h ≤ H₀), the platform fee (g ≤ F₀) and the
 *                              producers' share (p ≤ P₀); what is left, U = max(E − C, 0), is
 *                              unfunded: every energy payment is scaled by (E − U) / E.
 *
 * Recovered heat the host buys (heat Wh × the agreement's heat price / 10⁶) is paid to the pool's
 * producers; the producers' share, what it bears and the heat revenue are split among them pro
 * rata to the metered Wh each supplied in the pool (their drawn Wh if none was metered).
 * Σ charges = Σ payouts + fee holds exactly, before any rounding.
 */
import {
  Agreement,
  BPS_WHOLE,
  CurrencyCode,
  formatMoney,
  formatScaledDecimal,
} from '@policloud/domain';
import {
  add,
  compare,
  isZero,
  max,
  min,
  neg,
  Rational,
  rational,
  scale,
  sub,
  ZERO,
} from './settlement.rational';
import { SettlementInputError } from './settlement.errors';
import {
  MeteredUsage,
  PartyRole,
  Period,
  QuantityUnit,
  SettledKind,
  SettlementAllocation,
} from './settlement.types';
import { attributeMeteredWh, splitExcessWh } from './settlement.attribution';

const WH_PER_MWH = 1_000_000n;
const BPS = BigInt(BPS_WHOLE);

export interface PoolKey {
  period: Period;
  siteId: string;
  agreementVersion: number;
  currency: CurrencyCode;
}

export const poolKeyString = (key: PoolKey): string =>
  `${key.period}\u0000${key.siteId}\u0000${key.agreementVersion}\u0000${key.currency}`;

/** An allocation in a pool with the usage settled for it. */
export interface PoolMember {
  allocation: SettlementAllocation;
  usage: MeteredUsage;
  platformFeeBps: number;
  /** Cap of each draw (same order as `allocation.energy`); absent when none is curtailed. */
  capsWh: readonly number[] | undefined;
}

interface EnergyTotal {
  producerId: string;
  offerId: string;
  floorPricePerMwh: number;
  wh: number;
  excessWh: number;
}

/** Running sums of a pool; only safe integers until the pool's positions are computed. */
export interface PoolTotals {
  charges: number;
  chargeByFeeBps: Map<number, number>;
  energy: Map<string, EnergyTotal>;
  producerWh: Map<string, { attributed: number; drawn: number }>;
  gpuHours: number;
  meteredWh: number;
  attributedWh: number;
  excessWh: number;
  heatWh: number;
}

export function emptyTotals(): PoolTotals {
  return {
    charges: 0,
    chargeByFeeBps: new Map(),
    energy: new Map(),
    producerWh: new Map(),
    gpuHours: 0,
    meteredWh: 0,
    attributedWh: 0,
    excessWh: 0,
    heatWh: 0,
  };
}

function safeSum(a: number, b: number, what: string): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) {
    throw new SettlementInputError(`${what} exceeds ${Number.MAX_SAFE_INTEGER} in one pool`);
  }
  return sum;
}

/** The buyer charge of one member: delivered GPU-hours × clearing price. */
export function chargeOf(member: Pick<PoolMember, 'allocation' | 'usage'>): number {
  const charge = member.usage.gpuHoursDelivered * member.allocation.pricePerGpuHour;
  if (!Number.isSafeInteger(charge)) {
    throw new SettlementInputError(`Charge of ${member.allocation.allocationId} is too large`);
  }
  return charge;
}

/** Adds one member's charge, energy attribution and excess to the pool's sums. */
export function addMember(totals: PoolTotals, member: PoolMember): void {
  const { allocation, usage, capsWh } = member;
  const draws = allocation.energy;
  const charge = chargeOf(member);
  totals.charges = safeSum(totals.charges, charge, 'Σ charges');
  totals.chargeByFeeBps.set(
    member.platformFeeBps,
    safeSum(totals.chargeByFeeBps.get(member.platformFeeBps) ?? 0, charge, 'Σ charges'),
  );
  totals.gpuHours += usage.gpuHoursDelivered;
  totals.meteredWh = safeSum(totals.meteredWh, usage.whConsumed, 'Σ metered Wh');
  totals.heatWh = safeSum(totals.heatWh, usage.heatWhRecovered, 'Σ heat Wh');

  const declaredWh = allocation.energyPerGpuHourWh * usage.gpuHoursDelivered;
  if (draws.length === 1) {
    // The common case, without arrays.
    const draw = draws[0];
    const attributed = Math.min(usage.whConsumed, capsWh ? capsWh[0] : draw.wh);
    addDraw(totals, draw, attributed, Math.max(0, attributed - declaredWh));
    return;
  }
  const offerIds = draws.map((draw) => draw.offerId);
  const drawnWh = draws.map((draw) => draw.wh);
  const attributed = attributeMeteredWh(usage.whConsumed, drawnWh, capsWh ?? drawnWh, offerIds);
  let attributedSum = 0;
  for (const wh of attributed) attributedSum += wh;
  const excess = splitExcessWh(Math.max(0, attributedSum - declaredWh), attributed, offerIds);
  for (let i = 0; i < draws.length; i++) addDraw(totals, draws[i], attributed[i], excess[i]);
}

function addDraw(
  totals: PoolTotals,
  draw: SettlementAllocation['energy'][number],
  attributedWh: number,
  excessWh: number,
): void {
  // Keyed by offer; an offer seen at a second floor price (never, from one offer stream) gets
  // its own entry.
  let key = draw.offerId;
  let total = totals.energy.get(key);
  if (total && total.floorPricePerMwh !== draw.floorPricePerMwh) {
    key = `${draw.offerId}\u0000${draw.floorPricePerMwh}`;
    total = totals.energy.get(key);
  }
  if (!total) {
    total = {
      producerId: draw.producerId,
      offerId: draw.offerId,
      floorPricePerMwh: draw.floorPricePerMwh,
      wh: 0,
      excessWh: 0,
    };
    totals.energy.set(key, total);
  } else if (total.producerId !== draw.producerId) {
    throw new SettlementInputError(`Offer ${draw.offerId} has two producers`);
  }
  total.wh = safeSum(total.wh, attributedWh, 'Σ attributed Wh');
  total.excessWh += excessWh;
  totals.attributedWh += attributedWh;
  totals.excessWh += excessWh;
  let producer = totals.producerWh.get(draw.producerId);
  if (!producer) {
    producer = { attributed: 0, drawn: 0 };
    totals.producerWh.set(draw.producerId, producer);
  }
  producer.attributed += attributedWh;
  producer.drawn = safeSum(producer.drawn, draw.wh, 'Σ drawn Wh');
}

// ---------------------------------------------------------------- exact positions

/** One line of a position before rounding. */
export interface ExactComponent {
  /** Stable key of the line within its pool (kept in pool records). */
  key: string;
  kind: SettledKind;
  exact: Rational;
  quantity: number;
  unit: QuantityUnit;
  unitPrice?: number;
  offerId?: string;
  description: string;
}

/**
 * What one party gets from a pool under one heading: one line, or two — a share and the cost it
 * bears (`excess_energy`, ≤ the share) — rounded together so the pair never nets below zero.
 */
export interface ExactPosition {
  key: string;
  partyId: string;
  role: PartyRole;
  components: ExactComponent[];
}

export interface PoolFigures {
  positions: ExactPosition[];
  /** Σ exact position amounts = charges: the pool balances before rounding. */
  charges: bigint;
  unfunded: Rational;
}

export const lineKey = (kind: SettledKind, role: PartyRole, partyId: string, extra = ''): string =>
  JSON.stringify(extra ? [kind, role, partyId, extra] : [kind, role, partyId]);

const percent = (bps: number): string => `${formatScaledDecimal(bps, 2)}%`;

const energyAmount = (wh: number, pricePerMwh: number): Rational =>
  rational(BigInt(wh) * BigInt(pricePerMwh), WH_PER_MWH);

/** The pool's positions, all exact; Σ position amounts = Σ charges. */
export function poolPositions(
  key: PoolKey,
  agreement: Agreement,
  totals: PoolTotals,
  platformPartyId: string,
): PoolFigures {
  const { siteId, currency } = key;
  const money = (amount: number): string => formatMoney(amount, currency);
  const at = `at ${siteId}`;
  const charges = BigInt(totals.charges);

  let fee = ZERO;
  for (const [bps, charge] of totals.chargeByFeeBps) {
    fee = add(fee, rational(BigInt(charge) * BigInt(bps), BPS));
  }
  const energies = [...totals.energy.values()].sort((a, b) =>
    a.offerId < b.offerId
      ? -1
      : a.offerId > b.offerId
        ? 1
        : a.floorPricePerMwh - b.floorPricePerMwh,
  );
  let energy = ZERO;
  let excessEnergy = ZERO;
  for (const total of energies) {
    energy = add(energy, energyAmount(total.wh, total.floorPricePerMwh));
    excessEnergy = add(excessEnergy, energyAmount(total.excessWh, total.floorPricePerMwh));
  }
  const chargesQ = rational(charges);
  const surplus = sub(sub(chargesQ, fee), sub(energy, excessEnergy));
  const positiveSurplus = max(surplus, ZERO);
  const hostGross = scale(positiveSurplus, BigInt(agreement.hostShareBps), BPS);
  const producersGross = sub(positiveSurplus, hostGross);
  const toBear = add(excessEnergy, max(neg(surplus), ZERO));
  const hostBears = min(toBear, hostGross);
  const platformBears = min(sub(toBear, hostBears), fee);
  const producersBear = min(sub(sub(toBear, hostBears), platformBears), producersGross);
  const unfunded = sub(sub(sub(toBear, hostBears), platformBears), producersBear);
  const paidFraction = isZero(energy) ? rational(1) : divide(sub(energy, unfunded), energy);
  const shortfall = compare(surplus, ZERO) < 0;
  const bearsWhat =
    `${totals.excessWh} Wh metered beyond e × delivered GPU-hours ${at}` +
    (shortfall ? ', and energy cost above what the charges cover' : '');

  const positions: ExactPosition[] = [];

  // Energy, per offer (and floor price).
  for (const total of energies) {
    const exact = scale(
      energyAmount(total.wh, total.floorPricePerMwh),
      paidFraction.n,
      paidFraction.d,
    );
    const partial =
      compare(paidFraction, rational(1)) < 0
        ? `, paid at ${percent(Number((paidFraction.n * BPS) / paidFraction.d))} (the charges do not cover the energy)`
        : '';
    const componentKey = lineKey(
      'energy_payment',
      'producer',
      total.producerId,
      `${total.offerId}@${total.floorPricePerMwh}`,
    );
    positions.push({
      key: componentKey,
      partyId: total.producerId,
      role: 'producer',
      components: [
        {
          key: componentKey,
          kind: 'energy_payment',
          exact,
          quantity: total.wh,
          unit: 'wh',
          unitPrice: total.floorPricePerMwh,
          offerId: total.offerId,
          description:
            `${total.wh} Wh of offer ${total.offerId} ${at} × ${money(total.floorPricePerMwh)}/MWh` +
            partial,
        },
      ],
    });
  }

  // Host: its share of the surplus, less the excess it bears.
  const hostId = agreement.hostParticipantId;
  positions.push(
    sharePosition('host', hostId, hostGross, hostBears, {
      shareQuantity: totals.gpuHours,
      shareUnit: 'gpu_hour',
      shareDescription: `Host share ${percent(agreement.hostShareBps)} of the surplus ${at} (${totals.gpuHours} GPU-hours delivered)`,
      excessWh: totals.excessWh,
      bearsDescription: `Borne by the host: ${bearsWhat}`,
    }),
  );

  // Platform: the fee, less the excess it bears.
  const feeRates = [...totals.chargeByFeeBps.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bps, charge]) => `${percent(bps)} of ${money(charge)}`)
    .join(' + ');
  positions.push(
    sharePosition('platform', platformPartyId, fee, platformBears, {
      shareQuantity: totals.gpuHours,
      shareUnit: 'gpu_hour',
      shareDescription: `Platform fee ${feeRates || '0'} charged ${at}`,
      excessWh: totals.excessWh,
      bearsDescription: `Borne by the platform: ${bearsWhat}`,
    }),
  );

  // Producers: their share, what it bears and the heat revenue, pro rata to metered Wh.
  const producerIds = [...totals.producerWh.keys()].sort();
  let attributedSum = 0;
  let drawnSum = 0;
  for (const wh of totals.producerWh.values()) {
    attributedSum += wh.attributed;
    drawnSum += wh.drawn;
  }
  const byMetered = attributedSum > 0;
  const weightSum = BigInt(byMetered ? attributedSum : drawnSum);
  const basis = byMetered ? 'Wh supplied' : 'Wh drawn (none metered)';
  const heat =
    agreement.heatPricePerMwh !== undefined && totals.heatWh > 0
      ? energyAmount(totals.heatWh, agreement.heatPricePerMwh)
      : ZERO;
  for (const producerId of producerIds) {
    const wh = totals.producerWh.get(producerId)!;
    const weight = byMetered ? wh.attributed : wh.drawn;
    const share = (amount: Rational) => scale(amount, BigInt(weight), weightSum);
    const proRata = `pro rata to ${weight} of ${weightSum} ${basis}`;
    positions.push(
      sharePosition('producer', producerId, share(producersGross), share(producersBear), {
        shareQuantity: weight,
        shareUnit: 'wh',
        shareDescription: `Producers' share ${percent(agreement.producersShareBps)} of the surplus ${at}, ${proRata}`,
        excessWh: totals.excessWh,
        bearsDescription: `Borne by the producers' share, ${proRata}: ${bearsWhat}`,
      }),
    );
    if (!isZero(heat)) {
      const componentKey = lineKey('heat_revenue', 'producer', producerId);
      positions.push({
        key: componentKey,
        partyId: producerId,
        role: 'producer',
        components: [
          {
            key: componentKey,
            kind: 'heat_revenue',
            exact: share(heat),
            quantity: weight,
            unit: 'wh',
            description: `Recovered heat sold to the host ${at}, ${proRata}`,
          },
        ],
      });
    }
  }

  if (!isZero(heat)) {
    const componentKey = lineKey('heat_purchase', 'host', hostId);
    positions.push({
      key: componentKey,
      partyId: hostId,
      role: 'host',
      components: [
        {
          key: componentKey,
          kind: 'heat_purchase',
          exact: neg(heat),
          quantity: totals.heatWh,
          unit: 'wh',
          unitPrice: agreement.heatPricePerMwh,
          description: `${totals.heatWh} Wh of recovered heat ${at} × ${money(agreement.heatPricePerMwh!)}/MWh`,
        },
      ],
    });
  }

  return { positions, charges, unfunded };
}

function divide(a: Rational, b: Rational): Rational {
  return rational(a.n * b.d, a.d * b.n);
}

function sharePosition(
  role: PartyRole,
  partyId: string,
  gross: Rational,
  borne: Rational,
  text: {
    shareQuantity: number;
    shareUnit: QuantityUnit;
    shareDescription: string;
    excessWh: number;
    bearsDescription: string;
  },
): ExactPosition {
  const shareKind: SettledKind = role === 'platform' ? 'platform_fee' : 'surplus_share';
  const shareKey = lineKey(shareKind, role, partyId);
  return {
    key: shareKey,
    partyId,
    role,
    components: [
      {
        key: shareKey,
        kind: shareKind,
        exact: gross,
        quantity: text.shareQuantity,
        unit: text.shareUnit,
        description: text.shareDescription,
      },
      {
        key: lineKey('excess_energy', role, partyId),
        kind: 'excess_energy',
        exact: neg(borne),
        quantity: text.excessWh,
        unit: 'wh',
        description: text.bearsDescription,
      },
    ],
  };
}
