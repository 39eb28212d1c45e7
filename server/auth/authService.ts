/**
 * Staff login, invitations and token checks. Routes and the socket
 * handshake call this; it calls the store.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { AppError, forbidden, notFound, unauthorized } from '../errors.ts';
import type { Db } from '../store/database.ts';
import { countUsers, findUserById, findUserByUsername, insertUser } from '../store/repositories/users.ts';
import { findInvitation, findRoom, insertInvitation } from '../store/repositories/rooms.ts';
import type { SocketIdentity } from '../signalling/protocol.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { can, type Actor, type PartyRole, type StaffRole } from './policy.ts';
import type { InviteClaims, StaffClaims, TokenClaims, VerifiedInvite } from './tokens.ts';

export interface JwtCodec {
  sign(payload: TokenClaims, options: { expiresIn: number }): string;
  verify(token: string): TokenClaims & { exp?: number };
}

export interface StaffUser {
  id: string;
  username: string;
  displayName: string;
  role: StaffRole;
}

// A precomputed hash so that unknown usernames cost the same time as wrong passwords.
const dummyHash = hashPassword(randomBytes(16).toString('hex'));

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly jwt: JwtCodec,
    private readonly options: { staffTokenTtlSeconds: number; inviteTtlSeconds: number; publicUrl: () => string },
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Creates the first admin when the store has no user yet; returns the generated password if one was made. */
  async ensureFirstAdmin(username: string, password: string | undefined): Promise<string | undefined> {
    if ((await countUsers(this.db)) > 0) return undefined;
    const secret = password ?? randomBytes(9).toString('base64url');
    await this.createStaff({ username, password: secret, displayName: '系统管理员', role: 'admin' }).catch(async (error) => {
      // Another server sharing the database may have created it first.
      if ((await countUsers(this.db)) === 0) throw error;
    });
    return password ? undefined : secret;
  }

  async createStaff(input: { username: string; password: string; displayName: string; role: StaffRole }): Promise<StaffUser> {
    const user = {
      id: randomUUID(),
      username: input.username,
      password_hash: await hashPassword(input.password),
      role: input.role,
      display_name: input.displayName,
      created_at: new Date().toISOString(),
    };
    await insertUser(this.db, user);
    return { id: user.id, username: user.username, displayName: user.display_name, role: user.role };
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
      user: { id: user.id, username: user.username, displayName: user.display_name, role: user.role },
    };
  }

  /** Verifies a staff bearer token and that its user still exists and is enabled. */
  async verifyStaff(token: string): Promise<Actor & { kind: 'staff' } & { name: string }> {
    const claims = this.decode(token);
    if (claims.typ !== 'staff') throw unauthorized('A staff login is required');
    const user = await findUserById(this.db, claims.sub);
    if (!user || user.disabled) throw unauthorized('This account is no longer active');
    return { kind: 'staff', userId: user.id, role: user.role, name: user.display_name };
  }

  async issueInvitation(
    actor: Actor,
    input: { roomId: string; displayName: string; role: PartyRole; ttlSeconds?: number },
  ): Promise<{ token: string; url: string; expiresAt: string; invitationId: string }> {
    if (!can(actor, 'invitation:create') || actor.kind !== 'staff') throw forbidden('You may not invite to this room');
    const room = await findRoom(this.db, input.roomId);
    if (!room) throw notFound('Room');
    const ttl = input.ttlSeconds ?? this.options.inviteTtlSeconds;
    const now = new Date();
    const invitation = {
      id: randomUUID(),
      room_id: room.id,
      display_name: input.displayName,
      role: input.role,
      expires_at: new Date(now.getTime() + ttl * 1000).toISOString(),
      created_by: actor.userId,
      created_at: now.toISOString(),
      revoked_at: null,
    };
    await insertInvitation(this.db, invitation);
    const claims: InviteClaims = { typ: 'invite', sub: invitation.id, room: room.id, name: input.displayName, role: input.role };
    const token = this.jwt.sign(claims, { expiresIn: ttl });
    const url = `${this.options.publicUrl()}/join?token=${encodeURIComponent(token)}`;
    return { token, url, expiresAt: invitation.expires_at, invitationId: invitation.id };
  }

  async verifyInvitation(token: string): Promise<VerifiedInvite> {
    const claims = this.decode(token);
    if (claims.typ !== 'invite') throw unauthorized('An invitation link is required');
    const invitation = await findInvitation(this.db, claims.sub);
    if (!invitation || invitation.room_id !== claims.room) throw unauthorized('This invitation does not exist');
    if (invitation.revoked_at) throw unauthorized('This invitation was withdrawn');
    return {
      invitationId: invitation.id,
      roomId: invitation.room_id,
      displayName: invitation.display_name,
      role: invitation.role as PartyRole,
      expiresAt: invitation.expires_at,
    };
  }

  /** Who a socket is, from its handshake: an invitation (bound to its room) or a staff token plus a room id. */
  async identifySocket(token: string, requestedRoomId: string | undefined): Promise<SocketIdentity> {
    const claims = this.decode(token);
    if (claims.typ === 'invite') {
      const invite = await this.verifyInvitation(token);
      if (requestedRoomId && requestedRoomId !== invite.roomId) throw forbidden('This invitation is for another room');
      return { roomId: invite.roomId, displayName: invite.displayName, role: invite.role, subject: `invite:${invite.invitationId}` };
    }
    const staff = await this.verifyStaff(token);
    if (!requestedRoomId) throw new AppError('INVALID_PAYLOAD', 'Staff must name the room to enter');
    if (!can(staff, 'room:enter')) throw forbidden('You may not enter this room');
    const room = await findRoom(this.db, requestedRoomId);
    if (!room) throw notFound('Room');
    return { roomId: room.id, displayName: staff.name, role: staff.role, subject: `staff:${staff.userId}` };
  }

  private decode(token: string): TokenClaims {
    try {
      return this.jwt.verify(token);
    } catch (error) {
      this.log.debug({ err: error }, 'token rejected');
      const expired = (error as { code?: string }).code === 'FAST_JWT_EXPIRED';
      throw unauthorized(expired ? 'This link or login has expired' : 'Invalid token');
    }
  }
}
