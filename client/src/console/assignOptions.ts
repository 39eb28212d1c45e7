/**
 * The assignment box's extras: the applicant's preferred mediator (if any)
 * above the choice, and each candidate's rating average and count (from the
 * parties' ratings after sessions) in the list; the preferred one is chosen
 * by default when the case has nobody assigned yet.
 */
import { clear, h } from '../dom.ts';
import { t } from '../i18n.ts';
import { assignmentOptions, type AssignmentOptions } from '../seal/api.ts';
import { k } from '../seal/strings.ts';

export function assignmentHints(token: string, caseId: string, select: HTMLSelectElement, assignedUserId: string | null): { el: HTMLElement; apply(): void } {
  const el = h('p', { id: 'assign-preference', class: 'assign-preference small', attrs: { role: 'note' } });
  let options: AssignmentOptions | undefined;
  const apply = () => {
    if (!options) return;
    clear(el);
    const p = options.preference;
    if (p) {
      el.classList.add('has-preference');
      el.append(h('span', { class: 'pref-star', attrs: { 'aria-hidden': 'true' }, text: '★ ' }), h('span', { i18n: k(p.unavailable ? 'assignx.preferenceUnavailable' : 'assignx.preference'), i18nArgs: { name: p.displayName } }));
    } else el.append(h('span', { class: 'muted', i18n: k('assignx.noPreference') }));
    for (const option of [...select.options]) {
      const candidate = options.candidates.find((c) => c.id === option.value);
      if (!candidate) continue;
      option.dataset.base ??= option.textContent ?? '';
      const rating = candidate.ratingAverage === null ? t(k('assignx.ratingNone')) : t(k('assignx.rating'), { avg: candidate.ratingAverage.toFixed(1), n: candidate.ratingCount });
      option.textContent = `${option.dataset.base} · ${rating}${candidate.preferred ? ` · ${t(k('assignx.preferred'))}` : ''}`;
      option.dataset.ratingCount = String(candidate.ratingCount);
      if (candidate.preferred) option.dataset.preferred = 'true';
      if (candidate.preferred && !assignedUserId) select.value = candidate.id;
    }
  };
  assignmentOptions(token, caseId)
    .then((loaded) => {
      options = loaded;
      apply();
    })
    .catch(() => {
      el.hidden = true;
    });
  return { el, apply };
}
