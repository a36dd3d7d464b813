import type { EnergySource } from '../energy-offer/energy-offer.events';

/**
 * Sources whose generation emits no CO2 at the point of production: what counts toward a
 * carbon-free energy (CFE) share, after the 24/7 CFE methodology (Google, "24/7 by 2030", 2021;
 * EnergyTag). Biomass burns fuel and the grid is a mix, so neither counts.
 */
export const CARBON_FREE_SOURCES: readonly EnergySource[] = ['wind', 'solar', 'hydro'];

export const isCarbonFree = (source: EnergySource): boolean => CARBON_FREE_SOURCES.includes(source);

/**
 * gCO2e/kWh charged to metered energy no certificate covers (it came from the grid, beyond
 * what the offers supplied): the IPCC AR5 WGIII (2014) Annex III lifecycle median of gas
 * combined cycle, 490, the plant that sets the price in most European zones. Certified energy
 * carries its offer's own declared factor instead.
 */
export const UNCERTIFIED_G_PER_KWH = 490;

/**
 * Reference lifecycle medians per source, IPCC AR5 WGIII (2014) Annex III Table A.III.2
 * (onshore wind 11, utility PV 48, hydropower 24, dedicated biomass 230; grid: as above):
 * what an offer's declared factor can be compared against.
 */
export const LIFECYCLE_MEDIAN_G_PER_KWH: Readonly<Record<EnergySource, number>> = {
  wind: 11,
  solar: 48,
  hydro: 24,
  biomass: 230,
  grid: UNCERTIFIED_G_PER_KWH,
};
