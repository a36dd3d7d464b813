/**
 * The demo market: who takes part, the sites, their agreements, the producers' energy and the
 * buyers' orders, laid on the week that starts at `weekStart` (all hours are offsets into it).
 */
import { slotIso, SlotEnergy, solarProfile, steadyProfile, windProfile } from './profiles';

export const WEEK_HOURS = 168;
export const PARIS = { lat: 48.8566, lon: 2.3522 };

type Role = 'producer' | 'host' | 'buyer';

export interface ParticipantSeed {
  id: string;
  name: string;
  roles: Role[];
  country: string;
  legalEntity: string;
}

export interface SiteSeed {
  id: string;
  name: string;
  model: string;
  gpuCount: number;
  gpuModel: 'H100' | 'H200' | 'L40S';
  gpuPowerKw: string;
  pue: string;
  location: { lat: number; lon: number };
  country: string;
  operatorLegalEntity: string;
  operatorJurisdiction: string;
  certifications: string[];
  hostParticipantId: string;
  heatRecovery: { enabled: boolean; recoveredShareBps?: number };
  reservePricePerGpuHour: number;
  currency: 'EUR' | 'USD';
}

export interface AgreementSeed {
  siteId: string;
  producers: string[];
  producersShareBps: number;
  hostShareBps: number;
  heatPricePerMwh?: number;
}

export interface OfferSeed {
  ref: string;
  producerId: string;
  siteIds: string[];
  source: 'wind' | 'solar' | 'hydro' | 'biomass' | 'grid';
  carbonGPerKwh: number;
  floorPricePerMwh: number;
  currency: 'EUR' | 'USD';
  profile: SlotEnergy[];
}

export interface OrderConstraints {
  jurisdictions?: string[];
  sovereignOperator?: boolean;
  maxDistanceKm?: { origin: { lat: number; lon: number }; km: number };
  renewableOnly?: boolean;
  maxCarbonGPerKwh?: number;
}

export interface OrderSeed {
  ref: string;
  buyerId: string;
  gpus: number;
  hours: number;
  earliestStart: string;
  deadline: string;
  gpuModel?: string;
  maxPricePerGpuHour: number;
  currency: 'EUR' | 'USD';
  allOrNone?: boolean;
  constraints: OrderConstraints;
}

export interface MarketSeed {
  weekStart: string;
  weekEnd: string;
  agreementsEffectiveFrom: string;
  participants: ParticipantSeed[];
  sites: SiteSeed[];
  agreements: AgreementSeed[];
  offers: OfferSeed[];
  orders: OrderSeed[];
}

