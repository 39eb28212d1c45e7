/**
 * /collective#code=… — a co-worker joins the first applicant's application
 * from its phone: the case and the employer are shown (not typed again); the
 * worker gives its own identity (checked like the single applicant's) and
 * amount, and gets its own tracking code.
 */
import { ApiError } from '../api.ts';
import { clear, h } from '../dom.ts';
import { disputeKey, t } from '../i18n.ts';
import { field, FormErrors, input, section } from '../forms/fields.ts';
import { bootPage, codeBlock, IdempotencyKey } from '../forms/page.ts';
import { checkIdNumber, checkPhone, normalisePhone, parseAmount } from '../forms/validators.ts';
import { credentialUrl, pageParams } from '../pageParams.ts';
import { ck, ct } from '../locales/collective.ts';
import { fetchJoinInfo, joinCase, type JoinInfo } from './collectiveApi.ts';

const app = bootPage();
const shareCode = pageParams(['code']).get('code')?.trim() ?? '';
const idempotency = new IdempotencyKey('yunting.collective.key');

function message(text: string, tone: 'error' | 'warn' = 'error'): void {
  clear(app);
  app.append(h('div', { class: 'form-page' }, h('header', { class: 'form-head' }, h('h1', { i18n: ck('col.join.title') })), h('p', { class: `alert alert-${tone}`, attrs: { role: 'alert' }, text })));
}

function fact(label: Parameters<typeof ck>[0], value: string, id?: string): HTMLElement {
  return h('div', {}, h('dt', { i18n: ck(label) }), h('dd', { id, text: value }));
}

function showForm(info: JoinInfo): void {
  document.body.dataset.state = 'form';
  const general = h('div', { class: 'alert alert-error form-alert', attrs: { role: 'alert', hidden: true } });
  const errors = new FormErrors(general);
  const name = field(input({ name: 'name', id: 'worker-name', maxlength: 40, autocomplete: 'name' }), { label: ck('col.join.name'), required: true });
  const idNumber = field(input({ name: 'idNumber', id: 'worker-id', maxlength: 18, autocapitalize: 'characters' }), { label: ck('col.join.idNumber'), required: true });
  const phone = field(input({ name: 'phone', id: 'worker-phone', type: 'tel', inputmode: 'tel', maxlength: 20, autocomplete: 'tel' }), { label: ck('col.join.phone'), required: true });
  const address = field(input({ name: 'address', id: 'worker-address', maxlength: 200 }), { label: ck('col.join.address'), required: true });
  const claim = field(input({ name: 'claim', id: 'worker-claim', maxlength: 500 }), { label: ck('col.join.claim'), required: true });
  claim.control.value = ct('col.join.claimDefault');
  const amount = field(input({ name: 'amount', id: 'worker-amount', inputmode: 'decimal', maxlength: 14 }), { label: ck('col.join.amount'), required: true });
  errors.register('worker.name', name);
  errors.register('worker.idNumber', idNumber);
  errors.register('worker.phone', phone);
  errors.register('worker.address', address);
  errors.register('worker.claims', claim);
  errors.register('claims', amount);
  const submit = h('button', { id: 'join-btn', class: 'btn btn-primary btn-big', attrs: { type: 'submit' }, i18n: ck('col.join.submit') });
  const form = h(
    'form',
    { id: 'join-form', class: 'form-stack-tight', attrs: { novalidate: true } },
    section(ck('col.join.you'), name.el, idNumber.el, phone.el, address.el, claim.el, amount.el),
    general,
    submit,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    errors.clear();
    const id = idNumber.control.value.trim().toUpperCase();
    const tel = normalisePhone(phone.control.value);
    const yuan = parseAmount(amount.control.value);
    let bad: HTMLElement | undefined;
    const fail = (path: string, key: Parameters<typeof errors.set>[1]) => (bad ??= errors.set(path, key));
    if (!name.control.value.trim()) fail('worker.name', { key: 'form.required' });
    const idProblem = checkIdNumber(id);
    if (idProblem) fail('worker.idNumber', { key: idProblem });
    const phoneProblem = checkPhone(tel);
    if (phoneProblem) fail('worker.phone', { key: phoneProblem });
    if (!address.control.value.trim()) fail('worker.address', { key: 'form.required' });
    if (!claim.control.value.trim()) fail('worker.claims', { key: 'form.required' });
    if (yuan === undefined) fail('claims', { key: 'form.required' });
    if (bad) return errors.reveal(bad);
    submit.disabled = true;
    submit.textContent = ct('col.join.sending');
    joinCase(shareCode, idempotency.get(), {
      name: name.control.value.trim(),
      idNumber: id,
      phone: tel,
      address: address.control.value.trim(),
      claims: [{ description: claim.control.value.trim(), amount: yuan! }],
    })
      .then((joined) => {
        idempotency.forget();
        showDone(joined.serialNumber, joined.trackingCode);
      })
      .catch((err: unknown) => {
        submit.disabled = false;
        submit.textContent = ct('col.join.submit');
        if (err instanceof ApiError && err.isNetwork) return errors.reveal(errors.set(undefined, { key: 'form.networkError' }));
        const field = err instanceof ApiError ? err.field?.replace(/^workers\.\d+|^applicant/, 'worker') : undefined;
        errors.reveal(errors.set(field, { text: err instanceof Error ? err.message : String(err) }));
      });
  });

  const dispute = disputeKey(info.disputeType);
  clear(app);
  app.append(
    h(
      'div',
      { class: 'form-page' },
      h('header', { class: 'form-head' }, h('h1', { i18n: ck('col.join.title') }), h('p', { class: 'muted', i18n: ck('col.join.intro') })),
      h(
        'section',
        { class: 'form-card', attrs: { 'data-testid': 'join-case' } },
        h(
          'dl',
          { class: 'facts-list' },
          fact('col.join.employer', info.employerName, 'join-employer'),
          fact('col.join.case', info.serialNumber, 'join-serial'),
          fact('col.join.organisation', info.organisation),
          h('div', {}, h('dt', { i18n: 'track.disputeType' }), h('dd', dispute ? { i18n: dispute } : { text: info.disputeType })),
          fact('col.join.first', info.firstApplicant),
          fact('col.join.workers', ct('col.join.workersValue', { n: info.workers })),
        ),
      ),
      form,
    ),
  );
}

function showDone(serialNumber: string, trackingCode: string): void {
  document.body.dataset.state = 'done';
  clear(app);
  app.append(
    h(
      'section',
      { class: 'form-page success-page', attrs: { 'data-testid': 'join-success' } },
      h(
        'div',
        { class: 'success-card' },
        h('div', { class: 'success-icon', text: '✓', attrs: { 'aria-hidden': 'true' } }),
        h('h1', { class: 'success-title', i18n: ck('col.join.doneTitle') }),
        codeBlock('apply.serial', serialNumber, 'serial-number'),
        codeBlock('apply.trackingCode', trackingCode, 'tracking-code'),
        h('p', { class: 'alert alert-warn', i18n: ck('col.join.doneBody') }),
        h('a', { id: 'track-link', class: 'btn btn-primary btn-big', attrs: { href: credentialUrl('/track', { serial: serialNumber, code: trackingCode }) }, i18n: ck('col.join.track') }),
      ),
    ),
  );
  window.scrollTo(0, 0);
}

if (!shareCode) message(ct('col.join.invalid'));
else {
  fetchJoinInfo(shareCode)
    .then((info) => (info.open ? showForm(info) : message(ct('col.join.closed'), 'warn')))
    .catch((err: unknown) => message(err instanceof ApiError && err.isNetwork ? t('common.networkError') : ct('col.join.invalid')));
}
