/** Small pieces shared by the console's case views. */
import { ApiError } from '../api.ts';
import type { CaseSummary } from '../caseApi.ts';
import { h } from '../dom.ts';
import { bindDate, bindText, disputeKey, formatDate, getLang, statusKey, t, type I18nArgs, type I18nKey } from '../i18n.ts';
import type { StaffSession } from './auth.ts';

export interface ViewContext {
  staff: () => StaffSession | undefined;
  token: () => string;
  onAuthError: () => void;
}

export interface MountedView {
  el: HTMLElement;
  destroy(): void;
}

/** A failed call as text for an error line; true when it was handled as an expired login. */
export function reportError(err: unknown, target: HTMLElement, ctx: ViewContext): boolean {
  if (err instanceof ApiError && err.isAuth) {
    ctx.onAuthError();
    return true;
  }
  delete target.dataset.i18n;
  if (err instanceof ApiError && err.isNetwork) bindText(target, 'common.networkError');
  else target.textContent = err instanceof Error ? err.message : String(err);
  target.hidden = false;
  return false;
}

export function statusBadge(status: string): HTMLElement {
  const key = statusKey(status);
  return h('span', {
    class: `status-badge status-${status}`,
    dataset: { status },
    ...(key ? { i18n: key } : { text: status }),
  });
}

export function disputeChip(type: string): HTMLElement {
  const key = disputeKey(type);
  return h('span', { class: 'chip chip-dispute', ...(key ? { i18n: key } : { text: type }) });
}

export function massBadge(): HTMLElement {
  return h('span', { class: 'badge badge-mass', i18n: 'cases.mass', i18nAttrs: { title: 'cases.massTitle' } });
}

export function dateText(value: string | null | undefined): HTMLElement {
  const el = h('span', { class: 'date' });
  if (value) bindDate(el, value);
  else el.textContent = '—';
  return el;
}

/** Deadline cell: a red "overdue" badge, or the next deadline that applies. */
export function slaCell(row: Pick<CaseSummary, 'status' | 'sla'>): HTMLElement {
  const wrap = h('span', { class: 'sla' });
  const { sla } = row;
  if (sla.responseOverdue || sla.resolutionOverdue) {
    wrap.append(
      h('span', {
        class: 'badge badge-overdue',
        i18n: 'cases.overdue',
        i18nAttrs: { title: sla.resolutionOverdue ? 'cases.resolutionOverdue' : 'cases.responseOverdue' },
        dataset: { overdue: sla.resolutionOverdue ? 'resolution' : 'response' },
      }),
    );
    return wrap;
  }
  const closed = row.status === 'closed' || row.status === 'rejected';
  if (closed) {
    wrap.textContent = '—';
    return wrap;
  }
  const due = row.status === 'submitted' ? sla.responseDueAt : sla.resolutionDueAt;
  if (!due) {
    wrap.textContent = '—';
    return wrap;
  }
  const label = h('span', { class: 'muted small sla-due' });
  bindText(label, row.status === 'submitted' ? 'cases.respondBy' : 'cases.resolveBy', { time: formatDate(due) });
  return label;
}

export function panel(title: I18nKey, ...children: (Node | null | false | undefined)[]): HTMLElement {
  return h('section', { class: 'panel case-panel' }, h('h2', { class: 'panel-title', i18n: title }), ...children);
}

export function labelled(key: I18nKey, value: Node | string, args?: I18nArgs): HTMLElement {
  return h('div', { class: 'kv' }, h('dt', { i18n: key, i18nArgs: args }), h('dd', {}, value));
}

export function errorLine(): HTMLElement {
  return h('p', { class: 'form-error', attrs: { role: 'alert', hidden: true } });
}

export function labelFor(key: I18nKey | undefined, raw: string): string {
  return key ? t(key) : raw;
}

/** "name（role）" in Chinese, "name (role)" in English. */
export function withNote(text: string, note: string): string {
  return getLang() === 'zh' ? `${text}（${note}）` : `${text} (${note})`;
}

export function colon(): string {
  return getLang() === 'zh' ? '：' : ': ';
}
