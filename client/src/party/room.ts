/**
 * The party's room on a phone: the lobby until the mediator admits them,
 * then the video room with raise-hand, a chat drawer, shared evidence, the
 * private-talk waiting notice, the hearing phase, the host's mute and an
 * audio-only mode for weak networks. Less frequent actions sit in "更多".
 */
import type { SessionSnapshot } from '../../../server/signalling/protocol.ts';
import type { InvitationInfo } from '../api.ts';
import { h } from '../dom.ts';
import { bindText, type I18nKey } from '../i18n.ts';
import { icons } from '../icons.ts';
import { ChatPanel } from '../room/chat.ts';
import { EvidencePanel } from '../room/evidence.ts';
import { isMobile } from '../room/media.ts';
import { renderPeople } from '../room/people.ts';
import { PhaseBanner } from '../room/phase.ts';
import type { RoomSession } from '../room/session.ts';
import { clockText, errorText } from '../room/sessionText.ts';
import { Sheet } from '../room/sheet.ts';
import { RoomView } from '../room/view.ts';
import { askDialog } from '../room/confirmDialog.ts';
import { documentList, type RoomSigning } from '../room/roomSigning.ts';
import { lk, lt } from '../locales/lifecycle.ts';

function controlButton(id: string, icon: string, label: I18nKey, onClick: () => void, extraClass = ''): HTMLButtonElement {
  return h(
    'button',
    { id, class: `ctl ${extraClass}`.trim(), attrs: { type: 'button' }, on: { click: onClick } },
    h('span', { class: 'ctl-icon', html: icon }),
    h('span', { class: 'ctl-label', i18n: label }),
    h('span', { class: 'ctl-badge', attrs: { hidden: true, 'aria-hidden': 'true' } }),
  );
}

function setBadge(button: HTMLElement, count: number): void {
  const badge = button.querySelector<HTMLElement>('.ctl-badge, .tab-badge');
  if (!badge) return;
  badge.hidden = count <= 0;
  badge.textContent = count > 99 ? '99+' : String(count);
}

function sheetItem(id: string, icon: string, label: I18nKey, onClick: () => void): HTMLButtonElement {
  return h(
    'button',
    { id, class: 'sheet-item', attrs: { type: 'button' }, on: { click: onClick } },
    h('span', { class: 'sheet-item-icon', html: icon }),
    h('span', { class: 'sheet-item-label', i18n: label }),
    h('span', { class: 'tab-badge', attrs: { hidden: true } }),
  );
}

export class PartyRoom {
  readonly view: RoomView;
  private readonly session: RoomSession;
  private readonly offs: (() => void)[] = [];
  private readonly chat: ChatPanel;
  private readonly evidence: EvidencePanel;
  private readonly sheets: Sheet[] = [];
  private readonly lobby: HTMLElement;
  private readonly privateNotice: HTMLElement;
  private readonly privateSince = h('p', { class: 'private-since' });
  private readonly withYou: HTMLElement;
  private readonly mutedStrip: HTMLElement;
  private readonly audioOnlyStrip: HTMLElement;
  private readonly phase = new PhaseBanner();
  private readonly handBtn: HTMLButtonElement;
  private readonly chatBtn: HTMLButtonElement;
  private readonly moreBtn: HTMLButtonElement;
  private readonly audioOnlyBtn: HTMLButtonElement;
  private readonly switchBtn: HTMLButtonElement;
  private readonly screenBtn?: HTMLButtonElement;
  private readonly evidenceItem: HTMLButtonElement;
  private readonly peopleList = h('ul', { class: 'participant-list people-list' });
  private admitted?: boolean;

