import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@policloud/config';
import {
  ComputeOrder,
  computeOrderDecider,
  parsePlaceComputeOrder,
  slotAt,
  slotHour,
  valueOrThrow,
} from '@policloud/domain';
import { buildMatchingSnapshot, quoteOrder, UnfilledOrder } from '@policloud/matching';
import { APP_CONFIG, Clock, CLOCK } from '@policloud/runtime';
import { Caller } from '../shared/caller.decorator';
import { PlaceComputeOrderDto } from '../compute-orders/compute-orders.dto';
import { LiveMarket } from './live-market.service';

/** The id the quoted order carries inside the snapshot: not an id any stored order can have. */
const QUOTED_ORDER_ID = 'quote:order';
/** Quotes look as far ahead as a run may (a month of slots). */
const MAX_QUOTE_HOURS = 24 * 31;
const HOUR_MS = 3_600_000;

export interface QuotedSlotView {
  siteId: string;
  slot: string;
  gpus: number;
  pricePerGpuHour: number;
  carbonGPerGpuHour: number;
}

export interface QuoteView {
  indicative: true;
  /** Global log position the market was read at. */
  position: number;
  computedAt: string;
  /** The slots quoted: the order's window from the next slot on. */
  horizon: { from: string; to: string };
  fill: 'full' | 'partial' | 'none';
  gpus: number;
  hoursRequested: number;
  hoursFilled: number;
  gpuHours: number;
  currency: string;
  /** Σ price × GPU-hours / GPU-hours, rounded to the nearest minor unit; null when nothing fills. */
  pricePerGpuHour: number | null;
  /** Σ price × GPU-hours: what the filled part would be charged if delivered. */
  totalPrice: number;
  /** gCO2e per GPU-hour of the energy drawn, to 0.1 g; null when nothing fills. */
  carbonGPerGpuHour: number | null;
  slots: QuotedSlotView[];
  /** Why it would not fill completely, if so. */
  unfilled?: Omit<UnfilledOrder, 'orderId'>;
}

/**
 * What an order would fill at now, writing nothing: the order, parsed as a placement is, is
 * matched alone on the residual market (after earlier runs) by the engine's rules and priced by
 * the run's clearing rule against the open orders (`quoteOrder` of @policloud/matching).
 */
@Injectable()
export class QuotesService {
  constructor(
    private readonly market: LiveMarket,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async quote(dto: PlaceComputeOrderDto, caller: Caller): Promise<QuoteView> {
    const now = this.clock.now();
    const { constraints, ...fields } = dto;
    // Refused exactly as a placement would be, before anything is read.
    const command = valueOrThrow(
      parsePlaceComputeOrder({
        orderId: QUOTED_ORDER_ID,
        buyerId: caller.actor,
        placedAt: now.toISOString(),
        ...fields,
        ...(constraints ? { constraints: JSON.parse(JSON.stringify(constraints)) } : {}),
      }),
    );
    const order = computeOrderDecider
      .decide(command, computeOrderDecider.initialState(), undefined)
      .reduce(computeOrderDecider.evolve, computeOrderDecider.initialState()) as ComputeOrder;

    const nextSlot = Math.floor(now.getTime() / HOUR_MS) + 1;
    const fromHour = Math.max(nextSlot, slotHour(order.earliestStart));
    const toHour = Math.max(
      fromHour,
      Math.min(slotHour(order.deadline), nextSlot + MAX_QUOTE_HOURS),
    );
    const horizon = { from: slotAt(fromHour), to: slotAt(toHour) };

    // Read and computed without an await between: one consistent position.
    const history = await this.market.current();
    const position = history.position;
    const snapshot = buildMatchingSnapshot({
      horizon: { start: horizon.from, end: horizon.to },
      platformFeeBps: this.config.platformFeeBps,
      sites: [...history.sites.values()].map(({ state }) => state),
      offers: [...history.offers.values()].map(({ state }) => state),
      orders: [...[...history.orders.values()].map(({ state }) => state), order],
    });
    // Only orders that could bid for the same cells take part in pricing.
    const competing = snapshot.orders.filter(
      (other) =>
        other.orderId === QUOTED_ORDER_ID ||
        (other.currency === order.currency &&
          other.earliestStart < horizon.to &&
          other.deadline > horizon.from),
    );
    const quote = quoteOrder({ ...snapshot, orders: competing }, QUOTED_ORDER_ID);

    const gpuHours = quote.slots.length * order.gpus;
    const totalPrice = quote.slots.reduce((sum, s) => sum + s.pricePerGpuHour * s.gpus, 0);
    const carbon = quote.slots.reduce((sum, s) => sum + s.carbonGPerGpuHour, 0);
    return {
      indicative: true,
      position,
      computedAt: now.toISOString(),
      horizon,
      fill:
        quote.slots.length === 0
          ? 'none'
          : quote.slots.length < quote.slotsRequested
            ? 'partial'
            : 'full',
      gpus: order.gpus,
      hoursRequested: quote.slotsRequested,
      hoursFilled: quote.slots.length,
      gpuHours,
      currency: order.currency,
      pricePerGpuHour: gpuHours === 0 ? null : Math.round(totalPrice / gpuHours),
      totalPrice,
      carbonGPerGpuHour:
        quote.slots.length === 0 ? null : Math.round((carbon / quote.slots.length) * 10) / 10,
      slots: quote.slots.map((s) => ({
        siteId: s.siteId,
        slot: s.slot,
        gpus: s.gpus,
        pricePerGpuHour: s.pricePerGpuHour,
        carbonGPerGpuHour: Math.round(s.carbonGPerGpuHour * 10) / 10,
      })),
      ...(quote.unfilled ? { unfilled: withoutOrderId(quote.unfilled) } : {}),
    };
  }
}

function withoutOrderId({ orderId: _, ...rest }: UnfilledOrder): Omit<UnfilledOrder, 'orderId'> {
  return rest;
}
