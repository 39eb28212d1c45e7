/** A case as documents see it, without a store: for the PDF unit tests and the benchmark. */
import type { CaseFacts } from '../../server/documents/caseFacts.ts';
import { defaultTerms, type Terms } from '../../server/documents/terms.ts';

export function sampleFacts(overrides: Partial<CaseFacts> = {}): CaseFacts {
  return {
    caseId: '00000000-0000-4000-8000-000000000001',
    serialNumber: '440305-20260501-0007',
    disputeType: 'wage_arrears',
    facts: '申请人于2025年3月入职被申请人处从事钢筋工工作，2025年8月至10月的工资共计8000元至今未发放。',
    organisation: { name: '深圳市南山区劳动人事争议调解中心', kind: 'mediation_organisation' },
    applicant: { name: '张三', idNumber: '11010519491231002X', address: '四川省达州市通川区西外镇凤凰大道188号', phone: '13800138000', agent: { name: '李律师', phone: '13900139000' } },
    respondent: { name: '深圳市某建筑工程有限公司', creditCode: '91350100M000100Y43', address: '深圳市南山区科技园南区高新南七道20号', contact: '0755-86001234', agent: null },
    host: { name: '李调解员', role: 'mediator' },
    claims: [
      { filedBy: 'applicant', description: '支付2025年8月至10月拖欠工资', amountCents: 800_000 },
      { filedBy: 'applicant', description: '支付未签订书面劳动合同二倍工资差额', amountCents: 1_200_000 },
      { filedBy: 'respondent', description: '赔偿擅自离职造成的损失', amountCents: 200_000 },
    ],
    session: { roomId: '00000000-0000-4000-8000-000000000002', title: '440305-20260501-0007 面对面调解', mode: 'face_to_face', scheduledAt: '2026-05-01T06:00:00.000Z', startedAt: '2026-05-01T06:03:12.000Z', lastEventAt: '2026-05-01T07:10:00.000Z' },
    phases: [
      { phase: 'opening', at: '2026-05-01T06:05:00.000Z', by: '赵仲裁员', outcome: null, note: null },
      { phase: 'notice', at: '2026-05-01T06:09:00.000Z', by: '赵仲裁员', outcome: null, note: null },
      { phase: 'closing', at: '2026-05-01T07:00:00.000Z', by: '赵仲裁员', outcome: 'settlement', note: '双方当庭达成调解协议' },
    ],
    attendance: [
      { name: '张三', role: 'applicant', at: '2026-05-01T06:01:00.000Z', verified: true },
      { name: '王经理', role: 'respondent', at: '2026-05-01T06:02:00.000Z', verified: true },
    ],
    connection: [{ name: '张三', role: 'applicant', level: 'poor', from: '2026-05-01T06:20:00.000Z', to: '2026-05-01T06:21:30.000Z', seconds: 90 }],
    recording: { id: '00000000-0000-4000-8000-000000000003', manifestSha256: 'a'.repeat(16) + 'b'.repeat(16) + 'c'.repeat(16) + 'd'.repeat(16), startedAt: '2026-05-01T06:03:12.000Z', endedAt: '2026-05-01T07:10:00.000Z', durationSeconds: 4008 },
    ...overrides,
  };
}

export function sampleTerms(facts: CaseFacts, items = 2): Terms {
  const terms = defaultTerms('mediation_agreement', facts);
  terms.items = Array.from({ length: items }, (_, i) => ({
    description: i === 0 ? '支付2025年8月至10月拖欠工资' : `第${i + 1}期经济补偿金（分期支付）`,
    amountCents: i === 0 ? 800_000 : 150_050 + i,
    dueDate: `2026-${String(5 + (i % 7)).padStart(2, '0')}-${String(10 + (i % 18)).padStart(2, '0')}`,
    method: i % 3 === 0 ? 'bank_transfer' : i % 3 === 1 ? 'wechat' : 'cash',
    account: i % 3 === 0 ? '中国工商银行深圳南山支行 6222 0000 1234 5678 901' : '',
  }));
  return terms;
}
