/**
 * The console's "参与人" tab: who waits in the lobby (with their camera, to
 * check against the case), who is in the session and who left, with the
 * host's actions: verify, admit, turn away, mute, unmute, remove.
 */
import type { ParticipantView, SessionSnapshot, Side } from '../../../server/signalling/protocol.ts';
import { clear, h } from '../dom.ts';
import { bindText, roleKey, t, type I18nKey } from '../i18n.ts';
import { icons } from '../icons.ts';
import type { RoomSession } from '../room/session.ts';
import { errorText, initials, presenceKey, sideKey } from '../room/sessionText.ts';
import { QualityBadge } from '../room/qualityView.ts';
import type { RoomView } from '../room/view.ts';

export type ParticipantAction = 'verify' | 'admit' | 'reject' | 'lowerHand' | 'mute' | 'unmute' | 'remove';

const ACTION_LABELS: Record<ParticipantAction, I18nKey> = {
  verify: 'host.verify',
  admit: 'host.admit',
  reject: 'host.reject',
  lowerHand: 'host.lowerHand',
  mute: 'host.mute',
  unmute: 'host.unmute',
  remove: 'host.remove',
};

const SIDE_ORDER: Record<Side, number> = { staff: 0, applicant: 1, respondent: 2, neutral: 3 };

function attach(video: HTMLVideoElement, track: MediaStreamTrack | undefined): void {
  const current = (video.srcObject as MediaStream | null)?.getTracks()[0];
  if (current === track) return;
  video.srcObject = track ? new MediaStream([track]) : null;
  if (track) void video.play().catch(() => undefined);
}

export class ParticipantsPanel {
  readonly el: HTMLElement;
  /** Number of people waiting in the lobby (a badge on the tab). */
  onWaiting?: (count: number) => void;
  private readonly waitingTitle = h('h3', { class: 'pp-title' });
  private readonly waitingList = h('ul', { class: 'pp-list pp-waiting' });
  private readonly waitingEmpty = h('p', { class: 'muted small', i18n: 'host.noneWaiting' });
  private readonly waitingHint = h('p', { class: 'muted small pp-hint', i18n: 'host.checkIdentity' });
  private readonly roomTitle = h('h3', { class: 'pp-title' });
  private readonly roomList = h('ul', { class: 'pp-list pp-room' });
  private readonly leftTitle = h('h3', { class: 'pp-title' });
  private readonly leftList = h('ul', { class: 'pp-list pp-left' });
  private readonly error = h('p', { class: 'form-error', attrs: { role: 'alert', hidden: true } });
  private readonly videos = new Map<string, HTMLVideoElement>();
  private readonly busy = new Set<string>();
  private snapshot?: SessionSnapshot;
  private view?: RoomView;

  constructor(
    private readonly session: RoomSession,
    invite?: HTMLElement,
  ) {
    this.el = h(
      'div',
      { class: 'participants-panel' },
      this.error,
      h('section', { class: 'pp-section pp-section-waiting' }, this.waitingTitle, this.waitingHint, this.waitingEmpty, this.waitingList),
      h('section', { class: 'pp-section' }, this.roomTitle, this.roomList),
      h('section', { class: 'pp-section pp-section-left' }, this.leftTitle, this.leftList),
      invite
        ? h('details', { class: 'pp-invite' }, h('summary', { class: 'pp-invite-summary', i18n: 'host.invite' }), invite)
        : null,
    );
  }

  attach(view: RoomView): void {
    this.view = view;
    this.refreshVideos();
  }

  /** A remote peer's media changed: the waiting cards show their camera. */
  refreshVideos(): void {
    if (!this.snapshot) return;
    for (const p of this.snapshot.participants) {
      const video = this.videos.get(p.id);
      if (video) attach(video, p.peerId ? this.view?.peer(p.peerId)?.camera?.track : undefined);
    }
  }

  update(snapshot: SessionSnapshot): void {
    this.snapshot = snapshot;
    const you = snapshot.you;
    const sorted = [...snapshot.participants].sort(
      (a, b) => Number(b.id === you.id) - Number(a.id === you.id) || SIDE_ORDER[a.side] - SIDE_ORDER[b.side],
    );
    // The lobby lists who waits now; someone turned away or dropped from it is listed with those who left.
    const waiting = sorted.filter((p) => !p.admitted && p.presence === 'online');
    const inRoom = sorted.filter((p) => p.admitted && p.presence !== 'gone');
    const left = sorted.filter((p) => p.presence === 'gone' || (!p.admitted && p.presence !== 'online'));

    bindText(this.waitingTitle, 'host.waiting', { n: waiting.length });
    bindText(this.roomTitle, 'host.inRoom', { n: inRoom.length });
    bindText(this.leftTitle, 'host.left', { n: left.length });
    this.waitingEmpty.hidden = waiting.length > 0;
    this.waitingHint.hidden = waiting.length === 0 || !you.canAdmit;
    this.leftTitle.parentElement!.hidden = left.length === 0;

    const keep = new Set(waiting.map((p) => p.id));
    for (const [id, video] of this.videos) {
      if (keep.has(id)) continue;
      video.srcObject = null;
      this.videos.delete(id);
    }
    clear(this.waitingList);
    for (const p of waiting) this.waitingList.append(this.row(p, true));
    clear(this.roomList);
    for (const p of inRoom) this.roomList.append(this.row(p, false));
    clear(this.leftList);
    for (const p of left) this.leftList.append(this.row(p, false));
    this.refreshVideos();
    this.onWaiting?.(waiting.length);
  }

