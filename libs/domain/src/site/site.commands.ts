import { Command } from '../shared/event';
import { GeoPoint } from '../shared/geo';

export interface HeatRecoveryInput {
  enabled: boolean;
  /** Required (1..10000) when enabled; absent or 0 when not. */
  recoveredShareBps?: number;
}

export type RegisterSite = Command<
  'RegisterSite',
  {
    siteId: string;
    name: string;
    model: string;
    gpuCount: number;
    gpuModel: string;
    /** Decimal, at most 3 places (watts): 0.7 or "0.7". */
    gpuPowerKw: number | string;
    /** Decimal ≥ 1, at most 3 places. */
    pue: number | string;
    location: GeoPoint;
    country: string;
    operatorLegalEntity: string;
    operatorJurisdiction: string;
    certifications: string[];
    hostParticipantId: string;
    heatRecovery: HeatRecoveryInput;
    reservePricePerGpuHour: number;
    currency: string;
  }
>;

/** The fields an operator may change after registration; anything else is rejected. */
export interface SiteChangeRequest {
  name?: string;
  certifications?: string[];
  reservePricePerGpuHour?: number;
  pue?: number | string;
  heatRecovery?: HeatRecoveryInput;
  operatorLegalEntity?: string;
  operatorJurisdiction?: string;
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
