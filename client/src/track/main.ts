/**
 * /track — the applicant enters serial number and tracking code, sees the
 * case's steps, and the page follows every change live over socket.io
 * (namespace /progress) without reloading.
 */
import { io, type Socket } from 'socket.io-client';
import { ApiError } from '../api.ts';
import { fetchProgress, type Progress } from '../caseApi.ts';
import { clear, h } from '../dom.ts';
import { bindDate, bindText, disputeKey, onLangChange, statusKey, t } from '../i18n.ts';
import { field, FormErrors, input } from '../forms/fields.ts';
import { bootPage, readStored } from '../forms/page.ts';
import { normaliseCode } from '../forms/validators.ts';
import { renderTimeline } from './timeline.ts';
import { renderCollectiveCard } from './collectiveCard.ts';
import { renderAwaiting } from './awaiting.ts';
import { credentialUrl, pageParams } from '../pageParams.ts';

const app = bootPage();
const params = pageParams(['code']);

let socket: Socket | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let offLang: (() => void) | undefined;

function problemText(err: unknown): string {
  if (err instanceof ApiError && err.isNetwork) return t('common.networkError');
  if (err instanceof ApiError && err.status >= 500) return t('common.serverError');
  return err instanceof Error ? err.message : String(err);
}

function setState(state: 'form' | 'loading' | 'tracking'): void {
  document.body.dataset.state = state;
}

function stopLive(): void {
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = undefined;
  socket?.removeAllListeners();
  socket?.disconnect();
  socket = undefined;
  offLang?.();
  offLang = undefined;
}

function showForm(prefill: { serial?: string; code?: string } = {}, problem?: string): void {
  stopLive();
  setState('form');
  const general = h('div', { class: 'alert alert-error form-alert', attrs: { role: 'alert', hidden: true } });
  const errors = new FormErrors(general);
  const serial = field(input({ name: 'serialNumber', id: 'serial', maxlength: 40, autocapitalize: 'characters' }), {
    label: 'track.serial',
    required: true,
  });
  const code = field(input({ name: 'trackingCode', id: 'code', maxlength: 20, autocapitalize: 'characters', autocomplete: 'one-time-code' }), {
    label: 'track.code',
    required: true,
  });
  errors.register('serialNumber', serial);
  errors.register('trackingCode', code);
  serial.control.value = prefill.serial ?? '';
  code.control.value = prefill.code ?? '';
  const submit = h('button', { id: 'track-btn', class: 'btn btn-primary btn-big', attrs: { type: 'submit' }, i18n: 'track.submit' });
  const form = h('form', { id: 'track-form', class: 'form-card form-stack-tight', attrs: { novalidate: true } }, serial.el, code.el, general, submit);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    errors.clear();
    const serialNumber = serial.control.value.trim().toUpperCase();
    const trackingCode = normaliseCode(code.control.value);
    if (!serialNumber) errors.set('serialNumber', { key: 'form.required' });
    if (!trackingCode) errors.set('trackingCode', { key: 'form.required' });
    if (!serialNumber || !trackingCode) return;
    submit.disabled = true;
    bindText(submit, 'track.querying');
    fetchProgress(serialNumber, trackingCode)
      .then((progress) => showProgress(serialNumber, trackingCode, progress))
      .catch((err: unknown) => {
        submit.disabled = false;
        bindText(submit, 'track.submit');
        errors.showGeneral({ text: problemText(err) });
      });
  });
  if (problem) errors.showGeneral({ text: problem });

  clear(app);
  app.append(
    h(
      'div',
      { class: 'form-page' },
      h('header', { class: 'form-head' }, h('h1', { i18n: 'track.title' }), h('p', { class: 'muted', i18n: 'track.intro' })),
      form,
      h('p', { class: 'form-foot muted small' }, h('a', { attrs: { href: '/apply' }, i18n: 'track.apply' })),
    ),
  );
  if (!serial.control.value) serial.control.focus();
}