const participants: ParticipantSeed[] = [
  // Hosts
  { id: 'ville-de-cannes', name: 'Ville de Cannes', roles: ['host'], country: 'FR', legalEntity: 'Commune de Cannes' },
  { id: 'gulf-compute', name: 'Gulf Compute Hosting', roles: ['host'], country: 'AE', legalEntity: 'Gulf Compute LLC' },
  { id: 'cote-d-or', name: "Département de la Côte-d'Or", roles: ['host'], country: 'FR', legalEntity: "Conseil départemental de la Côte-d'Or" },
  { id: 'data-factory-tx', name: 'Data Factory Texas', roles: ['host'], country: 'US', legalEntity: 'Data Factory Texas LLC' },
  { id: 'paysans-de-rougeline', name: 'Paysans de Rougeline', roles: ['host'], country: 'FR', legalEntity: 'Paysans de Rougeline SCA' },
  { id: 'hera-hpc', name: 'Hera HPC', roles: ['host'], country: 'ES', legalEntity: 'Hera HPC S.L.' },
  // Producers (CloudGrid and Sebalyo also host the site next to their plant)
  { id: 'cloudgrid-energy', name: 'CloudGrid Energy', roles: ['producer', 'host'], country: 'FR', legalEntity: 'CloudGrid Energy SAS' },
  { id: 'sebalyo', name: 'Sebalyo', roles: ['producer', 'host'], country: 'FR', legalEntity: 'Sebalyo SAS' },
  { id: 'azur-solaire', name: 'Azur Solaire', roles: ['producer'], country: 'FR', legalEntity: 'Azur Solaire SAS' },
  { id: 'esterel-eolien', name: 'Éolien de l’Estérel', roles: ['producer'], country: 'FR', legalEntity: 'Éolien de l’Estérel SARL' },
  { id: 'al-dhafra-solar', name: 'Al Dhafra Solar', roles: ['producer'], country: 'AE', legalEntity: 'Al Dhafra Solar PJSC' },
  { id: 'eoliennes-auxois', name: "Éoliennes de l'Auxois", roles: ['producer'], country: 'FR', legalEntity: "Éoliennes de l'Auxois SAS" },
  { id: 'roscoe-wind', name: 'Roscoe Wind Partners', roles: ['producer'], country: 'US', legalEntity: 'Roscoe Wind Partners LP' },
  { id: 'permian-solar', name: 'Permian Solar', roles: ['producer'], country: 'US', legalEntity: 'Permian Solar LLC' },
  { id: 'rougeline-agrivolt', name: 'Rougeline Agrivoltaïsme', roles: ['producer'], country: 'FR', legalEntity: 'Rougeline Agrivoltaïsme SAS' },
  { id: 'biogaz-marmandais', name: 'Biogaz du Marmandais', roles: ['producer'], country: 'FR', legalEntity: 'Biogaz du Marmandais SAS' },
  { id: 'aragon-eolica', name: 'Aragón Eólica', roles: ['producer'], country: 'ES', legalEntity: 'Aragón Eólica S.A.' },
  { id: 'red-iberica', name: 'Red Ibérica Trading', roles: ['producer'], country: 'ES', legalEntity: 'Red Ibérica Trading S.L.' },
  // Buyers
  { id: 'sante-data-hub', name: 'Santé Data Hub', roles: ['buyer'], country: 'FR', legalEntity: 'GIP Santé Data Hub' },
  { id: 'institut-ia', name: 'Institut français de recherche en IA', roles: ['buyer'], country: 'FR', legalEntity: 'Institut IA (EPST)' },
  { id: 'hopitaux-paris', name: 'Hôpitaux de Paris – Imagerie', roles: ['buyer'], country: 'FR', legalEntity: 'Hôpitaux de Paris' },
  { id: 'lumen-ai', name: 'Lumen AI', roles: ['buyer'], country: 'DE', legalEntity: 'Lumen AI GmbH' },
  { id: 'biogen-lab', name: 'BioGen Lab Heidelberg', roles: ['buyer'], country: 'DE', legalEntity: 'BioGen Lab gGmbH' },
  { id: 'render-global', name: 'Render Global', roles: ['buyer'], country: 'GB', legalEntity: 'Render Global Ltd' },
  { id: 'lone-star-ml', name: 'Lone Star ML', roles: ['buyer'], country: 'US', legalEntity: 'Lone Star ML Inc.' },
];

const FR_OPERATOR = { operatorLegalEntity: 'Policloud SAS', operatorJurisdiction: 'FR' };
const H100 = { gpuModel: 'H100' as const, gpuPowerKw: '1.275' };
const H200 = { gpuModel: 'H200' as const, gpuPowerKw: '1.4' };
const L40S = { gpuModel: 'L40S' as const, gpuPowerKw: '0.6' };
const NO_HEAT = { enabled: false };

