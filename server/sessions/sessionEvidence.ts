/**
 * Evidence shown during a session: a participant uploads an image or PDF,
 * it attaches to the case, and it opens for those who heard the sharer
 * when it was shared (a private talk's evidence stays in that talk).
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database.ts';
import type { Evidence } from '../store/schema.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { recordAudit } from '../audit/auditLog.ts';
import { can, type StaffActor } from '../auth/policy.ts';
import type { PartyActor } from '../auth/authService.ts';
import { checkEvidence, type EvidenceStorage, type UploadedFile } from '../cases/evidenceFiles.ts';
import { LocalizedError } from '../errors.ts';
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

  async share(actor: StaffActor | PartyActor, roomId: string, files: UploadedFile[], context: { ip: string | null }): Promise<SharedEvidence[]> {
    const { room, caseId } = await this.authorise(actor, roomId);
    if (!can(actor, 'evidence:upload', { ...(await roomScope(this.db, room)) })) throw forbidden('You may not add evidence to this case');
    const session = await this.sessions.get(roomId);
    const subject = subjectOf(actor);
    const audience = session.audienceOf(subject);
    if (!audience) throw forbidden('Join the session (and be admitted) before sharing evidence');
    const checked = checkEvidence(files);
    if ('problem' in checked) throw new LocalizedError(checked.problem.code, checked.problem.fileName, checked.problem.code === 'EVIDENCE_TYPE' ? 415 : 400, 'evidence');
    const now = new Date().toISOString();
    const shared: SharedEvidence[] = [];
    const written: string[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const file of checked.files) {
          const id = randomUUID();
          await trx
            .insertInto('evidence')
            .values({
              id,
              case_id: caseId,
              filed_by: actor.role,
              file_name: file.fileName.slice(0, 200),
              mime_type: file.mimeType,
              size_bytes: file.data.length,
              sha256: file.sha256,
              room_id: roomId,
              audience,
              created_at: now,
            })
            .execute();
          await this.storage.write(caseId, id, file.data);
          written.push(id);
          shared.push({ id, fileName: file.fileName.slice(0, 200), mimeType: file.mimeType, sizeBytes: file.data.length, by: actor.name, at: now });
        }
        await recordAudit(trx, { ...context, actor }, {
          caseId,
          action: 'evidence.shared',
          detail: { roomId, audience, files: checked.files.map((f) => ({ name: f.fileName, sha256: f.sha256 })) },
        });
      });
    } catch (error) {
      await Promise.all(written.map((id) => this.storage.discard(caseId, id)));
      throw error;
    }
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
