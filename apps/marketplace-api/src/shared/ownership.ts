import { hasRole, Principal } from '@policloud/auth';
import { DomainError } from '@policloud/domain';

/**
 * A resource is visible to its owner and to operators; to anyone else it does not exist (404),
 * so ids of other parties' resources reveal nothing.
 */
export function assertVisible(
  principal: Principal,
  ownerId: string,
  what: string,
  id: string,
): void {
  if (principal.participantId !== ownerId && !hasRole(principal, 'operator')) {
    throw DomainError.notFound(what, id);
  }
}

/** Owners (not operators) change their own resources; anyone else gets a 404 as above. */
export function assertOwner(principal: Principal, ownerId: string, what: string, id: string): void {
  if (principal.participantId !== ownerId) throw DomainError.notFound(what, id);
}