const sites: SiteSeed[] = [
  {
    id: 'cannes', name: 'Cannes – La Bocca', model: 'PC-100', gpuCount: 100, ...H100, pue: '1.2',
    location: { lat: 43.5513, lon: 6.9636 }, country: 'FR', ...FR_OPERATOR,
    certifications: ['SecNumCloud', 'ISO/IEC 27001'], hostParticipantId: 'ville-de-cannes',
    heatRecovery: NO_HEAT, reservePricePerGpuHour: 165, currency: 'EUR',
  },
  {
    id: 'abu-dhabi', name: 'United Arab Emirates – Al Dhafra', model: 'PC-100', gpuCount: 100, ...H200, pue: '1.35',
    location: { lat: 23.6548, lon: 53.7048 }, country: 'AE', operatorLegalEntity: 'Gulf Compute LLC',
    operatorJurisdiction: 'AE', certifications: [], hostParticipantId: 'gulf-compute',
    heatRecovery: NO_HEAT, reservePricePerGpuHour: 150, currency: 'EUR',
  },
  {
    id: 'dijon', name: "Dijon – Côte-d'Or", model: 'PC-100', gpuCount: 100, ...L40S, pue: '1.15',
    location: { lat: 47.3220, lon: 5.0415 }, country: 'FR', ...FR_OPERATOR,
    certifications: ['SecNumCloud', 'HDS'], hostParticipantId: 'cote-d-or',
    heatRecovery: NO_HEAT, reservePricePerGpuHour: 85, currency: 'EUR',
  },
  {
    id: 'texas-abilene', name: 'Data Factory Texas – Abilene', model: 'PC-400', gpuCount: 400, ...H100, pue: '1.25',
    location: { lat: 32.4487, lon: -99.7331 }, country: 'US', operatorLegalEntity: 'Data Factory Texas LLC',
    operatorJurisdiction: 'US', certifications: ['SOC 2 Type II'], hostParticipantId: 'data-factory-tx',
    heatRecovery: NO_HEAT, reservePricePerGpuHour: 170, currency: 'USD',
  },
  {
    id: 'texas-sweetwater', name: 'Data Factory Texas – Sweetwater', model: 'PC-400', gpuCount: 400, ...H200, pue: '1.25',
    location: { lat: 32.4710, lon: -100.4059 }, country: 'US', operatorLegalEntity: 'Data Factory Texas LLC',
    operatorJurisdiction: 'US', certifications: ['SOC 2 Type II'], hostParticipantId: 'data-factory-tx',
    heatRecovery: NO_HEAT, reservePricePerGpuHour: 230, currency: 'EUR',
  },
  {
    id: 'rougeline', name: 'Paysans de Rougeline – Marmande greenhouses', model: 'PC-360', gpuCount: 360, ...H100, pue: '1.1',
    location: { lat: 44.5001, lon: 0.1652 }, country: 'FR', ...FR_OPERATOR,
    certifications: ['ISO/IEC 27001'], hostParticipantId: 'paysans-de-rougeline',
    heatRecovery: { enabled: true, recoveredShareBps: 7000 }, reservePricePerGpuHour: 175, currency: 'EUR',
  },
  {
    id: 'cloudgrid-beauce', name: 'CloudGrid Energy – Beauce wind farm', model: 'PC-100', gpuCount: 100, ...H100, pue: '1.2',
    location: { lat: 48.2115, lon: 1.6072 }, country: 'FR', operatorLegalEntity: 'CloudGrid Energy SAS',
    operatorJurisdiction: 'FR', certifications: ['SecNumCloud'], hostParticipantId: 'cloudgrid-energy',
    heatRecovery: NO_HEAT, reservePricePerGpuHour: 180, currency: 'EUR',
  },
  {
    id: 'hera-zaragoza', name: 'Hera HPC – Zaragoza', model: 'PC-100', gpuCount: 100, ...H200, pue: '1.2',
    location: { lat: 41.6488, lon: -0.8891 }, country: 'ES', operatorLegalEntity: 'Hera HPC S.L.',
    operatorJurisdiction: 'ES', certifications: ['ISO/IEC 27001', 'ENS Alta'], hostParticipantId: 'hera-hpc',
    heatRecovery: NO_HEAT, reservePricePerGpuHour: 240, currency: 'EUR',
  },
  {
    id: 'sebalyo-pv', name: 'Sebalyo Solar PV plant', model: 'PC-100', gpuCount: 100, ...L40S, pue: '1.15',
    location: { lat: 43.4200, lon: 3.6000 }, country: 'FR', ...FR_OPERATOR,
    certifications: [], hostParticipantId: 'sebalyo',
    heatRecovery: NO_HEAT, reservePricePerGpuHour: 80, currency: 'EUR',
  },
];

