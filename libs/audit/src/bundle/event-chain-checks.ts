import { eventHash, GENESIS_HASH } from '../event-hash';
import { BundledEvent } from './bundle-lines';
import { LineProblem } from './verification';

/** How failures name an event. */
export function describeEvent(event: BundledEvent): string {
  return `event ${event.id} (${event.streamId}@${event.revision}, position ${event.globalPosition})`;
}

/** Event lines come in strictly increasing global position. */
export class GlobalOrder {
  private previousPosition = 0;

  /** The order problem, if any; otherwise the event's position becomes the one to pass. */
  problem(event: BundledEvent, where: string): LineProblem | undefined {
    if (event.globalPosition <= this.previousPosition)
      return {
        kind: 'order',
        message: `${where} does not come after position ${this.previousPosition}`,
      };
    this.previousPosition = event.globalPosition;
    return undefined;
  }
}

/** The stated hash is the hash of the event's content and stated prevHash. */
export function eventHashProblem(event: BundledEvent, where: string): LineProblem | undefined {
  const recomputed = eventHash(event, event.prevHash);
  if (recomputed === event.hash) return undefined;
  return {
    kind: 'event_hash',
    message: `${where}: its content and prevHash hash to ${recomputed}, not to the stated hash ${event.hash}`,
  };
}

/**
 * Each stream's hash chain, as far as the bundle holds it: revision 0 follows GENESIS, revisions
 * increase, and an event right after a sound one of its stream links to its hash (a filtered
 * export may skip revisions: nothing is said across a gap).
 */
export class StreamChains {
  private readonly lastOfStream = new Map<string, { event: BundledEvent; ok: boolean }>();

  linkProblem(event: BundledEvent, where: string): LineProblem | undefined {
    if (event.revision === 0 && event.prevHash !== GENESIS_HASH)
      return { kind: 'chain_break', message: `${where}: revision 0 must follow GENESIS` };
    const last = this.lastOfStream.get(event.streamId);
    if (!last) return undefined;
    if (event.revision <= last.event.revision)
      return {
        kind: 'order',
        message: `${where} comes after revision ${last.event.revision} of its stream`,
      };
    if (event.revision === last.event.revision + 1 && last.ok && event.prevHash !== last.event.hash)
      return {
        kind: 'chain_break',
        message: `${where}: prevHash ${event.prevHash} is not the hash of revision ${last.event.revision} (${last.event.hash})`,
      };
    return undefined;
  }

  /** The event becomes its stream's last unless a higher revision came before it. */
  record(event: BundledEvent, ok: boolean): void {
    const last = this.lastOfStream.get(event.streamId);
    if (!last || event.revision > last.event.revision)
      this.lastOfStream.set(event.streamId, { event, ok });
  }
}
