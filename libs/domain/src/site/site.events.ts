import { DomainEvent } from '../shared/event';
import { CountryCode } from '../shared/countries';
import { GeoPoint } from '../shared/geo';
import { CurrencyCode } from '../shared/money';

export type SiteStatus = 'active' | 'suspended' | 'decommissioned';

export interface HeatRecovery {
  enabled: boolean;
  /** Share of the waste heat recovered, in bps; 0 when recovery is disabled. */
  recoveredShareBps: number;
}

export type SiteRegistered = DomainEvent<
  'SiteRegistered',
  {
    siteId: string;
    name: string;
    model: string;
    gpuCount: number;
    gpuModel: string;
    /** Decimal text, to the watt: "0.7". */
    gpuPowerKw: string;
    /** Decimal text, to the thousandth: "1.125". */
    pue: string;
    /** `e = gpuPowerKw × pue` in whole Wh, rounded up (shared/energy energyPerGpuHourWh). */
    energyPerGpuHourWh: number;
    location: GeoPoint;
    country: CountryCode;
    operatorLegalEntity: string;
    operatorJurisdiction: CountryCode;
    certifications: string[];
    hostParticipantId: string;
    heatRecovery: HeatRecovery;
    reservePricePerGpuHour: number;
    currency: CurrencyCode;
  },
  1
>;

/** Only the fields that changed; `energyPerGpuHourWh` accompanies a changed `pue`. */
export interface SiteChanges {
  name?: string;
  certifications?: string[];
  reservePricePerGpuHour?: number;
  pue?: string;
  energyPerGpuHourWh?: number;
  heatRecovery?: HeatRecovery;
  operatorLegalEntity?: string;
  operatorJurisdiction?: CountryCode;
  hostParticipantId?: string;
  status?: 'active' | 'suspended';
}

export type SiteUpdated = DomainEvent<'SiteUpdated', { siteId: string; changes: SiteChanges }, 1>;

export type MaintenanceScheduled = DomainEvent<
  'MaintenanceScheduled',
  {
    siteId: string;
    maintenanceId: string;
    /** First slot of the window. */
    from: string;
    /** Slot right after the window (exclusive). */
    to: string;
    gpusOffline: number;
  },
  1
>;

export type AgreementSet = DomainEvent<
  'AgreementSet',
  {
    siteId: string;
    /** 1, 2, ... in the order set; the version in force at a slot is the last one effective by then. */
    version: number;
    effectiveFrom: string;
    hostParticipantId: string;
    producers: { participantId: string }[];
    producersShareBps: number;
    hostShareBps: number;
    /** Minor units of the site's currency per MWh of recovered heat the host buys. */
    heatPricePerMwh?: number;
  },
  1
>;

export type SiteDecommissioned = DomainEvent<
  'SiteDecommissioned',
  { siteId: string; decommissionedAt: string },
  1
>;

export type SiteEvent =
  SiteRegistered | SiteUpdated | MaintenanceScheduled | AgreementSet | SiteDecommissioned;