  private actionsFor(p: ParticipantView, waiting: boolean): ParticipantAction[] {
    const you = this.snapshot!.you;
    const self = p.id === you.id;
    const actions: ParticipantAction[] = [];
    if (self || p.side === 'staff') {
      if (!self && you.isHost && p.admitted && p.presence !== 'gone') actions.push(p.mutedByHost ? 'unmute' : 'mute');
      return actions;
    }
    if (waiting) {
      if (you.canAdmit && !p.verified) actions.push('verify');
      if (you.canAdmit) actions.push('admit', 'reject');
      return actions;
    }
    if (p.presence === 'gone') return actions;
    if (you.isHost && p.handRaised) actions.push('lowerHand');
    if (you.isHost) actions.push(p.mutedByHost ? 'unmute' : 'mute', 'remove');
    return actions;
  }

  private row(p: ParticipantView, waiting: boolean): HTMLElement {
    const you = this.snapshot!.you;
    const role = roleKey(p.role);
    const badges = h(
      'span',
      { class: 'pp-badges' },
      p.verified ? h('span', { class: 'pp-badge pp-verified', html: icons.check, i18nAttrs: { title: 'room.verified', 'aria-label': 'room.verified' } }) : null,
      p.handRaised ? h('span', { class: 'pp-badge pp-hand', html: icons.hand, i18nAttrs: { title: 'room.handRaised', 'aria-label': 'room.handRaised' } }) : null,
      p.mutedByHost ? h('span', { class: 'pp-badge pp-muted', html: icons.micOff, i18nAttrs: { title: 'room.mutedByHostShort', 'aria-label': 'room.mutedByHostShort' } }) : null,
    );
    // The host sees each party's connection (good / poor / lost) beside its name.
    const quality = new QualityBadge('pp-quality');
    quality.set(p.presence === 'gone' ? null : p.quality);
    badges.append(quality.el);
    const actions = this.actionsFor(p, waiting).map((action) =>
      h('button', {
        id: `${action}-${p.id}`,
        class: `btn btn-small pp-action ${action === 'admit' ? 'btn-primary' : action === 'reject' || action === 'remove' ? 'btn-danger' : 'btn-secondary'}`,
        attrs: { type: 'button', disabled: this.busy.has(`${action}:${p.id}`) },
        dataset: { action },
        i18n: ACTION_LABELS[action],
        on: { click: (event) => void this.act(action, p, event.currentTarget as HTMLButtonElement) },
      }),
    );
    let media: HTMLElement | null = null;
    if (waiting) {
      let video = this.videos.get(p.id);
      if (!video) {
        video = h('video', { class: 'pp-video', attrs: { autoplay: true, playsinline: true, muted: true } });
        video.muted = true;
        this.videos.set(p.id, video);
      }
      media = h('div', { class: 'pp-media' }, video, h('span', { class: 'pp-media-initials', text: initials(p.name) }));
    }
    return h(
      'li',
      {
        class: `pp-row${waiting ? ' is-waiting' : ''}${p.id === you.id ? ' is-self' : ''} presence-${p.presence}`,
        dataset: {
          participantId: p.id,
          name: p.name,
          admitted: String(p.admitted),
          verified: String(p.verified),
          presence: p.presence,
          hand: String(p.handRaised),
          muted: String(p.mutedByHost),
          quality: p.quality ?? '',
        },
      },
      media,
      h(
        'div',
        { class: 'pp-main' },
        h(
          'div',
          { class: 'pp-line' },
          waiting ? null : h('span', { class: 'participant-avatar', text: initials(p.name) }),
          h(
            'span',
            { class: 'pp-who' },
            h('span', { class: 'pp-name', text: p.name }, p.id === you.id ? h('span', { class: 'you', i18n: 'common.you' }) : null),
            h(
              'span',
              { class: 'pp-sub' },
              role ? h('span', { i18n: role }) : h('span', { text: p.role }),
              p.side !== 'staff' ? h('span', { class: `pp-side side-${p.side}`, i18n: sideKey(p.side) }) : null,
              p.presence !== 'online' ? h('span', { class: `presence-label presence-${p.presence}`, i18n: presenceKey(p.presence) }) : null,
              waiting && p.presence === 'online' ? h('span', { class: 'presence-label presence-waiting', i18n: 'room.inLobby' }) : null,
            ),
          ),
          badges,
        ),
        actions.length ? h('div', { class: 'pp-actions' }, ...actions) : null,
      ),
    );
  }

  private async act(action: ParticipantAction, p: ParticipantView, button: HTMLButtonElement): Promise<void> {
    if (action === 'remove' && !window.confirm(t('host.removeConfirm', { name: p.name }))) return;
    const key = `${action}:${p.id}`;
    this.busy.add(key);
    button.disabled = true;
    this.error.hidden = true;
    try {
      await this.session.request(`session:${action}`, { participantId: p.id });
    } catch (err) {
      bindText(this.error, 'host.actionFailed', { message: errorText(err) });
      this.error.hidden = false;
    } finally {
      this.busy.delete(key);
      // The row may have been redrawn meanwhile; the next snapshot draws the truth.
      button.disabled = false;
    }
  }
}
