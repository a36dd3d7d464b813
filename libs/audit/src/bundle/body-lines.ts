import { BundledEvent, BundleProof } from './bundle-lines';
import {
  checkpointChainProblem,
  CheckpointLines,
  checkpointSignatureProblem,
  cosignatureQuorumProblem,
  unlistedCheckpoint,
  WitnessPolicy,
} from './checkpoint-checks';
import { describeEvent, eventHashProblem, GlobalOrder, StreamChains } from './event-chain-checks';
import { HeaderTrust } from './header-trust';
import { Malformed } from './line-fields';
import { parseCheckpointLine, parseCosignatures, parseEventLine } from './parse-body-lines';
import { SealVerdict, sealVerdict } from './seal-checks';
import { selectionProblem, unlistedEvent } from './selection-checks';
import { VerificationReport } from './verification';

/** What the lines after the header are verified against, and what they established so far. */
export class BodyState {
  readonly checkpoints = new CheckpointLines();
  readonly order = new GlobalOrder();
  readonly streams = new StreamChains();

  constructor(
    readonly trust: HeaderTrust,
    readonly witnessPolicy?: WitnessPolicy,
  ) {}
}

/**
 * One line after the header: at most one failure, the first problem found on it. A malformed
 * line (a second header, an unknown kind, a field missing or ill-typed) fails as `malformed`.
 */
export function verifyBodyLine(
  value: Record<string, unknown>,
  line: number,
  state: BodyState,
  report: VerificationReport,
): void {
  try {
    if (value.kind === 'header') throw new Malformed('a second header');
    if (value.kind === 'checkpoint') return verifyCheckpointLine(value, line, state, report);
    if (value.kind !== 'event')
      throw new Malformed(`unknown line kind ${JSON.stringify(value.kind)}`);
    verifyEventLine(value, line, state, report);
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    report.fail(line, 'malformed', error.message);
  }
}

function verifyCheckpointLine(
  value: Record<string, unknown>,
  line: number,
  state: BodyState,
  report: VerificationReport,
): void {
  const checkpoint = parseCheckpointLine(value);
  const cosignatures = parseCosignatures(value);
  const placed = state.checkpoints.add(checkpoint, line);
  if ('kind' in placed) return report.failLine(line, placed);
  const { tally, verifyingKey, keys } = state.trust;
  // Its own key when a rotation chain in the header reaches it, else the bundle's key.
  const own = keys?.get(checkpoint.keyId);
  const checkpointKey = own ? { key: own, keyId: checkpoint.keyId } : verifyingKey;
  const problem =
    unlistedCheckpoint(checkpoint, tally) ??
    checkpointSignatureProblem(checkpoint, checkpointKey) ??
    checkpointChainProblem(checkpoint, placed.previous) ??
    cosignatureQuorumProblem(checkpoint, cosignatures, checkpointKey, state.witnessPolicy);
  if (problem) return report.failLine(line, problem);
  placed.entry.valid = true;
  report.checkpointsVerified += 1;
}

function verifyEventLine(
  value: Record<string, unknown>,
  line: number,
  state: BodyState,
  report: VerificationReport,
): void {
  state.checkpoints.closed = true;
  const { event, proof } = parseEventLine(value);
  const tally = state.trust.tally;
  const listed = tally ? tally.event(event, line) : true;
  const verdict = eventVerdict(event, proof, listed, state);
  if (verdict === 'verified') report.eventsVerified += 1;
  else if (verdict === 'unsealed') report.unsealedEvents += 1;
  else if (verdict !== 'unproven') report.failLine(line, verdict);
  state.streams.record(event, verdict === 'verified' || verdict === 'unsealed');
}

/** An event's checks, in order: place, content, stream chain, header, selection, seal. */
function eventVerdict(
  event: BundledEvent,
  proof: BundleProof | null,
  listed: boolean,
  state: BodyState,
): SealVerdict {
  const where = describeEvent(event);
  return (
    state.order.problem(event, where) ??
    eventHashProblem(event, where) ??
    state.streams.linkProblem(event, where) ??
    unlistedEvent(listed, where) ??
    selectionProblem(event, state.trust.header?.selection, where) ??
    sealVerdict(event, proof, state.checkpoints, where)
  );
}
