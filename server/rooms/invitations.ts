/**
 * Invitations: a one-time link (with its QR code and a short code to type)
 * bound to one person, one role and one session. Redeeming it once gives
 * the party the token its phone keeps for the session.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database.ts';
import type { Invitation, Room } from '../store/schema.ts';
import { findInvitation, findRoom, insertInvitation } from '../store/repositories/rooms.ts';
import { AppError, LocalizedError, forbidden, notFound } from '../errors.ts';
import { recordAudit, type AuditContext } from '../audit/auditLog.ts';
import { can, type PartyRole, type StaffActor } from '../auth/policy.ts';
import type { AuthService, PartyActor } from '../auth/authService.ts';
import type { InviteClaims, PartyClaims, TokenClaims } from '../auth/tokens.ts';
import { randomDigits } from '../cases/identifiers.ts';
import { roomScope } from './roomService.ts';
import { codeNeighbours, RedemptionGuard } from './redemptionGuard.ts';

const invalidInvitation = () => new LocalizedError('INVITATION_INVALID', '', 401);
const isLive = (invitation: Invitation) => !invitation.revoked_at && !invitation.redeemed_at && new Date(invitation.expires_at) > new Date();
import type { Revocations } from '../auth/revocations.ts';

export interface IssuedInvitation {
  invitationId: string;
  token: string;
  url: string;
  shortCode: string;
  expiresAt: string;
}

export interface InvitationView {
  id: string;
  displayName: string;
  role: string;
  shortCode: string | null;
  expiresAt: string;
  redeemedAt: string | null;
  revokedAt: string | null;
}

export class InvitationService {
  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
    private readonly options: { inviteTtlSeconds: number; publicUrl: () => string },
    /** Told of every withdrawal, so the invitation's live sockets are cut at once. */
    private readonly revocations?: Revocations,
    private readonly guard = new RedemptionGuard(),
  ) {}

  async issue(
    actor: StaffActor,
    input: { roomId: string; displayName: string; role: PartyRole; ttlSeconds?: number },
    context: Omit<AuditContext, 'actor'>,
  ): Promise<IssuedInvitation> {
    const room = await findRoom(this.db, input.roomId);
    if (!room) throw notFound('Room');
    if (!can(actor, 'invitation:create', await roomScope(this.db, room))) throw forbidden('You may not invite to this session');
    const ttl = input.ttlSeconds ?? this.options.inviteTtlSeconds;
    const now = new Date();
    const expiresAt = new Date(now.getTime() + ttl * 1000).toISOString();
    const id = randomUUID();
    const shortCode = await this.db.transaction().execute(async (trx) => {
      // 8 digits: typed on a phone keypad; unique among live invitations by the unique index, retried on collision.
      for (let attempt = 0; attempt < 5; attempt++) {
        const code = randomDigits(8);
        const clash = await trx.selectFrom('invitations').select('id').where('short_code', '=', code).executeTakeFirst();
        if (clash) continue;
        await insertInvitation(trx, {
          id,
          room_id: room.id,
          display_name: input.displayName,
          role: input.role,
          expires_at: expiresAt,
          created_by: actor.userId,
          created_at: now.toISOString(),
          revoked_at: null,
          short_code: code,
        });
        await recordAudit(trx, { ...context, actor }, {
          caseId: room.case_id,
          action: 'invitation.issued',
          detail: { invitationId: id, roomId: room.id, displayName: input.displayName, role: input.role, expiresAt },
        });
        return code;
      }
      throw new AppError('INTERNAL', 'Could not allocate a short code', 500);
    });
    const claims: InviteClaims = { typ: 'invite', sub: id, room: room.id };
    const token = this.auth.jwt.sign(claims, { expiresIn: ttl });
    // The token rides in the fragment: browsers never send it, so it is in no request log.
    const url = `${this.options.publicUrl()}/join#token=${encodeURIComponent(token)}`;
    return { invitationId: id, token, url, shortCode, expiresAt };
  }

  /**
   * Exchanges the link's token or the short code, once, for the party's own token.
   * Every failure gets the same answer (INVITATION_INVALID, 401); code guessing is bounded by the guard.
   */
  async redeem(
    credential: { token: string } | { shortCode: string },
    context: { ip: string | null; userAgent: string },
  ): Promise<{ partyToken: string; expiresAt: string }> {
    const invitation = await this.redeemable(credential, context.ip);
    const room = (await findRoom(this.db, invitation.room_id))!;
    const redeemedAt = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('invitations')
        .set({ redeemed_at: redeemedAt, redeemed_by: context.userAgent.slice(0, 300) })
        .where('id', '=', invitation.id)
        .where('redeemed_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) {
        if ('shortCode' in credential) this.guard.failed(context.ip, []);
        throw invalidInvitation();
      }
      await recordAudit(trx, { ip: context.ip, actor: { kind: 'party', role: invitation.role as PartyRole, caseId: room.case_id, roomId: room.id, invitationId: invitation.id, name: invitation.display_name } }, {
        caseId: room.case_id,
        action: 'invitation.redeemed',
        detail: { invitationId: invitation.id, by: 'token' in credential ? 'link' : 'short-code', userAgent: context.userAgent.slice(0, 300) },
      });
    });
    const claims: PartyClaims = {
      typ: 'party',
      sub: invitation.id,
      room: room.id,
      case: room.case_id,
      name: invitation.display_name,
      role: invitation.role as PartyRole,
    };
    const ttl = Math.max(60, Math.floor((new Date(invitation.expires_at).getTime() - Date.now()) / 1000));
    return { partyToken: this.auth.jwt.sign(claims, { expiresIn: ttl }), expiresAt: invitation.expires_at };
  }

  private async redeemable(credential: { token: string } | { shortCode: string }, ip: string | null): Promise<Invitation> {
    if ('token' in credential) {
      let claims: TokenClaims;
      try {
        claims = this.auth.decode(credential.token);
      } catch {
        throw invalidInvitation();
      }
      const invitation = claims.typ === 'invite' ? await findInvitation(this.db, claims.sub) : undefined;
      if (!invitation || !isLive(invitation)) throw invalidInvitation();
      return invitation;
    }
    this.guard.assertOpen(ip);
    const [invitation] = await this.liveByCode([credential.shortCode]);
    if (invitation && !this.guard.codeLocked(invitation.id)) return invitation;
    const near = invitation ? [invitation] : await this.liveByCode(codeNeighbours(credential.shortCode));
    this.guard.failed(ip, near.map((row) => row.id));
    throw invalidInvitation();
  }

  /** Invitations with one of these codes that can still be redeemed: not withdrawn, not expired, not yet kept by a phone. */
  private liveByCode(codes: string[]): Promise<Invitation[]> {
    return this.db
      .selectFrom('invitations')
      .selectAll()
      .where('short_code', 'in', codes)
      .where('revoked_at', 'is', null)
      .where('redeemed_at', 'is', null)
      .where('expires_at', '>', new Date().toISOString())
      .execute();
  }

  async describe(party: PartyActor): Promise<{ room: Room; invitation: Invitation }> {
    const invitation = await findInvitation(this.db, party.invitationId);
    const room = await findRoom(this.db, party.roomId);
    if (!invitation || !room) throw notFound('Invitation');
    return { room, invitation };
  }

  async listForRoom(actor: StaffActor, roomId: string): Promise<InvitationView[]> {
    const room = await findRoom(this.db, roomId);
    if (!room) throw notFound('Room');
    if (!can(actor, 'invitation:create', await roomScope(this.db, room))) throw forbidden();
    const rows = await this.db.selectFrom('invitations').selectAll().where('room_id', '=', roomId).orderBy('created_at').execute();
    return rows.map((row) => ({
      id: row.id,
      displayName: row.display_name,
      role: row.role,
      shortCode: row.short_code,
      expiresAt: row.expires_at,
      redeemedAt: row.redeemed_at,
      revokedAt: row.revoked_at,
    }));
  }

  /** Withdrawn by the session itself (a guest removed by the host); the session logs the removal. */
  async revokeBySystem(invitationId: string): Promise<void> {
    await this.db.updateTable('invitations').set({ revoked_at: new Date().toISOString() }).where('id', '=', invitationId).where('revoked_at', 'is', null).execute();
    this.revocations?.revoke(`invite:${invitationId}`, 'removed');
  }

  async revoke(actor: StaffActor, invitationId: string, context: Omit<AuditContext, 'actor'>): Promise<void> {
    const invitation = await findInvitation(this.db, invitationId);
    const room = invitation && (await findRoom(this.db, invitation.room_id));
    if (!invitation || !room) throw notFound('Invitation');
    if (!can(actor, 'invitation:create', await roomScope(this.db, room))) throw forbidden();
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('invitations').set({ revoked_at: new Date().toISOString() }).where('id', '=', invitationId).execute();
      await recordAudit(trx, { ...context, actor }, { caseId: room.case_id, action: 'invitation.revoked', detail: { invitationId } });
    });
    this.revocations?.revoke(`invite:${invitationId}`, 'revoked');
  }
}
