/**
 * Hearing phases: a banner everyone sees (stage n/8 and its name) and, for
 * the console, a stepper whose button moves the hearing to the next phase
 * only (closing asks for the outcome and a note).
 */
import type { HearingPhase, SessionSnapshot } from '../../../server/signalling/protocol.ts';
import { clear, h } from '../dom.ts';
import { bindText, t } from '../i18n.ts';
import type { RoomSession } from './session.ts';
import { CLOSING_OUTCOMES, clockText, errorText, HEARING_PHASES, nextPhase, phaseKey, type ClosingOutcome } from './sessionText.ts';

/** One line under the room bar: "庭审阶段 3/8 · 申诉答辩", with eight progress ticks. */
export class PhaseBanner {
  readonly el: HTMLElement;
  private readonly step = h('span', { class: 'phase-step' });
  private readonly name = h('strong', { class: 'phase-name' });
  private readonly ticks = h('span', { class: 'phase-ticks', attrs: { 'aria-hidden': 'true' } });

  constructor(testId = 'phase') {
    for (let i = 0; i < HEARING_PHASES.length; i++) this.ticks.append(h('span', { class: 'phase-tick' }));
    this.el = h(
      'div',
      { class: 'phase-banner', attrs: { role: 'status', 'aria-live': 'polite', hidden: true }, dataset: { testid: testId, phase: '' } },
      h('span', { class: 'phase-label', i18n: 'phase.label' }),
      this.step,
      this.name,
      this.ticks,
    );
  }

  update(snapshot: SessionSnapshot): void {
    this.el.hidden = snapshot.mode !== 'hearing';
    if (snapshot.mode !== 'hearing') return;
    const phase = snapshot.phase;
    this.el.dataset.phase = phase ?? '';
    const index = phase ? HEARING_PHASES.indexOf(phase) : -1;
    if (phase) {
      bindText(this.step, 'phase.step', { n: index + 1 });
      bindText(this.name, phaseKey(phase));
    } else {
      this.step.textContent = '';
      bindText(this.name, 'phase.notStarted');
    }
    this.el.classList.toggle('is-closed', phase === 'closing');
    [...this.ticks.children].forEach((tick, i) => {
      tick.classList.toggle('done', i < index);
      tick.classList.toggle('current', i === index);
    });
  }
}

/** The console's phase list with the next-phase button (arbitrator) and the closing dialog. */
export class PhaseStepper {
  readonly el: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly next: HTMLButtonElement;
  private readonly error: HTMLElement;
  private readonly since = h('p', { class: 'muted small phase-since' });
  private snapshot?: SessionSnapshot;
  private outcome?: ClosingOutcome;
  private busy = false;
  private dialog?: HTMLElement;

  constructor(private readonly session: RoomSession) {
    this.list = h('ol', { class: 'phase-stepper', dataset: { testid: 'phase', phase: '' } });
    for (const phase of HEARING_PHASES) {
      this.list.append(
        h('li', { class: 'phase-item', dataset: { phase } }, h('span', { class: 'phase-dot' }), h('span', { class: 'phase-text', i18n: phaseKey(phase) })),
      );
    }
    this.next = h('button', { id: 'next-phase', class: 'btn btn-primary btn-block', attrs: { type: 'button', hidden: true } });
    this.next.addEventListener('click', () => this.onNext());
    this.error = h('p', { class: 'form-error', attrs: { role: 'alert', hidden: true } });
    this.el = h('div', { class: 'phase-panel' }, this.list, this.since, this.next, this.error);
  }

