/**
 * What the mediator or arbitrator edits during the session: one shape for
 * all three documents (each uses its part). Money is integer cents, dates
 * are calendar dates (YYYY-MM-DD), both as the console sends them.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { DocumentKind } from '../store/schema.ts';

export const documentKinds: readonly DocumentKind[] = ['mediation_agreement', 'arbitration_rights', 'hearing_record'];
export const DocumentKindSchema = Type.Union(documentKinds.map((k) => Type.Literal(k)));

export const paymentMethods = ['bank_transfer', 'cash', 'wechat', 'alipay', 'other'] as const;
export type PaymentMethod = (typeof paymentMethods)[number];
export const paymentMethodNames: Record<PaymentMethod, string> = {
  bank_transfer: '银行转账',
  cash: '现金',
  wechat: '微信转账',
  alipay: '支付宝转账',
  other: '双方约定的其他方式',
};

export const TermItem = Type.Object(
  {
    description: Type.String({ maxLength: 200 }),
    amountCents: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }),
    /** Pay by this date; empty when not agreed yet. */
    dueDate: Type.String({ pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' }),
    method: Type.Union(paymentMethods.map((m) => Type.Literal(m))),
    /** The payee's account (bank, card number) when paid by transfer. */
    account: Type.String({ maxLength: 120 }),
  },
  { additionalProperties: false },
);
export type TermItem = Static<typeof TermItem>;

export const Terms = Type.Object(
  {
    /** 争议事实 / 案情摘要 */
    facts: Type.String({ maxLength: 4000 }),
    /** 协议条款: who pays what, by when, how. */
    items: Type.Array(TermItem, { maxItems: 20 }),
    /** 履行条款 */
    performance: Type.String({ maxLength: 2000 }),
    /** 其他约定 */
    otherTerms: Type.String({ maxLength: 2000 }),
    /** Rights confirmation: the respondent waives the ten-day defence period. */
    waiveDefencePeriod: Type.Boolean(),
    /** Hearing record: the points of the hearing as the clerk or arbitrator summarises them. */
    hearingNotes: Type.String({ maxLength: 8000 }),
  },
  { additionalProperties: false },
);
export type Terms = Static<typeof Terms>;

export const DEFAULT_PERFORMANCE =
  '被申请人应当按照本协议约定的期限和方式足额履行。被申请人逾期未履行或者未完全履行的，申请人可以依法申请仲裁；' +
  '就支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项，申请人也可以依照《中华人民共和国劳动争议调解仲裁法》第十六条的规定，' +
  '持本协议书依法向人民法院申请支付令。双方当事人可以自本协议书生效之日起三十日内共同向有管辖权的人民法院申请司法确认。';

export const DEFAULT_OTHER_TERMS = '本协议履行完毕后，双方当事人就本案劳动争议再无其他争议。';

export function defaultTerms(kind: DocumentKind, facts: { facts: string; claims: { description: string; amountCents: number }[] }): Terms {
  return {
    facts: facts.facts,
    items:
      kind === 'mediation_agreement'
        ? facts.claims.slice(0, 20).map((claim) => ({ description: claim.description, amountCents: claim.amountCents, dueDate: '', method: 'bank_transfer', account: '' }))
        : [],
    performance: kind === 'mediation_agreement' ? DEFAULT_PERFORMANCE : '',
    otherTerms: kind === 'mediation_agreement' ? DEFAULT_OTHER_TERMS : '',
    waiveDefencePeriod: kind === 'arbitration_rights',
    hearingNotes: '',
  };
}
