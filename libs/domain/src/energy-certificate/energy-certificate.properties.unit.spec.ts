import fc from 'fast-check';
import { fold } from '../shared/aggregate';
import { allocationRecord } from '../testing/examples';
import {
  EnergyCertificateCommand,
  EnergyCertificateEvent,
  energyCertificateDecider,
  isActive,
  OfferHourCertificates,
  splitMeteredWh,
} from '.';

const SLOT = '2026-03-01T10:00:00Z';

/** Allocations of one offer-hour; matching allocated `wh` of the offer to each. */
const allocationsArb = fc.array(fc.integer({ min: 1, max: 5_000 }), { minLength: 1, maxLength: 5 });

type Step =
  | { kind: 'usage'; allocation: number; meteredWh: number; gpuHours: number }
  | { kind: 'claim'; certificate: number; byBeneficiary: boolean };

const stepArb = fc.oneof(
  fc.record({
    kind: fc.constant('usage' as const),
    allocation: fc.nat(4),
    meteredWh: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 8_000 })),
    gpuHours: fc.integer({ min: 0, max: 8 }),
  }),
  fc.record({
    kind: fc.constant('claim' as const),
    certificate: fc.nat(20),
    byBeneficiary: fc.boolean(),
  }),
);

function allocationData(index: number, wh: number) {
  return allocationRecord({
    allocationId: `alloc-${index}`,
    buyerId: `buyer-${index % 2}`,
    slot: SLOT,
    energy: [{ ...allocationRecord().energy[0], offerId: 'offer-1', wh }],
  });
}

/** Replays a random history through the decider, as the command handler would: decide, then evolve. */
function replay(offeredWh: number, allocationWh: number[], steps: Step[]) {
  let state: OfferHourCertificates = energyCertificateDecider.initialState();
  const revisions = allocationWh.map(() => -1);
  const history: EnergyCertificateEvent[] = [];
  for (const step of steps) {
    let command: EnergyCertificateCommand;
    if (step.kind === 'usage') {
      const index = step.allocation % allocationWh.length;
      const allocation = allocationData(index, allocationWh[index]);
      revisions[index] += 1;
      command = {
        type: 'CertifyUsage',
        data: {
          allocation,
          offerId: 'offer-1',
          meteredWh: step.meteredWh,
          gpuHours: step.gpuHours,
          biddingZone: 'FR',
          evidence: {
            runId: 'run-1',
            allocationId: allocation.allocationId,
            usageStreamId: `usage-${allocation.allocationId}`,
            usageRevision: revisions[index],
          },
          recordedAt: '2026-03-01T11:00:00.000Z',
        },
      };
    } else {
      const certificate =
        state.certificates[step.certificate % Math.max(1, state.certificates.length)];
      if (!certificate) continue;
      command = {
        type: 'ClaimCertificate',
        data: {
          certificateId: certificate.certificateId,
          claimantId: step.byBeneficiary ? certificate.beneficiaryId : 'someone-else',
          claimedAt: '2026-03-02T00:00:00.000Z',
        },
      };
    }
    let events: EnergyCertificateEvent[];
    try {
      events = energyCertificateDecider.decide(command, state, { deliverableWh: offeredWh });
    } catch {
      continue; // refused: nothing is written
    }
    history.push(...events);
    state = fold(energyCertificateDecider.evolve, state, events);
  }
  return { state, history };
}

describe('energy certificate invariants over random histories', () => {
  it('never certifies more Wh on an offer-hour than it offered, nor an allocation hour twice', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12_000 }),
        allocationsArb,
        fc.array(stepArb, { maxLength: 40 }),
        (offeredWh, allocationWh, steps) => {
          const { state, history } = replay(offeredWh, allocationWh, steps);
          // Replaying the stored events gives the same state: evolve agrees with decide.
          expect(
            fold(energyCertificateDecider.evolve, energyCertificateDecider.initialState(), history),
          ).toEqual(state);

          const active = state.certificates.filter(isActive);
          const certifiedWh = active.reduce((sum, entry) => sum + entry.wh, 0);
          expect(certifiedWh).toBeLessThanOrEqual(offeredWh);

          const allocationsInForce = active.map((entry) => entry.evidence.allocationId);
          expect(new Set(allocationsInForce).size).toBe(allocationsInForce.length);

          for (const entry of active) {
            const index = Number(entry.evidence.allocationId.slice('alloc-'.length));
            expect(entry.wh).toBeGreaterThan(0);
            expect(entry.wh).toBeLessThanOrEqual(allocationWh[index]);
          }
          const ids = state.certificates.map((entry) => entry.certificateId);
          expect(new Set(ids).size).toBe(ids.length);
          // Only the beneficiary ever claims.
          for (const event of history) {
            if (event.type === 'EnergyCertificateClaimed') {
              const entry = state.certificates.find(
                (c) => c.certificateId === event.data.certificateId,
              );
              expect(event.data.beneficiaryId).toBe(entry?.beneficiaryId);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('splits metered Wh over offers into parts that sum to it, each pro rata within 1 Wh', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10_000_000_000 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 10_000_000_000 }),
        (whs, meteredWh) => {
          const energy = whs.map((wh, index) => ({ offerId: `offer-${index}`, wh }));
          const parts = splitMeteredWh(energy, meteredWh);
          expect(parts.reduce((sum, part) => sum + part.wh, 0)).toBe(meteredWh);
          const total = whs.reduce((sum, wh) => sum + wh, 0);
          parts.forEach((part, index) => {
            const exact = (meteredWh * whs[index]) / total;
            expect(Math.abs(part.wh - exact)).toBeLessThan(1.001);
          });
        },
      ),
    );
  });
});
