/** 调解协议书: the parties, the dispute, how the mediation went (session time, recording), the agreed terms, performance, effect. */
import type { CaseFacts } from '../caseFacts.ts';
import type { Block, DocumentContent, SignatureSlot } from '../content.ts';
import { paymentMethodNames, type Terms } from '../terms.ts';
import { chineseDate, money } from '../text.ts';
import { claimsTable, disputeNames, documentContent, partyRows, sessionSentence, workersTable } from './commonBlocks.ts';

export function termSentences(terms: Terms): string[] {
  return terms.items.map((item, i) => {
    const what = item.description.trim().replace(/^支付/, '') || '款项';
    const when = item.dueDate ? `于${chineseDate(item.dueDate)}前` : '于本协议书生效之日起十五日内';
    const account = item.account.trim() ? `（收款账户：${item.account.trim()}）` : '';
    return `${i + 1}. 被申请人${when}以${paymentMethodNames[item.method]}方式向申请人支付${what}，计${money(item.amountCents)}${account}。`;
  });
}

export function mediationAgreement(facts: CaseFacts, terms: Terms, signers: readonly SignatureSlot[]): DocumentContent {
  const kind = 'mediation_agreement';
  const blocks: Block[] = [{ type: 'fields', rows: partyRows(kind, facts) }];

  blocks.push({ type: 'heading', text: '一、争议事项' });
  blocks.push({
    type: 'paragraph',
    indent: true,
    text: facts.collective
      ? `申请人${facts.applicant.name}等${facts.collective.workers.length}名劳动者与被申请人${facts.respondent.name}因${disputeNames[facts.disputeType] ?? '劳动'}争议向${facts.organisation.name}申请调解（集体争议），推举代表人${facts.collective.representatives.map((r) => r.name).join('、')}参加调解。各劳动者的请求事项及金额如下（劳动者名单）：`
      : `申请人${facts.applicant.name}与被申请人${facts.respondent.name}因${disputeNames[facts.disputeType] ?? '劳动'}争议向${facts.organisation.name}申请调解。申请人的请求事项如下：`,
  });
  if (facts.collective) blocks.push(workersTable(facts.collective));
  else if (facts.claims.some((c) => c.filedBy === 'applicant')) blocks.push(claimsTable(facts, 'applicant'));
  if (terms.facts.trim()) blocks.push({ type: 'paragraph', indent: true, text: `争议事实：${terms.facts.trim()}` });

  blocks.push({ type: 'heading', text: '二、调解过程' });
  blocks.push({ type: 'paragraph', indent: true, text: sessionSentence(kind, facts) });

  blocks.push({ type: 'heading', text: '三、协议内容' });
  blocks.push({ type: 'paragraph', indent: true, text: '经调解员主持调解，双方当事人在平等自愿、协商一致的基础上达成如下协议：' });
  const sentences = termSentences(terms);
  if (sentences.length === 0) blocks.push({ type: 'note', text: '（协议条款尚未填写）' });
  for (const sentence of sentences) blocks.push({ type: 'paragraph', text: sentence });
  if (terms.items.length > 1) {
    blocks.push({ type: 'paragraph', text: `以上款项合计${money(terms.items.reduce((sum, item) => sum + item.amountCents, 0))}。` });
  }

  blocks.push({ type: 'heading', text: '四、履行条款' });
  blocks.push({ type: 'paragraph', indent: true, text: terms.performance.trim() || '被申请人应当按照本协议约定的期限和方式足额履行。' });

  blocks.push({ type: 'heading', text: '五、其他约定' });
  blocks.push({ type: 'paragraph', indent: true, text: terms.otherTerms.trim() || '无。' });

  blocks.push({ type: 'heading', text: '六、协议效力' });
  blocks.push({
    type: 'paragraph',
    indent: true,
    text:
      '本协议书经双方当事人签名或者盖章、调解员签名并由调解组织加盖电子签章后生效，对双方当事人具有约束力，当事人应当履行。' +
      '本协议书以电子方式签署，各方当事人可以通过云庭平台下载；经核验与登记的最终版本一致的电子文本，与纸质原件具有同等效力。',
  });

  const closing = facts.collective
    ? '双方当事人确认已完整阅读本协议书，对协议内容无异议。劳动者代表人代表全体劳动者签名；每名劳动者对本版本的同意均已逐一记录（见签署审计记录）。'
    : '双方当事人确认已完整阅读本协议书，对协议内容无异议。';
  return documentContent(kind, facts, signers, { organisationLabel: '调解组织', blocks, closing });
}
