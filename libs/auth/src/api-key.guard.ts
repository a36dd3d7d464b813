import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { ProblemException } from '@policloud/http';
import { hashApiKey, PRINCIPAL_DIRECTORY, PrincipalDirectory } from './api-key';
import { ALLOWED_ROLES, AuthenticatedRequest, PUBLIC_ROUTE } from './auth.decorators';
import { hasRole, Role } from './roles';

/**
 * Every route needs `Authorization: Bearer <api key>` unless marked @Public(): 401 without a
 * valid key, 403 when the caller has none of the route's roles.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(PRINCIPAL_DIRECTORY) private readonly directory: PrincipalDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match)
      throw new ProblemException(401, 'An API key is required: Authorization: Bearer <key>');
    const principal = await this.directory.findByKeyHash(hashApiKey(match[1]));
    if (!principal) throw new ProblemException(401, 'The API key is not valid');
    request.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[]>(ALLOWED_ROLES, targets);
    if (roles && !hasRole(principal, ...roles)) {
      throw new ProblemException(403, `This requires one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }
}