const agreements: AgreementSeed[] = [
  { siteId: 'cannes', producers: ['azur-solaire', 'esterel-eolien'], producersShareBps: 7000, hostShareBps: 3000 },
  { siteId: 'abu-dhabi', producers: ['al-dhafra-solar'], producersShareBps: 7500, hostShareBps: 2500 },
  { siteId: 'dijon', producers: ['eoliennes-auxois'], producersShareBps: 6500, hostShareBps: 3500 },
  { siteId: 'texas-abilene', producers: ['roscoe-wind', 'permian-solar'], producersShareBps: 8000, hostShareBps: 2000 },
  { siteId: 'texas-sweetwater', producers: ['roscoe-wind'], producersShareBps: 8000, hostShareBps: 2000 },
  {
    siteId: 'rougeline', producers: ['rougeline-agrivolt', 'biogaz-marmandais'],
    producersShareBps: 6000, hostShareBps: 4000, heatPricePerMwh: 1500,
  },
  { siteId: 'cloudgrid-beauce', producers: ['cloudgrid-energy'], producersShareBps: 8000, hostShareBps: 2000 },
  { siteId: 'hera-zaragoza', producers: ['aragon-eolica', 'red-iberica'], producersShareBps: 7000, hostShareBps: 3000 },
  { siteId: 'sebalyo-pv', producers: ['sebalyo'], producersShareBps: 8000, hostShareBps: 2000 },
];

function siteLocation(siteId: string): { lat: number; lon: number } {
  return sites.find((site) => site.id === siteId)!.location;
}

function offers(start: Date): OfferSeed[] {
  const h = WEEK_HOURS;
  const solar = (seed: number, siteId: string, peakSurplusKwh: number) =>
    solarProfile(start, h, { seed, peakSurplusKwh, ...siteLocation(siteId) });
  const wind = (seed: number, ratedSurplusKwh: number, meanSpeed: number) =>
    windProfile(start, h, { seed, ratedSurplusKwh, meanSpeed });
  return [
    { ref: 'azur-pv', producerId: 'azur-solaire', siteIds: ['cannes'], source: 'solar', carbonGPerKwh: 25, floorPricePerMwh: 3800, currency: 'EUR', profile: solar(11, 'cannes', 260) },
    { ref: 'esterel-wind', producerId: 'esterel-eolien', siteIds: ['cannes'], source: 'wind', carbonGPerKwh: 11, floorPricePerMwh: 4200, currency: 'EUR', profile: wind(12, 110, 7.5) },
    { ref: 'dhafra-pv', producerId: 'al-dhafra-solar', siteIds: ['abu-dhabi'], source: 'solar', carbonGPerKwh: 22, floorPricePerMwh: 1600, currency: 'EUR', profile: solar(21, 'abu-dhabi', 420) },
    { ref: 'auxois-wind', producerId: 'eoliennes-auxois', siteIds: ['dijon'], source: 'wind', carbonGPerKwh: 12, floorPricePerMwh: 4000, currency: 'EUR', profile: wind(31, 90, 7.8) },
    { ref: 'roscoe-wind-usd', producerId: 'roscoe-wind', siteIds: ['texas-abilene'], source: 'wind', carbonGPerKwh: 11, floorPricePerMwh: 2200, currency: 'USD', profile: wind(41, 620, 8.8) },
    { ref: 'permian-pv-usd', producerId: 'permian-solar', siteIds: ['texas-abilene'], source: 'solar', carbonGPerKwh: 24, floorPricePerMwh: 2000, currency: 'USD', profile: solar(42, 'texas-abilene', 450) },
    { ref: 'roscoe-wind-eur', producerId: 'roscoe-wind', siteIds: ['texas-sweetwater'], source: 'wind', carbonGPerKwh: 11, floorPricePerMwh: 2100, currency: 'EUR', profile: wind(43, 720, 8.6) },
    { ref: 'rougeline-pv', producerId: 'rougeline-agrivolt', siteIds: ['rougeline'], source: 'solar', carbonGPerKwh: 27, floorPricePerMwh: 3500, currency: 'EUR', profile: solar(51, 'rougeline', 700) },
    { ref: 'marmandais-biogas', producerId: 'biogaz-marmandais', siteIds: ['rougeline'], source: 'biomass', carbonGPerKwh: 45, floorPricePerMwh: 6000, currency: 'EUR', profile: steadyProfile(start, h, 52, 140) },
    { ref: 'cloudgrid-wind', producerId: 'cloudgrid-energy', siteIds: ['cloudgrid-beauce'], source: 'wind', carbonGPerKwh: 10, floorPricePerMwh: 3000, currency: 'EUR', profile: wind(61, 190, 8.2) },
    { ref: 'aragon-wind', producerId: 'aragon-eolica', siteIds: ['hera-zaragoza'], source: 'wind', carbonGPerKwh: 12, floorPricePerMwh: 3200, currency: 'EUR', profile: wind(71, 150, 7.9) },
    { ref: 'iberica-grid', producerId: 'red-iberica', siteIds: ['hera-zaragoza'], source: 'grid', carbonGPerKwh: 160, floorPricePerMwh: 7500, currency: 'EUR', profile: steadyProfile(start, h, 72, 70) },
    { ref: 'sebalyo-pv', producerId: 'sebalyo', siteIds: ['sebalyo-pv'], source: 'solar', carbonGPerKwh: 23, floorPricePerMwh: 3000, currency: 'EUR', profile: solar(81, 'sebalyo-pv', 130) },
  ];
}

