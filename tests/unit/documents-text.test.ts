/** How documents write money, dates and times, and how Chinese text wraps. */
import { describe, expect, it } from 'vitest';
import { amountInWords, beijingTime, chineseDate, chineseDateTime, money, yuan } from '../../server/documents/text.ts';
import { wrapParagraph, wrapText } from '../../server/documents/pdf/layout.ts';

describe('amounts', () => {
  it('groups yuan with two decimals', () => {
    expect(yuan(0)).toBe('0.00');
    expect(yuan(800_000)).toBe('8,000.00');
    expect(yuan(123_456_789)).toBe('1,234,567.89');
    expect(yuan(5)).toBe('0.05');
  });

  it('writes amounts in Chinese capitals as on a cheque', () => {
    const cases: [number, string][] = [
      [0, '零元整'],
      [800_000, '捌仟元整'],
      [800_050, '捌仟元伍角整'],
      [800_006, '捌仟元零陆分'],
      [800_056, '捌仟元伍角陆分'],
      [56, '伍角陆分'],
      [6, '陆分'],
      [10_000_100, '壹拾万零壹元整'],
      [101_000_000, '壹佰零壹万元整'],
      [1_100_003_000, '壹仟壹佰万零叁拾元整'],
      [100_000_000_000, '壹拾亿元整'],
      [10_000_000_100, '壹亿零壹元整'],
      [1_010_00, '壹仟零壹拾元整'],
      [1_100_303, '壹万壹仟零叁元零叁分'],
    ];
    for (const [cents, words] of cases) expect(amountInWords(cents), String(cents)).toBe(words);
    expect(money(800_000)).toBe('人民币8,000.00元（大写：捌仟元整）');
  });
});

describe('dates and times', () => {
  it('writes calendar dates and Beijing times', () => {
    expect(chineseDate('2026-05-01')).toBe('2026年5月1日');
    expect(chineseDate('2026-12-31')).toBe('2026年12月31日');
    expect(beijingTime('2026-05-01T06:03:12.000Z')).toBe('2026-05-01 14:03:12');
    expect(beijingTime('2026-05-01T20:00:00Z')).toBe('2026-05-02 04:00:00');
    expect(chineseDateTime('2026-05-01T06:03:12.000Z')).toBe('2026年5月1日14时03分');
  });
});

describe('wrapping', () => {
  // Every character one unit wide: lines of `width` characters.
  const measure = (text: string) => [...text].length;

  it('breaks between Chinese characters', () => {
    expect(wrapParagraph('一二三四五六七八九十', measure, 4)).toEqual(['一二三四', '五六七八', '九十']);
  });

  it('never starts a line with closing punctuation: it hangs at the end of the line before', () => {
    expect(wrapParagraph('一二三四五，六七', measure, 5)).toEqual(['一二三四五，', '六七']);
    expect(wrapParagraph('一二三四五。', measure, 5)).toEqual(['一二三四五。']);
  });

  it('never ends a line with an opening bracket', () => {
    expect(wrapParagraph('一二三四（五六）', measure, 5)).toEqual(['一二三四', '（五六）']);
  });

  it('keeps Latin words and numbers whole, and cuts what is longer than a line', () => {
    expect(wrapParagraph('金额8,000.00元', measure, 8)).toEqual(['金额', '8,000.00', '元']);
    expect(wrapParagraph('ab abcdef', measure, 5)).toEqual(['ab', 'abcde', 'f']);
    const hash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(wrapParagraph(`SHA-256 ${hash}`, measure, 30).join('')).toBe(`SHA-256${hash}`);
  });

  it('indents the first line and keeps hard line breaks', () => {
    expect(wrapParagraph('一二三四五六', measure, 4, 2)).toEqual(['一二', '三四五六']);
    expect(wrapText('一二\n三四', measure, 10)).toEqual(['一二', '三四']);
    expect(wrapText('', measure, 10)).toEqual(['']);
  });
});
