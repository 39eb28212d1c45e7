/** The list of claims (what is asked for, and how much in yuan) with add/remove and a running total. */
import type { ClaimInput } from '../caseApi.ts';
import { clear, h } from '../dom.ts';
import { bindText, formatYuan, onLangChange, t } from '../i18n.ts';
import { showMessage, type ErrorTarget, type Message } from './fields.ts';
import { parseAmount } from './validators.ts';

const MAX_CLAIMS = 20;

interface Row {
  el: HTMLElement;
  description: HTMLInputElement;
  amount: HTMLInputElement;
  error: HTMLElement;
}

export interface ClaimDraft {
  description: string;
  amount: string;
}

export class ClaimsEditor implements ErrorTarget {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly total: HTMLElement;
  private readonly addBtn: HTMLButtonElement;
  private readonly error: HTMLElement;
  private rows: Row[] = [];

  constructor(private readonly onChange: () => void = () => undefined) {
    this.list = h('ol', { class: 'claims-list' });
    this.total = h('p', { class: 'claims-total', attrs: { 'aria-live': 'polite' } });
    this.error = h('p', { class: 'field-error', attrs: { role: 'alert', hidden: true } });
    this.addBtn = h('button', {
      id: 'claim-add',
      class: 'btn btn-secondary btn-block',
      attrs: { type: 'button' },
      i18n: 'claims.add',
      on: { click: () => this.add(undefined, true) },
    });
    this.el = h('div', { class: 'claims' }, h('p', { class: 'field-hint', i18n: 'claims.hint' }), this.list, this.addBtn, this.total, this.error);
    this.add();
    onLangChange(() => this.refresh());
  }

  add(draft?: ClaimDraft, focus = false): void {
    if (this.rows.length >= MAX_CLAIMS) {
      this.setError({ key: 'claims.max' });
      return;
    }
    const description = h('input', {
      class: 'claim-description',
      attrs: { type: 'text', name: 'claim-description', maxlength: 500, autocomplete: 'off' },
      i18nAttrs: { placeholder: 'claims.descriptionPlaceholder', 'aria-label': 'claims.description' },
    });
    const amount = h('input', {
      class: 'claim-amount',
      attrs: { type: 'text', name: 'claim-amount', inputmode: 'decimal', maxlength: 16, autocomplete: 'off', placeholder: '0.00' },
      i18nAttrs: { 'aria-label': 'claims.amount' },
    });
    description.value = draft?.description ?? '';
    amount.value = draft?.amount ?? '';
    const error = h('p', { class: 'field-error', attrs: { role: 'alert', hidden: true } });
    const number = h('span', { class: 'claim-no' });
    const remove = h('button', { class: 'btn btn-ghost btn-small claim-remove', attrs: { type: 'button' }, i18n: 'claims.remove' });
    const el = h(
      'li',
      { class: 'claim-row' },
      h('div', { class: 'claim-row-head' }, number, remove),
      h('label', { class: 'claim-field' }, h('span', { class: 'field-label', i18n: 'claims.description' }), description),
      h(
        'label',
        { class: 'claim-field claim-field-amount' },
        h('span', { class: 'field-label', i18n: 'claims.amount' }),
        h('span', { class: 'amount-input' }, h('span', { class: 'amount-prefix', text: '¥', attrs: { 'aria-hidden': 'true' } }), amount),
      ),
      error,
    );
    const row: Row = { el, description, amount, error };
    remove.addEventListener('click', () => this.remove(row));
    for (const input of [description, amount]) {
      input.addEventListener('input', () => {
        this.markRow(row, undefined);
        this.el.classList.remove('has-error');
        this.error.hidden = true;
        this.refresh();
        this.onChange();
      });
    }
    amount.addEventListener('blur', () => {
      if (amount.value.trim() && parseAmount(amount.value) === undefined) this.markRow(row, { key: 'check.amount' });
    });
    this.rows.push(row);
    this.list.append(el);
    this.refresh();
    if (focus) description.focus();
  }

  private remove(row: Row): void {
    row.el.remove();
    this.rows = this.rows.filter((r) => r !== row);
    if (this.rows.length === 0) this.add();
    this.refresh();
    this.onChange();
  }

  private refresh(): void {
    this.rows.forEach((row, i) => {
      const no = row.el.querySelector<HTMLElement>('.claim-no');
      if (no) bindText(no, 'claims.item', { n: i + 1 });
      const remove = row.el.querySelector<HTMLButtonElement>('.claim-remove');
      if (remove) {
        remove.setAttribute('aria-label', t('claims.removeLabel', { n: i + 1 }));
        remove.hidden = this.rows.length === 1 && !row.description.value && !row.amount.value;
      }
    });
    const cents = this.rows.reduce((sum, row) => sum + Math.round((parseAmount(row.amount.value) ?? 0) * 100), 0);
    bindText(this.total, 'claims.total', { amount: formatYuan(cents) });
    this.addBtn.disabled = this.rows.length >= MAX_CLAIMS;
  }

  private markRow(row: Row, message: Message | undefined): void {
    row.el.classList.toggle('has-error', Boolean(message));
    row.error.hidden = !message;
    if (message) showMessage(row.error, message);
  }

  setError(message: Message | undefined): void {
    this.el.classList.toggle('has-error', Boolean(message));
    this.error.hidden = !message;
    if (message) showMessage(this.error, message);
    else for (const row of this.rows) this.markRow(row, undefined);
  }

  focus(): void {
    (this.rows.find((r) => r.el.classList.contains('has-error')) ?? this.rows[0])?.description.focus({ preventScroll: true });
  }

  /** The claims as the server wants them, or undefined after marking what is wrong. Empty rows are skipped. */
  validate(): ClaimInput[] | undefined {
    const claims: ClaimInput[] = [];
    let ok = true;
    for (const row of this.rows) {
      const description = row.description.value.trim();
      const raw = row.amount.value.trim();
      if (!description && !raw) continue;
      const amount = parseAmount(raw);
      if (!description) {
        this.markRow(row, { key: 'form.required' });
        ok = false;
      } else if (amount === undefined) {
        this.markRow(row, { key: 'check.amount' });
        ok = false;
      } else {
        claims.push({ description, amount });
      }
    }
    if (!ok) {
      this.el.classList.add('has-error');
      return undefined;
    }
    if (claims.length === 0) {
      this.setError({ key: 'claims.none' });
      return undefined;
    }
    return claims;
  }

  draft(): ClaimDraft[] {
    return this.rows.map((row) => ({ description: row.description.value, amount: row.amount.value }));
  }

  restore(drafts: ClaimDraft[]): void {
    clear(this.list);
    this.rows = [];
    for (const draft of drafts.slice(0, MAX_CLAIMS)) this.add(draft);
    if (this.rows.length === 0) this.add();
  }

  reset(): void {
    this.restore([]);
    this.setError(undefined);
  }
}
