/**
 * A case from acceptance to closing, as staff drive it: every step checks
 * the policy, moves the status only along the workflow, and writes the
 * status event and the audit row in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database.ts';
import type { Case, CaseStatus, Room } from '../store/schema.ts';
import { AppError, LocalizedError, forbidden, notFound } from '../errors.ts';
import { auditTrail, recordAudit, type AuditContext } from '../audit/auditLog.ts';
import { can, type Action, type CaseScope, type StaffActor } from '../auth/policy.ts';
import type { PartyActor } from '../auth/authService.ts';
import { findRoom, insertRoom } from '../store/repositories/rooms.ts';
import { hashCode, randomCode } from './identifiers.ts';
import { canMove, slaClock, type SlaPolicy } from './workflow.ts';
import { awaitingSignatures } from '../documents/awaitingSignatures.ts';
import type { CaseEventBus } from './caseEvents.ts';
import { activeMergeOf, resolveTracking } from './collective/tracking.ts';
import { CaseClocks } from './caseClocks.ts';
import { noHolidays, type HolidayCalendar } from './statutoryClocks.ts';

export type RequestContext = Omit<AuditContext, 'actor'>;

export function caseScope(row: Pick<Case, 'id' | 'organisation_id' | 'assigned_user_id'>): CaseScope {
  return { caseId: row.id, organisationId: row.organisation_id, assignedUserId: row.assigned_user_id };
}

export interface MassDisputeRule {
  minCases: number;
  windowDays: number;
}

export class CaseService {
  /** The statutory clocks (statutoryClocks.ts) and the steps and approval they wait for. */
  readonly clocks: CaseClocks;

  constructor(
    private readonly db: Db,
    private readonly events: CaseEventBus,
    readonly sla: SlaPolicy,
    readonly massDispute: MassDisputeRule,
    calendar: HolidayCalendar = noHolidays,
  ) {
    this.clocks = new CaseClocks(db, calendar, (actor, caseId, action) => this.authorised(actor, caseId, action));
  }

  /** Loads a case the actor may act on, or fails as if it did not exist when they may not even see it. */
  async authorised(actor: StaffActor | PartyActor, caseId: string, action: Action): Promise<Case> {
    const row = await this.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
    if (!row) throw notFound('Case');
    const scope = caseScope(row);
    if (!can(actor, action, scope)) {
      if (!can(actor, 'case:view', scope)) throw notFound('Case');
      throw forbidden(`Your role may not do ${action} on this case`);
    }
    return row;
  }

  /** Staff inbox: the cases the actor may see, with SLA clocks and mass-dispute flags. */
  async list(actor: StaffActor, filter: { status?: CaseStatus | undefined } = {}) {
    if (!can(actor, 'case:list')) throw forbidden();
    let query = this.db.selectFrom('cases').selectAll().orderBy('submitted_at', 'desc').limit(500);
    if (filter.status) query = query.where('status', '=', filter.status);
    // An application merged into a collective case is handled there (until unmerged).
    query = query.where('id', 'not in', (eb) => eb.selectFrom('case_merges').select('source_case_id').where('unmerged_at', 'is', null));
    if (actor.role === 'mediator' || actor.role === 'arbitrator') query = query.where('assigned_user_id', '=', actor.userId);
    else if (actor.organisationId) query = query.where('organisation_id', '=', actor.organisationId);
    const rows = (await query.execute()).filter((row) => can(actor, 'case:view', caseScope(row)));
    const flagged = new Set((await this.massDisputes(actor)).map((w) => w.creditCode));
    const now = new Date();
    const statutory = await this.clocks.forCases(rows, now);
    return rows.map((row) => ({
      ...summarize(row),
      sla: slaClock(row, this.sla, now),
      statutory: statutory.get(row.id)!,
      massDispute: flagged.has(row.employer_credit_code),
    }));
  }

  /** Employers named by at least N applications within D days. */
  async massDisputes(actor: StaffActor) {
    const since = new Date(Date.now() - this.massDispute.windowDays * 86_400_000).toISOString();
    let query = this.db
      .selectFrom('cases')
      .select((eb) => ['employer_credit_code', eb.fn.max('employer_name').as('employer_name'), eb.fn.countAll<string | number>().as('n')])
      .where('submitted_at', '>=', since)
      .groupBy('employer_credit_code');
    if (actor.organisationId) query = query.where('organisation_id', '=', actor.organisationId);
    const rows = await query.execute();
    return rows
      .filter((row) => Number(row.n) >= this.massDispute.minCases)
      .map((row) => ({ creditCode: row.employer_credit_code, employerName: String(row.employer_name), applications: Number(row.n) }))
      .sort((a, b) => b.applications - a.applications);
  }

  async detail(actor: StaffActor, caseId: string) {
    const row = await this.authorised(actor, caseId, 'case:view');
    const [claims, evidence, timeline, rooms, followUps, ratings] = await Promise.all([
      this.db.selectFrom('claims').selectAll().where('case_id', '=', caseId).orderBy('position').execute(),
      this.db.selectFrom('evidence').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute(),
      this.timeline(caseId),
      this.db.selectFrom('rooms').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute(),
      this.db.selectFrom('follow_ups').selectAll().where('case_id', '=', caseId).orderBy('at').execute(),
      this.db.selectFrom('ratings').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute(),
    ]);
    const assignee = row.assigned_user_id
      ? await this.db.selectFrom('users').select(['id', 'display_name', 'role']).where('id', '=', row.assigned_user_id).executeTakeFirst()
      : undefined;
    const massDispute = (await this.massDisputes(actor)).some((w) => w.creditCode === row.employer_credit_code);
    return {
      ...summarize(row),
      facts: row.facts,
      applicant: {
        name: row.applicant_name,
        idNumber: row.applicant_id_number,
        phone: row.applicant_phone,
        address: row.applicant_address,
        agent: row.applicant_agent_name ? { name: row.applicant_agent_name, phone: row.applicant_agent_phone ?? '' } : null,
      },
      employer: {
        name: row.employer_name,
        creditCode: row.employer_credit_code,
        address: row.employer_address,
        contact: row.employer_contact,
        agent: row.respondent_agent_name ? { name: row.respondent_agent_name, phone: row.respondent_agent_phone ?? '' } : null,
      },
      rejectionReason: row.rejection_reason,
      assignee: assignee ? { id: assignee.id, name: assignee.display_name, role: assignee.role } : null,
      claims: claims.map((c) => ({ id: c.id, filedBy: c.filed_by, description: c.description, amountCents: Number(c.amount_cents) })),
      evidence: evidence.map((e) => ({
        id: e.id,
        filedBy: e.filed_by,
        fileName: e.file_name,
        mimeType: e.mime_type,
        sizeBytes: e.size_bytes,
        sha256: e.sha256,
        createdAt: e.created_at,
      })),
      timeline,
      sessions: rooms.map((room) => ({ id: room.id, title: room.title, mode: room.mode, scheduledAt: room.scheduled_at, startedAt: room.started_at })),
      followUps: followUps.map((f) => ({ id: f.id, channel: f.channel, performed: f.performed === 1, note: f.note, at: f.at })),
      ratings: ratings.map((r) => ({ score: r.score, comment: r.comment, createdAt: r.created_at })),
      sla: slaClock(row, this.sla),
      statutory: await this.clocks.forCase(row),
      massDispute,
    };
  }

  async audit(actor: StaffActor, caseId: string) {
    await this.authorised(actor, caseId, 'case:audit');
    return (await auditTrail(this.db, caseId)).map((entry) => ({
      at: entry.at,
      actor: entry.actor_name,
      actorKind: entry.actor_kind,
      action: entry.action,
      detail: JSON.parse(entry.detail) as Record<string, unknown>,
      ip: entry.ip,
    }));
  }

  async evidenceFile(actor: StaffActor | PartyActor, caseId: string, evidenceId: string) {
    await this.authorised(actor, caseId, 'case:view');
    const row = await this.db.selectFrom('evidence').selectAll().where('id', '=', evidenceId).where('case_id', '=', caseId).executeTakeFirst();
    if (!row) throw notFound('Evidence');
    return row;
  }

  /** Accepting issues the respondent's code (for the notice to the employer), so it can answer and counterclaim. */
  async accept(actor: StaffActor, caseId: string, context: RequestContext): Promise<{ respondentCode: string }> {
    const respondentCode = randomCode(8);
    await this.move(actor, caseId, 'case:accept', 'accepted', context, {
      set: { respondent_code_hash: hashCode(respondentCode), accepted_at: new Date().toISOString(), responded_at: new Date().toISOString() },
    });
    return { respondentCode };
  }

  async reject(actor: StaffActor, caseId: string, reason: string, context: RequestContext): Promise<void> {
    await this.move(actor, caseId, 'case:accept', 'rejected', context, {
      note: reason,
      set: { rejection_reason: reason, responded_at: new Date().toISOString(), closed_at: new Date().toISOString(), outcome: 'rejected' },
      detail: { reason },
    });
  }

  async assign(actor: StaffActor, caseId: string, userId: string, context: RequestContext): Promise<void> {
    const row = await this.authorised(actor, caseId, 'case:assign');
    const assignee = await this.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    if (!assignee || assignee.disabled || (assignee.role !== 'mediator' && assignee.role !== 'arbitrator')) {
      throw new AppError('INVALID_ASSIGNEE', 'Cases are assigned to an active mediator or arbitrator', 400);
    }
    if (assignee.organisation_id && assignee.organisation_id !== row.organisation_id) {
      throw new AppError('INVALID_ASSIGNEE', 'The assignee belongs to another organisation', 400);
    }
    await this.move(actor, caseId, 'case:assign', 'assigned', context, {
      set: { assigned_user_id: userId },
      note: `${assignee.display_name}`,
      detail: { assigneeId: userId, assigneeName: assignee.display_name, assigneeRole: assignee.role },
    });
  }

  async schedule(
    actor: StaffActor,
    caseId: string,
    input: { mode: Room['mode']; scheduledAt: string; title?: string | undefined },
    context: RequestContext,
  ): Promise<Room> {
    const row = await this.authorised(actor, caseId, 'case:schedule');
    if (!row.assigned_user_id) throw new AppError('NOT_ASSIGNED', 'Assign a mediator or arbitrator first', 409);
    const modeName = { face_to_face: '面对面调解', back_to_back: '背对背调解', hearing: '速裁庭审' }[input.mode];
    const room: Room = {
      id: randomUUID(),
      title: input.title ?? `${row.serial_number} ${modeName}`,
      mode: input.mode,
      created_by: actor.userId,
      created_at: new Date().toISOString(),
      case_id: caseId,
      scheduled_at: input.scheduledAt,
      started_at: null,
      host_user_id: row.assigned_user_id,
      organisation_id: row.organisation_id,
      ended_at: null,
      end_detail: null,
    };
    await this.move(actor, caseId, 'case:schedule', 'scheduled', context, {
      note: `${modeName} ${input.scheduledAt}`,
      detail: { roomId: room.id, mode: input.mode, scheduledAt: input.scheduledAt },
      alsoInTransaction: (trx) => insertRoom(trx, room),
    });
    return room;
  }

  /** Called when the host enters a case's session: the applicant sees "in session". */
  async sessionStarted(roomId: string, host: { userId: string; name: string }): Promise<void> {
    const room = await findRoom(this.db, roomId);
    if (!room?.case_id) return;
    const row = await this.db.selectFrom('cases').selectAll().where('id', '=', room.case_id).executeTakeFirst();
    if (!row || !canMove(row.status, 'in_session')) return;
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('rooms').set({ started_at: now }).where('id', '=', roomId).where('started_at', 'is', null).execute();
      const moved = await trx.updateTable('cases').set({ status: 'in_session' }).where('id', '=', row.id).where('status', '=', row.status).executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return;
      await trx.insertInto('case_status_events').values({ id: randomUUID(), case_id: row.id, status: 'in_session', note: room.title, at: now }).execute();
      await recordAudit(trx, { actor: { kind: 'system', name: host.name }, ip: null }, {
        caseId: row.id,
        action: 'session.started',
        detail: { roomId, hostId: host.userId },
      });
    });
    this.events.publish({ caseId: row.id, status: 'in_session' });
  }

  async conclude(
    actor: StaffActor,
    caseId: string,
    input: { status: 'agreement_signed' | 'ruled' | 'closed'; outcome?: 'agreement' | 'award' | 'withdrawn' | undefined; recoveredAmount?: number | undefined; note?: string | undefined },
    context: RequestContext,
  ): Promise<void> {
    const set: Record<string, unknown> = {};
    if (input.outcome) set.outcome = input.outcome;
    else if (input.status === 'agreement_signed') set.outcome = 'agreement';
    else if (input.status === 'ruled') set.outcome = 'award';
    if (input.recoveredAmount !== undefined) set.recovered_cents = Math.round(input.recoveredAmount * 100);
    if (input.status === 'closed') set.closed_at = new Date().toISOString();
    await this.move(actor, caseId, 'case:close', input.status, context, { set, note: input.note ?? null, detail: { ...input } });
  }

  async addFollowUp(
    actor: StaffActor,
    caseId: string,
    input: { channel: 'phone' | 'visit' | 'video' | 'sms'; performed: boolean; note: string },
    context: RequestContext,
  ): Promise<void> {
    await this.authorised(actor, caseId, 'followup:create');
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('follow_ups')
        .values({ id: randomUUID(), case_id: caseId, staff_id: actor.userId, channel: input.channel, performed: input.performed ? 1 : 0, note: input.note, at: new Date().toISOString() })
        .execute();
      await recordAudit(trx, { ...context, actor }, { caseId, action: 'followup.recorded', detail: input });
    });
  }

  /** A party rates the mediator or arbitrator of its session, once. */
  async rate(party: PartyActor, input: { score: number; comment: string }, context: RequestContext): Promise<void> {
    if (!party.caseId) throw forbidden('Only case sessions are rated');
    await this.authorised(party, party.caseId, 'rating:submit');
    const room = await findRoom(this.db, party.roomId);
    if (!room?.started_at) throw new AppError('NOT_YET', 'The session has not taken place yet', 409);
    const existing = await this.db.selectFrom('ratings').select('id').where('invitation_id', '=', party.invitationId).executeTakeFirst();
    if (existing) throw new LocalizedError('ALREADY_RATED', '', 409);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('ratings')
        .values({
          id: randomUUID(),
          case_id: party.caseId!,
          room_id: room.id,
          invitation_id: party.invitationId,
          rated_user_id: room.host_user_id,
          score: input.score,
          comment: input.comment.trim(),
          created_at: new Date().toISOString(),
        })
        .execute();
      await recordAudit(trx, { ...context, actor: party }, { caseId: party.caseId, action: 'rating.submitted', detail: { score: input.score } });
    });
  }

  /** What the applicant sees with serial number and tracking code. */
  async progress(serialNumber: string, trackingCode: string) {
    // A worker's own code opens its collective case; a merged application's code opens the case it was merged into.
    const tracked = await resolveTracking(this.db, serialNumber, trackingCode);
    if (!tracked) throw new LocalizedError('CASE_NOT_FOUND', '', 404);
    return this.publicView(tracked.row);
  }

  async publicView(row: Case) {
    const organisation = await this.db.selectFrom('organisations').select(['name']).where('id', '=', row.organisation_id).executeTakeFirstOrThrow();
    const sessions = await this.db
      .selectFrom('rooms')
      .select(['mode', 'scheduled_at', 'started_at'])
      .where('case_id', '=', row.id)
      .orderBy('created_at')
      .execute();
    const clocks = await this.clocks.forCase(row);
    const mediation = clocks.clocks.find((c) => c.id === 'mediation');
    return {
      caseId: row.id,
      mediationDueOn: mediation?.dueOn ?? null,
      // 调解仲裁法 art. 14: no agreement within 15 days of receipt, the parties may apply for arbitration.
      mayApplyForArbitration: clocks.arbitrationOpen,
      serialNumber: row.serial_number,
      status: row.status,
      disputeType: row.dispute_type,
      organisation: organisation.name,
      submittedAt: row.submitted_at,
      rejectionReason: row.rejection_reason,
      timeline: await this.timeline(row.id),
      sessions: sessions.map((room) => ({ mode: room.mode, scheduledAt: room.scheduled_at, startedAt: room.started_at })),
      awaitingSignatures: await awaitingSignatures(this.db, row.id),
    };
  }

  async publicViewById(caseId: string) {
    const row = await this.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
    return this.publicView(row);
  }

  private timeline(caseId: string) {
    return this.db
      .selectFrom('case_status_events')
      .select(['status', 'note', 'at'])
      .where('case_id', '=', caseId)
      .orderBy('at')
      .orderBy('id')
      .execute();
  }

  /** One status change: policy, workflow, compare-and-set, status event and audit row, in one transaction. */
  private async move(
    actor: StaffActor,
    caseId: string,
    action: Action,
    to: CaseStatus,
    context: RequestContext,
    extra: {
      set?: Record<string, unknown>;
      note?: string | null;
      detail?: Record<string, unknown>;
      alsoInTransaction?: (trx: Db) => Promise<unknown>;
    } = {},
  ): Promise<void> {
    const row = await this.authorised(actor, caseId, action);
    // An application merged into a collective case moves with that case (until unmerged).
    if (await activeMergeOf(this.db, caseId)) throw new AppError('CASE_MERGED', 'This application is merged into a collective case; act on that case', 409);
    if (!canMove(row.status, to)) {
      throw new AppError('INVALID_TRANSITION', `A case that is ${row.status} cannot become ${to}`, 409);
    }
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('cases')
        .set({ ...(extra.set ?? {}), status: to })
        .where('id', '=', caseId)
        .where('status', '=', row.status) // someone else moved it meanwhile: refuse rather than overwrite
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new AppError('CONFLICT', 'The case changed meanwhile; reload it', 409);
      await trx.insertInto('case_status_events').values({ id: randomUUID(), case_id: caseId, status: to, note: extra.note ?? null, at: now }).execute();
      await extra.alsoInTransaction?.(trx);
      await recordAudit(trx, { ...context, actor }, { caseId, action: `case.${to}`, detail: { from: row.status, ...(extra.detail ?? {}) } });
    });
    this.events.publish({ caseId, status: to });
  }
}

function summarize(row: Case) {
  return {
    id: row.id,
    serialNumber: row.serial_number,
    status: row.status,
    disputeType: row.dispute_type,
    organisationId: row.organisation_id,
    regionCode: row.region_code,
    applicantName: row.applicant_name,
    employerName: row.employer_name,
    employerCreditCode: row.employer_credit_code,
    claimedCents: Number(row.claimed_cents),
    counterclaimedCents: Number(row.counterclaimed_cents),
    recoveredCents: Number(row.recovered_cents),
    assignedUserId: row.assigned_user_id,
    outcome: row.outcome,
    submittedAt: row.submitted_at,
    acceptedAt: row.accepted_at,
    closedAt: row.closed_at,
  };
}
