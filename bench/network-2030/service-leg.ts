import { progress } from '../support/bench-io';

export async function runServiceLeg(
  weekStart: Date,
  size: { sites: number; orders: number },
  seed: number,
): Promise<void> {
  progress(
    `service: ${size.sites} sites × ${size.orders} orders from ${weekStart.toISOString()} (seed ${seed})`,
  );
}
