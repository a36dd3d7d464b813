import { Decider } from '../shared/aggregate';
import { EnergyCertificateCommand } from './energy-certificate.commands';
import { decideEnergyCertificate, OfferHourContext } from './energy-certificate.decide';
import { EnergyCertificateEvent } from './energy-certificate.events';
import {
  evolveOfferHourCertificates,
  initialOfferHourCertificates,
  OfferHourCertificates,
} from './energy-certificate.evolve';

export * from './bidding-zones';
export * from './emission-factors';
export * from './energy-certificate.commands';
export * from './energy-certificate.decide';
export * from './energy-certificate.events';
export * from './energy-certificate.evolve';
export * from './metered-split';

export const energyCertificateDecider: Decider<
  OfferHourCertificates,
  EnergyCertificateCommand,
  EnergyCertificateEvent,
  OfferHourContext
> = {
  name: 'energy-certificate',
  initialState: initialOfferHourCertificates,
  decide: decideEnergyCertificate,
  evolve: evolveOfferHourCertificates,
};

/** One stream per offer-hour; no dash in the prefix (Kafka topics are named after it). */
export const energyCertificateStreamId = (offerId: string, slot: string): string =>
  `certificates-${offerId}-${slot}`;
