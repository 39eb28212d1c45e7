/**
 * The organisation's electronic seal and signing certificate (admins): the
 * current seal image or the notice that documents are sealed digitally
 * only, the upload of a new seal PNG; the certificate in use (the
 * organisation's or the server's) and the upload of a PKCS#12 with its
 * password. A platform admin picks the organisation first.
 */
import type { Organisation } from '../caseApi.ts';
import { clear, h } from '../dom.ts';
import { bindText, formatDate } from '../i18n.ts';
import { fileBase64, sealImageUrl, sealStatus, uploadCertificate, uploadSeal, type SealStatus } from '../seal/api.ts';
import { codedError, k } from '../seal/strings.ts';
import { errorLine, reportError as reportAny, type ViewContext } from './common.ts';

/** Our upload refusals in the page's language; everything else as the console shows it. */
function reportError(err: unknown, target: HTMLElement, ctx: ViewContext): void {
  const text = codedError(err);
  if (!text) return void reportAny(err, target, ctx);
  delete target.dataset.i18n;
  target.textContent = text;
  target.hidden = false;
}

export function sealPanel(ctx: ViewContext, organisations: () => Organisation[]): { el: HTMLElement; refresh(): void; destroy(): void } {
  const me = ctx.staff()?.user;
  const platform = (me?.organisationId ?? null) === null;
  let orgId: string | null = me?.organisationId ?? null;
  let imageUrl: string | undefined;

  const orgSelect = h('select', { id: 'seal-org' });
  const sealBox = h('div', { id: 'seal-current', class: 'seal-current' });
  const sealFile = h('input', { id: 'seal-file', attrs: { type: 'file', accept: 'image/png' } });
  const sealButton = h('button', { id: 'seal-upload-btn', class: 'btn btn-primary', attrs: { type: 'button' }, i18n: k('seal.upload') });
  const sealDone = h('p', { id: 'seal-done', class: 'ok-text small', attrs: { role: 'status', hidden: true } });
  const sealError = errorLine();
  sealError.id = 'seal-error';
  const certBox = h('div', { id: 'cert-current', class: 'cert-current' });
  const certFile = h('input', { id: 'cert-file', attrs: { type: 'file', accept: '.p12,.pfx,application/x-pkcs12' } });
  const certPassword = h('input', { id: 'cert-password', attrs: { type: 'password', autocomplete: 'off', maxlength: 200 } });
  const certButton = h('button', { id: 'cert-upload-btn', class: 'btn btn-primary', attrs: { type: 'button' }, i18n: k('seal.certUpload') });
  const certDone = h('p', { id: 'cert-done', class: 'ok-text small', attrs: { role: 'status', hidden: true } });
  const certError = errorLine();
  certError.id = 'cert-error';

  const field = (label: Parameters<typeof k>[0], control: HTMLElement) => h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: k(label) }), control);

  const render = async (status: SealStatus) => {
    clear(sealBox);
    if (imageUrl) URL.revokeObjectURL(imageUrl);
    imageUrl = undefined;
    if (status.seal && orgId) {
      imageUrl = await sealImageUrl(ctx.token(), orgId);
      sealBox.append(
        h('img', { id: 'seal-image', class: 'seal-image', attrs: { src: imageUrl, alt: '', width: 120, height: 120 } }),
        h(
          'div',
          { class: 'seal-meta small' },
          h('p', { class: 'mono tiny', text: `SHA-256 ${status.seal.sha256.slice(0, 16)}…` }),
          h('p', { class: 'muted tiny', text: formatDate(status.seal.uploadedAt) }),
          status.seal.earlier > 0 ? h('p', { class: 'muted tiny', i18n: k('seal.earlier'), i18nArgs: { n: status.seal.earlier } }) : null,
        ),
      );
    } else sealBox.append(h('p', { id: 'seal-none', class: 'alert alert-warn', i18n: k('seal.none') }));
    clear(certBox);
    const c = status.certificate;
    if (c) {
      certBox.append(
        h('p', { id: 'cert-subject', i18n: k('seal.certOwn'), i18nArgs: { subject: c.subject } }),
        h('p', { class: 'muted small', i18n: k('seal.certValid'), i18nArgs: { from: formatDate(c.validFrom), to: formatDate(c.validTo) } }),
        h('p', { class: 'mono tiny break' }, h('span', { i18n: k('seal.certFingerprint') }), ' ', h('span', { id: 'cert-fingerprint', text: c.fingerprint })),
      );
    } else
      certBox.append(
        h('p', {
          id: 'cert-server',
          class: 'alert alert-info',
          i18n: k(status.serverCertificate.development ? 'seal.certServerDev' : 'seal.certServer'),
          i18nArgs: { subject: status.serverCertificate.subject },
        }),
      );
  };

  const load = async () => {
    if (!orgId) return;
    try {
      await render(await sealStatus(ctx.token(), orgId));
    } catch (err) {
      reportError(err, sealError, ctx);
    }
  };

  sealButton.addEventListener('click', () => {
    const file = sealFile.files?.[0];
    sealError.hidden = true;
    sealDone.hidden = true;
    if (!file || !orgId) {
      bindText(sealError, k('seal.chooseFile'));
      sealError.hidden = false;
      return;
    }
    sealButton.disabled = true;
    fileBase64(file)
      .then((data) => uploadSeal(ctx.token(), orgId!, data))
      .then(async (status) => {
        bindText(sealDone, k('seal.uploaded'), { width: status.seal!.width, height: status.seal!.height });
        sealDone.hidden = false;
        sealFile.value = '';
        await render(status);
      })
      .catch((err: unknown) => reportError(err, sealError, ctx))
      .finally(() => (sealButton.disabled = false));
  });

  certButton.addEventListener('click', () => {
    const file = certFile.files?.[0];
    certError.hidden = true;
    certDone.hidden = true;
    if (!file || !orgId) {
      bindText(certError, k('seal.chooseFile'));
      certError.hidden = false;
      return;
    }
    certButton.disabled = true;
    fileBase64(file)
      .then((data) => uploadCertificate(ctx.token(), orgId!, data, certPassword.value))
      .then(async (status) => {
        bindText(certDone, k('seal.certUploaded'));
        certDone.hidden = false;
        certFile.value = '';
        certPassword.value = '';
        await render(status);
      })
      .catch((err: unknown) => reportError(err, certError, ctx))
      .finally(() => (certButton.disabled = false));
  });

  orgSelect.addEventListener('change', () => {
    orgId = orgSelect.value || null;
    void load();
  });

  const el = h(
    'div',
    { id: 'seal-panel', class: 'panel' },
    h('h1', { class: 'panel-title', i18n: k('seal.title') }),
    platform ? field('seal.platformPick', orgSelect) : null,
    h('div', { class: 'seal-grid' },
      h('div', { class: 'seal-col' }, h('h2', { class: 'panel-subtitle', i18n: k('seal.current') }), sealBox, h('p', { class: 'muted small', i18n: k('seal.hint') }), field('seal.file', sealFile), sealButton, sealError, sealDone),
      h('div', { class: 'seal-col' }, h('h2', { class: 'panel-subtitle', i18n: k('seal.certTitle') }), certBox, h('p', { class: 'muted small', i18n: k('seal.certHint') }), field('seal.certFile', certFile), field('seal.certPassword', certPassword), certButton, certError, certDone),
    ),
  );

  return {
    el,
    refresh() {
      if (!platform) return void load();
      const chosen = orgSelect.value;
      clear(orgSelect);
      for (const o of organisations()) orgSelect.append(h('option', { attrs: { value: o.id }, text: o.name }));
      if ([...orgSelect.options].some((o) => o.value === chosen)) orgSelect.value = chosen;
      orgId = orgSelect.value || null;
      void load();
    },
    destroy() {
      if (imageUrl) URL.revokeObjectURL(imageUrl);
    },
  };
}
