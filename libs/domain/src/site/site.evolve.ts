import { CorruptStreamError } from '../shared/aggregate';
import {
  AgreementSet,
  MaintenanceScheduled,
  SiteEvent,
  SiteRegistered,
  SiteStatus,
} from './site.events';

export type MaintenanceWindow = Omit<MaintenanceScheduled['data'], 'siteId'>;
export type Agreement = Omit<AgreementSet['data'], 'siteId'>;

export type Site = SiteRegistered['data'] & {
  status: SiteStatus;
  maintenance: MaintenanceWindow[];
  /** In version order; effective dates never decrease. */
  agreements: Agreement[];
  decommissionedAt?: string;
};

export type SiteState = { status: 'absent' } | Site;

export const initialSiteState = (): SiteState => ({ status: 'absent' });

export function evolveSite(state: SiteState, event: SiteEvent): SiteState {
  if (event.type === 'SiteRegistered') {
    return { ...event.data, status: 'active', maintenance: [], agreements: [] };
  }
  if (state.status === 'absent') {
    throw new CorruptStreamError('site', `${event.type} before SiteRegistered`);
  }
  switch (event.type) {
    case 'SiteUpdated':
      return { ...state, ...event.data.changes };
    case 'MaintenanceScheduled': {
      const { siteId: _, ...window } = event.data;
      return { ...state, maintenance: [...state.maintenance, window] };
    }
    case 'AgreementSet': {
      const { siteId: _, ...agreement } = event.data;
      return { ...state, agreements: [...state.agreements, agreement] };
    }
    case 'SiteDecommissioned':
      return { ...state, status: 'decommissioned', decommissionedAt: event.data.decommissionedAt };
  }
}
