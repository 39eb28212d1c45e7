/**
 * The console's "流程" tab: private talks (背对背) with the current state and
 * how long it has run, and for hearings the phase stepper with the
 * next-phase button. Face-to-face sessions have nothing to steer.
 */
import type { SessionSnapshot } from '../../../server/signalling/protocol.ts';
import { h } from '../dom.ts';
import { bindText, t } from '../i18n.ts';
import { icons } from '../icons.ts';
import { PhaseStepper } from '../room/phase.ts';
import type { RoomSession } from '../room/session.ts';
import { clockText, elapsedText, errorText, sideKey } from '../room/sessionText.ts';

type TalkSide = 'applicant' | 'respondent' | null;

export class FlowPanel {
  readonly el: HTMLElement;
  /** A one-line summary of the private talk for the strip over the stage (null: joint session). */
  onTalk?: (text: string | null) => void;
  private readonly stepper: PhaseStepper;
  private readonly privateSection: HTMLElement;
  private readonly status = h('p', { class: 'talk-status' });
  private readonly since = h('p', { class: 'muted small talk-since' });
  private readonly hint = h('p', { class: 'muted small' });
  private readonly buttons: Record<'applicant' | 'respondent' | 'end', HTMLButtonElement>;
  private readonly error = h('p', { class: 'form-error', attrs: { role: 'alert', hidden: true } });
  private readonly faceToFace = h('p', { class: 'muted', i18n: 'host.faceToFace' });
  private snapshot?: SessionSnapshot;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly session: RoomSession) {
    this.stepper = new PhaseStepper(session);
    const button = (id: string, side: TalkSide, label: 'host.privateApplicant' | 'host.privateRespondent' | 'host.privateEnd') =>
      h('button', {
        id,
        class: `btn ${side ? 'btn-secondary' : 'btn-primary'} btn-block talk-btn`,
        attrs: { type: 'button' },
        dataset: { side: side ?? 'none' },
        i18n: label,
        on: { click: () => void this.setTalk(side) },
      });
    this.buttons = {
      applicant: button('private-applicant', 'applicant', 'host.privateApplicant'),
      respondent: button('private-respondent', 'respondent', 'host.privateRespondent'),
      end: button('private-end', null, 'host.privateEnd'),
    };
    this.status.setAttribute('data-testid', 'private-status');
    this.privateSection = h(
      'section',
      { class: 'flow-section talk-section' },
      h('div', { class: 'talk-state' }, h('span', { class: 'talk-icon', html: icons.lock }), h('div', {}, this.status, this.since)),
      h('div', { class: 'talk-buttons' }, this.buttons.applicant, this.buttons.respondent, this.buttons.end),
      this.error,
      this.hint,
    );
    this.el = h('div', { class: 'flow-panel' }, h('section', { class: 'flow-section phase-section' }, this.stepper.el), this.privateSection, this.faceToFace);
    this.timer = setInterval(() => this.tick(), 1000);
  }

  update(snapshot: SessionSnapshot): void {
    this.snapshot = snapshot;
    const hearing = snapshot.mode === 'hearing';
    (this.stepper.el.parentElement as HTMLElement).hidden = !hearing;
    if (hearing) this.stepper.update(snapshot);
    const talkAllowed = snapshot.mode === 'back_to_back' || (hearing && snapshot.phase === 'mediation');
    this.privateSection.hidden = !talkAllowed && !snapshot.privateTalk;
    this.faceToFace.hidden = snapshot.mode !== 'face_to_face';
    bindText(this.hint, hearing ? 'host.privateInMediation' : 'host.privateHint');

    const side = snapshot.privateTalk?.side ?? null;
    this.status.dataset.side = side ?? 'none';
    if (side) bindText(this.status, 'host.privateWith', { side: t(sideKey(side)) });
    else bindText(this.status, 'host.joint');
    this.privateSection.classList.toggle('is-private', !!side);
    const host = snapshot.you.isHost;
    for (const b of Object.values(this.buttons)) b.hidden = !host;
    this.buttons.applicant.disabled = side === 'applicant' || !talkAllowed;
    this.buttons.respondent.disabled = side === 'respondent' || !talkAllowed;
    this.buttons.end.disabled = !snapshot.privateTalk;
    this.tick();
  }

  destroy(): void {
    clearInterval(this.timer);
    this.stepper.destroy();
  }

  private tick(): void {
    const talk = this.snapshot?.privateTalk;
    this.since.hidden = !talk;
    if (!talk?.side) {
      this.onTalk?.(null);
      return;
    }
    const elapsed = elapsedText(talk.since);
    bindText(this.since, 'host.privateSince', { time: clockText(talk.since), elapsed });
    this.onTalk?.(`${t('host.privateWith', { side: t(sideKey(talk.side)) })} · ${elapsed}`);
  }

  private async setTalk(side: TalkSide): Promise<void> {
    this.error.hidden = true;
    for (const b of Object.values(this.buttons)) b.disabled = true;
    try {
      await this.session.request('session:private', { side });
    } catch (err) {
      bindText(this.error, 'host.actionFailed', { message: errorText(err) });
      this.error.hidden = false;
    } finally {
      if (this.snapshot) this.update(this.snapshot);
    }
  }
}
