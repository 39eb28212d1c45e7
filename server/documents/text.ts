/** How documents write amounts, dates and times: yuan with grouping, amounts in Chinese capitals, Beijing time. */

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const SMALL_UNITS = ['', '拾', '佰', '仟'];
const GROUP_UNITS = ['', '万', '亿', '万亿'];

/** 12345600 → "123,456.00" */
export function yuan(cents: number): string {
  const negative = cents < 0;
  const abs = Math.abs(Math.round(cents));
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

function groupWords(value: number): string {
  let out = '';
  let zero = false;
  for (let i = 3; i >= 0; i--) {
    const digit = Math.floor(value / 10 ** i) % 10;
    if (digit === 0) {
      if (out !== '') zero = true;
      continue;
    }
    if (zero) out += '零';
    zero = false;
    out += DIGITS[digit]! + SMALL_UNITS[i]!;
  }
  return out;
}

function integerWords(value: number): string {
  if (value === 0) return '零';
  const groups: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 10_000)) groups.push(rest % 10_000);
  let out = '';
  let gap = false;
  for (let g = groups.length - 1; g >= 0; g--) {
    const group = groups[g]!;
    if (group === 0) {
      gap = out !== '';
      continue;
    }
    if (out !== '' && (gap || group < 1000)) out += '零';
    out += groupWords(group) + GROUP_UNITS[g]!;
    gap = false;
  }
  return out;
}

/** The amount in Chinese capitals as on a cheque: 800050 → "捌仟元伍角整", 800006 → "捌仟元零陆分". */
export function amountInWords(cents: number): string {
  const abs = Math.abs(Math.round(cents));
  const whole = Math.floor(abs / 100);
  const jiao = Math.floor(abs / 10) % 10;
  const fen = abs % 10;
  if (abs === 0) return '零元整';
  let out = whole > 0 ? `${integerWords(whole)}元` : '';
  if (jiao === 0 && fen === 0) return `${out}整`;
  if (jiao > 0) out += `${DIGITS[jiao]}角`;
  else if (whole > 0) out += '零';
  out += fen > 0 ? `${DIGITS[fen]}分` : '整';
  return (cents < 0 ? '负' : '') + out;
}

/** "人民币8,000.00元（大写：捌仟元整）" */
export function money(cents: number): string {
  return `人民币${yuan(cents)}元（大写：${amountInWords(cents)}）`;
}

/** "2026-05-31" → "2026年5月31日" */
export function chineseDate(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!match) return date;
  return `${match[1]}年${Number(match[2])}月${Number(match[3])}日`;
}

const BEIJING_OFFSET_MS = 8 * 3_600_000; // China has one time zone and no daylight saving

/** ISO time → "2026-05-01 14:03:22" in Beijing time. */
export function beijingTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** ISO time → "2026年5月1日14时03分" in Beijing time. */
export function chineseDateTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const local = new Date(ms + BEIJING_OFFSET_MS).toISOString();
  return `${chineseDate(local)}${Number(local.slice(11, 13))}时${local.slice(14, 16)}分`;
}
