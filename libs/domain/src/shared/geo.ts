/** Places on Earth: a site's or a buyer's location, and the distance between two. */
import { fail, isPlainObject, ok, parseNumber, Parsed, unknownKeys } from './validation';

export interface GeoPoint {
  lat: number;
  lon: number;
}

export function parseGeoPoint(value: unknown, field: string): Parsed<GeoPoint> {
  if (!isPlainObject(value)) return fail(field, 'must be an object with lat and lon');
  const extra = unknownKeys(value, field, ['lat', 'lon']);
  const lat = parseNumber(value.lat, `${field}.lat`, { min: -90, max: 90 });
  const lon = parseNumber(value.lon, `${field}.lon`, { min: -180, max: 180 });
  const errors = [...extra, ...(lat.ok ? [] : lat.errors), ...(lon.ok ? [] : lon.errors)];
  return lat.ok && lon.ok && errors.length === 0
    ? ok({ lat: lat.value, lon: lon.value })
    : { ok: false, errors };
}

/** Great-circle distance (haversine, mean Earth radius 6371 km); constraints, not settlement. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const dLat = radians(b.lat - a.lat);
  const dLon = radians(b.lon - a.lon);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}
