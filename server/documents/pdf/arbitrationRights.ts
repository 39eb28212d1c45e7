/** 仲裁简易程序权利义务确认书: the procedure, the parties' rights and duties, and whether the respondent waives the defence period. */
import type { CaseFacts } from '../caseFacts.ts';
import type { Block, DocumentContent, SignatureSlot } from '../content.ts';
import type { Terms } from '../terms.ts';
import { chineseDateTime } from '../text.ts';
import { documentContent, partyRows, sessionTime } from './commonBlocks.ts';

const RIGHTS = [
  '申请回避：当事人认为仲裁员与本案有利害关系或者有其他关系可能影响公正裁决的，有权在开庭前提出回避申请；回避事由在开庭后知道的，也可以在庭审辩论终结前提出。',
  '提供证据和质证：当事人有权提供证据，并对对方当事人提供的证据进行质证。',
  '陈述和辩论：当事人有权进行陈述和辩论，并在庭审辩论终结时进行最后陈述。',
  '和解与调解：当事人可以自行和解，也可以在仲裁员主持下进行调解。',
  '变更请求和反申请：申请人可以放弃或者变更仲裁请求；被申请人可以承认或者反驳仲裁请求，并有权提出反申请。',
  '核对笔录：当事人有权核对庭审笔录，认为对自己陈述的记录有遗漏或者差错的，有权申请补正。',
  '委托代理：当事人可以委托代理人参加仲裁活动。',
];

const DUTIES = [
  '遵守庭审纪律，服从仲裁员的指挥，在安静、独立、不受他人干扰的场所参加在线庭审。',
  '如实陈述案件事实，对自己提出的主张提供证据，不得伪造、隐匿证据。',
  '未经仲裁委员会许可，不得对庭审进行录音、录像、截图，不得传播庭审过程。',
  '保持通信畅通并按时参加庭审。申请人无正当理由拒不到庭或者未经仲裁庭同意中途退庭的，可以视为撤回仲裁申请；被申请人无正当理由拒不到庭或者未经仲裁庭同意中途退庭的，可以缺席裁决。',
  '自觉履行发生法律效力的调解书、裁决书。',
];

export function arbitrationRights(facts: CaseFacts, terms: Terms, signers: readonly SignatureSlot[]): DocumentContent {
  const kind = 'arbitration_rights';
  const time = sessionTime(facts);
  const blocks: Block[] = [{ type: 'fields', rows: partyRows(kind, facts) }];

  blocks.push({ type: 'heading', text: '一、程序告知' });
  blocks.push({
    type: 'paragraph',
    indent: true,
    text:
      `本案依照《中华人民共和国劳动争议调解仲裁法》及有关规定适用简易程序处理，由仲裁员${facts.host?.name ?? ''}独任审理，` +
      `通过云庭在线平台以视频方式开庭${time ? `（开庭时间：${chineseDateTime(time)}）` : ''}，庭审全程同步录音录像。`,
  });

  blocks.push({ type: 'heading', text: '二、当事人的权利' });
  RIGHTS.forEach((text, i) => blocks.push({ type: 'paragraph', text: `${i + 1}. ${text}` }));

  blocks.push({ type: 'heading', text: '三、当事人的义务' });
  DUTIES.forEach((text, i) => blocks.push({ type: 'paragraph', text: `${i + 1}. ${text}` }));

  blocks.push({ type: 'heading', text: '四、答辩期' });
  blocks.push({
    type: 'paragraph',
    indent: true,
    text: terms.waiveDefencePeriod
      ? '被申请人已知悉依照《中华人民共和国劳动争议调解仲裁法》第三十条的规定，其享有自收到仲裁申请书副本之日起十日内提交答辩书的权利（答辩期）。' +
        '被申请人自愿放弃答辩期，同意仲裁委员会即行开庭审理；放弃答辩期不影响被申请人在庭审中进行答辩。'
      : '被申请人依照《中华人民共和国劳动争议调解仲裁法》第三十条的规定，享有自收到仲裁申请书副本之日起十日内提交答辩书的权利。被申请人不放弃答辩期。',
  });

  blocks.push({ type: 'heading', text: '五、其他事项' });
  blocks.push({ type: 'paragraph', indent: true, text: terms.otherTerms.trim() || '无。' });

  return documentContent(kind, facts, signers, { organisationLabel: '仲裁机构', blocks, closing: '以上权利义务已由仲裁员告知，本人已阅读并理解，同意适用简易程序在线审理。' });
}
