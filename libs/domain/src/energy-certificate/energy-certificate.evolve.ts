import { CorruptStreamError } from '../shared/aggregate';
import { EnergyCertificate, EnergyCertificateEvent } from './energy-certificate.events';

export type CertificateStatus = 'issued' | 'claimed' | 'cancelled';

export type CertificateEntry = EnergyCertificate & { status: CertificateStatus };

/** One offer-hour: every certificate ever issued on its energy, in issue order. */
export interface OfferHourCertificates {
  certificates: CertificateEntry[];
}

export const initialOfferHourCertificates = (): OfferHourCertificates => ({ certificates: [] });

/** Issued or claimed: it still counts against the offer-hour's energy. */
export const isActive = (entry: CertificateEntry): boolean => entry.status !== 'cancelled';

export function evolveOfferHourCertificates(
  state: OfferHourCertificates,
  event: EnergyCertificateEvent,
): OfferHourCertificates {
  switch (event.type) {
    case 'EnergyCertificateIssued':
      return { certificates: [...state.certificates, { ...event.data, status: 'issued' }] };
    case 'EnergyCertificateClaimed':
      return withStatus(state, event.type, event.data.certificateId, 'claimed');
    case 'EnergyCertificateCancelled':
      return withStatus(state, event.type, event.data.certificateId, 'cancelled');
  }
}

function withStatus(
  state: OfferHourCertificates,
  eventType: string,
  certificateId: string,
  status: CertificateStatus,
): OfferHourCertificates {
  if (!state.certificates.some((entry) => entry.certificateId === certificateId)) {
    throw new CorruptStreamError('energy-certificate', `${eventType} of unknown ${certificateId}`);
  }
  return {
    certificates: state.certificates.map((entry) =>
      entry.certificateId === certificateId ? { ...entry, status } : entry,
    ),
  };
}
