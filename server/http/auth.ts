/** Request-level authentication: turns a bearer token into the actor the policy understands. */
import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../errors.ts';
import type { AuthService, PartyActor } from '../auth/authService.ts';
import type { StaffActor } from '../auth/policy.ts';
import type { RequestContext } from '../cases/caseService.ts';

export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  if (!match?.[1]) throw unauthorized();
  return match[1];
}

export function requireStaff(request: FastifyRequest, auth: AuthService): Promise<StaffActor> {
  return auth.verifyStaff(bearerToken(request));
}

export function requireParty(request: FastifyRequest, auth: AuthService): Promise<PartyActor> {
  return auth.verifyParty(bearerToken(request));
}

export function contextOf(request: FastifyRequest): RequestContext {
  return { ip: request.ip };
}
