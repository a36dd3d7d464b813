import { Decider } from '../shared/aggregate';
import { SiteCommand } from './site.commands';
import { SiteContext, decideSite } from './site.decide';
import { SiteEvent } from './site.events';
import { SiteState, evolveSite, initialSiteState } from './site.evolve';

export * from './site.commands';
export * from './site.decide';
export * from './site.events';
export * from './site.evolve';
export * from './site.parse';
export * from './site.queries';

export const siteDecider: Decider<SiteState, SiteCommand, SiteEvent, SiteContext> = {
  name: 'site',
  initialState: initialSiteState,
  decide: decideSite,
  evolve: evolveSite,
};

export const siteStreamId = (siteId: string): string => `site-${siteId}`;
