/**
 * Staff accounts and logins, and turning any bearer token into an actor the
 * policy understands. Routes and the socket handshake call this.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { AppError, unauthorized } from '../errors.ts';
import type { Db } from '../store/database.ts';
import { findInvitation } from '../store/repositories/rooms.ts';
import { countUsers, findUserById, findUserByUsername, insertUser } from '../store/repositories/users.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import type { Actor, StaffActor, StaffRole } from './policy.ts';
import type { PartyClaims, StaffClaims, TokenClaims } from './tokens.ts';

export interface JwtCodec {
  sign(payload: TokenClaims, options: { expiresIn: number }): string;
  verify(token: string): TokenClaims & { exp?: number };
}

export interface StaffUser {
  id: string;
  username: string;
  displayName: string;
  role: StaffRole;
  organisationId: string | null;
}

// Unknown usernames cost the same time as wrong passwords.
const dummyHash = hashPassword(randomBytes(16).toString('hex'));

/** `signatureSlot`: a collective dispute's representative signs in its own place (representative_1…5). */
export type PartyActor = Extract<Actor, { kind: 'party' }> & { roomId: string; invitationId: string; signatureSlot?: string };

export class AuthService {
  constructor(
    private readonly db: Db,
    readonly jwt: JwtCodec,
    private readonly options: { staffTokenTtlSeconds: number },
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Creates the first admin when the store has no user yet; returns the generated password if one was made. */
  async ensureFirstAdmin(username: string, password: string | undefined): Promise<string | undefined> {
    if ((await countUsers(this.db)) > 0) return undefined;
    const secret = password ?? randomBytes(9).toString('base64url');
    await this.createStaff({ username, password: secret, displayName: '系统管理员', role: 'admin', organisationId: null }).catch(
      async (error: unknown) => {
        // Another server sharing the database may have created it first.
        if ((await countUsers(this.db)) === 0) throw error;
      },
    );
    return password ? undefined : secret;
  }

  async createStaff(input: {
    username: string;
    password: string;
    displayName: string;
    role: StaffRole;
    organisationId: string | null;
    confidentialAccess?: boolean | undefined;
  }): Promise<StaffUser> {
    if (await findUserByUsername(this.db, input.username)) {
      throw new AppError('USERNAME_TAKEN', `The username ${input.username} is taken`, 409);
    }
    const user = {
      id: randomUUID(),
      username: input.username,
      password_hash: await hashPassword(input.password),
      role: input.role,
      display_name: input.displayName,
      organisation_id: input.organisationId,
      confidential_access: input.confidentialAccess ? 1 : 0,
      created_at: new Date().toISOString(),
    };
    await insertUser(this.db, user);
    return { id: user.id, username: user.username, displayName: user.display_name, role: user.role, organisationId: user.organisation_id };
  }

  async login(username: string, password: string): Promise<{ token: string; expiresAt: string; user: StaffUser }> {
    const user = await findUserByUsername(this.db, username);
    const ok = user ? await verifyPassword(password, user.password_hash) : (await verifyPassword(password, await dummyHash), false);
    if (!user || !ok || user.disabled) {
      throw new AppError('INVALID_CREDENTIALS', 'Wrong username or password', 401);
    }
    const claims: StaffClaims = { typ: 'staff', sub: user.id, role: user.role, name: user.display_name };
    const token = this.jwt.sign(claims, { expiresIn: this.options.staffTokenTtlSeconds });
    return {
      token,
      expiresAt: new Date(Date.now() + this.options.staffTokenTtlSeconds * 1000).toISOString(),
      user: { id: user.id, username: user.username, displayName: user.display_name, role: user.role, organisationId: user.organisation_id },
    };
  }

  /** A staff bearer token whose user still exists and is enabled. Role and organisation come from the store, not the token. */
  async verifyStaff(token: string): Promise<StaffActor> {
    const claims = this.decode(token);
    if (claims.typ !== 'staff') throw unauthorized('A staff login is required');
    const user = await findUserById(this.db, claims.sub);
    if (!user || user.disabled) throw unauthorized('This account is no longer active');
    return {
      kind: 'staff',
      userId: user.id,
      role: user.role,
      organisationId: user.organisation_id,
      name: user.display_name,
      confidentialAccess: user.confidential_access === 1,
    };
  }

  /** A party token whose invitation has not been withdrawn. */
  async verifyParty(token: string): Promise<PartyActor> {
    const claims = this.decode(token);
    if (claims.typ !== 'party') throw unauthorized('An invitation is required');
    return this.partyFromClaims(claims);
  }

  /** Any bearer token a request may carry: a staff login or a party token. */
  async actorFromToken(token: string): Promise<StaffActor | PartyActor> {
    const claims = this.decode(token);
    if (claims.typ === 'staff') return this.verifyStaff(token);
    if (claims.typ === 'party') return this.partyFromClaims(claims);
    throw unauthorized('Open the invitation link first');
  }

  decode(token: string): TokenClaims {
    try {
      return this.jwt.verify(token);
    } catch (error) {
      this.log.debug({ err: error }, 'token rejected');
      const expired = (error as { code?: string }).code === 'FAST_JWT_EXPIRED';
      throw unauthorized(expired ? 'This link or login has expired' : 'Invalid token');
    }
  }

  private async partyFromClaims(claims: PartyClaims): Promise<PartyActor> {
    const invitation = await findInvitation(this.db, claims.sub);
    if (!invitation || invitation.room_id !== claims.room) throw unauthorized('This invitation does not exist');
    if (invitation.revoked_at) throw unauthorized('This invitation was withdrawn');
    const representative = await this.db.selectFrom('representative_invitations').select('slot').where('invitation_id', '=', invitation.id).executeTakeFirst();
    return {
      ...(representative ? { signatureSlot: representative.slot } : {}),
      kind: 'party',
      role: claims.role,
      caseId: claims.case,
      roomId: claims.room,
      invitationId: invitation.id,
      name: invitation.display_name,
    };
  }
}
