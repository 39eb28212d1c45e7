/**
 * The migration that gives rooms their organisation fills in the rooms that
 * already exist: a case's sessions take the case's organisation, an ad-hoc
 * room its creator's, the platform admin's rooms none.
 */
import { rmSync } from 'node:fs';
import { Migrator } from 'kysely';
import { expect, it } from 'vitest';
import { openDatabase } from '../../server/store/database.ts';
import { migrations } from '../../server/store/migrations/index.ts';
import { startTestServer } from '../helpers/testServer.ts';
import { application, seedOrganisation, seedStaff, submitApplication } from '../helpers/cases.ts';

it('fills in the organisation of rooms made before it', async () => {
  const t = await startTestServer({ keepData: true });
  const { dataDir } = t;
  try {
    const org = await seedOrganisation(t);
    const clerk = await seedStaff(t, org.id, 'clerk', 'clerk1');
    const mediator = await seedStaff(t, org.id, 'mediator', 'mediator1');
    const adHoc = (await t.api<{ id: string }>('POST', '/api/rooms', { title: '临时咨询', mode: 'face_to_face' }, mediator.token)).body.id;
    const platforms = (await t.createRoom('平台管理员的房间')).id;
    const created = await submitApplication(t, application(org.id));
    const list = await t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, clerk.token);
    const caseId = list.body.cases.find((c) => c.serialNumber === created.body.serialNumber)!.id;
    await t.api('POST', `/api/cases/${caseId}/accept`, undefined, clerk.token);
    await t.api('POST', `/api/cases/${caseId}/assign`, { userId: mediator.id }, clerk.token);
    // Scheduled by the platform admin (no organisation): the session still belongs to the case's organisation.
    const session = (await t.api<{ id: string }>('POST', `/api/cases/${caseId}/sessions`, { mode: 'face_to_face', scheduledAt: new Date().toISOString() }, t.staffToken)).body.id;
    await t.close();

    const db = await openDatabase({ dataDir });
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      const down = await migrator.migrateTo('0005_documents');
      expect(down.error).toBeUndefined();
      const up = await migrator.migrateToLatest();
      expect(up.error).toBeUndefined();
      expect(up.results?.map((r) => r.migrationName)).toContain('0006_rooms_organisation');
      const rows = await db.selectFrom('rooms').select(['id', 'organisation_id']).execute();
      const orgOf = (id: string) => rows.find((r) => r.id === id)?.organisation_id;
      expect(orgOf(adHoc)).toBe(org.id);
      expect(orgOf(session)).toBe(org.id);
      expect(orgOf(platforms)).toBeNull();
    } finally {
      await db.destroy();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
