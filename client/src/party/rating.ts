/**
 * After leaving a case session, a party may rate the mediator or arbitrator
 * (1–5 stars and a comment), once per invitation.
 */
import { api, ApiError } from '../api.ts';
import { submitRating } from '../caseApi.ts';
import { h } from '../dom.ts';
import { bindText, t, type I18nKey } from '../i18n.ts';

const doneKey = (partyToken: string) => `yunting.rated.${partyToken.slice(-24)}`;

function alreadyDone(partyToken: string): boolean {
  try {
    return localStorage.getItem(doneKey(partyToken)) === '1';
  } catch {
    return false;
  }
}

function markDone(partyToken: string): void {
  try {
    localStorage.setItem(doneKey(partyToken), '1');
  } catch {
    // Not remembered: the server still refuses a second rating.
  }
}

/** Appends the rating card to `host` when the invitation belongs to a case whose session has started. */
export async function offerRating(host: HTMLElement, partyToken: string): Promise<void> {
  if (!partyToken || alreadyDone(partyToken)) return;
  let info;
  try {
    info = await api.getInvitation(partyToken);
  } catch {
    return; // Expired or offline: no rating, the end screen stays as it is.
  }
  if (!info.caseId || !info.sessionStarted || !host.isConnected) return;
  host.append(ratingCard(partyToken));
}

function ratingCard(partyToken: string): HTMLElement {
  let score = 0;
  const stars = [1, 2, 3, 4, 5].map((n) =>
    h('button', {
      class: 'star',
      text: '★',
      attrs: { type: 'button', role: 'radio', 'aria-checked': 'false', 'aria-label': t('rating.stars', { n }), 'data-score': n },
    }),
  );
  const scoreLabel = h('p', { class: 'rating-label muted small', attrs: { 'aria-live': 'polite' } });
  const comment = h('textarea', { id: 'rating-comment', attrs: { maxlength: 500, rows: 3 }, i18nAttrs: { placeholder: 'rating.comment' } });
  const error = h('p', { class: 'field-error', attrs: { role: 'alert', hidden: true } });
  const submit = h('button', { id: 'rating-submit', class: 'btn btn-primary btn-big', attrs: { type: 'button' }, i18n: 'rating.submit' });
  const body = h(
    'div',
    { class: 'rating-body' },
    h('div', { class: 'stars', attrs: { role: 'radiogroup' }, i18nAttrs: { 'aria-label': 'rating.title' } }, ...stars),
    scoreLabel,
    h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'rating.comment' }), comment),
    error,
    submit,
  );
  const card = h(
    'section',
    { id: 'rating', class: 'rating-card' },
    h('h2', { class: 'rating-title', i18n: 'rating.title' }),
    h('p', { class: 'muted small', i18n: 'rating.body' }),
    body,
  );

  const select = (n: number) => {
    score = n;
    stars.forEach((star, i) => {
      star.classList.toggle('on', i < n);
      star.setAttribute('aria-checked', String(i + 1 === n));
    });
    bindText(scoreLabel, `rating.s${n}` as I18nKey);
    error.hidden = true;
  };
  stars.forEach((star, i) => star.addEventListener('click', () => select(i + 1)));

  const finish = (key: I18nKey) => {
    markDone(partyToken);
    body.replaceWith(h('p', { class: 'rating-thanks', i18n: key }));
  };

  submit.addEventListener('click', () => {
    if (!score) {
      bindText(error, 'rating.chooseScore');
      error.hidden = false;
      return;
    }
    submit.disabled = true;
    bindText(submit, 'rating.sending');
    submitRating(partyToken, score, comment.value.trim())
      .then(() => finish('rating.thanks'))
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'ALREADY_RATED') return finish('rating.already');
        submit.disabled = false;
        bindText(submit, 'rating.submit');
        if (err instanceof ApiError && err.isNetwork) bindText(error, 'common.networkError');
        else {
          delete error.dataset.i18n;
          error.textContent = err instanceof Error ? err.message : String(err);
        }
        error.hidden = false;
      });
  });
  return card;
}