function showProgress(serialNumber: string, trackingCode: string, first: Progress): void {
  setState('tracking');
  // A reload (or a bookmark) lands on the same case.
  const url = credentialUrl('/track', { serial: serialNumber, code: trackingCode });
  if (location.pathname + location.search + location.hash !== url) history.replaceState(null, '', url);

  const statusEl = h('span', { class: 'status-badge', attrs: { 'data-testid': 'case-status' } });
  const organisation = h('dd', { id: 'case-organisation' });
  const dispute = h('dd', {});
  const submitted = h('dd', {});
  const live = h('p', { class: 'live-indicator', attrs: { role: 'status' } });
  const toast = h('p', { class: 'alert alert-info update-toast', attrs: { 'aria-live': 'polite', hidden: true } });
  const timelineBox = h('div', { class: 'timeline-box' });
  // A collective dispute: the worker's own part, the share link, the agreement to consent to.
  const collectiveBox = h('div', { id: 'collective-box' });
  // Mediation: the 15 days from receipt, and once they pass without agreement, the way to arbitration (art. 14).
  const clockNote = h('p', { id: 'mediation-clock', attrs: { hidden: true } });
  const awaitingBox = h('div', { id: 'track-awaiting' });
  let current: Progress = first;
  let toastTimer: ReturnType<typeof setTimeout> | undefined;

  const render = (progress: Progress, announce: boolean) => {
    const changed = progress.status !== current.status;
    current = progress;
    statusEl.dataset.status = progress.status;
    statusEl.className = `status-badge status-${progress.status}`;
    const key = statusKey(progress.status);
    if (key) bindText(statusEl, key);
    else statusEl.textContent = progress.status;
    organisation.textContent = progress.organisation;
    const dk = disputeKey(progress.disputeType);
    if (dk) bindText(dispute, dk);
    else dispute.textContent = progress.disputeType;
    bindDate(submitted, progress.submittedAt);
    const concluded = ['agreement_signed', 'rejected', 'closed', 'ruled'].includes(progress.status);
    clockNote.hidden = concluded || !progress.mediationDueOn;
    clockNote.className = progress.mayApplyForArbitration ? 'alert alert-warn' : 'muted small';
    if (progress.mayApplyForArbitration) bindText(clockNote, 'track.mayArbitrate');
    else if (progress.mediationDueOn) bindText(clockNote, 'track.mediationDue', { date: progress.mediationDueOn });
    clear(timelineBox);
    timelineBox.append(renderTimeline(progress));
    void renderCollectiveCard(collectiveBox, serialNumber, trackingCode);
    renderAwaiting(awaitingBox, progress);
    if (announce && changed) {
      bindText(toast, 'track.updated', { status: key ? t(key) : progress.status });
      toast.hidden = false;
      if (toastTimer) clearTimeout(toastTimer);
      toastTimer = setTimeout(() => (toast.hidden = true), 6_000);
    }
  };
  render(first, false);
  const offLangHere = onLangChange(() => {
    clear(timelineBox);
    timelineBox.append(renderTimeline(current));
  });

  const setLive = (on: boolean) => {
    live.className = `live-indicator ${on ? 'is-live' : 'is-offline'}`;
    bindText(live, on ? 'track.live' : 'track.offline');
  };
  setLive(false);

  clear(app);
  app.append(
    h(
      'div',
      { class: 'form-page' },
      h(
        'section',
        { class: 'form-card progress-card' },
        h(
          'div',
          { class: 'progress-head' },
          h('div', {}, h('span', { class: 'code-label', i18n: 'track.serial' }), h('div', { class: 'progress-serial', text: serialNumber })),
          h('div', { class: 'progress-status' }, h('span', { class: 'code-label', i18n: 'track.current' }), statusEl),
        ),
        h(
          'dl',
          { class: 'facts-list' },
          h('div', {}, h('dt', { i18n: 'track.organisation' }), organisation),
          h('div', {}, h('dt', { i18n: 'track.disputeType' }), dispute),
          h('div', {}, h('dt', { i18n: 'track.submittedAt' }), submitted),
        ),
        clockNote,
        live,
      ),
      toast,
      collectiveBox,
      awaitingBox,
      h('section', { class: 'form-card' }, timelineBox),
      h('button', {
        id: 'track-another',
        class: 'btn btn-secondary btn-block',
        attrs: { type: 'button' },
        i18n: 'track.another',
        on: {
          click: () => {
            history.replaceState(null, '', '/track');
            showForm();
          },
        },
      }),
    ),
  );
  window.scrollTo(0, 0);

  stopLive();
  offLang = offLangHere;
  const s = io(`${location.origin}/progress`, { auth: { serialNumber, trackingCode } });
  socket = s;
  s.on('connect', () => setLive(true));
  s.on('disconnect', (reason) => {
    setLive(false);
    // A server-side disconnect is not retried by socket.io itself.
    if (reason === 'io server disconnect') s.connect();
  });
  s.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    setLive(false);
    if (err.data?.code === 'CASE_NOT_FOUND') {
      showForm({ serial: serialNumber }, err.message);
      return;
    }
    // Refused by the middleware (e.g. a database hiccup): socket.io gives up, so try again later.
    if (!s.active) retryTimer = setTimeout(() => s.connect(), 5_000);
  });
  s.on('case:progress', (progress: Progress) => render(progress, true));
}

function boot(): void {
  const last = readStored<{ serialNumber?: string; trackingCode?: string }>('yunting.lastApplication', 'local');
  const serial = params.get('serial')?.trim() ?? '';
  const code = params.get('code')?.trim() ?? '';
  if (serial && code) {
    setState('loading');
    clear(app);
    app.append(h('section', { class: 'screen screen-center' }, h('div', { class: 'spinner spinner-lg', attrs: { 'aria-hidden': 'true' } })));
    fetchProgress(serial, code)
      .then((progress) => showProgress(serial, code, progress))
      .catch((err: unknown) => showForm({ serial, code }, problemText(err)));
    return;
  }
  showForm({ serial: serial || last?.serialNumber, code: serial ? code : last?.trackingCode });
}

boot();
