/** Request-level authentication: turns a bearer token into the actor the policy understands. */
import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../errors.ts';
import type { AuthService } from '../auth/authService.ts';

export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  if (!match?.[1]) throw unauthorized();
  return match[1];
}

export async function requireStaff(request: FastifyRequest, auth: AuthService) {
  return auth.verifyStaff(bearerToken(request));
}
