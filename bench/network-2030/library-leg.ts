/**
 * One matching of the generated network in a process of its own, so its peak RSS is the
 * matching's (with its input), not the bench's: `--sites`, `--orders`, `--seed`, `--decompose`
 * (1: regions matched alone, 0: today's single run), `--bound` (also the welfare bounds: the
 * fractional knapsack and the Lagrangian one, the latter over `--bound-iterations`).
 * Prints one `LEG <json>` line on stdout.
 */
import { performance } from 'node:perf_hooks';
import { Allocation, matchOrders } from '../../libs/matching/src';
import { buildNetwork, snapshotOfSeed } from './network';
import { lagrangianBound } from './lagrangian-bound';
import { welfareBound } from './welfare-bound';

const HOUR_MS = 3_600_000;

function argument(name: string): string {
  const found = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  if (!found) throw new Error(`missing --${name}=`);
  return found.slice(name.length + 3);
}

export interface LegOutcome {
  ms: number;
  /** CPU time of the matching (user + system): what a loaded machine's wall time hides. */
  cpuMs: number;
  welfare: number;
  allocations: number;
  filledOrders: number;
  peakRssMb: number;
  /**
   * Per order with an allocation: its allocation ranges (runs of consecutive slots on one site,
   * one AllocationMade each) and the sites it runs on: what the service's events follow.
   */
  rangesPerOrder: number;
  sitesPerOrder: number;
  /** The fractional knapsack's bound (loose: no slots, windows or cells). */
  bound?: ReturnType<typeof welfareBound>;
  /** The Lagrangian relaxation's bound (cells, offers, windows, slots). */
  lagrangian?: ReturnType<typeof lagrangianBound>;
}

/** Allocation ranges and (order, site) pairs; allocations come sorted by slot. */
function allocationShape(allocations: readonly Allocation[]): { ranges: number; sites: number } {
  const lastSlot = new Map<string, string>();
  let ranges = 0;
  for (const { orderId, siteId, slot } of allocations) {
    const key = `${orderId}\u0000${siteId}`;
    const last = lastSlot.get(key);
    if (last === undefined || Date.parse(last) + HOUR_MS !== Date.parse(slot)) ranges++;
    lastSlot.set(key, slot);
  }
  return { ranges, sites: lastSlot.size };
}

function main(): void {
  const weekStart = new Date(argument('week'));
  const seed = buildNetwork(weekStart, {
    sites: Number(argument('sites')),
    orders: Number(argument('orders')),
    seed: Number(argument('seed')),
  });
  const snapshot = snapshotOfSeed(seed);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const result = matchOrders(snapshot, { decompose: argument('decompose') === '1' });
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  const unfilled = new Set(result.unfilled.map((order) => order.orderId));
  const filled = new Set(result.allocations.map((allocation) => allocation.orderId));
  const shape = allocationShape(result.allocations);
  // Read before the bounds run: the peak is the matching's.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const outcome: LegOutcome = {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    welfare: result.totalWelfare,
    allocations: result.allocations.length,
    filledOrders: [...filled].filter((orderId) => !unfilled.has(orderId)).length,
    peakRssMb,
    rangesPerOrder: shape.ranges / Math.max(1, filled.size),
    sitesPerOrder: shape.sites / Math.max(1, filled.size),
  };
  if (argument('bound') === '1') {
    outcome.bound = welfareBound(snapshot);
    // The engine's welfare is where the steps aim (speed only: any prices give a bound).
    outcome.lagrangian = lagrangianBound(snapshot, {
      iterations: Number(argument('bound-iterations')),
      lowerBound: result.totalWelfare,
    });
  }
  process.stdout.write(`LEG ${JSON.stringify(outcome)}\n`);
}

main();
