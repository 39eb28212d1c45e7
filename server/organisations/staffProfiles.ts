/**
 * Mediators' and arbitrators' public profiles (name, photo, speciality,
 * languages and dialects), edited by the organisation's admin and by the
 * staff member themself; the public list an applicant chooses a preference
 * from (no username, no account data); and the ratings parties gave after
 * sessions, averaged per mediator for the clerk who assigns.
 */
import { recordAudit, type AuditContext } from '../audit/auditLog.ts';
import { can, type StaffActor } from '../auth/policy.ts';
import { caseScope } from '../cases/caseService.ts';
import { forbidden, LocalizedError, notFound } from '../errors.ts';
import type { Db } from '../store/database.ts';
import { checkPhoto } from './staffPhoto.ts';

const hostRoles = ['mediator', 'arbitrator'] as const;

export interface PublicProfile {
  id: string;
  displayName: string;
  role: 'mediator' | 'arbitrator';
  speciality: string;
  languages: string;
  /** Path of the photo, when there is one. */
  photoUrl: string | null;
}

export interface RatedProfile extends PublicProfile {
  ratingAverage: number | null;
  ratingCount: number;
}

export interface ProfileInput {
  speciality?: string | undefined;
  languages?: string | undefined;
  /** base64 PNG or JPEG; null removes the photo. */
  photo?: string | null | undefined;
}

type Row = { id: string; display_name: string; role: string; speciality: string; languages: string; photo_type: string | null };

function publicProfile(row: Row): PublicProfile {
  return {
    id: row.id,
    displayName: row.display_name,
    role: row.role as PublicProfile['role'],
    speciality: row.speciality,
    languages: row.languages,
    photoUrl: row.photo_type ? `/api/public/staff/${row.id}/photo` : null,
  };
}

/** Throws UNKNOWN_MEDIATOR unless the id is an active mediator or arbitrator of the organisation. */
export async function checkPreference(db: Db, organisationId: string, staffId: string): Promise<void> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('id', '=', staffId)
    .where('organisation_id', '=', organisationId)
    .where('role', 'in', hostRoles)
    .where('disabled', '=', 0)
    .executeTakeFirst();
  if (!row) throw new LocalizedError('UNKNOWN_MEDIATOR', '', 400, 'preferredStaffId');
}

export class StaffProfiles {
  constructor(private readonly db: Db) {}

  private columns = ['id', 'display_name', 'role', 'speciality', 'languages', 'photo_type'] as const;

  /** Public: an organisation's active mediators and arbitrators. */
  async publicList(organisationId: string): Promise<PublicProfile[]> {
    const rows = await this.db
      .selectFrom('users')
      .select(this.columns)
      .where('organisation_id', '=', organisationId)
      .where('role', 'in', hostRoles)
      .where('disabled', '=', 0)
      .orderBy('role')
      .orderBy('display_name')
      .execute();
    return rows.map(publicProfile);
  }

  /** Public: the photo of an active mediator or arbitrator. */
  async photo(userId: string): Promise<{ bytes: Buffer; type: string }> {
    const row = await this.db
      .selectFrom('users')
      .select(['photo_base64', 'photo_type'])
      .where('id', '=', userId)
      .where('role', 'in', hostRoles)
      .where('disabled', '=', 0)
      .executeTakeFirst();
    if (!row?.photo_base64 || !row.photo_type) throw notFound('Photo');
    return { bytes: Buffer.from(row.photo_base64, 'base64'), type: row.photo_type };
  }

