/** Pieces the three documents share: names of things, the parties' block, claims, the session sentence, signature places. */
import type { DocumentKind } from '../../store/schema.ts';
import type { CaseFacts } from '../caseFacts.ts';
import { representativeSlots, type Block, type DocumentContent, type RepresentativeSlot, type SignaturePlace, type SignatureSlot } from '../content.ts';

const isRepresentativeSlot = (slot: SignatureSlot): slot is RepresentativeSlot => (representativeSlots as readonly string[]).includes(slot);
import { beijingTime, chineseDateTime, yuan } from '../text.ts';

export const documentTitles: Record<DocumentKind, string> = {
  mediation_agreement: '劳动人事争议调解协议书',
  arbitration_rights: '劳动人事争议仲裁简易程序权利义务确认书',
  hearing_record: '庭审笔录摘要',
};

export const disputeNames: Record<string, string> = {
  wage_arrears: '追索劳动报酬',
  work_injury: '工伤保险待遇',
  dismissal: '解除劳动合同',
  social_insurance: '社会保险',
  other: '其他劳动',
};

export const roleNames: Record<string, string> = {
  applicant: '申请人',
  representative: '劳动者代表人',
  worker: '劳动者',
  respondent: '被申请人',
  applicant_agent: '申请人委托代理人',
  respondent_agent: '被申请人委托代理人',
  expert: '专家',
  witness: '证人',
  mediator: '调解员',
  arbitrator: '仲裁员',
  clerk: '书记员',
  admin: '管理员',
};

export const modeNames: Record<string, string> = { face_to_face: '面对面调解', back_to_back: '背对背调解', hearing: '速裁庭审' };

export const phaseNames: Record<string, string> = {
  opening: '开庭及身份核对',
  notice: '程序告知与权利义务',
  claims_defence: '申诉与答辩',
  investigation: '庭审调查',
  debate: '庭审辩论',
  mediation: '当庭调解',
  final_statements: '最后陈述',
  closing: '闭庭',
};

export const outcomeNames: Record<string, string> = { ruling: '当庭裁决', adjournment: '休庭', settlement: '调解结案' };

export function hostTitle(kind: DocumentKind, facts: CaseFacts): string {
  if (kind !== 'mediation_agreement') return '仲裁员';
  return facts.host?.role === 'arbitrator' ? '仲裁员' : '调解员';
}

/** The parties (with ID numbers and addresses), their agents and the mediator or arbitrator, as label–value rows. */
export function partyRows(kind: DocumentKind, facts: CaseFacts): [string, string][] {
  const { applicant, respondent } = facts;
  const rows: [string, string][] = facts.collective
    ? collectiveRows(facts.collective)
    : [['申请人', `${applicant.name}，公民身份号码 ${applicant.idNumber}，住址：${applicant.address}`]];
  if (applicant.agent) rows.push(['委托代理人', applicant.agent.name]);
  rows.push(['被申请人', `${respondent.name}，统一社会信用代码 ${respondent.creditCode}，住所：${respondent.address}`]);
  if (respondent.agent) rows.push(['委托代理人', respondent.agent.name]);
  rows.push([hostTitle(kind, facts), facts.host?.name ?? '（未指定）']);
  return rows;
}

export function claimsTable(facts: CaseFacts, which: 'applicant' | 'all'): Block {
  const claims = facts.claims.filter((c) => which === 'all' || c.filedBy === 'applicant');
  return {
    type: 'table',
    columns: [
      { title: '序号', width: 0.09, align: 'center' },
      ...(which === 'all' ? [{ title: '提出人', width: 0.16 }] : []),
      { title: '请求事项', width: which === 'all' ? 0.53 : 0.67 },
      { title: '金额（元）', width: 0.22, align: 'right' as const },
    ],
    rows: claims.map((c, i) => [String(i + 1), ...(which === 'all' ? [c.filedBy === 'applicant' ? '申请人' : '被申请人（反请求）'] : []), c.description, yuan(c.amountCents)]),
  };
}

export function sessionTime(facts: CaseFacts): string | null {
  return facts.session?.startedAt ?? facts.session?.scheduledAt ?? null;
}

