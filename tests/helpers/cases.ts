/** Builders for organisations, staff and applications through the real HTTP API. */
import { randomUUID } from 'node:crypto';
import type { TestServer } from './testServer.ts';

export const VALID_ID = '11010519491231002X';
export const VALID_CREDIT_CODE = '91350100M000100Y43';

/** A 1×1 PNG: the smallest real image. */
export const tinyPng = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf000000030101005d1d7c0a0000000049454e44ae426082',
  'hex',
);

export async function seedOrganisation(t: TestServer, name = '深圳市南山区劳动人事争议调解中心') {
  const res = await t.api<{ id: string }>(
    'POST',
    '/api/organisations',
    { name, kind: 'mediation_organisation', regionCode: '440305', province: '广东省', city: '深圳市', county: '南山区' },
    t.staffToken,
  );
  if (res.status !== 201) throw new Error(`organisation: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function seedStaff(t: TestServer, organisationId: string | null, role: 'clerk' | 'mediator' | 'arbitrator' | 'admin', username: string) {
  const password = `${username}-password`;
  const created = await t.api<{ id: string }>(
    'POST',
    '/api/staff',
    { username, password, displayName: { clerk: '王书记员', mediator: '李调解员', arbitrator: '赵仲裁员', admin: '机构管理员' }[role], role, organisationId },
    t.staffToken,
  );
  if (created.status !== 201) throw new Error(`staff: ${JSON.stringify(created.body)}`);
  const login = await t.api<{ token: string }>('POST', '/api/auth/login', { username, password });
  return { id: created.body.id, token: login.body.token, username, password };
}

export function application(organisationId: string, overrides: Record<string, unknown> = {}) {
  return {
    idempotencyKey: randomUUID(),
    organisationId,
    disputeType: 'wage_arrears',
    facts: '2026年8月至10月的工资共计8000元至今未发放。',
    applicant: { name: '张三', idNumber: VALID_ID, phone: '13800138000', address: '四川省达州市通川区' },
    employer: { name: '深圳市某建筑工程有限公司', creditCode: VALID_CREDIT_CODE, address: '深圳市南山区科技园', contact: '0755-86001234' },
    claims: [{ description: '支付拖欠工资', amount: 8000 }],
    ...overrides,
  };
}

export async function submitApplication(
  t: TestServer,
  body: unknown,
  files: { name: string; data: Buffer; type?: string }[] = [],
  lang = 'zh-CN',
) {
  const form = new FormData();
  form.append('application', JSON.stringify(body));
  for (const file of files) form.append('evidence', new Blob([new Uint8Array(file.data)], { type: file.type ?? 'application/octet-stream' }), file.name);
  const response = await fetch(`${t.url}/api/applications`, { method: 'POST', body: form, headers: { 'accept-language': lang } });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/** A valid 18-digit resident ID for a birth date derived from `n`, so tests can file many distinct applicants. */
export function residentId(n: number): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const day = String((n % 28) + 1).padStart(2, '0');
  const month = String((Math.floor(n / 28) % 12) + 1).padStart(2, '0');
  const body = `110101${1970 + (Math.floor(n / 336) % 40)}${month}${day}${String(n % 1000).padStart(3, '0')}`;
  const sum = weights.reduce((acc, w, i) => acc + w * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11];
}
