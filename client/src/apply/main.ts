/**
 * /apply — a worker's online application from a phone, without an account:
 * applicant, employer, dispute type, facts, claims, evidence and the
 * organisation, sent once as multipart/form-data.
 */
import { ApiError } from '../api.ts';
import { DISPUTE_TYPES, submitApplication, type ApplicationBody, type DisputeType } from '../caseApi.ts';
import { clear, h } from '../dom.ts';
import { bindText, disputeKey, t, type I18nKey } from '../i18n.ts';
import { ClaimsEditor, type ClaimDraft } from '../forms/claims.ts';
import { EvidencePicker } from '../forms/evidence.ts';
import { field, FormErrors, input, section, showMessage, textarea, type ErrorTarget, type FieldHandle, type Message } from '../forms/fields.ts';
import { bootPage, codeBlock, debounce, IdempotencyKey, readStored, writeStored } from '../forms/page.ts';
import { checkCreditCode, checkIdNumber, checkPhone, normaliseCode, normalisePhone } from '../forms/validators.ts';
import { RegionPicker } from './regions.ts';
import { MediatorChoice } from './mediatorChoice.ts';
import '../seal/strings.ts';
import { credentialUrl } from '../pageParams.ts';
import { renderCollectiveCard } from '../track/collectiveCard.ts';
import { employmentSection } from './employment.ts';
import type { LimitationWarning } from '../caseApi.ts';

const DRAFT_KEY = 'yunting.apply.draft';
const LAST_KEY = 'yunting.lastApplication';

const app = bootPage();
const idempotency = new IdempotencyKey('yunting.apply.key');

interface Draft {
  applicant: { name: string; idNumber: string; phone: string; address: string };
  agentOn: boolean;
  agent: { name: string; phone: string };
  employer: { name: string; creditCode: string; address: string; contact: string };
  disputeType: string;
  facts: string;
  claims: ClaimDraft[];
  organisationId?: string;
  regionCode?: string;
  employment?: { ended: boolean | null; endedOn: string; knewOn: string };
  preferredStaffId?: string | undefined;
}

function setState(state: 'form' | 'sending' | 'done'): void {
  document.body.dataset.state = state;
}

/** Live check of an 18-character code: quiet while typing, a verdict at full length or on leaving the field. */
function codeCheck(handle: FieldHandle<HTMLInputElement>, check: (value: string) => I18nKey | undefined): void {
  const run = (final: boolean) => {
    const value = normaliseCode(handle.control.value);
    if (!value) return handle.setHint(undefined);
    if (value.length < 18 && !final) return handle.setHint(undefined);
    const problem = check(value);
    if (problem) handle.setError({ key: problem });
    else {
      handle.setError(undefined);
      handle.setHint({ key: 'check.ok' }, 'ok');
    }
  };
  handle.control.addEventListener('input', () => run(false));
  handle.control.addEventListener('blur', () => {
    handle.control.value = normaliseCode(handle.control.value);
    run(true);
  });
}

function disputeChoice(onChange: () => void): ErrorTarget & { value(): DisputeType | undefined; set(value: string): void } {
  const error = h('p', { class: 'field-error', attrs: { role: 'alert', hidden: true } });
  const radios = DISPUTE_TYPES.map((type) =>
    h('input', { id: `dispute-${type}`, attrs: { type: 'radio', name: 'disputeType', value: type } }),
  );
  const group = h(
    'div',
    { class: 'choice-grid', attrs: { role: 'radiogroup' }, i18nAttrs: { 'aria-label': 'apply.disputeType' } },
    ...radios.map((radio, i) =>
      h('label', { class: 'choice', attrs: { for: radio.id } }, radio, h('span', { i18n: disputeKey(DISPUTE_TYPES[i]!) ?? 'dispute.other' })),
    ),
  );
  const el = h('div', { class: 'field' }, group, error);
  const target = {
    el,
    setError(message: Message | undefined) {
      el.classList.toggle('has-error', Boolean(message));
      error.hidden = !message;
      if (message) showMessage(error, message);
    },
    focus() {
      radios[0]?.focus({ preventScroll: true });
    },
    value: () => radios.find((r) => r.checked)?.value as DisputeType | undefined,
    set(value: string) {
      for (const r of radios) r.checked = r.value === value;
    },
  };
  for (const r of radios)
    r.addEventListener('change', () => {
      target.setError(undefined);
      onChange();
    });
  return target;
}

