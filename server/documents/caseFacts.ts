/**
 * Everything a document prints about its case, read in one place: parties
 * with ID numbers and addresses, agents, the mediator or arbitrator, claims,
 * the session (time, hearing phases and attendance from the session event
 * log) and the latest composed recording's manifest hash.
 */
import type { Db } from '../store/database.ts';
import { notFound } from '../errors.ts';
import { loadCollectiveFacts, type CollectiveFacts } from '../cases/collective/collectiveFacts.ts';
import { qualityPeriods, type QualityPeriod } from '../sessions/connectionQuality.ts';

export interface Agent {
  name: string;
  phone: string;
}

export interface CaseFacts {
  caseId: string;
  serialNumber: string;
  disputeType: string;
  facts: string;
  organisation: { name: string; kind: 'arbitration_commission' | 'mediation_organisation' };
  applicant: { name: string; idNumber: string; address: string; phone: string; agent: Agent | null };
  respondent: { name: string; creditCode: string; address: string; contact: string; agent: Agent | null };
  host: { name: string; role: 'mediator' | 'arbitrator' | 'admin' | 'clerk' } | null;
  claims: { filedBy: 'applicant' | 'respondent'; description: string; amountCents: number }[];
  session: { roomId: string; title: string; mode: 'face_to_face' | 'back_to_back' | 'hearing'; scheduledAt: string | null; startedAt: string | null; lastEventAt: string | null } | null;
  phases: { phase: string; at: string; by: string; outcome: string | null; note: string | null }[];
  attendance: { name: string; role: string; at: string; verified: boolean }[];
  /** Stretches of poor or lost connection in the session, per participant. */
  connection: QualityPeriod[];
  recording: { id: string; manifestSha256: string; startedAt: string; endedAt: string | null; durationSeconds: number | null } | null;
  /** A collective dispute (集体争议): every worker with its amount, and the representatives who sign. */
  collective?: CollectiveFacts | null;
}

export async function loadCaseFacts(db: Db, caseId: string, roomId: string | null): Promise<CaseFacts> {
  const row = await db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  if (!row) throw notFound('Case');
  const [organisation, claims, host, rooms, recording] = await Promise.all([
    db.selectFrom('organisations').select(['name', 'kind']).where('id', '=', row.organisation_id).executeTakeFirst(),
    db.selectFrom('claims').selectAll().where('case_id', '=', caseId).orderBy('filed_by').orderBy('position').execute(),
    row.assigned_user_id ? db.selectFrom('users').select(['display_name', 'role']).where('id', '=', row.assigned_user_id).executeTakeFirst() : undefined,
    db.selectFrom('rooms').selectAll().where('case_id', '=', caseId).orderBy('created_at', 'desc').execute(),
    db
      .selectFrom('recordings')
      .select(['id', 'manifest_sha256', 'started_at', 'ended_at', 'composed_duration_s'])
      .where('case_id', '=', caseId)
      .where('status', '=', 'composed')
      .where('manifest_sha256', 'is not', null)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  // The document's own session, else the latest one that took place, else the latest scheduled.
  const room = (roomId ? rooms.find((r) => r.id === roomId) : undefined) ?? rooms.find((r) => r.started_at) ?? rooms[0];
  const events = room
    ? await db.selectFrom('session_events').select(['kind', 'actor_name', 'detail', 'at']).where('room_id', '=', room.id).orderBy('at').execute()
    : [];
  const phases: CaseFacts['phases'] = [];
  const attendance = new Map<string, CaseFacts['attendance'][number]>();
  for (const event of events) {
    const detail = JSON.parse(event.detail) as Record<string, unknown>;
    const str = (key: string) => (typeof detail[key] === 'string' ? (detail[key] as string) : null);
    if (event.kind === 'phase.changed' && str('phase')) {
      phases.push({ phase: str('phase')!, at: event.at, by: event.actor_name, outcome: str('outcome'), note: str('note') });
    } else if (['participant.joined', 'participant.admitted', 'participant.verified'].includes(event.kind) && str('name')) {
      const key = `${str('name')}|${str('role') ?? ''}`;
      const seen = attendance.get(key) ?? { name: str('name')!, role: str('role') ?? '', at: event.at, verified: false };
      if (event.kind === 'participant.verified') seen.verified = true;
      attendance.set(key, seen);
    }
  }
  return {
    caseId,
    serialNumber: row.serial_number,
    disputeType: row.dispute_type,
    facts: row.facts,
    organisation: { name: organisation?.name ?? '', kind: organisation?.kind ?? 'mediation_organisation' },
    applicant: {
      name: row.applicant_name,
      idNumber: row.applicant_id_number,
      address: row.applicant_address,
      phone: row.applicant_phone,
      agent: row.applicant_agent_name ? { name: row.applicant_agent_name, phone: row.applicant_agent_phone ?? '' } : null,
    },
    respondent: {
      name: row.employer_name,
      creditCode: row.employer_credit_code,
      address: row.employer_address,
      contact: row.employer_contact,
      agent: row.respondent_agent_name ? { name: row.respondent_agent_name, phone: row.respondent_agent_phone ?? '' } : null,
    },
    host: host ? { name: host.display_name, role: host.role } : null,
    claims: claims.map((c) => ({ filedBy: c.filed_by, description: c.description, amountCents: Number(c.amount_cents) })),
    session: room
      ? { roomId: room.id, title: room.title, mode: room.mode, scheduledAt: room.scheduled_at, startedAt: room.started_at, lastEventAt: events.at(-1)?.at ?? null }
      : null,
    phases,
    attendance: [...attendance.values()],
    connection: qualityPeriods(events.map((e) => ({ kind: e.kind, at: e.at, detail: JSON.parse(e.detail) as Record<string, unknown> })), events.at(-1)?.at),
    recording:
      recording && recording.manifest_sha256
        ? { id: recording.id, manifestSha256: recording.manifest_sha256, startedAt: recording.started_at, endedAt: recording.ended_at, durationSeconds: recording.composed_duration_s }
        : null,
    collective: await loadCollectiveFacts(db, caseId),
  };
}
