import fc from 'fast-check';
import { ENERGY_SOURCES } from '@policloud/domain';
import { energyFootprint, statementEnergyByBuyer } from './settlement.energy-footprint';

describe('a buyer’s monthly energy footprint', () => {
  it('counts wind, solar and hydro as carbon-free, and the uncertified rest at the grid factor', () => {
    // 8,400 Wh wind at 12 g/kWh = 100.8 g; 4,000 Wh biomass at 230 = 920 g; 600 Wh grid at 490 = 294 g.
    expect(
      energyFootprint({ gpuHours: 15, wh: 13_000 }, [
        { wh: 8_400, energySource: 'wind', emissionFactorGPerKwh: 12 },
        { wh: 4_000, energySource: 'biomass', emissionFactorGPerKwh: 230 },
      ]),
    ).toEqual({
      gpuHours: 15,
      meteredWh: 13_000,
      certifiedWh: 12_400,
      cfeWh: 8_400,
      cfeShareBps: 6_461, // 64.615…% rounded down
      co2eGrams: 1_315, // 1,314.8 g half up
      gCo2ePerGpuHour: '87.653', // 1,314,800 mg / 15
    });
  });

  it('has no per-GPU-hour figure without GPU-hours, and a zero share without metered energy', () => {
    expect(energyFootprint({ gpuHours: 0, wh: 0 }, [])).toMatchObject({
      cfeShareBps: 0,
      co2eGrams: 0,
      gCo2ePerGpuHour: null,
    });
  });

  it('never states a CFE share above 100 % nor emissions below those of the certified energy', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            wh: fc.integer({ min: 1, max: 10_000_000 }),
            energySource: fc.constantFrom(...ENERGY_SOURCES),
            emissionFactorGPerKwh: fc.integer({ min: 0, max: 2_000 }),
          }),
          { maxLength: 8 },
        ),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (certificates, extraWh, gpuHours) => {
          const certifiedWh = certificates.reduce((sum, c) => sum + c.wh, 0);
          const footprint = energyFootprint({ gpuHours, wh: certifiedWh + extraWh }, certificates);
          expect(footprint.cfeShareBps).toBeGreaterThanOrEqual(0);
          expect(footprint.cfeShareBps).toBeLessThanOrEqual(10_000);
          const certifiedMg = certificates.reduce(
            (sum, c) => sum + c.wh * c.emissionFactorGPerKwh,
            0,
          );
          expect(footprint.co2eGrams).toBeGreaterThanOrEqual(Math.floor(certifiedMg / 1000));
          if (
            extraWh === 0 &&
            certificates.every((c) => c.energySource === 'wind') &&
            certifiedWh > 0
          )
            expect(footprint.cfeShareBps).toBe(10_000);
        },
      ),
    );
  });
});

describe('the energy figures of a period’s buyer statements', () => {
  it('read each allocation’s last usage and the certificates in force, of the period only', () => {
    const wind = { energySource: 'wind' as const, emissionFactorGPerKwh: 10 };
    const figures = statementEnergyByBuyer({
      period: '2027-03',
      allocations: [
        { allocationId: 'a1', buyerId: 'b1', slot: '2027-03-01T10:00:00Z' },
        { allocationId: 'a2', buyerId: 'b1', slot: '2027-04-01T10:00:00Z' },
      ],
      usage: [
        { allocationId: 'a1', gpuHoursDelivered: 10, whConsumed: 9_000 },
        { allocationId: 'a2', gpuHoursDelivered: 10, whConsumed: 9_000 },
        // the amendment replaces the report
        { allocationId: 'a1', gpuHoursDelivered: 8, whConsumed: 8_000 },
      ],
      certificates: [
        {
          ...wind,
          wh: 9_000,
          beneficiaryId: 'b1',
          slot: '2027-03-01T10:00:00Z',
          status: 'cancelled',
        },
        {
          ...wind,
          wh: 8_000,
          beneficiaryId: 'b1',
          slot: '2027-03-01T10:00:00Z',
          status: 'claimed',
        },
        { ...wind, wh: 9_000, beneficiaryId: 'b1', slot: '2027-04-01T10:00:00Z', status: 'issued' },
      ],
    });
    expect([...figures]).toEqual([
      [
        'b1',
        {
          gpuHours: 8,
          meteredWh: 8_000,
          certifiedWh: 8_000,
          cfeWh: 8_000,
          cfeShareBps: 10_000,
          co2eGrams: 80,
          gCo2ePerGpuHour: '10.000',
        },
      ],
    ]);
  });
});
