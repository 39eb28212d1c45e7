/**
 * Evidence shown during a session: a participant uploads an image or PDF,
 * it attaches to the case, and it opens for those who heard the sharer
 * when it was shared (a private talk's evidence stays in that talk).
 */
import type { Db } from '../store/database.ts';
import type { Evidence } from '../store/schema.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { recordAudit } from '../audit/auditLog.ts';
import { can, type StaffActor } from '../auth/policy.ts';
import type { PartyActor } from '../auth/authService.ts';
import type { EvidenceStorage, StagedFile } from '../cases/evidenceFiles.ts';
import { roomScope } from '../rooms/roomService.ts';
import { findRoom } from '../store/repositories/rooms.ts';
import type { SharedEvidence } from '../signalling/protocol.ts';
import type { LiveSessions } from './liveSessions.ts';
import { mayOpen } from './audience.ts';

const subjectOf = (actor: StaffActor | PartyActor) => (actor.kind === 'staff' ? `staff:${actor.userId}` : `invite:${actor.invitationId}`);

export class SessionEvidence {
  constructor(
    private readonly db: Db,
    private readonly storage: EvidenceStorage,
    private readonly sessions: LiveSessions,
  ) {}

  private async authorise(actor: StaffActor | PartyActor, roomId: string) {
    const room = await findRoom(this.db, roomId);
    if (!room) throw notFound('Room');
    if (actor.kind === 'party' ? actor.roomId !== roomId : !can(actor, 'room:enter', await roomScope(this.db, room))) throw notFound('Room');
    if (!room.case_id) throw new AppError('NO_CASE', 'Evidence belongs to a case; this room has none', 409);
    return { room, caseId: room.case_id };
  }

  /**
   * May this actor share evidence in this room now? Asked before the upload
   * is read (so a refused upload costs nothing), and again once it has arrived.
   */
  async mayShare(actor: StaffActor | PartyActor, roomId: string) {
    const { room, caseId } = await this.authorise(actor, roomId);
    if (!can(actor, 'evidence:upload', { ...(await roomScope(this.db, room)) })) throw forbidden('You may not add evidence to this case');
    const session = await this.sessions.get(roomId);
    const subject = subjectOf(actor);
    const audience = session.audienceOf(subject);
    if (!audience) throw forbidden('Join the session (and be admitted) before sharing evidence');
    await this.storage.checkCaseQuota(this.db, caseId, []);
    return { caseId, session, subject, audience };
  }

  async share(actor: StaffActor | PartyActor, roomId: string, files: StagedFile[], context: { ip: string | null }): Promise<SharedEvidence[]> {
    const { caseId, session, subject, audience } = await this.mayShare(actor, roomId);
    const now = new Date().toISOString();
    const written: string[] = [];
    let stored: Awaited<ReturnType<EvidenceStorage['store']>>;
    try {
      stored = await this.db.transaction().execute(async (trx) => {
        const rows = await this.storage.store(trx, files, { case_id: caseId, filed_by: actor.role, room_id: roomId, audience, created_at: now }, written);
        await recordAudit(trx, { ...context, actor }, {
          caseId,
          action: 'evidence.shared',
          detail: { roomId, audience, files: files.map((f) => ({ name: f.fileName, sha256: f.sha256 })) },
        });
        return rows;
      });
    } catch (error) {
      await this.storage.discard(caseId, written);
      throw error;
    }
    const shared = stored.map(({ id, file }) => ({ id, fileName: file.fileName, mimeType: file.mimeType, sizeBytes: file.sizeBytes, by: actor.name, at: now }));
    for (const evidence of shared) session.announceEvidence(subject, evidence);
    return shared;
  }

  async open(actor: StaffActor | PartyActor, roomId: string, evidenceId: string): Promise<Evidence> {
    const { caseId } = await this.authorise(actor, roomId);
    const row = await this.db.selectFrom('evidence').selectAll().where('id', '=', evidenceId).where('case_id', '=', caseId).executeTakeFirst();
    if (!row) throw notFound('Evidence');
    if (actor.kind === 'party') {
      const member = (await this.sessions.get(roomId)).member(subjectOf(actor));
      // Evidence filed before the session (with the application) is the case file: staff show it by sharing it.
      if (!member || row.room_id !== roomId || !mayOpen(row.audience ?? 'all', member)) throw notFound('Evidence');
    }
    return row;
  }
}