  update(snapshot: SessionSnapshot): void {
    this.snapshot = snapshot;
    const phase = snapshot.phase;
    this.list.dataset.phase = phase ?? '';
    const index = phase ? HEARING_PHASES.indexOf(phase) : -1;
    for (const item of this.list.children) {
      const i = HEARING_PHASES.indexOf((item as HTMLElement).dataset.phase as HearingPhase);
      item.classList.toggle('done', i < index);
      item.classList.toggle('current', i === index);
      if (i === index) item.setAttribute('aria-current', 'step');
      else item.removeAttribute('aria-current');
    }
    if (snapshot.phaseStartedAt && phase) {
      bindText(this.since, phase === 'closing' && this.outcome ? 'phase.closedWith' : 'phase.since', {
        time: clockText(snapshot.phaseStartedAt),
        outcome: this.outcome ? t(`closing.${this.outcome}`) : '',
      });
      this.since.hidden = false;
    } else {
      this.since.hidden = true;
    }
    const upcoming = nextPhase(phase);
    this.next.hidden = !snapshot.you.isHost || !upcoming;
    if (upcoming) {
      bindText(this.next, phase ? 'phase.next' : 'phase.start', { phase: t(phaseKey(upcoming)) });
      this.next.dataset.next = upcoming;
    }
  }

  destroy(): void {
    this.dialog?.remove();
  }

  private onNext(): void {
    const upcoming = nextPhase(this.snapshot?.phase ?? null);
    if (!upcoming || this.busy) return;
    if (upcoming === 'closing') return this.openClosingDialog();
    void this.move(upcoming);
  }

  private async move(phase: HearingPhase, outcome?: ClosingOutcome, note?: string): Promise<boolean> {
    this.busy = true;
    this.next.disabled = true;
    this.error.hidden = true;
    try {
      await this.session.request('session:phase', { phase, ...(outcome ? { outcome } : {}), ...(note ? { note } : {}) });
      if (outcome) this.outcome = outcome;
      return true;
    } catch (err) {
      bindText(this.error, 'phase.failed', { message: errorText(err) });
      this.error.hidden = false;
      return false;
    } finally {
      this.busy = false;
      this.next.disabled = false;
    }
  }

  private openClosingDialog(): void {
    this.dialog?.remove();
    const radios = CLOSING_OUTCOMES.map((outcome, i) =>
      h(
        'label',
        { class: 'choice closing-choice' },
        h('input', { attrs: { type: 'radio', name: 'closing-outcome', value: outcome, checked: i === 0 } }),
        h('span', { i18n: `closing.${outcome}` }),
      ),
    );
    const note = h('textarea', { id: 'closing-note', attrs: { rows: 3, maxlength: 2000 } });
    const confirm = h('button', { id: 'closing-confirm', class: 'btn btn-primary', attrs: { type: 'submit' }, i18n: 'phase.closingConfirm' });
    const cancel = h('button', { id: 'closing-cancel', class: 'btn btn-secondary', attrs: { type: 'button' }, i18n: 'common.cancel' });
    const error = h('p', { class: 'form-error', attrs: { role: 'alert', hidden: true } });
    const form = h(
      'form',
      { class: 'dialog closing-dialog', attrs: { role: 'dialog', 'aria-modal': 'true', novalidate: true } },
      h('h2', { class: 'dialog-title', i18n: 'phase.closingTitle' }),
      h('fieldset', { class: 'closing-outcomes' }, h('legend', { class: 'field-label', i18n: 'phase.closingOutcome' }), ...radios),
      h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'phase.closingNote' }), note),
      error,
      h('div', { class: 'dialog-actions' }, cancel, confirm),
    );
    const overlay = h('div', { id: 'closing-dialog', class: 'dialog-overlay' }, form);
    const close = () => {
      overlay.remove();
      this.dialog = undefined;
    };
    cancel.addEventListener('click', close);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = form.querySelector<HTMLInputElement>('input[name="closing-outcome"]:checked')?.value as ClosingOutcome | undefined;
      if (!chosen) return;
      confirm.disabled = true;
      void this.move('closing', chosen, note.value.trim() || undefined).then((ok) => {
        confirm.disabled = false;
        if (ok) return close();
        clear(error);
        error.textContent = this.error.textContent;
        error.hidden = false;
      });
    });
    document.body.append(overlay);
    this.dialog = overlay;
    form.querySelector<HTMLInputElement>('input')?.focus();
  }
}