type OrderRow = [
  ref: string,
  buyerId: string,
  gpus: number,
  hours: number,
  fromHour: number,
  toHour: number,
  gpuModel: string | undefined,
  maxPricePerGpuHour: number,
  currency: 'EUR' | 'USD',
  allOrNone: boolean,
  constraints: OrderConstraints,
];

const FR_ONLY: OrderConstraints = { jurisdictions: ['FR'] };
const EU_ONLY: OrderConstraints = { jurisdictions: ['EU'] };
const ANYWHERE: OrderConstraints = {};
const NEAR_PARIS: OrderConstraints = { maxDistanceKm: { origin: PARIS, km: 350 } };

// ref, buyer, GPUs, hours, window [from, to) in hours into the week, model, bid (minor units), currency, all-or-none, constraints
const orderRows: OrderRow[] = [
  ['fr-health-records', 'sante-data-hub', 32, 24, 0, 96, 'H100', 320, 'EUR', false, FR_ONLY],
  ['fr-health-batch', 'sante-data-hub', 64, 12, 24, 72, 'H100', 300, 'EUR', true, FR_ONLY],
  ['fr-health-urgent', 'sante-data-hub', 4, 2, 2, 6, 'H100', 500, 'EUR', true, FR_ONLY],
  ['fr-genomics', 'sante-data-hub', 48, 60, 0, 168, 'H100', 310, 'EUR', false, FR_ONLY],
  ['fr-health-lowball', 'sante-data-hub', 8, 10, 0, 168, 'H100', 150, 'EUR', false, FR_ONLY],
  ['fr-llm-pretrain', 'institut-ia', 200, 4, 0, 168, 'H100', 400, 'EUR', true, { jurisdictions: ['FR'], sovereignOperator: true }],
  ['fr-llm-finetune', 'institut-ia', 16, 72, 0, 168, 'H100', 260, 'EUR', false, FR_ONLY],
  ['fr-vision', 'institut-ia', 40, 48, 0, 168, 'L40S', 150, 'EUR', false, FR_ONLY],
  ['fr-vision-sweep', 'institut-ia', 80, 20, 24, 168, 'L40S', 120, 'EUR', true, FR_ONLY],
  ['fr-eval-late', 'institut-ia', 24, 40, 72, 168, 'H100', 270, 'EUR', false, FR_ONLY],
  ['fr-climate', 'institut-ia', 64, 30, 24, 144, 'H100', 295, 'EUR', false, { jurisdictions: ['FR'], sovereignOperator: true }],
  ['fr-full-site', 'institut-ia', 100, 6, 0, 168, 'H100', 350, 'EUR', true, FR_ONLY],
  ['paris-imaging', 'hopitaux-paris', 24, 24, 0, 72, undefined, 260, 'EUR', false, NEAR_PARIS],
  ['paris-imaging-burst', 'hopitaux-paris', 48, 6, 0, 168, 'H100', 300, 'EUR', true, NEAR_PARIS],
  ['eu-h200-train', 'lumen-ai', 48, 36, 12, 120, 'H200', 380, 'EUR', false, EU_ONLY],
  ['eu-h100-train', 'lumen-ai', 120, 24, 0, 168, 'H100', 300, 'EUR', false, EU_ONLY],
  ['eu-h100-tune', 'lumen-ai', 24, 48, 0, 168, 'H100', 280, 'EUR', false, EU_ONLY],
  ['eu-burst', 'lumen-ai', 50, 8, 100, 140, 'H100', 320, 'EUR', true, EU_ONLY],
  ['eu-long-tail', 'lumen-ai', 8, 120, 0, 168, 'H100', 210, 'EUR', false, EU_ONLY],
  ['eu-sovereign', 'lumen-ai', 30, 12, 0, 168, 'H100', 290, 'EUR', false, { jurisdictions: ['EU'], sovereignOperator: true }],
  ['eu-green-protein', 'biogen-lab', 32, 24, 48, 168, 'H200', 360, 'EUR', false, { jurisdictions: ['EU'], renewableOnly: true }],
  ['eu-low-carbon', 'biogen-lab', 20, 30, 0, 168, 'L40S', 140, 'EUR', false, { jurisdictions: ['EU'], maxCarbonGPerKwh: 30 }],
  ['eu-l40s-small', 'biogen-lab', 16, 16, 0, 168, 'L40S', 95, 'EUR', false, EU_ONLY],
  ['render-h200', 'render-global', 80, 24, 0, 168, 'H200', 320, 'EUR', false, ANYWHERE],
  ['render-h100', 'render-global', 60, 30, 0, 168, 'H100', 230, 'EUR', false, ANYWHERE],
  ['render-h200-block', 'render-global', 200, 10, 0, 168, 'H200', 300, 'EUR', true, ANYWHERE],
  ['render-any', 'render-global', 100, 20, 0, 168, undefined, 250, 'EUR', false, ANYWHERE],
  ['render-h200-wide', 'render-global', 300, 6, 24, 168, 'H200', 280, 'EUR', false, ANYWHERE],
  ['render-l40s', 'render-global', 50, 24, 0, 168, 'L40S', 110, 'EUR', false, ANYWHERE],
  ['render-lowball', 'render-global', 20, 10, 0, 168, 'H200', 100, 'EUR', false, ANYWHERE],
  ['render-h100-small', 'render-global', 12, 36, 0, 168, 'H100', 200, 'EUR', false, ANYWHERE],
  ['gulf-h200', 'render-global', 60, 40, 0, 168, 'H200', 250, 'EUR', false, { jurisdictions: ['GCC'] }],
  ['us-h100-train', 'lone-star-ml', 200, 24, 0, 168, 'H100', 260, 'USD', false, { jurisdictions: ['US'] }],
  ['us-h100-block', 'lone-star-ml', 350, 8, 0, 168, 'H100', 240, 'USD', true, { jurisdictions: ['US'] }],
  ['us-h100-tune', 'lone-star-ml', 64, 48, 0, 168, 'H100', 220, 'USD', false, ANYWHERE],
  ['us-inference', 'lone-star-ml', 40, 100, 0, 168, undefined, 200, 'USD', false, ANYWHERE],
];

/** The whole market for the week starting at `weekStart` (a future UTC whole hour). */
export function buildSeed(weekStart: Date, agreementsEffectiveFrom: Date): MarketSeed {
  const at = (hour: number) => slotIso(weekStart.getTime() + hour * 3_600_000);
  const orders = orderRows.map(
    ([ref, buyerId, gpus, hours, fromHour, toHour, gpuModel, maxPricePerGpuHour, currency, allOrNone, constraints]) => ({
      ref,
      buyerId,
      gpus,
      hours,
      earliestStart: at(fromHour),
      deadline: at(toHour),
      ...(gpuModel ? { gpuModel } : {}),
      maxPricePerGpuHour,
      currency,
      allOrNone,
      constraints,
    }),
  );
  return {
    weekStart: at(0),
    weekEnd: at(WEEK_HOURS),
    agreementsEffectiveFrom: slotIso(agreementsEffectiveFrom.getTime()),
    participants,
    sites,
    agreements,
    offers: offers(weekStart),
    orders,
  };
}