  constructor(session: RoomSession, info: InvitationInfo, token: () => string, signing?: RoomSigning) {
    this.session = session;
    document.body.dataset.admitted = 'false';

    // ------------------------------------------------------------ overlays
    const lobbyDocs = h('p', { class: 'alert alert-info life-lobby-docs', attrs: { hidden: true, role: 'button', tabindex: '0' }, dataset: { testid: 'lobby-docs' }, on: { click: () => signing?.open() } });
    this.lobby = h(
      'div',
      { class: 'lobby', attrs: { role: 'status', 'aria-live': 'polite' }, dataset: { testid: 'lobby' } },
      h(
        'div',
        { class: 'lobby-card' },
        h('div', { class: 'lobby-head' }, h('span', { class: 'spinner', attrs: { 'aria-hidden': 'true' } }), h('span', { class: 'lobby-title', i18n: 'room.lobbyTitle' })),
        h('p', { class: 'lobby-body', i18n: info.roomMode === 'hearing' ? 'room.lobbyBodyHearing' : 'room.lobbyBody' }),
        h('p', { class: 'lobby-hint', i18n: 'room.lobbyHint' }),
        h('p', { class: 'record-notice lobby-record', dataset: { testid: 'lobby-record' } }, h('span', { class: 'rec-dot', html: icons.record }), h('span', { i18n: 'room.recording' })),
        lobbyDocs,
      ),
    );
    this.privateNotice = h(
      'div',
      { class: 'private-notice', attrs: { role: 'alert', hidden: true }, dataset: { testid: 'private-notice' } },
      h('div', { class: 'private-icon', html: icons.lock }),
      h('p', { class: 'private-title', i18n: info.roomMode === 'hearing' ? 'room.privateNoticeTitleHearing' : 'room.privateNoticeTitle' }),
      h('p', { class: 'private-body', i18n: 'room.privateNoticeBody' }),
      this.privateSince,
    );
    this.withYou = h('div', { class: 'strip strip-private', attrs: { hidden: true }, dataset: { testid: 'private-with-you' } }, h('span', { html: icons.lock }), h('span', { i18n: info.roomMode === 'hearing' ? 'room.privateWithYouHearing' : 'room.privateWithYou' }));
    this.mutedStrip = h('div', { class: 'strip strip-muted', attrs: { hidden: true, role: 'status' }, dataset: { testid: 'muted-by-host' } }, h('span', { html: icons.micOff }), h('span', { i18n: 'room.mutedByHost' }));
    this.audioOnlyStrip = h('div', { class: 'strip strip-audio', attrs: { hidden: true } }, h('span', { html: icons.audioOnly }), h('span', { i18n: 'room.audioOnlyOn' }));

    // -------------------------------------------------------------- panels
    this.chat = new ChatPanel(session);
    this.evidence = new EvidencePanel(session, {
      token,
      roomId: () => session.snapshot?.roomId ?? info.roomId,
      hasCase: !!info.caseId,
      phone: true,
    });
    const chatSheet = this.sheet(new Sheet('chat-sheet', 'chat.title', this.chat.el, { tall: true }));
    const evidenceSheet = this.sheet(new Sheet('evidence-sheet', 'ev.title', this.evidence.el, { tall: true }));
    const peopleSheet = this.sheet(new Sheet('people-sheet', 'room.people', this.peopleList));
    // Documents awaiting this party's signature: a menu entry with a badge, and a note in the lobby.
    const docsSheet = signing ? this.sheet(new Sheet('docs-sheet', lk('life.signMenu'), documentList(signing))) : undefined;

    this.audioOnlyBtn = sheetItem('audio-only-btn', icons.audioOnly, 'room.audioOnly', () => void session.setAudioOnly(!session.local.audioOnly));
    this.switchBtn = sheetItem('switch-sheet-btn', icons.switchCamera, 'room.switchCamera', () => {
      moreSheet.close();
      void session.switchCamera();
    });
    this.evidenceItem = sheetItem('evidence-btn', icons.file, 'room.evidence', () => {
      moreSheet.close();
      evidenceSheet.open();
    });
    const peopleItem = sheetItem('people-btn', icons.people, 'room.people', () => {
      moreSheet.close();
      peopleSheet.open();
    });
    const docsItem = docsSheet
      ? sheetItem('docs-btn', icons.file, lk('life.signMenu'), () => {
          moreSheet.close();
          docsSheet.open();
        })
      : undefined;
    const canShareScreen = !isMobile() && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
    if (canShareScreen) {
      this.screenBtn = sheetItem('screen-btn', icons.screen, 'room.shareScreen', () => {
        moreSheet.close();
        void (session.local.screenTrack ? session.stopScreenShare() : session.startScreenShare());
      });
    }
    const moreContent = h(
      'div',
      { class: 'more-sheet' },
      h('div', { class: 'sheet-grid' }, this.evidenceItem, peopleItem, this.switchBtn, this.screenBtn, docsItem),
      h('div', { class: 'sheet-toggle' }, this.audioOnlyBtn, h('p', { class: 'muted small', i18n: 'room.audioOnlyHint' })),
    );
    const moreSheet = this.sheet(new Sheet('more-sheet', 'room.more', moreContent));

    chatSheet.onToggle = (open) => {
      this.chat.setVisible(open);
      // No autofocus: on a phone it would pop the keyboard over the messages.
      this.chatBtn.setAttribute('aria-expanded', String(open));
    };
    evidenceSheet.onToggle = (open) => this.evidence.setVisible(open);
    this.chat.onUnread = (n) => setBadge(this.chatBtn, n);
    let unreadEvidence = 0;
    const moreBadge = () => setBadge(this.moreBtn, unreadEvidence + (signing?.pending().length ?? 0));
    this.evidence.onUnread = (n) => {
      unreadEvidence = n;
      setBadge(this.evidenceItem, n);
      moreBadge();
    };
    if (signing && docsItem) {
      const onDocs = () => {
        const n = signing.pending().length;
        setBadge(docsItem, n);
        moreBadge();
        lobbyDocs.hidden = n === 0;
        lobbyDocs.textContent = lt('life.lobbyDocs', { n });
      };
      this.offs.push(signing.onChange(onDocs));
      signing.onSigned = (doc) => this.view.notify(lk('life.signDone'), { title: doc.title });
    }

    // ------------------------------------------------------------ controls
    this.handBtn = controlButton('hand-btn', icons.hand, 'room.hand', () => void this.toggleHand(), 'needs-admit');
    this.chatBtn = controlButton('chat-btn', icons.chat, 'room.chat', () => chatSheet.toggle(), 'needs-admit');
    this.chatBtn.setAttribute('aria-controls', 'chat-sheet');
    this.moreBtn = controlButton('more-btn', icons.more, 'room.more', () => moreSheet.toggle());

    this.view = new RoomView(session, {
      layout: 'phone',
      title: info.roomTitle,
      mode: info.roomMode,
      switchInBar: false,
      extraControls: [this.handBtn, this.chatBtn, this.moreBtn],
      overlays: [this.lobby, this.privateNotice, ...(signing ? [signing.prompt] : []), ...this.sheets.map((s) => s.el)],
      onLeave: () =>
        askDialog({
          id: 'leave-dialog',
          title: lk('life.leaveTitle'),
          body: lk(info.roomMode === 'hearing' ? 'life.leaveBodyHearing' : 'life.leaveBody'),
          choices: [
            { id: 'leave-stay', label: lk('life.stay'), kind: 'secondary', onClick: () => undefined },
            { id: 'leave-confirm', label: lk('life.leaveConfirm'), kind: 'danger', onClick: () => void session.leave() },
          ],
        }),
      subheader: [this.phase.el, this.withYou, this.mutedStrip, this.audioOnlyStrip],
    });

    this.offs.push(
      session.on('snapshot', (snapshot) => this.onSnapshot(snapshot)),
      session.on('local', (local) => {
        this.audioOnlyBtn.setAttribute('aria-pressed', String(local.audioOnly));
        this.audioOnlyBtn.classList.toggle('on', local.audioOnly);
        this.audioOnlyStrip.hidden = !local.audioOnly;
        this.switchBtn.hidden = !local.canSwitchCamera;
        this.mutedStrip.hidden = !local.mutedByHost;
        if (this.screenBtn) {
          const label = this.screenBtn.querySelector<HTMLElement>('.sheet-item-label');
          if (label) bindText(label, local.screenTrack ? 'room.stopShare' : 'room.shareScreen');
        }
      }),
    );
    if (session.snapshot) this.onSnapshot(session.snapshot);
  }

