/** 庭审笔录摘要: who attended, the hearing's phases from the session event log, the claims, the points of the hearing, the recording. */
import type { CaseFacts } from '../caseFacts.ts';
import type { Block, DocumentContent, SignatureSlot } from '../content.ts';
import type { Terms } from '../terms.ts';
import { beijingTime, chineseDateTime } from '../text.ts';
import { claimsTable, disputeNames, documentContent, outcomeNames, phaseNames, roleNames, sessionTime } from './commonBlocks.ts';

export function hearingRecord(facts: CaseFacts, terms: Terms, signers: readonly SignatureSlot[]): DocumentContent {
  const kind = 'hearing_record';
  const time = sessionTime(facts);
  const party = (p: { name: string; agent: { name: string } | null }) => (p.agent ? `${p.name}（委托代理人：${p.agent.name}）` : p.name);
  const blocks: Block[] = [
    {
      type: 'fields',
      rows: [
        ['案由', `${disputeNames[facts.disputeType] ?? '劳动'}争议`],
        ['开庭时间', time ? chineseDateTime(time) : '—'],
        ['开庭方式', '在线视频开庭（云庭平台），全程同步录音录像'],
        ['仲裁员', facts.host?.name ?? '（未指定）'],
        ['申请人', party(facts.applicant)],
        ['被申请人', party(facts.respondent)],
      ],
    },
  ];

  blocks.push({ type: 'heading', text: '一、到庭情况' });
  if (facts.attendance.length === 0) blocks.push({ type: 'note', text: '（无到庭记录）' });
  else
    blocks.push({
      type: 'table',
      columns: [
        { title: '姓名', width: 0.3 },
        { title: '身份', width: 0.26 },
        { title: '进入时间', width: 0.28 },
        { title: '身份核验', width: 0.16, align: 'center' },
      ],
      rows: facts.attendance.map((a) => [a.name, roleNames[a.role] ?? a.role, beijingTime(a.at), a.verified ? '已核验' : '—']),
    });

  // Whether each party could hear and be heard: every poor or lost stretch of its connection.
  if (facts.connection.length > 0) {
    blocks.push({ type: 'paragraph', indent: true, text: '庭审期间网络连接较差或中断的情况（据平台记录）：' });
    blocks.push({
      type: 'table',
      columns: [
        { title: '姓名', width: 0.24 },
        { title: '身份', width: 0.2 },
        { title: '情况', width: 0.16 },
        { title: '起止时间', width: 0.28 },
        { title: '时长', width: 0.12, align: 'center' },
      ],
      rows: facts.connection.map((c) => [
        c.name,
        roleNames[c.role] ?? c.role,
        c.level === 'lost' ? '连接中断' : '网络较差',
        `${beijingTime(c.from)}—${c.to ? beijingTime(c.to) : '结束'}`,
        c.seconds === null ? '—' : `${Math.round(c.seconds)} 秒`,
      ]),
    });
  } else if (facts.session) {
    blocks.push({ type: 'note', text: '（平台未记录网络较差或中断的情况）' });
  }

  blocks.push({ type: 'heading', text: '二、庭审经过' });
  if (facts.phases.length === 0) blocks.push({ type: 'note', text: '（本次庭审未记录阶段）' });
  else
    blocks.push({
      type: 'table',
      columns: [
        { title: '阶段', width: 0.26 },
        { title: '开始时间', width: 0.26 },
        { title: '主持', width: 0.16 },
        { title: '备注', width: 0.32 },
      ],
      rows: facts.phases.map((p) => [
        phaseNames[p.phase] ?? p.phase,
        beijingTime(p.at),
        p.by,
        [p.outcome ? outcomeNames[p.outcome] ?? p.outcome : '', p.note ?? ''].filter(Boolean).join('：'),
      ]),
    });

  blocks.push({ type: 'heading', text: '三、仲裁请求' });
  if (facts.claims.length === 0) blocks.push({ type: 'note', text: '（无）' });
  else blocks.push(claimsTable(facts, 'all'));
  if (terms.facts.trim()) blocks.push({ type: 'paragraph', indent: true, text: `事实与理由：${terms.facts.trim()}` });

  blocks.push({ type: 'heading', text: '四、庭审要点' });
  blocks.push({ type: 'paragraph', indent: true, text: terms.hearingNotes.trim() || '（无）' });

  blocks.push({ type: 'heading', text: '五、录音录像' });
  blocks.push({
    type: 'paragraph',
    indent: true,
    text: facts.recording
      ? `本次庭审录音录像已归档，录像清单 SHA-256：${facts.recording.manifestSha256}。`
      : '本次庭审全程同步录音录像，录像清单于录像合成后登记。',
  });

  return documentContent(kind, facts, signers, { organisationLabel: '仲裁机构', blocks, closing: '以上笔录摘要已经当事人核对，确认无误。' });
}
