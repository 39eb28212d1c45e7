/**
 * The console room for a mediator, arbitrator or clerk: the video grid and
 * a side panel with tabs — participants (lobby with identity check, floor
 * control), flow (private talks, hearing phases), chat, evidence (with
 * screen sharing) and the host's private notes.
 */
import type { SessionSnapshot } from '../../../server/signalling/protocol.ts';
import type { Room } from '../api.ts';
import { h } from '../dom.ts';
import { bindText, type I18nKey } from '../i18n.ts';
import { icons } from '../icons.ts';
import { ChatPanel } from '../room/chat.ts';
import { EvidencePanel } from '../room/evidence.ts';
import { PhaseBanner } from '../room/phase.ts';
import type { RoomSession } from '../room/session.ts';
import { RoomView } from '../room/view.ts';
import { FlowPanel } from './flowPanel.ts';
import { NotesPanel } from './notesPanel.ts';
import { ParticipantsPanel } from './participantsPanel.ts';
import { askHostLeave, endControl } from './hostEnd.ts';
import { ConsentStatus } from './consentStatus.ts';

type Tab = 'participants' | 'flow' | 'chat' | 'evidence' | 'notes';

const TABS: { id: Tab; label: I18nKey }[] = [
  { id: 'participants', label: 'host.tabPeople' },
  { id: 'flow', label: 'host.tabFlow' },
  { id: 'chat', label: 'host.tabChat' },
  { id: 'evidence', label: 'host.tabEvidence' },
  { id: 'notes', label: 'host.tabNotes' },
];

export class HostRoom {
  readonly view: RoomView;
  private readonly session: RoomSession;
  private readonly participants: ParticipantsPanel;
  private readonly flow: FlowPanel;
  private readonly chat: ChatPanel;
  private readonly evidence: EvidencePanel;
  private readonly notes: NotesPanel;
  private readonly consent?: ConsentStatus;
  private readonly endBtn: HTMLButtonElement;
  private readonly tabButtons = new Map<Tab, HTMLButtonElement>();
  private readonly panels = new Map<Tab, HTMLElement>();
  private readonly phase = new PhaseBanner('phase-banner');
  private readonly talkStrip = h('div', { class: 'strip strip-private', attrs: { hidden: true }, dataset: { testid: 'host-private-strip' } });
  private readonly screenButtons: HTMLButtonElement[] = [];
  private readonly offs: (() => void)[] = [];
  private current: Tab = 'participants';
  private previous?: SessionSnapshot;

  constructor(session: RoomSession, room: Room, opts: { token: () => string; invite?: HTMLElement }) {
    this.session = session;
    this.participants = new ParticipantsPanel(session, opts.invite);
    this.flow = new FlowPanel(session);
    this.chat = new ChatPanel(session);
    const screenInPanel = this.screenButton('evidence-screen-btn', 'btn btn-secondary btn-block');
    this.evidence = new EvidencePanel(session, {
      token: opts.token,
      roomId: () => room.id,
      hasCase: !!room.caseId,
      phone: false,
      extra: typeof navigator.mediaDevices?.getDisplayMedia === 'function' ? h('div', { class: 'ev-screen' }, screenInPanel) : undefined,
    });
    this.notes = new NotesPanel(session);
    // A hearing's arbitrator sees whether each party has signed the simplified-procedure consent.
    if (room.mode === 'hearing' && room.caseId) this.consent = new ConsentStatus(opts.token(), room.caseId);
    this.endBtn = endControl(session);
    this.endBtn.hidden = true;

    const tablist = h('div', { class: 'side-tabs', attrs: { role: 'tablist' } });
    const body = h('div', { class: 'side-panels' });
    const content: Record<Tab, HTMLElement> = {
      participants: this.participants.el,
      flow: this.consent ? h('div', {}, this.consent.el, this.flow.el) : this.flow.el,
      chat: this.chat.el,
      evidence: this.evidence.el,
      notes: this.notes.el,
    };
    for (const tab of TABS) {
      const button = h(
        'button',
        {
          id: `tab-${tab.id}`,
          class: 'side-tab',
          attrs: { type: 'button', role: 'tab', 'aria-controls': `panel-${tab.id}`, 'aria-selected': 'false' },
          dataset: { tab: tab.id },
          on: { click: () => this.select(tab.id) },
        },
        h('span', { i18n: tab.label }),
        h('span', { class: 'tab-badge', attrs: { hidden: true } }),
      );
      this.tabButtons.set(tab.id, button);
      tablist.append(button);
      const panel = h('div', { id: `panel-${tab.id}`, class: 'side-panel', attrs: { role: 'tabpanel', 'aria-labelledby': `tab-${tab.id}`, hidden: true } }, content[tab.id]);
      this.panels.set(tab.id, panel);
      body.append(panel);
    }
    const sidebar = h('aside', { class: 'room-sidebar host-sidebar' }, tablist, body);

    this.participants.onWaiting = (n) => this.badge('participants', n, true);
    this.chat.onUnread = (n) => this.badge('chat', n);
    this.evidence.onUnread = (n) => this.badge('evidence', n);
    this.flow.onTalk = (text) => {
      this.talkStrip.hidden = !text;
      this.talkStrip.textContent = text ?? '';
    };

    const screenCtl = typeof navigator.mediaDevices?.getDisplayMedia === 'function' ? this.screenButton('screen-btn', 'ctl', true) : null;
    this.view = new RoomView(session, {
      layout: 'console',
      title: room.title,
      mode: room.mode,
      sidebar,
      hideLobbyPeers: true,
      extraControls: [...(screenCtl ? [screenCtl] : []), this.endBtn],
      onLeave: () =>
        askHostLeave(session, {
          hearing: room.mode === 'hearing',
          isHost: !!session.snapshot?.you.isHost,
          onCloseHearing: () => this.select('flow'),
        }),
      subheader: [this.phase.el, this.talkStrip],
    });
    this.participants.attach(this.view);

    this.offs.push(
      session.on('snapshot', (snapshot) => this.onSnapshot(snapshot)),
      session.on('peer', () => this.participants.refreshVideos()),
      session.on('local', (local) => {
        for (const b of this.screenButtons) {
          const label = b.querySelector<HTMLElement>('.ctl-label, .btn-label');
          if (label) bindText(label, local.screenTrack ? 'room.stopShare' : 'room.shareScreen');
          b.classList.toggle('ctl-on', !!local.screenTrack);
          b.setAttribute('aria-pressed', String(!!local.screenTrack));
        }
      }),
    );
    this.select('participants');
    if (session.snapshot) this.onSnapshot(session.snapshot);
  }

