/**
 * On /track: the documents out for signature and whose signature is still
 * missing (the simplified-procedure consent before a hearing included); on
 * the phone that holds the case's invitation, a button opens /sign.
 */
import type { Progress } from '../caseApi.ts';
import { clear, h } from '../dom.ts';
import { lk } from '../locales/lifecycle.ts';
import { credentialUrl } from '../pageParams.ts';
import { injectLifecycleCss } from '../room/lifecycleCss.ts';
import { ts, type DocumentsKey } from '../sign/strings.ts';

function signerToken(serialNumber: string): string | null {
  try {
    return localStorage.getItem(`yunting.signToken.${serialNumber}`);
  } catch {
    return null;
  }
}

export function renderAwaiting(box: HTMLElement, progress: Progress): void {
  injectLifecycleCss();
  clear(box);
  const docs = progress.awaitingSignatures ?? [];
  if (!docs.length) return;
  const token = signerToken(progress.serialNumber);
  box.append(
    h(
      'section',
      { class: 'form-card', dataset: { testid: 'track-awaiting' } },
      h('h2', { class: 'form-card-title', i18n: lk('life.signMenu') }),
      h(
        'ul',
        { class: 'life-docs' },
        ...docs.map((doc) =>
          h(
            'li',
            { class: 'life-doc is-pending', dataset: { kind: doc.kind } },
            h(
              'span',
              {},
              h('span', { class: 'life-doc-title', text: ts(`doc.${doc.kind}` as DocumentsKey) }),
              h('br', {}),
              h('span', { class: 'life-doc-state', text: `${doc.pendingSlots.map((slot) => ts(`slot.${slot}` as DocumentsKey)).join('、')} · ` }),
              h('span', { class: 'life-doc-state', i18n: lk('life.awaiting') }),
            ),
            token ? h('a', { class: 'btn btn-primary life-doc-sign', attrs: { href: credentialUrl('/sign', { token }) }, i18n: lk('life.signBtn') }) : null,
          ),
        ),
      ),
    ),
  );
}
