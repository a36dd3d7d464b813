import { DeciderSpecification } from '../shared/decider-specification';
import { allocationRecord, energyCertificateIssued } from '../testing/examples';
import {
  CertifyUsage,
  EnergyCertificateCancelled,
  energyCertificateDecider,
  splitMeteredWh,
} from '.';

const spec = DeciderSpecification.for(energyCertificateDecider);

/** Allocation 1: 8 GPUs of site 1 (FR, H100) at 10:00 on 6,304 Wh of wind offer 1 (12 g/kWh). */
const allocation = allocationRecord();
const offerHour = { deliverableWh: 10_000 };

const certify = (overrides: Partial<CertifyUsage['data']> = {}): CertifyUsage => ({
  type: 'CertifyUsage',
  data: {
    allocation,
    offerId: 'offer-1',
    meteredWh: 6_100,
    gpuHours: 8,
    biddingZone: 'FR',
    evidence: {
      runId: 'run-1',
      allocationId: 'alloc-1',
      usageStreamId: 'usage-alloc-1',
      usageRevision: 0,
    },
    recordedAt: '2026-03-01T11:00:30.000Z',
    ...overrides,
  },
});

const issued = energyCertificateIssued;

const amendment = {
  evidence: {
    runId: 'run-1',
    allocationId: 'alloc-1',
    usageStreamId: 'usage-alloc-1',
    usageRevision: 1,
  },
  recordedAt: '2026-03-02T08:00:00.000Z',
};

const cancelled = (certificateId = 'gc.alloc-1.offer-1.1'): EnergyCertificateCancelled => ({
  type: 'EnergyCertificateCancelled',
  schemaVersion: 1,
  data: {
    certificateId,
    offerId: 'offer-1',
    slot: '2026-03-01T10:00:00Z',
    reason: 'usage-amended',
    usageRevision: 1,
    cancelledAt: '2026-03-02T08:00:00.000Z',
  },
});

describe('energy certificates of an offer-hour', () => {
  it('issues a certificate with the metered Wh of the hour, the offer and the site as recorded at match time', () => {
    spec.given([]).when(certify(), offerHour).then([issued()]);
  });

  it('certifies no more than matching allocated from the offer: the excess came from elsewhere', () => {
    spec
      .given([])
      .when(certify({ meteredWh: 7_000 }), offerHour)
      .then([issued({ wh: 6_304 })]);
  });

  it('certifies no more than the offer-hour could still deliver once other allocations are counted', () => {
    const other = issued({
      certificateId: 'gc.alloc-2.offer-1.1',
      wh: 5_000,
      evidence: {
        ...issued().data.evidence,
        allocationId: 'alloc-2',
        usageStreamId: 'usage-alloc-2',
      },
    });
    spec
      .given([other])
      .when(certify(), offerHour)
      .then([issued({ wh: 5_000 })]);
  });

  it('issues nothing for an hour that metered no energy', () => {
    spec
      .given([])
      .when(certify({ meteredWh: 0 }), offerHour)
      .thenNothingHappens();
  });

  it('never certifies an hour twice: the same figures again change nothing', () => {
    spec.given([issued()]).when(certify(), offerHour).thenNothingHappens();
  });

  it('cancels the certificate of amended usage and issues its replacement', () => {
    spec
      .given([issued()])
      .when(certify({ meteredWh: 5_500, ...amendment }), offerHour)
      .then([
        cancelled(),
        issued({
          certificateId: 'gc.alloc-1.offer-1.2',
          wh: 5_500,
          evidence: amendment.evidence,
          issuedAt: amendment.recordedAt,
        }),
      ]);
  });

  it('cancels without replacement when the amended usage metered nothing', () => {
    spec
      .given([issued()])
      .when(certify({ meteredWh: 0, gpuHours: 0, ...amendment }), offerHour)
      .then([cancelled()]);
  });

  it('refuses to certify an offer the allocation did not run on', () => {
    spec
      .given([])
      .when(certify({ offerId: 'offer-9' }), offerHour)
      .thenThrows('invalid', ['offerId']);
  });

  const claim = (claimantId = 'buyer-1') => ({
    type: 'ClaimCertificate' as const,
    data: {
      certificateId: 'gc.alloc-1.offer-1.1',
      claimantId,
      claimedAt: '2026-03-05T09:00:00.000Z',
    },
  });
  const claimed = {
    type: 'EnergyCertificateClaimed' as const,
    schemaVersion: 1 as const,
    data: {
      certificateId: 'gc.alloc-1.offer-1.1',
      offerId: 'offer-1',
      slot: '2026-03-01T10:00:00Z',
      beneficiaryId: 'buyer-1',
      claimedAt: '2026-03-05T09:00:00.000Z',
    },
  };

  it('lets the beneficiary claim an issued certificate', () => {
    spec.given([issued()]).when(claim(), offerHour).then([claimed]);
  });

  it('claims once: a repeated claim changes nothing', () => {
    spec.given([issued(), claimed]).when(claim(), offerHour).thenNothingHappens();
  });

  it('refuses a claim by anyone but the beneficiary', () => {
    spec.given([issued()]).when(claim('buyer-2'), offerHour).thenThrows('forbidden');
  });

  it('refuses a claim of a cancelled certificate', () => {
    spec.given([issued(), cancelled()]).when(claim(), offerHour).thenThrows('conflict');
  });

  it('refuses a claim of a certificate the offer-hour never issued', () => {
    spec.given([]).when(claim(), offerHour).thenThrows('not_found');
  });
});

describe('splitting metered Wh over the offers of an allocation', () => {
  it('splits pro rata to the Wh allocated from each offer, summing to the metered Wh exactly', () => {
    expect(
      splitMeteredWh(
        [
          { offerId: 'a', wh: 1 },
          { offerId: 'b', wh: 1 },
          { offerId: 'c', wh: 1 },
        ],
        100,
      ),
    ).toEqual([
      { offerId: 'a', wh: 34 },
      { offerId: 'b', wh: 33 },
      { offerId: 'c', wh: 33 },
    ]);
  });
});
