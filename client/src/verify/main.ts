/**
 * /verify — anyone holding a PDF from Yunting checks it against the register:
 * the server hashes the upload (SHA-256) and answers whether it is the
 * registered final version (and which case, document, version), a version
 * sent for signature, or unknown; and whether its electronic seal holds.
 * It names the certificate that sealed the file and whether it is ours.
 * `body[data-state]`: form · checking · ok · draft · bad.
 */
import { k as ks } from '../seal/strings.ts';
import { ApiError } from '../api.ts';
import { clear, h } from '../dom.ts';
import { formatDate, t } from '../i18n.ts';
import { bootPage } from '../forms/page.ts';
import { verifyPdf, type VerifyResult } from '../sign/documentsApi.ts';
import { k, ts, type DocumentsKey } from '../sign/strings.ts';

const app = bootPage();

function setState(state: 'form' | 'checking' | 'ok' | 'draft' | 'bad'): void {
  document.body.dataset.state = state;
}

function row(label: DocumentsKey, value: string, id?: string): HTMLElement[] {
  return [h('dt', { i18n: k(label) }), h('dd', { text: value, ...(id ? { id } : {}) })];
}

function showResult(result: VerifyResult): void {
  const kind = result.registered ? 'ok' : result.unsignedVersion ? 'draft' : 'bad';
  setState(kind);
  clear(app);
  const doc = result.document;
  const title: DocumentsKey = kind === 'ok' ? 'verify.okTitle' : kind === 'draft' ? 'verify.draftTitle' : 'verify.badTitle';
  const body = kind === 'ok' ? ts('verify.okBody') : kind === 'draft' ? ts('verify.draftBody', { version: doc?.version ?? '' }) : ts('verify.badBody');
  const sig = result.signature;
  const signature = !sig.present
    ? ts('verify.sigNone')
    : sig.valid
      ? ts('verify.sigValid', { signer: sig.signer ?? '' })
      : sig.problem === 'CERTIFICATE_NOT_OURS'
        ? ts('verify.sigNotOurs')
        : sig.problem === 'DIGEST_MISMATCH'
          ? ts('verify.sigChanged')
          : ts('verify.sigInvalid');
  const details = h('dl', { class: 'verify-details' });
  if (doc) {
    details.append(...row('verify.document', doc.title), ...row('verify.serial', doc.serialNumber), ...row('verify.organisation', doc.organisation), ...row('verify.version', ts('verify.versionValue', { n: doc.version })));
    if (doc.finalisedAt) details.append(...row('verify.finalisedAt', formatDate(doc.finalisedAt)));
    if (doc.signers.length) details.append(...row('verify.signers', doc.signers.map((s) => `${ts(`slot.${s.role}` as DocumentsKey)} ${s.name}`).join('，')));
  }
  details.append(...row('verify.signature', signature, 'verify-signature'));
  // Which certificate sealed it: ours (pinned by fingerprint) or someone else's, however it is named.
  if (sig.certificate) {
    const { subject, fingerprint, ours } = sig.certificate;
    details.append(
      ...row('verify.certificate', ts(ours ? 'verify.certOurs' : 'verify.certNotOurs', { subject }), 'verify-certificate'),
      ...row('verify.fingerprint', fingerprint, 'verify-fingerprint'),
    );
  }
  // Whose certificate: an organisation's own (current or replaced) or the platform server's.
  if (result.signedBy) {
    const by = result.signedBy;
    const text = by.server ? t(ks('vby.server')) : t(ks(by.current ? 'vby.org' : 'vby.orgEarlier'), { org: by.organisation ?? '' });
    details.append(h('dt', { i18n: ks('vby.label') }), h('dd', { id: 'verify-signed-by', text }));
  }
  details.append(...row('verify.sha', result.sha256, 'verify-sha'));
  const again = h('button', { id: 'verify-again', class: 'btn btn-secondary btn-big btn-block', attrs: { type: 'button' }, i18n: k('verify.again') });
  again.addEventListener('click', () => showForm());
  app.append(
    h(
      'section',
      { class: `verify-card verify-${kind}`, id: 'verify-result' },
      h('div', { class: 'verify-mark', text: kind === 'ok' ? '✓' : kind === 'draft' ? '!' : '✕' }),
      h('h1', { class: 'verify-title', i18n: k(title) }),
      h('p', { class: 'verify-body', text: body }),
      details,
      again,
    ),
  );
}

function showForm(error?: string): void {
  setState('form');
  clear(app);
  const input = h('input', { id: 'verify-file', attrs: { type: 'file', accept: 'application/pdf,.pdf', hidden: true } });
  const choose = h('label', { class: 'btn btn-primary btn-big btn-block', attrs: { for: 'verify-file' }, i18n: k('verify.choose') });
  const problem = h('p', { class: 'form-error', attrs: { role: 'alert', hidden: !error }, text: error ?? '' });
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    if (!/\.pdf$/i.test(file.name) && file.type !== 'application/pdf') {
      problem.textContent = ts('verify.notPdf');
      problem.hidden = false;
      return;
    }
    setState('checking');
    choose.textContent = ts('verify.checking');
    try {
      showResult(await verifyPdf(file));
    } catch (err) {
      showForm(ts('verify.failed', { message: err instanceof ApiError && err.isNetwork ? t('common.networkError') : err instanceof Error ? err.message : String(err) }));
    }
  });
  app.append(
    h(
      'section',
      { class: 'verify-card' },
      h('h1', { class: 'verify-title', i18n: k('verify.title') }),
      h('p', { class: 'verify-body', i18n: k('verify.lead') }),
      input,
      choose,
      problem,
    ),
  );
}

showForm();
