export const ROLES = ['operator', 'producer', 'host', 'buyer', 'site', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: resolved from the API key on every request. */
export interface Principal {
  participantId: string;
  roles: readonly Role[];
  /** For a site identity: the one site it reports for. */
  siteId?: string;
}

export function hasRole(principal: Principal, ...roles: Role[]): boolean {
  return roles.some((role) => principal.roles.includes(role));
}