  get el(): HTMLElement {
    return this.view.el;
  }

  destroy(): void {
    for (const off of this.offs) off();
    this.chat.destroy();
    this.evidence.destroy();
    this.phase.el.remove();
    this.view.destroy();
    delete document.body.dataset.admitted;
    delete document.body.dataset.privateTalk;
  }

  private sheet(sheet: Sheet): Sheet {
    this.sheets.push(sheet);
    return sheet;
  }

  private onSnapshot(snapshot: SessionSnapshot): void {
    const admitted = snapshot.you.admitted;
    // "This session is recorded" only where it is (not with RECORDING=off).
    const notice = this.lobby.querySelector<HTMLElement>('.lobby-record');
    if (notice) notice.hidden = snapshot.recording.status === 'off';
    document.body.dataset.admitted = String(admitted);
    this.lobby.hidden = admitted;
    if (this.admitted === false && admitted) this.view.notify('room.admitted');
    if (!admitted) for (const sheet of this.sheets) if (sheet.el.id !== 'more-sheet') sheet.close();
    this.admitted = admitted;

    const talk = snapshot.privateTalk;
    const outside = admitted && !!talk && !talk.includesYou;
    this.privateNotice.hidden = !outside;
    if (talk) bindText(this.privateSince, 'room.privateSince', { time: clockText(talk.since) });
    this.withYou.hidden = !(admitted && talk?.includesYou);
    document.body.dataset.privateTalk = talk ? (talk.includesYou ? 'with-you' : 'other-side') : 'none';

    this.phase.update(snapshot);

    const raised = snapshot.you.handRaised;
    this.handBtn.setAttribute('aria-pressed', String(raised));
    this.handBtn.classList.toggle('ctl-on', raised);
    const label = this.handBtn.querySelector<HTMLElement>('.ctl-label');
    if (label) bindText(label, raised ? 'room.handLower' : 'room.hand');

    renderPeople(this.peopleList, snapshot);
  }

  private async toggleHand(): Promise<void> {
    const raised = !this.session.snapshot?.you.handRaised;
    this.handBtn.disabled = true;
    try {
      await this.session.request('session:hand', { raised });
    } catch (err) {
      console.warn('[yunting] hand failed', errorText(err));
    } finally {
      this.handBtn.disabled = false;
    }
  }
}
