/**
 * The phone's screen once the host has ended the session (and whenever its
 * invitation is opened again afterwards): that it ended, the outcome and
 * note of a hearing, and what comes next — the documents awaiting this
 * party's signature (signed here, in the same sheet as in the room), the
 * rating, /track, the award or 调解书 to come, the right to sue. No dead end.
 */
import type { SessionEnd } from '../../../server/signalling/protocol.ts';
import type { InvitationInfo } from '../api.ts';
import { h } from '../dom.ts';
import { formatDate } from '../i18n.ts';
import { icons } from '../icons.ts';
import { lk, lt, type LifecycleKey } from '../locales/lifecycle.ts';
import { injectLifecycleCss } from '../room/lifecycleCss.ts';
import { documentList, RoomSigning } from '../room/roomSigning.ts';
import { offerRating } from './rating.ts';

function nextSteps(end: SessionEnd): LifecycleKey[] {
  if (end.mode === 'hearing') {
    if (end.outcome === 'adjournment') return ['life.next.adjournment'];
    if (end.outcome === 'settlement') return ['life.next.settlementDoc'];
    return ['life.next.award'];
  }
  if (end.reason === 'agreement') return ['life.next.agreement'];
  if (end.reason === 'no_agreement') return ['life.next.noAgreement'];
  if (end.reason === 'adjourned') return ['life.next.adjourned'];
  return [];
}

/** Renders the end screen into `app`; returns a function that releases its live document feed. */
export function showEndScreen(app: HTMLElement, info: InvitationInfo, end: SessionEnd, token: string): () => void {
  injectLifecycleCss();
  const hearing = end.mode === 'hearing';
  const headline = hearing ? lt(`life.outcome.${end.outcome ?? 'ruling'}` as LifecycleKey) : lt(`life.reason.${end.reason}` as LifecycleKey);
  const signing = info.caseId ? new RoomSigning(() => token, { hearing }) : undefined;
  const steps = h('ol', { class: 'life-end-steps' });
  if (signing) {
    // Shown once a document of this party's is known (nothing to sign: no step).
    const signStep = h('li', { dataset: { step: 'sign' }, attrs: { hidden: true } }, h('span', { i18n: lk('life.next.sign') }), documentList(signing));
    signing.onChange(() => (signStep.hidden = signing.mine().length === 0));
    steps.append(signStep);
  }
  for (const key of nextSteps(end)) steps.append(h('li', { dataset: { step: key.replace('life.next.', '') }, i18n: lk(key) }));
  if (info.caseId) {
    steps.append(h('li', { dataset: { step: 'rate' }, text: lt('life.next.rate', { host: lt(hearing ? 'life.arbitrator' : 'life.mediator') }) }));
    steps.append(
      h('li', { dataset: { step: 'track' } }, h('span', { i18n: lk('life.next.track') }), ' ', h('a', { id: 'end-track-link', attrs: { href: '/track' }, i18n: lk('life.trackLink') })),
    );
  }
  const card = h(
    'div',
    { class: 'message-card' },
    h('div', { class: 'message-icon', html: icons.user }),
    h('h1', { id: 'end-title', class: 'message-title', i18n: lk(hearing ? 'life.endedTitleHearing' : 'life.endedTitle') }),
    h('p', { class: 'muted small', text: lt(hearing ? 'life.endedByHearing' : 'life.endedBy', { by: end.by, time: formatDate(end.at) }) }),
    h('p', { id: 'end-outcome', class: 'life-end-outcome', dataset: { outcome: end.outcome ?? end.reason }, text: headline }),
    end.note ? h('p', { id: 'end-note', class: 'life-end-note', text: end.note }) : null,
    h('section', { class: 'life-end-next' }, h('h2', { i18n: lk('life.nextTitle') }), steps),
  );
  app.replaceChildren(h('section', { class: 'screen life-end', dataset: { testid: 'session-ended' } }, card));
  if (signing) {
    app.append(signing.sheet);
    signing.start();
    void offerRating(card, token);
  }
  document.body.dataset.state = 'ended';
  window.scrollTo(0, 0);
  return () => signing?.stop();
}
