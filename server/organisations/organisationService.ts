/** Arbitration commissions and mediation organisations by region, and their staff. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database.ts';
import type { Organisation } from '../store/schema.ts';
import { can, type StaffActor, type StaffRole } from '../auth/policy.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import type { AuthService, StaffUser } from '../auth/authService.ts';
import { recordAudit, type AuditContext } from '../audit/auditLog.ts';
import type { Revocations } from '../auth/revocations.ts';
import { lookupRegion } from './regions.ts';

export interface OrganisationInput {
  name: string;
  kind: Organisation['kind'];
  regionCode: string;
  /** Ignored: the names come from the GB/T 2260 data for the code. */
  province?: string | undefined;
  city?: string | undefined;
  county?: string | undefined;
  street?: string | undefined;
}

export function organisationDto(row: Organisation) {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    regionCode: row.region_code,
    province: row.province,
    city: row.city,
    county: row.county,
    street: row.street,
  };
}

export class OrganisationService {
  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
    private readonly revocations?: Revocations,
  ) {}

  /** Public: the applicant's region choice is a choice among these. */
  list(): Promise<Organisation[]> {
    return this.db.selectFrom('organisations').selectAll().orderBy('region_code').orderBy('name').execute();
  }

  async create(actor: StaffActor, input: OrganisationInput): Promise<Organisation> {
    // Only platform admins (no organisation of their own) add organisations.
    if (!can(actor, 'organisation:manage') || actor.organisationId !== null) throw forbidden('Only platform admins add organisations');
    const region = lookupRegion(input.regionCode);
    if (!region) throw new AppError('UNKNOWN_REGION_CODE', `${input.regionCode} is not a GB/T 2260 code of a province, city or district`, 400);
    const row: Organisation = {
      id: randomUUID(),
      name: input.name,
      kind: input.kind,
      region_code: region.code,
      province: region.province,
      city: region.city,
      county: region.county,
      street: input.street ?? '',
      created_at: new Date().toISOString(),
    };
    await this.db.insertInto('organisations').values(row).execute();
    return row;
  }

  async createStaff(
    actor: StaffActor,
    input: { username: string; password: string; displayName: string; role: StaffRole; organisationId: string | null; confidentialAccess?: boolean | undefined },
  ): Promise<StaffUser> {
    if (!can(actor, 'staff:manage')) throw forbidden('Only admins add staff');
    if (actor.organisationId !== null && input.organisationId !== actor.organisationId) throw forbidden('Staff of another organisation');
    if (input.organisationId && !(await this.db.selectFrom('organisations').select('id').where('id', '=', input.organisationId).executeTakeFirst())) {
      throw notFound('Organisation');
    }
    return this.auth.createStaff(input);
  }

  /**
   * Disables (or enables again) a staff account of the admin's organisation
   * (any, for the platform admin). A disabled account's logins are refused
   * from the next request on, and its live sockets are cut now.
   */
  async setDisabled(actor: StaffActor, userId: string, disabled: boolean, context: Omit<AuditContext, 'actor'>): Promise<void> {
    if (!can(actor, 'staff:manage')) throw forbidden('Only admins manage staff');
    const target = await this.db.selectFrom('users').select(['id', 'organisation_id', 'disabled']).where('id', '=', userId).executeTakeFirst();
    if (!target) throw notFound('Staff');
    if (!can(actor, 'staff:manage', { caseId: null, organisationId: target.organisation_id, assignedUserId: null })) throw notFound('Staff');
    if (target.id === actor.userId) throw new AppError('INVALID_PAYLOAD', 'You cannot disable your own account', 400);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ disabled: disabled ? 1 : 0 }).where('id', '=', userId).execute();
      await recordAudit(trx, { ...context, actor }, { caseId: null, action: disabled ? 'staff.disabled' : 'staff.enabled', detail: { userId } });
    });
    if (disabled) this.revocations?.revoke(`staff:${userId}`, 'disabled');
    else this.revocations?.restore(`staff:${userId}`);
  }

  async listStaff(actor: StaffActor) {
    let query = this.db
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'role', 'organisation_id', 'disabled'])
      .orderBy('role')
      .orderBy('display_name');
    if (actor.organisationId) query = query.where('organisation_id', '=', actor.organisationId);
    const rows = await query.execute();
    return rows.map((row) => ({
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      organisationId: row.organisation_id,
      disabled: row.disabled === 1,
    }));
  }
}
