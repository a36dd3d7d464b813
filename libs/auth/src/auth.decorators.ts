import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Principal, Role } from './roles';

export const PUBLIC_ROUTE = 'policloud:public';
export const ALLOWED_ROLES = 'policloud:roles';

/** No API key needed (health, docs, metrics). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The caller needs at least one of these roles; ownership is checked by the service. */
export const Roles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

export interface AuthenticatedRequest {
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().principal!,
);
