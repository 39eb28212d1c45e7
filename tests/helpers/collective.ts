/** Builders for collective disputes (集体争议): the seed's 12 workers owed ¥77,220, and valid credit codes for separate employers. */
import { randomUUID } from 'node:crypto';
import { VALID_CREDIT_CODE, residentId } from './cases.ts';

/** The seed's case: 12 workers, ¥77,220 in wages, each its own amount. */
export const SEED_WORKERS: { name: string; amount: number }[] = [
  { name: '陈大明', amount: 6800 },
  { name: '李小红', amount: 5900 },
  { name: '王建国', amount: 7200 },
  { name: '赵春燕', amount: 6120 },
  { name: '刘志强', amount: 6500 },
  { name: '孙秀英', amount: 5800 },
  { name: '周国庆', amount: 7050 },
  { name: '吴海涛', amount: 6300 },
  { name: '郑丽娟', amount: 6150 },
  { name: '冯建军', amount: 6900 },
  { name: '何桂芳', amount: 5700 },
  { name: '黄德胜', amount: 6800 },
];

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A valid unified social credit code (MOD 31 check character) for employer number `n`. */
export function creditCode(n: number): string {
  const body = `91440300MA5${String(n).padStart(6, '0')}`;
  const sum = CREDIT_WEIGHTS.reduce((acc, w, i) => acc + w * CREDIT_CHARS.indexOf(body[i]!), 0);
  return body + CREDIT_CHARS[(31 - (sum % 31)) % 31];
}

export function worker(i: number, name: string, amount: number) {
  return {
    name,
    idNumber: residentId(500 + i),
    phone: `1390000${String(1000 + i).padStart(4, '0')}`,
    address: '四川省达州市通川区',
    claims: [{ description: '支付2026年8月至10月拖欠工资', amount }],
  };
}

/** A collective application of the 12 seed workers, the first three (or `representatives`) elected as representatives. */
export function collectiveApplication(organisationId: string, representatives = [0, 1, 2], creditCodeValue = VALID_CREDIT_CODE) {
  const all = SEED_WORKERS.map((w, i) => worker(i, w.name, w.amount));
  const [first, ...rest] = all;
  return {
    idempotencyKey: randomUUID(),
    organisationId,
    disputeType: 'wage_arrears',
    facts: '12名工人在被申请人承建的南山区项目工地务工，2026年8月至10月工资共计77,220元至今未发放。',
    applicant: { name: first!.name, idNumber: first!.idNumber, phone: first!.phone, address: first!.address },
    employer: { name: '深圳市某建筑劳务有限公司', creditCode: creditCodeValue, address: '深圳市南山区科技园', contact: '0755-86001234' },
    claims: first!.claims,
    workers: rest,
    representatives,
  };
}
