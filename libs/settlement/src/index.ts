export * from './settlement.types';
export * from './settlement.errors';
export type { Rational } from './settlement.rational';
export { formatRational, parseRational, rational } from './settlement.rational';
export {
  attributeMeteredWh,
  drawCapWh,
  largestRemainderSplit,
  splitExcessWh,
} from './settlement.attribution';
export { roundPositions, RoundingImbalanceError } from './settlement.rounding';
export type { RoundingItem } from './settlement.rounding';
export { periodOfSlot, PERIOD_PATTERN } from './settlement.validation';
export * from './settlement.adapters';
export { DEFAULT_PLATFORM_PARTY_ID, settlePeriod } from './settlement';
export { energyFootprint, statementEnergyByBuyer } from './settlement.energy-footprint';
export type {
  CertifiedEnergy,
  EnergyFootprint,
  StatementEnergyInput,
} from './settlement.energy-footprint';