  /** Average and count of the ratings each host was given, by user id. */
  private async ratings(userIds: string[]): Promise<Map<string, { average: number; count: number }>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('ratings')
      .select((eb) => ['rated_user_id', eb.fn.avg<number | string>('score').as('average'), eb.fn.countAll<number | string>().as('n')])
      .where('rated_user_id', 'in', userIds)
      .groupBy('rated_user_id')
      .execute();
    return new Map(rows.map((r) => [r.rated_user_id!, { average: Math.round(Number(r.average) * 10) / 10, count: Number(r.n) }]));
  }

  private async rated(rows: Row[]): Promise<RatedProfile[]> {
    const stats = await this.ratings(rows.map((r) => r.id));
    return rows.map((row) => ({ ...publicProfile(row), ratingAverage: stats.get(row.id)?.average ?? null, ratingCount: stats.get(row.id)?.count ?? 0 }));
  }

  /** Staff screen: the hosts of the actor's organisation (every organisation's, for the platform admin; only themself, for a host) with their ratings. */
  async staffList(actor: StaffActor): Promise<(RatedProfile & { organisationId: string | null; disabled: boolean })[]> {
    let query = this.db.selectFrom('users').select([...this.columns, 'organisation_id', 'disabled']).where('role', 'in', hostRoles).orderBy('display_name');
    if (actor.organisationId) query = query.where('organisation_id', '=', actor.organisationId);
    // A mediator or arbitrator sees their own profile only; admins and clerks see all of the organisation's.
    if (actor.role === 'mediator' || actor.role === 'arbitrator') query = query.where('id', '=', actor.userId);
    const rows = await query.execute();
    const rated = await this.rated(rows);
    return rated.map((r, i) => ({ ...r, organisationId: rows[i]!.organisation_id, disabled: rows[i]!.disabled === 1 }));
  }

  /** The clerk's assignment box: the applicant's preference and every active host of the case's organisation with ratings. */
  async assignmentOptions(actor: StaffActor, caseId: string) {
    const row = await this.db.selectFrom('cases').select(['id', 'organisation_id', 'assigned_user_id', 'preferred_staff_id']).where('id', '=', caseId).executeTakeFirst();
    if (!row || !can(actor, 'case:view', caseScope(row))) throw notFound('Case');
    if (!can(actor, 'case:assign', caseScope(row))) throw forbidden('Only clerks and admins assign');
    const rows = await this.db
      .selectFrom('users')
      .select(this.columns)
      .where('organisation_id', '=', row.organisation_id)
      .where('role', 'in', hostRoles)
      .where('disabled', '=', 0)
      .orderBy('display_name')
      .execute();
    const candidates = await this.rated(rows);
    const preferred = row.preferred_staff_id
      ? (candidates.find((c) => c.id === row.preferred_staff_id) ??
        (await this.db.selectFrom('users').select(this.columns).where('id', '=', row.preferred_staff_id).executeTakeFirst().then((r) => (r ? { ...publicProfile(r), ratingAverage: null, ratingCount: 0, unavailable: true } : null))))
      : null;
    return { preference: preferred ? { ...preferred, unavailable: 'unavailable' in preferred } : null, candidates: candidates.map((c) => ({ ...c, preferred: c.id === row.preferred_staff_id })) };
  }

  /** The admin of the staff member's organisation (any, for the platform admin), or the staff member themself. */
  async update(actor: StaffActor, userId: string, input: ProfileInput, context: Omit<AuditContext, 'actor'>): Promise<RatedProfile> {
    const target = await this.db.selectFrom('users').select([...this.columns, 'organisation_id']).where('id', '=', userId).executeTakeFirst();
    if (!target) throw notFound('Staff');
    const self = target.id === actor.userId;
    if (!self && !can(actor, 'staff:manage', { caseId: null, organisationId: target.organisation_id, assignedUserId: null })) throw notFound('Staff');
    const photo = typeof input.photo === 'string' ? Buffer.from(input.photo, 'base64') : undefined;
    const checked = photo ? checkPhoto(photo) : undefined;
    const changes: { speciality?: string; languages?: string; photo_base64?: string | null; photo_type?: string | null } = {};
    if (input.speciality !== undefined) changes.speciality = input.speciality.trim();
    if (input.languages !== undefined) changes.languages = input.languages.trim();
    if (photo && checked) {
      changes.photo_base64 = photo.toString('base64');
      changes.photo_type = checked.type;
    } else if (input.photo === null) {
      changes.photo_base64 = null;
      changes.photo_type = null;
    }
    await this.db.transaction().execute(async (trx) => {
      if (Object.keys(changes).length > 0) await trx.updateTable('users').set(changes).where('id', '=', userId).execute();
      await recordAudit(trx, { ...context, actor }, {
        caseId: null,
        action: 'staff.profile_updated',
        detail: { userId, fields: Object.keys(changes).map((k) => k.replace('_base64', '')), ...(checked ? { photo: checked } : {}) },
      });
    });
    const row = await this.db.selectFrom('users').select(this.columns).where('id', '=', userId).executeTakeFirstOrThrow();
    return (await this.rated([row]))[0]!;
  }
}