/** "本案于…由调解员…主持，通过云庭…进行面对面调解，全程同步录音录像，录像清单 SHA-256 为 …。" */
export function sessionSentence(kind: DocumentKind, facts: CaseFacts): string {
  const time = sessionTime(facts);
  const host = facts.host ? `由${hostTitle(kind, facts)}${facts.host.name}主持，` : '';
  const how = facts.session ? `以视频方式进行${modeNames[facts.session.mode] ?? ''}` : '以视频方式进行';
  const when = time ? `本案于${chineseDateTime(time)}` : '本案';
  const recording = facts.recording
    ? `过程全程同步录音录像，录像清单 SHA-256 为 ${facts.recording.manifestSha256}（录制开始于 ${beijingTime(facts.recording.startedAt)}）。`
    : '过程全程同步录音录像，录像清单于录像合成后登记。';
  return `${when}${host}通过云庭在线平台${how}，${recording}`;
}

const slotLabels: Record<Exclude<SignatureSlot, 'host' | RepresentativeSlot>, string> = {
  applicant: '申请人（签名）',
  applicant_agent: '申请人委托代理人（签名）',
  respondent: '被申请人（签名或盖章）',
  respondent_agent: '被申请人委托代理人（签名）',
};

export function signaturePlaces(kind: DocumentKind, facts: CaseFacts, signers: readonly SignatureSlot[]): SignaturePlace[] {
  const names: Record<Exclude<SignatureSlot, RepresentativeSlot>, string> = {
    applicant: facts.applicant.name,
    applicant_agent: facts.applicant.agent?.name ?? '',
    respondent: facts.respondent.name,
    respondent_agent: facts.respondent.agent?.name ?? '',
    host: facts.host?.name ?? '',
  };
  return signers.map((slot) => {
    if (isRepresentativeSlot(slot)) return { slot, label: '劳动者代表人（签名）', name: facts.collective?.representatives.find((r) => r.slot === slot)?.name ?? '' };
    return { slot, label: slot === 'host' ? `${hostTitle(kind, facts)}（签名）` : slotLabels[slot], name: names[slot] };
  });
}

/** Signature places a document asks for unless the sender chooses: both sides, the agents the case names, the host last. */
export function defaultSigners(facts: CaseFacts): SignatureSlot[] {
  // A collective dispute: the elected representatives sign for all the workers (each worker's consent is recorded apart).
  const slots: SignatureSlot[] = facts.collective?.representatives.length ? facts.collective.representatives.map((r) => r.slot) : ['applicant'];
  if (facts.applicant.agent) slots.push('applicant_agent');
  slots.push('respondent');
  if (facts.respondent.agent) slots.push('respondent_agent');
  slots.push('host');
  return slots;
}

/** What every document wraps around its own blocks: title, case number and organisation, closing line, signature places. */
export function documentContent(
  kind: DocumentKind,
  facts: CaseFacts,
  signers: readonly SignatureSlot[],
  body: { organisationLabel: string; blocks: Block[]; closing: string },
): DocumentContent {
  return {
    kind,
    title: documentTitles[kind],
    organisation: facts.organisation.name,
    serialNumber: facts.serialNumber,
    meta: [
      ['案号', facts.serialNumber],
      [body.organisationLabel, facts.organisation.name],
    ],
    blocks: body.blocks,
    closing: body.closing,
    signatures: signaturePlaces(kind, facts, signers),
  };
}

/** The applicant rows of a collective dispute: how many workers, and the elected representatives with their ID numbers. */
function collectiveRows(collective: NonNullable<CaseFacts['collective']>): [string, string][] {
  const first = collective.workers[0]?.name ?? '';
  const rows: [string, string][] = [['申请人', `${first}等${collective.workers.length}名劳动者（集体争议，名单及各自金额见“劳动者名单”）`]];
  for (const rep of collective.representatives) rows.push(['代表人', `${rep.name}，公民身份号码 ${rep.idNumber}`]);
  return rows;
}

/** 劳动者名单: every worker with its ID number, claims and amount, and the total. */
export function workersTable(collective: NonNullable<CaseFacts['collective']>): Block {
  return {
    type: 'table',
    columns: [
      { title: '序号', width: 0.07, align: 'center' },
      { title: '姓名', width: 0.19 },
      { title: '公民身份号码', width: 0.24 },
      { title: '请求事项', width: 0.34 },
      { title: '金额（元）', width: 0.16, align: 'right' as const },
    ],
    rows: [
      ...collective.workers.map((w, i) => [String(i + 1), w.representative ? `${w.name}（代表人）` : w.name, w.idNumber, w.claims.join('；'), yuan(w.amountCents)]),
      ['', '合计', `${collective.workers.length}人`, '', yuan(collective.totalCents)],
    ],
  };
}
