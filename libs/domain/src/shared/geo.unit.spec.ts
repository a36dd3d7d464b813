import { distanceKm } from './geo';

describe('geo', () => {
  it('measures great-circle distances in km', () =>
    expect(Math.round(distanceKm({ lat: 48.8566, lon: 2.3522 }, { lat: 52.52, lon: 13.405 }))).toBe(
      877,
    ));
});
