import { CountryCode } from '../shared/countries';
import { Command } from '../shared/event';
import { GeoPoint } from '../shared/geo';
import { CurrencyCode } from '../shared/money';
import { HeatRecovery } from './site.events';

/** Typed at the edge by parseRegisterSite: valid values, decimals as canonical text. */
export type RegisterSite = Command<
  'RegisterSite',
  {
    siteId: string;
    name: string;
    model: string;
    gpuCount: number;
    gpuModel: string;
    /** Canonical decimal text, at most 3 places (watts): "0.7". */
    gpuPowerKw: string;
    /** Canonical decimal text ≥ 1, at most 3 places: "1.125". */
    pue: string;
    location: GeoPoint;
    country: CountryCode;
    operatorLegalEntity: string;
    operatorJurisdiction: CountryCode;
    certifications: string[];
    hostParticipantId: string;
    heatRecovery: HeatRecovery;
    reservePricePerGpuHour: number;
    currency: CurrencyCode;
  }
>;

/**
 * The fields an operator may change after registration (parseUpdateSite rejects any other),
 * valid values, the PUE as canonical decimal text.
 */
export interface SiteChangeRequest {
  name?: string;
  certifications?: string[];
  reservePricePerGpuHour?: number;
  pue?: string;
  heatRecovery?: HeatRecovery;
  operatorLegalEntity?: string;
  operatorJurisdiction?: CountryCode;
  hostParticipantId?: string;
  /** Suspending takes the site out of matching without decommissioning it. */
  status?: 'active' | 'suspended';
}

export type UpdateSite = Command<'UpdateSite', { siteId: string; changes: SiteChangeRequest }>;

export type ScheduleMaintenance = Command<
  'ScheduleMaintenance',
  { siteId: string; maintenanceId: string; from: string; to: string; gpusOffline: number }
>;

export type SetAgreement = Command<
  'SetAgreement',
  {
    siteId: string;
    effectiveFrom: string;
    hostParticipantId: string;
    producers: { participantId: string }[];
    producersShareBps: number;
    hostShareBps: number;
    heatPricePerMwh?: number;
  }
>;

export type DecommissionSite = Command<
  'DecommissionSite',
  { siteId: string; decommissionedAt: string }
>;

export type SiteCommand =
  RegisterSite | UpdateSite | ScheduleMaintenance | SetAgreement | DecommissionSite;
