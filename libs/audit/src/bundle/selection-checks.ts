import { BundledEvent } from './bundle-lines';
import { LineProblem } from './verification';

/** An event line the signed header does not list. */
export function unlistedEvent(listed: boolean, where: string): LineProblem | undefined {
  if (listed) return undefined;
  return {
    kind: 'unlisted',
    message: `${where} is not among the events the signed header lists (the line was added or edited)`,
  };
}

/** An event the signed selection excludes (by stream or type: fields its hash covers). */
export function selectionProblem(
  event: BundledEvent,
  selection: Record<string, unknown> | undefined,
  where: string,
): LineProblem | undefined {
  const outside = outsideSelection(event, selection);
  if (!outside) return undefined;
  return {
    kind: 'selection',
    message: `${where} does not match the signed selection: ${outside}`,
  };
}

/** Why an event cannot belong to a selection by stream or type. */
function outsideSelection(
  event: BundledEvent,
  selection: Record<string, unknown> | undefined,
): string | undefined {
  if (typeof selection?.stream === 'string' && event.streamId !== selection.stream)
    return `its stream is not ${selection.stream}`;
  if (typeof selection?.type === 'string' && event.type !== selection.type)
    return `its type is not ${selection.type}`;
  return undefined;
}
