/**
 * The worker's own part of /track in a collective dispute: who it is, its
 * amount, whether it represents the others, the first applicant's share link
 * for co-workers, and the agreement version it reads and consents to.
 */
import { copyText } from '../clipboard.ts';
import { clear, h } from '../dom.ts';
import { formatDate, formatYuan } from '../i18n.ts';
import { ck, ct } from '../locales/collective.ts';
import { createShareLink, fetchAgreementPdf, fetchMe, giveConsent, type CollectiveMe } from '../collective/collectiveApi.ts';

function shareBlock(url: string): HTMLElement {
  const link = h('input', { id: 'share-url', class: 'share-url mono', attrs: { type: 'text', readonly: true, value: url } });
  const copy = h('button', { class: 'btn btn-secondary btn-small', attrs: { type: 'button' }, i18n: 'form.copy' });
  copy.addEventListener('click', async () => {
    copy.textContent = (await copyText(url, link)) ? '✓' : '×';
  });
  return h('div', { class: 'code-block' }, h('div', { class: 'code-row' }, h('span', { class: 'code-label', i18n: ck('col.card.link') }), copy), link);
}

export async function renderCollectiveCard(box: HTMLElement, serialNumber: string, trackingCode: string): Promise<void> {
  let me: CollectiveMe;
  try {
    me = await fetchMe(serialNumber, trackingCode);
  } catch {
    return; // the progress card already says what went wrong
  }
  clear(box);
  const error = h('p', { class: 'alert alert-error', attrs: { role: 'alert', hidden: true } });
  const fail = (err: unknown) => {
    error.textContent = err instanceof Error ? err.message : String(err);
    error.hidden = false;
  };
  const rerender = () => void renderCollectiveCard(box, serialNumber, trackingCode);

  if (me.collective) {
    box.append(
      h(
        'section',
        { class: 'form-card collective-card', attrs: { 'data-testid': 'collective-card' } },
        h('h2', { class: 'form-card-title', i18n: ck('col.card.title') }),
        me.mergedFrom ? h('p', { class: 'alert alert-info', id: 'merged-note', text: ct('col.card.merged', { serial: me.mergedFrom, target: me.serialNumber }) }) : null,
        h(
          'dl',
          { class: 'facts-list' },
          me.me ? h('div', {}, h('dt', { i18n: ck('col.card.me') }), h('dd', { id: 'worker-me', text: me.me.name })) : null,
          me.me ? h('div', {}, h('dt', { i18n: ck('col.card.amount') }), h('dd', { id: 'worker-amount', text: formatYuan(me.me.amountCents) })) : null,
          h('div', {}, h('dt', { i18n: ck('col.card.workers') }), h('dd', { id: 'worker-count', text: ct('col.join.workersValue', { n: me.workers }) })),
          h('div', {}, h('dt', { i18n: ck('col.card.representatives') }), h('dd', { text: me.representatives.join('、') || ct('col.card.none') })),
        ),
        me.me?.representative ? h('p', { class: 'alert alert-info', i18n: ck('col.card.representative') }) : null,
      ),
    );
  }

  if (me.agreement && me.me) {
    const agreement = me.agreement;
    const read = h('button', { id: 'agreement-read', class: 'btn btn-secondary btn-block', attrs: { type: 'button' }, i18n: ck('col.card.read') });
    read.addEventListener('click', () => {
      fetchAgreementPdf(serialNumber, trackingCode)
        .then((blob) => window.open(URL.createObjectURL(blob), '_blank'))
        .catch(fail);
    });
    const consent = h('button', { id: 'agreement-consent', class: 'btn btn-primary btn-big', attrs: { type: 'button' }, i18n: ck('col.card.consent') });
    consent.addEventListener('click', () => {
      consent.disabled = true;
      giveConsent(serialNumber, trackingCode, agreement).then(rerender, (err: unknown) => {
        consent.disabled = false;
        fail(err);
      });
    });
    box.append(
      h(
        'section',
        { class: 'form-card consent-card', attrs: { 'data-testid': 'consent-card' } },
        h('h2', { class: 'form-card-title', i18n: ck('col.card.consentTitle') }),
        agreement.consentedAt
          ? h('p', { id: 'consent-done', class: 'alert alert-success', text: ct('col.card.consented', { version: agreement.version, at: formatDate(agreement.consentedAt) }) })
          : h('div', { class: 'form-stack-tight' }, h('p', { text: ct('col.card.consentBody', { version: agreement.version }) }), read, consent),
      ),
    );
  }

  if (me.canInvite) {
    const invite = h('button', { id: 'share-create', class: 'btn btn-secondary btn-block', attrs: { type: 'button' }, i18n: ck('col.card.invite') });
    const slot = h('div', {});
    if (me.shareUrl) slot.append(shareBlock(me.shareUrl));
    invite.addEventListener('click', () => {
      invite.disabled = true;
      createShareLink(serialNumber, trackingCode).then(
        (created) => {
          clear(slot);
          slot.append(shareBlock(created.shareUrl));
          invite.hidden = true;
        },
        (err: unknown) => {
          invite.disabled = false;
          fail(err);
        },
      );
    });
    invite.hidden = Boolean(me.shareUrl);
    box.append(
      h(
        'section',
        { class: 'form-card share-card', attrs: { 'data-testid': 'share-card' } },
        h('h2', { class: 'form-card-title', i18n: ck('col.card.inviteTitle') }),
        h('p', { class: 'muted', i18n: ck('col.card.inviteBody') }),
        slot,
        invite,
      ),
    );
  }
  box.append(error);
}
