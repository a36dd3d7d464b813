/**
 * Hourly surplus-energy profiles for the demo's producers, from a seeded PRNG so that every run
 * gives the same shapes (only the week they are laid on follows the clock).
 */

const HOUR_MS = 3_600_000;

export interface SlotEnergy {
  /** UTC whole hour, `YYYY-MM-DDTHH:00:00Z`. */
  slot: string;
  /** Surplus in Wh, a positive integer (slots without surplus are left out). */
  wh: number;
}

/** mulberry32: a tiny, well-mixed 32-bit PRNG; the same seed gives the same sequence. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Standard normal draw (Box–Muller) from a uniform source. */
function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export function slotIso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function keepPositive(start: Date, values: number[]): SlotEnergy[] {
  return values
    .map((wh, i) => ({ slot: slotIso(start.getTime() + i * HOUR_MS), wh: Math.round(wh) }))
    .filter((entry) => entry.wh >= 1);
}

export interface WindFarm {
  seed: number;
  /** Surplus at rated wind speed, in kWh per hour. */
  ratedSurplusKwh: number;
  /** Mean hub-height wind speed of the week, m/s. */
  meanSpeed: number;
}

/**
 * Wind: a mean-reverting hub-height wind speed with hourly turbulence, gust fronts (a few hours
 * of +4–9 m/s) and lulls, through a turbine power curve (cut-in 3 m/s, rated 12 m/s, cut-out 25).
 * Irregular and gusty, as a wind farm's surplus is.
 */
export function windProfile(start: Date, hours: number, farm: WindFarm): SlotEnergy[] {
  const random = prng(farm.seed);
  let speed = farm.meanSpeed * (0.6 + 0.8 * random());
  let gustLeft = 0;
  let gust = 0;
  const values: number[] = [];
  for (let i = 0; i < hours; i++) {
    speed += 0.2 * (farm.meanSpeed - speed) + 1.6 * gaussian(random);
    if (gustLeft === 0 && random() < 0.07) {
      gustLeft = 1 + Math.floor(random() * 4);
      gust = random() < 0.7 ? 4 + 5 * random() : -(3 + 3 * random());
    }
    const hubSpeed = Math.max(0, speed + (gustLeft > 0 ? gust : 0));
    if (gustLeft > 0) gustLeft--;
    values.push(farm.ratedSurplusKwh * 1000 * powerCurve(hubSpeed));
  }
  return keepPositive(start, values);
}

function powerCurve(speed: number): number {
  if (speed < 3 || speed >= 25) return 0;
  if (speed >= 12) return 1;
  return ((speed - 3) / 9) ** 3;
}

export interface SolarPlant {
  seed: number;
  /** Surplus under a clear sky with the sun at the zenith, in kWh per hour. */
  peakSurplusKwh: number;
  lat: number;
  lon: number;
}

/**
 * Solar: zero at night, a bell by day following the sun's elevation at the plant (solar time from
 * its longitude, declination from the day of the year), times a daily clearness and hourly
 * passing clouds.
 */
export function solarProfile(start: Date, hours: number, plant: SolarPlant): SlotEnergy[] {
  const random = prng(plant.seed);
  const rad = Math.PI / 180;
  const values: number[] = [];
  let clearness = 0;
  let day = -1;
  for (let i = 0; i < hours; i++) {
    const mid = new Date(start.getTime() + i * HOUR_MS + HOUR_MS / 2);
    const dayOfYear = Math.floor(
      (mid.getTime() - Date.UTC(mid.getUTCFullYear(), 0, 0)) / 86_400_000,
    );
    if (dayOfYear !== day) {
      day = dayOfYear;
      clearness = 0.35 + 0.65 * random();
    }
    const solarHours = mid.getUTCHours() + mid.getUTCMinutes() / 60 + plant.lon / 15;
    const hourAngle = 15 * (solarHours - 12) * rad;
    const declination = 23.44 * Math.sin((2 * Math.PI * (284 + dayOfYear)) / 365) * rad;
    const sinElevation =
      Math.sin(plant.lat * rad) * Math.sin(declination) +
      Math.cos(plant.lat * rad) * Math.cos(declination) * Math.cos(hourAngle);
    const passingCloud = 0.8 + 0.2 * random();
    values.push(
      sinElevation <= 0
        ? 0
        : plant.peakSurplusKwh * 1000 * sinElevation ** 1.15 * clearness * passingCloud,
    );
  }
  return keepPositive(start, values);
}

/** Biomass or grid: a steady surplus with small hourly noise. */
export function steadyProfile(start: Date, hours: number, seed: number, kwh: number): SlotEnergy[] {
  const random = prng(seed);
  return keepPositive(
    start,
    Array.from({ length: hours }, () => kwh * 1000 * (0.9 + 0.2 * random())),
  );
}