function showForm(): void {
  setState('form');
  const general = h('div', { id: 'form-alert', class: 'alert alert-error form-alert', attrs: { role: 'alert', hidden: true } });
  const errors = new FormErrors(general);
  const saveDraft = debounce(() => writeStored(DRAFT_KEY, collectDraft()));

  // ---------------------------------------------------------------- applicant
  const name = field(input({ name: 'name', id: 'applicant-name', autocomplete: 'name', maxlength: 40 }), { label: 'field.name', required: true });
  const idNumber = field(
    input({ name: 'idNumber', id: 'applicant-id', maxlength: 18, autocapitalize: 'characters', example: '11010519491231002X' }),
    { label: 'field.idNumber', required: true },
  );
  codeCheck(idNumber, checkIdNumber);
  const phone = field(input({ name: 'phone', id: 'applicant-phone', type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxlength: 20 }), {
    label: 'field.phone',
    required: true,
  });
  const address = field(input({ name: 'address', id: 'applicant-address', autocomplete: 'street-address', maxlength: 200 }), {
    label: 'field.address',
    required: true,
  });
  const agentToggle = h('input', { id: 'agent-toggle', attrs: { type: 'checkbox' } });
  const agentName = field(input({ name: 'agentName', id: 'agent-name', maxlength: 40 }), { label: 'field.agentName', required: true });
  const agentPhone = field(input({ name: 'agentPhone', id: 'agent-phone', type: 'tel', inputmode: 'tel', maxlength: 20 }), {
    label: 'field.agentPhone',
    required: true,
  });
  const agentBox = h('div', { class: 'agent-box', attrs: { hidden: true } }, agentName.el, agentPhone.el);
  agentToggle.addEventListener('change', () => {
    agentBox.hidden = !agentToggle.checked;
    saveDraft();
  });

  // ----------------------------------------------------------------- employer
  const employerName = field(input({ name: 'employerName', id: 'employer-name', autocomplete: 'organization', maxlength: 100 }), {
    label: 'field.employerName',
    required: true,
  });
  const creditCode = field(
    input({ name: 'creditCode', id: 'employer-code', maxlength: 18, autocapitalize: 'characters', example: '91350100M000100Y43' }),
    { label: 'field.creditCode', required: true },
  );
  codeCheck(creditCode, checkCreditCode);
  const employerAddress = field(input({ name: 'employerAddress', id: 'employer-address', maxlength: 200 }), {
    label: 'field.employerAddress',
    required: true,
  });
  const employerContact = field(input({ name: 'employerContact', id: 'employer-contact', maxlength: 60 }), {
    label: 'field.employerContact',
    required: true,
  });

  // ------------------------------------------------------------- the dispute
  const dispute = disputeChoice(() => {
    saveDraft();
    employment.update();
  });
  const employment = employmentSection(() => dispute.value());
  const factsCount = h('span', { class: 'field-count' });
  const facts = field(textarea({ name: 'facts', id: 'facts', maxlength: 4000, rows: 7, placeholder: 'field.factsPlaceholder' }), {
    label: 'field.facts',
    required: true,
    hideLabel: true,
  });
  const countFacts = () => bindText(factsCount, 'field.factsCount', { n: facts.control.value.length });
  facts.control.addEventListener('input', countFacts);
  facts.el.append(factsCount);
  const claims = new ClaimsEditor(saveDraft);
  const evidence = new EvidencePicker();
  const mediators = new MediatorChoice(saveDraft);
  const region = new RegionPicker(() => {
    saveDraft();
    void mediators.load(region.value());
  });

  const declare = h('input', { id: 'declare', attrs: { type: 'checkbox', name: 'declare' } });
  const declareError = h('p', { class: 'field-error', attrs: { role: 'alert', hidden: true } });
  const declareBox = h(
    'div',
    { class: 'declare' },
    h('label', { class: 'check-row', attrs: { for: 'declare' } }, declare, h('span', { i18n: 'apply.declare' })),
    declareError,
  );
  const declareTarget: ErrorTarget = {
    el: declareBox,
    setError(message) {
      declareError.hidden = !message;
      if (message) showMessage(declareError, message);
    },
    focus: () => declare.focus({ preventScroll: true }),
  };
  declare.addEventListener('change', () => declareTarget.setError(undefined));

  const fields: [string, ErrorTarget][] = [
    ['applicant.name', name],
    ['applicant.idNumber', idNumber],
    ['applicant.phone', phone],
    ['applicant.address', address],
    ['applicant.agent.name', agentName],
    ['applicant.agent.phone', agentPhone],
    ['employer.name', employerName],
    ['employer.creditCode', creditCode],
    ['employer.address', employerAddress],
    ['employer.contact', employerContact],
    ['disputeType', dispute],
    ['facts', facts],
    ['claims', claims],
    ['evidence', evidence],
    ['employment.endedOn', employment.endedOn],
    ['employment.knewOn', employment.knewOn],
    ['regionCode', region],
    ['organisationId', region],
    ['preferredStaffId', mediators],
    ['declare', declareTarget],
  ];
  for (const [path, target] of fields) errors.register(path, target);

  const progress = h('progress', { class: 'upload-progress', attrs: { max: 100, value: 0, hidden: true } });
  const progressText = h('p', { class: 'muted small upload-text', attrs: { 'aria-live': 'polite', hidden: true } });
  const submit = h('button', { id: 'submit-btn', class: 'btn btn-primary btn-big', attrs: { type: 'submit' }, i18n: 'apply.submit' });
  const duplicate = h('div', { id: 'duplicate-alert', class: 'alert alert-warn dup-alert', attrs: { role: 'alert', hidden: true } });

  const form = h(
    'form',
    { id: 'apply-form', class: 'form-stack', attrs: { novalidate: true, autocomplete: 'on' } },
    section(
      'apply.applicant',
      name.el,
      idNumber.el,
      phone.el,
      address.el,
      h('label', { class: 'check-row', attrs: { for: 'agent-toggle' } }, agentToggle, h('span', { i18n: 'field.agentToggle' })),
      agentBox,
    ),
    section('apply.employer', employerName.el, creditCode.el, employerAddress.el, employerContact.el),
    section('apply.disputeType', dispute.el),
    section('apply.employment', employment.el),
    section('apply.facts', facts.el),
    section('claims.title', claims.el),
    section('evidence.title', evidence.el),
    section('apply.region', region.el, mediators.el),
    declareBox,
    duplicate,
    general,
    h('div', { class: 'submit-box' }, progress, progressText, submit),
  );
  form.addEventListener('input', saveDraft);
  form.addEventListener('change', saveDraft);

  function collectDraft(): Draft {
    return {
      applicant: { name: name.control.value, idNumber: idNumber.control.value, phone: phone.control.value, address: address.control.value },
      agentOn: agentToggle.checked,
      agent: { name: agentName.control.value, phone: agentPhone.control.value },
      employer: {
        name: employerName.control.value,
        creditCode: creditCode.control.value,
        address: employerAddress.control.value,
        contact: employerContact.control.value,
      },
      disputeType: dispute.value() ?? '',
      facts: facts.control.value,
      claims: claims.draft(),
      organisationId: region.value(),
      regionCode: region.regionCode(),
      employment: employment.draft(),
      preferredStaffId: mediators.value(),
    };
  }

  const last = readStored<{ serialNumber: string; trackingCode: string }>(LAST_KEY, 'local');
  const lastNote = last?.serialNumber
    ? h(
        'p',
        { class: 'alert alert-info last-note' },
        h('span', { i18n: 'apply.lastApplication' }),
        ' ',
        h('strong', { text: last.serialNumber }),
        ' ',
        h('a', {
          attrs: { href: credentialUrl('/track', { serial: last.serialNumber, code: last.trackingCode }) },
          i18n: 'apply.trackNow',
        }),
      )
    : null;
  const draft = readStored<Draft>(DRAFT_KEY);
  const draftNote = h('p', { class: 'alert alert-info', attrs: { hidden: true }, i18n: 'form.draftRestored' });
  if (draft && (draft.applicant?.name || draft.facts || draft.employer?.name)) {
    name.control.value = draft.applicant.name ?? '';
    idNumber.control.value = draft.applicant.idNumber ?? '';
    phone.control.value = draft.applicant.phone ?? '';
    address.control.value = draft.applicant.address ?? '';
    agentToggle.checked = Boolean(draft.agentOn);
    agentBox.hidden = !agentToggle.checked;
    agentName.control.value = draft.agent?.name ?? '';
    agentPhone.control.value = draft.agent?.phone ?? '';
    employerName.control.value = draft.employer?.name ?? '';
    creditCode.control.value = draft.employer?.creditCode ?? '';
    employerAddress.control.value = draft.employer?.address ?? '';
    employerContact.control.value = draft.employer?.contact ?? '';
    dispute.set(draft.disputeType ?? '');
    if (draft.employment) employment.restore(draft.employment);
    facts.control.value = draft.facts ?? '';
    if (Array.isArray(draft.claims)) claims.restore(draft.claims);
    draftNote.hidden = false;
  }
  countFacts();
  employment.update();
  mediators.restore(draft?.preferredStaffId);
  void region.load().then(() => region.restore(draft?.organisationId, draft?.regionCode));

  /** Checks every field in page order; returns the body, or marks problems and returns the first one's element. */
  function collect(): { body: ApplicationBody } | { first: HTMLElement } {
    let first: HTMLElement | undefined;
    const fail = (path: string, message: Message) => {
      const el = errors.set(path, message);
      first ??= el;
    };
    const required = (handle: FieldHandle, path: string): string => {
      const value = handle.control.value.trim();
      if (!value) fail(path, { key: 'form.required' });
      return value;
    };
    const applicantName = required(name, 'applicant.name');
    const id = normaliseCode(idNumber.control.value);
    idNumber.control.value = id;
    if (!id) fail('applicant.idNumber', { key: 'form.required' });
    else {
      const problem = checkIdNumber(id);
      if (problem) fail('applicant.idNumber', { key: problem });
    }
    const tel = normalisePhone(phone.control.value);
    if (!tel) fail('applicant.phone', { key: 'form.required' });
    else if (checkPhone(tel)) fail('applicant.phone', { key: 'check.phone' });
    const applicantAddress = required(address, 'applicant.address');
    let agent: { name: string; phone: string } | undefined;
    if (agentToggle.checked) {
      const agentNameValue = required(agentName, 'applicant.agent.name');
      const agentTel = normalisePhone(agentPhone.control.value);
      if (!agentTel) fail('applicant.agent.phone', { key: 'form.required' });
      else if (checkPhone(agentTel)) fail('applicant.agent.phone', { key: 'check.phone' });
      agent = { name: agentNameValue, phone: agentTel };
    }
    const employer = required(employerName, 'employer.name');
    const code = normaliseCode(creditCode.control.value);
    creditCode.control.value = code;
    if (!code) fail('employer.creditCode', { key: 'form.required' });
    else {
      const problem = checkCreditCode(code);
      if (problem) fail('employer.creditCode', { key: problem });
    }
    const employerAddr = required(employerAddress, 'employer.address');
    const contact = required(employerContact, 'employer.contact');
    const disputeType = dispute.value();
    if (!disputeType) fail('disputeType', { key: 'apply.chooseType' });
    const factsValue = required(facts, 'facts');
    const claimList = claims.validate();
    if (!claimList) first ??= claims.el;
    const organisationId = region.value();
    if (!organisationId) fail('organisationId', { key: 'apply.chooseRegion' });
    if (!declare.checked) fail('declare', { key: 'apply.declareRequired' });
    if (first || !claimList || !disputeType || !organisationId) return { first: first ?? form };
    return {
      body: {
        idempotencyKey: idempotency.get(),
        organisationId,
        disputeType,
        facts: factsValue,
        applicant: { name: applicantName, idNumber: id, phone: tel, address: applicantAddress, ...(agent ? { agent } : {}) },
        employer: { name: employer, creditCode: code, address: employerAddr, contact },
        claims: claimList,
        ...(region.regionCode() ? { regionCode: region.regionCode()! } : {}),
        employment: employment.body(),
        ...(mediators.value() ? { preferredStaffId: mediators.value()! } : {}),
      },
    };
  }

  let sending = false;
  const setSending = (on: boolean) => {
    sending = on;
    submit.disabled = on;
    bindText(submit, on ? 'form.sending' : 'apply.submit');
    progress.hidden = !on;
    progressText.hidden = !on;
    if (on) {
      progress.value = 0;
      bindText(progressText, 'form.uploadProgress', { percent: 0 });
    }
    setState(on ? 'sending' : 'form');
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (sending) return;
    errors.clear();
    duplicate.hidden = true;
    const result = collect();
    if ('first' in result) {
      errors.showGeneral({ key: 'form.fixErrors' });
      errors.reveal(result.first);
      return;
    }
    const data = new FormData();
    data.append('application', JSON.stringify(result.body));
    for (const file of evidence.files()) data.append('evidence', file, file.name);
    setSending(true);
    submitApplication(data, (fraction) => {
      const percent = Math.min(100, Math.round(fraction * 100));
      progress.value = percent;
      bindText(progressText, 'form.uploadProgress', { percent });
    })
      .then((created) => {
        idempotency.forget();
        writeStored(DRAFT_KEY, undefined);
        writeStored(LAST_KEY, { ...created, at: new Date().toISOString() }, 'local');
        evidence.reset();
        showSuccess(created.serialNumber, created.trackingCode, created.limitation);
      })
      .catch((err: unknown) => {
        setSending(false);
        if (!(err instanceof ApiError)) {
          errors.showGeneral({ text: String(err) });
          return errors.reveal(general);
        }
        if (err.code === 'DUPLICATE_APPLICATION') {
          clear(duplicate);
          duplicate.append(
            h('strong', { class: 'alert-title', i18n: 'apply.duplicateTitle' }),
            h('p', { text: err.message }),
            h('a', { class: 'btn btn-secondary', attrs: { href: '/track' }, i18n: 'apply.trackNow' }),
          );
          duplicate.hidden = false;
          return errors.reveal(duplicate);
        }
        if (err.isNetwork) {
          errors.showGeneral({ key: 'form.networkError' }, 'warn');
          return errors.reveal(general);
        }
        if (err.status >= 500) {
          errors.showGeneral({ key: 'form.serverError' });
          return errors.reveal(general);
        }
        const where = errors.set(err.field, { text: err.message });
        errors.reveal(where);
      });
  });

  clear(app);
  app.append(
    h(
      'div',
      { class: 'form-page' },
      h('header', { class: 'form-head' }, h('h1', { i18n: 'apply.title' }), h('p', { class: 'muted', i18n: 'apply.intro' })),
      lastNote,
      draftNote,
      form,
      h('p', { class: 'form-foot muted small' }, h('span', { i18n: 'apply.footer' }), ' ', h('a', { attrs: { href: '/track' }, text: '/track' })),
    ),
  );
}

