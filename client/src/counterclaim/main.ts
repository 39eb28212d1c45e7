/**
 * /counterclaim — the employer, with the serial number and the respondent
 * code the clerk gave on acceptance, files its own claims and evidence.
 */
import { ApiError } from '../api.ts';
import { submitCounterclaim, type CounterclaimBody } from '../caseApi.ts';
import { clear, h } from '../dom.ts';
import { bindText, t } from '../i18n.ts';
import { ClaimsEditor } from '../forms/claims.ts';
import { EvidencePicker } from '../forms/evidence.ts';
import { field, FormErrors, input, section, textarea, type FieldHandle, type Message } from '../forms/fields.ts';
import { bootPage } from '../forms/page.ts';
import { checkPhone, normaliseCode, normalisePhone } from '../forms/validators.ts';
import { pageParams } from '../pageParams.ts';

const app = bootPage();
const params = pageParams(['code']);

function setState(state: 'form' | 'sending' | 'done'): void {
  document.body.dataset.state = state;
}

function showForm(prefill: { serial?: string; code?: string } = {}): void {
  setState('form');
  const general = h('div', { id: 'form-alert', class: 'alert alert-error form-alert', attrs: { role: 'alert', hidden: true } });
  const errors = new FormErrors(general);

  const serial = field(input({ name: 'serialNumber', id: 'cc-serial', maxlength: 40, autocapitalize: 'characters' }), {
    label: 'counter.serial',
    required: true,
  });
  const code = field(input({ name: 'respondentCode', id: 'cc-code', maxlength: 20, autocapitalize: 'characters' }), {
    label: 'counter.respondentCode',
    required: true,
  });
  serial.control.value = prefill.serial ?? '';
  code.control.value = prefill.code ?? '';
  const facts = field(textarea({ name: 'facts', id: 'cc-facts', maxlength: 4000, rows: 7 }), { label: 'counter.facts', required: true, hideLabel: true });
  const claims = new ClaimsEditor();
  const evidence = new EvidencePicker('cc-evidence');
  const agentToggle = h('input', { id: 'cc-agent-toggle', attrs: { type: 'checkbox' } });
  const agentName = field(input({ name: 'agentName', id: 'cc-agent-name', maxlength: 40 }), { label: 'field.agentName', required: true });
  const agentPhone = field(input({ name: 'agentPhone', id: 'cc-agent-phone', type: 'tel', inputmode: 'tel', maxlength: 20 }), {
    label: 'field.agentPhone',
    required: true,
  });
  const agentBox = h('div', { class: 'agent-box', attrs: { hidden: true } }, agentName.el, agentPhone.el);
  agentToggle.addEventListener('change', () => (agentBox.hidden = !agentToggle.checked));

  errors.register('serialNumber', serial);
  errors.register('respondentCode', code);
  errors.register('facts', facts);
  errors.register('claims', claims);
  errors.register('evidence', evidence);
  errors.register('agent.name', agentName);
  errors.register('agent.phone', agentPhone);

  const progress = h('progress', { class: 'upload-progress', attrs: { max: 100, value: 0, hidden: true } });
  const submit = h('button', { id: 'cc-submit', class: 'btn btn-primary btn-big', attrs: { type: 'submit' }, i18n: 'counter.submit' });
  const form = h(
    'form',
    { id: 'counterclaim-form', class: 'form-stack', attrs: { novalidate: true } },
    section('counter.case', serial.el, code.el),
    section('counter.facts', facts.el),
    section('claims.title', claims.el),
    section('evidence.title', evidence.el),
    section(
      'counter.agent',
      h('label', { class: 'check-row', attrs: { for: 'cc-agent-toggle' } }, agentToggle, h('span', { i18n: 'field.agentToggle' })),
      agentBox,
    ),
    general,
    h('div', { class: 'submit-box' }, progress, submit),
  );

  const collect = (): { body: CounterclaimBody } | { first: HTMLElement } => {
    let first: HTMLElement | undefined;
    const fail = (path: string, message: Message) => {
      const el = errors.set(path, message);
      first ??= el;
    };
    const required = (handle: FieldHandle, path: string) => {
      const value = handle.control.value.trim();
      if (!value) fail(path, { key: 'form.required' });
      return value;
    };
    const serialNumber = required(serial, 'serialNumber').toUpperCase();
    const respondentCode = normaliseCode(required(code, 'respondentCode'));
    const factsValue = required(facts, 'facts');
    const claimList = claims.validate();
    if (!claimList) first ??= claims.el;
    let agent: { name: string; phone: string } | undefined;
    if (agentToggle.checked) {
      const name = required(agentName, 'agent.name');
      const phone = normalisePhone(agentPhone.control.value);
      if (!phone) fail('agent.phone', { key: 'form.required' });
      else if (checkPhone(phone)) fail('agent.phone', { key: 'check.phone' });
      agent = { name, phone };
    }
    if (first || !claimList) return { first: first ?? form };
    return { body: { serialNumber, respondentCode, facts: factsValue, claims: claimList, ...(agent ? { agent } : {}) } };
  };

  let sending = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (sending) return;
    errors.clear();
    const result = collect();
    if ('first' in result) {
      errors.showGeneral({ key: 'form.fixErrors' });
      errors.reveal(result.first);
      return;
    }
    const data = new FormData();
    data.append('counterclaim', JSON.stringify(result.body));
    for (const file of evidence.files()) data.append('evidence', file, file.name);
    sending = true;
    submit.disabled = true;
    bindText(submit, 'form.sending');
    progress.hidden = false;
    setState('sending');
    submitCounterclaim(data, (fraction) => (progress.value = Math.round(fraction * 100)))
      .then(() => {
        evidence.reset();
        showDone(result.body.serialNumber);
      })
      .catch((err: unknown) => {
        sending = false;
        submit.disabled = false;
        bindText(submit, 'counter.submit');
        progress.hidden = true;
        setState('form');
        if (!(err instanceof ApiError)) return errors.reveal(errors.set(undefined, { text: String(err) }));
        if (err.isNetwork) {
          errors.showGeneral({ key: 'form.networkError' }, 'warn');
          return errors.reveal(general);
        }
        if (err.status >= 500) {
          errors.showGeneral({ key: 'form.serverError' });
          return errors.reveal(general);
        }
        // A wrong serial number or code comes back without a field: it is about the code.
        const path = err.field ?? (err.code === 'CASE_NOT_FOUND' ? 'respondentCode' : undefined);
        errors.reveal(errors.set(path, { text: err.message }));
      });
  });

  clear(app);
  app.append(
    h(
      'div',
      { class: 'form-page' },
      h('header', { class: 'form-head' }, h('h1', { i18n: 'counter.title' }), h('p', { class: 'muted', i18n: 'counter.intro' })),
      form,
    ),
  );
}

function showDone(serialNumber: string): void {
  setState('done');
  clear(app);
  app.append(
    h(
      'section',
      { class: 'form-page success-page', attrs: { 'data-testid': 'counterclaim-success' } },
      h(
        'div',
        { class: 'success-card' },
        h('div', { class: 'success-icon', text: '✓', attrs: { 'aria-hidden': 'true' } }),
        h('h1', { class: 'success-title', i18n: 'counter.successTitle' }),
        h('p', { class: 'progress-serial', text: serialNumber }),
        h('p', { class: 'muted', i18n: 'counter.successBody' }),
        h('button', {
          class: 'btn btn-secondary btn-block',
          attrs: { type: 'button' },
          i18n: 'counter.another',
          on: { click: () => showForm({ serial: serialNumber }) },
        }),
      ),
    ),
  );
  window.scrollTo(0, 0);
  document.title = `${t('counter.successTitle')} · ${t('app.name')}`;
}

showForm({ serial: params.get('serial') ?? undefined, code: params.get('code') ?? undefined });