  get el(): HTMLElement {
    return this.view.el;
  }

  destroy(): void {
    for (const off of this.offs) off();
    this.flow.destroy();
    this.chat.destroy();
    this.evidence.destroy();
    this.notes.destroy();
    this.consent?.destroy();
    this.view.destroy();
  }

  private screenButton(id: string, className: string, control = false): HTMLButtonElement {
    const button = h(
      'button',
      {
        id,
        class: className,
        attrs: { type: 'button', 'aria-pressed': 'false' },
        on: { click: () => void (this.session.local.screenTrack ? this.session.stopScreenShare() : this.session.startScreenShare()) },
      },
      h('span', { class: control ? 'ctl-icon' : 'btn-icon', html: icons.screen }),
      h('span', { class: control ? 'ctl-label' : 'btn-label', i18n: 'room.shareScreen' }),
    );
    this.screenButtons.push(button);
    return button;
  }

  private select(tab: Tab): void {
    this.current = tab;
    for (const [id, button] of this.tabButtons) {
      const active = id === tab;
      button.setAttribute('aria-selected', String(active));
      button.classList.toggle('active', active);
      this.panels.get(id)!.hidden = !active;
    }
    this.chat.setVisible(tab === 'chat');
    this.evidence.setVisible(tab === 'evidence');
    if (tab === 'notes') void this.notes.show();
    else void this.notes.flush();
    if (tab === 'chat') this.chat.focus();
  }

  private badge(tab: Tab, count: number, always = false): void {
    const badge = this.tabButtons.get(tab)?.querySelector<HTMLElement>('.tab-badge');
    if (!badge) return;
    badge.hidden = count <= 0 || (!always && this.current === tab);
    badge.textContent = String(count);
    badge.classList.toggle('tab-badge-alert', always);
  }

  private onSnapshot(snapshot: SessionSnapshot): void {
    // 结束调解 for the host of a mediation; a hearing ends by 闭庭 in the flow tab.
    this.endBtn.hidden = !snapshot.you.isHost || snapshot.mode === 'hearing';
    this.participants.update(snapshot);
    this.flow.update(snapshot);
    this.phase.update(snapshot);
    this.notesTab(snapshot);
    // Tell the host who just came to the lobby and who raised a hand.
    const before = this.previous;
    if (before) {
      for (const p of snapshot.participants) {
        const old = before.participants.find((o) => o.id === p.id);
        if (!p.admitted && p.presence === 'online' && p.side !== 'staff' && (!old || old.presence !== 'online' || old.admitted)) {
          this.view.notify('host.waitingToast', { name: p.name });
        }
        if (p.handRaised && !old?.handRaised && p.id !== snapshot.you.id) this.view.notify('host.handToast', { name: p.name });
      }
    }
    this.previous = snapshot;
  }

  private notesTab(snapshot: SessionSnapshot): void {
    // Notes belong to the staff member; every staff role may keep them.
    const button = this.tabButtons.get('notes');
    if (button) button.hidden = snapshot.you.side !== 'staff';
  }
}