function showSuccess(serialNumber: string, trackingCode: string, limitation: LimitationWarning | null = null): void {
  setState('done');
  const trackUrl = credentialUrl('/track', { serial: serialNumber, code: trackingCode });
  // Co-workers owed by the same employer can join this application by the share link offered here.
  const collectiveBox = h('div', { id: 'collective-box' });
  void renderCollectiveCard(collectiveBox, serialNumber, trackingCode);
  clear(app);
  app.append(
    h(
      'section',
      { class: 'form-page success-page', attrs: { 'data-testid': 'apply-success' } },
      h(
        'div',
        { class: 'success-card' },
        h('div', { class: 'success-icon', text: '✓', attrs: { 'aria-hidden': 'true' } }),
        h('h1', { class: 'success-title', i18n: 'apply.successTitle' }),
        codeBlock('apply.serial', serialNumber, 'serial-number'),
        codeBlock('apply.trackingCode', trackingCode, 'tracking-code'),
        h('p', { class: 'alert alert-warn', i18n: 'apply.successBody' }),
        limitation
          ? h(
              'p',
              { id: 'success-limitation', class: 'alert alert-info' },
              h('strong', { i18n: `limitation.${limitation.code}`, i18nArgs: { date: limitation.expiredOn ?? limitation.expiresOn ?? '' } }),
              ' ',
              h('span', { i18n: 'limitation.explain' }),
            )
          : null,
        h('a', { id: 'track-link', class: 'btn btn-primary btn-big', attrs: { href: trackUrl }, i18n: 'apply.trackNow' }),
        collectiveBox,
        h('button', {
          class: 'btn btn-ghost btn-block',
          attrs: { type: 'button' },
          i18n: 'apply.newApplication',
          on: { click: () => showForm() },
        }),
      ),
    ),
  );
  window.scrollTo(0, 0);
  document.title = `${t('apply.successTitle')} · ${t('app.name')}`;
}

showForm();
