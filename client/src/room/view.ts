/** DOM for a live room: participant grid, self view, control bar, banners. Used by both pages. */
import type { ParticipantRole, ParticipantView, SessionSnapshot } from '../../../server/signalling/protocol.ts';
import { clear, h } from '../dom.ts';
import { bindAttrs, bindText, modeKey, roleKey, type I18nKey } from '../i18n.ts';
import { icons } from '../icons.ts';
import type { LocalView, PeerView, RoomSession, SessionState } from './session.ts';
import { initials, presenceKey } from './sessionText.ts';
import { recordingBadge } from './recordingBadge.ts';
import { audioOnlyOffer, QualityBadge } from './qualityView.ts';

export type RoomLayout = 'phone' | 'console';

export interface RoomViewOptions {
  layout: RoomLayout;
  title: string;
  mode?: string;
  /** Console only: extra panel in the sidebar (e.g. the invitation form). */
  sidebarExtra?: HTMLElement;
  /** Console: replaces the default sidebar (participant list + extra) entirely. */
  sidebar?: HTMLElement;
  /** What 离开 does instead of leaving at once (a confirmation). */
  onLeave?: () => void;
  /** Buttons placed in the control bar before "leave". */
  extraControls?: HTMLElement[];
  /** false: the page offers "switch camera" elsewhere (the phone's "more" sheet). */
  switchInBar?: boolean;
  /** Notices layered over the stage (lobby, private talk). */
  overlays?: HTMLElement[];
  /** Strips under the room bar (hearing phase). */
  subheader?: HTMLElement[];
  /** Console: people waiting in the lobby are shown in the side panel, not in the grid. */
  hideLobbyPeers?: boolean;
}

interface TileData {
  displayName: string;
  role: ParticipantRole;
  micOff: boolean;
  videoOff: boolean;
  videoTrack?: MediaStreamTrack;
  screenTrack?: MediaStreamTrack;
  mirror?: boolean;
}

function attach(video: HTMLMediaElement, track: MediaStreamTrack | undefined): void {
  const current = (video.srcObject as MediaStream | null)?.getTracks()[0];
  if (current === track) return;
  video.srcObject = track ? new MediaStream([track]) : null;
  if (track) void video.play().catch(() => undefined);
}

function mediaVideo(className: string): HTMLVideoElement {
  const video = h('video', { class: className, attrs: { autoplay: true, playsinline: true, muted: true } });
  video.muted = true;
  return video;
}

class Tile {
  readonly el: HTMLElement;
  private readonly video = mediaVideo('tile-video');
  private readonly screen = mediaVideo('tile-screen');
  private readonly avatar = h('span', { class: 'avatar' });
  private readonly name = h('span', { class: 'tile-name' });
  private readonly role = h('span', { class: 'tile-role' });
  private readonly mic = h('span', { class: 'tile-mic', html: icons.micOff });
  private readonly hand = h('span', { class: 'tile-hand', html: icons.hand, attrs: { hidden: true } });
  private readonly status = h('span', { class: 'tile-status', attrs: { hidden: true } });
  readonly quality: QualityBadge;

  constructor(attrs: Record<string, string>, self: boolean) {
    this.quality = new QualityBadge(self ? 'self-quality' : 'quality');
    bindAttrs(this.mic, { 'aria-label': 'room.micMuted', title: 'room.micMuted' });
    this.mic.setAttribute('role', 'img');
    bindAttrs(this.hand, { 'aria-label': 'room.handRaised', title: 'room.handRaised' });
    this.hand.setAttribute('role', 'img');
    this.el = h(
      'div',
      { class: self ? 'tile self-tile' : 'tile', attrs },
      this.video,
      this.screen,
      h('div', { class: 'tile-placeholder' }, this.avatar),
      h('div', { class: 'tile-badges' }, this.hand, this.status, this.quality.el),
      h('div', { class: 'tile-label' }, this.mic, this.name, this.role),
    );
  }

  /** Session facts shown on the tile: raised hand, presence (reconnecting / left). */
  setStatus(status: { hand: boolean; presence?: ParticipantView['presence']; mutedByHost?: boolean; note?: I18nKey }): void {
    this.hand.hidden = !status.hand;
    this.el.classList.toggle('hand-raised', status.hand);
    const presence = status.presence && status.presence !== 'online' ? status.presence : undefined;
    const note = presence ? presenceKey(presence) : status.note;
    this.status.hidden = !note;
    if (note) bindText(this.status, note);
    if (presence) this.el.dataset.presence = presence;
    else delete this.el.dataset.presence;
    this.el.classList.toggle('muted-by-host', !!status.mutedByHost);
  }

  update(data: TileData): void {
    this.name.textContent = data.displayName;
    const key = roleKey(data.role);
    if (key) bindText(this.role, key);
    else this.role.textContent = data.role;
    this.avatar.textContent = initials(data.displayName);
    const showVideo = !!data.videoTrack && !data.videoOff;
    attach(this.video, data.videoTrack);
    attach(this.screen, data.screenTrack);
    this.video.classList.toggle('mirror', !!data.mirror);
    this.el.classList.toggle('video-off', !showVideo);
    this.el.classList.toggle('has-screen', !!data.screenTrack);
    this.el.classList.toggle('mic-off', data.micOff);
  }

  setSpeaking(speaking: boolean): void {
    this.el.classList.toggle('speaking', speaking);
  }

  destroy(): void {
    this.video.srcObject = null;
    this.screen.srcObject = null;
    this.el.remove();
  }
}

export class RoomView {
  readonly el: HTMLElement;
  private readonly session: RoomSession;
  private readonly layout: RoomLayout;
  private readonly stage: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly waiting: HTMLElement;
  private readonly banner: HTMLElement;
  private readonly audioOnlyOffer = audioOnlyOffer(() => void this.session.setAudioOnly(false));
  private readonly toast: HTMLElement;
  private readonly count: HTMLElement;
  private readonly audioSink: HTMLElement;
  private readonly tapToPlay: HTMLButtonElement;
  private readonly selfTile: Tile;
  private readonly tiles = new Map<string, Tile>();
  /** Tiles for people who dropped and are reconnecting (no media peer now), by participant id. */
  private readonly ghosts = new Map<string, Tile>();
  private readonly hideLobbyPeers: boolean;
  private snapshot?: SessionSnapshot;
  private readonly peers = new Map<string, PeerView>();
  private readonly audios = new Map<string, HTMLAudioElement>();
  private readonly participants?: HTMLElement;
  private readonly buttons: Record<'mute' | 'camera' | 'switch' | 'leave', HTMLButtonElement>;
  private readonly switchInBar: boolean;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly resizeObserver?: ResizeObserver;
  private speaker: string | null = null;
  private tileWidth = 0;
  private toastTimer?: ReturnType<typeof setTimeout>;
  private readonly retryAudio = () => this.playAllAudio();

  constructor(session: RoomSession, opts: RoomViewOptions) {
    this.session = session;
    this.layout = opts.layout;
    this.hideLobbyPeers = !!opts.hideLobbyPeers;

    this.grid = h('div', { class: 'grid', attrs: { role: 'list' } });
    this.waiting = h('div', { class: 'waiting', i18n: 'room.waiting' });
    this.selfTile = new Tile({ 'data-testid': 'self-tile', id: 'self-tile' }, true);
    this.stage = h('div', { class: 'stage', dataset: { count: '0' } }, this.grid, this.waiting, this.selfTile.el);
    this.banner = h(
      'div',
      { class: 'banner', attrs: { role: 'status', 'aria-live': 'polite', hidden: true } },
      h('span', { class: 'spinner', attrs: { 'aria-hidden': 'true' } }),
      h('span', { class: 'banner-text', i18n: 'room.reconnecting' }),
    );
    this.toast = h('div', { class: 'toast', attrs: { role: 'alert', hidden: true } });
    this.count = h('span', { class: 'room-count', i18n: 'room.participants', i18nArgs: { n: 1 } });
    this.audioSink = h('div', { class: 'audio-sink', attrs: { 'aria-hidden': 'true' } });
    this.tapToPlay = h(
      'button',
      { id: 'play-audio-btn', class: 'tap-to-play', attrs: { type: 'button', hidden: true }, on: { click: () => this.playAllAudio() } },
      h('span', { html: icons.speaker }),
      h('span', { i18n: 'room.tapToPlay' }),
    );

    this.buttons = {
      mute: this.controlButton('mute-btn', icons.mic, 'room.mute', () => {
        void this.session.setMicMuted(!this.session.local.micMuted);
      }),
      camera: this.controlButton('camera-btn', icons.camera, 'room.cameraOff', () => {
        void this.session.setCameraOff(!this.session.local.cameraOff);
      }),
      switch: this.controlButton('switch-btn', icons.switchCamera, 'room.switchCamera', () => void this.session.switchCamera()),
      leave: this.controlButton('leave-btn', icons.leave, 'room.leave', () => (opts.onLeave ? opts.onLeave() : void this.session.leave())),
    };
    this.buttons.leave.classList.add('ctl-leave');
    this.buttons.switch.hidden = true;
    this.switchInBar = opts.switchInBar !== false;

    const mode = opts.mode ? modeKey(opts.mode) : undefined;
    const header = h(
      'header',
      { class: 'room-bar' },
      h(
        'div',
        { class: 'room-heading' },
        h('h1', { class: 'room-title', text: opts.title }),
        h('div', { class: 'room-meta' }, mode ? h('span', { class: 'room-mode', i18n: mode }) : null, this.count),
      ),
      recordingBadge(session),
    );
    const controls = h(
      'nav',
      { class: 'controls', attrs: { 'aria-label': 'controls' } },
      this.buttons.mute,
      this.buttons.camera,
      opts.switchInBar === false ? null : this.buttons.switch,
      ...(opts.extraControls ?? []),
      this.buttons.leave,
    );

    const main = h('div', { class: 'room-main' }, this.stage, ...(opts.overlays ?? []), this.banner, this.audioOnlyOffer.el, this.toast, this.tapToPlay);
    const subheader = opts.subheader?.length ? h('div', { class: 'room-subheader' }, ...opts.subheader) : null;
    if (opts.layout === 'console' && opts.sidebar) {
      this.el = h(
        'section',
        { class: 'room room-console' },
        header,
        subheader,
        h('div', { class: 'room-body' }, main, opts.sidebar),
        controls,
        this.audioSink,
      );
    } else if (opts.layout === 'console') {
      this.participants = h('ul', { class: 'participant-list' });
      const sidebar = h(
        'aside',
        { class: 'room-sidebar' },
        h('h2', { class: 'sidebar-title', i18n: 'room.participants', i18nArgs: { n: 1 } }),
        this.participants,
        opts.sidebarExtra,
      );
      this.el = h('section', { class: 'room room-console' }, header, h('div', { class: 'room-body' }, main, sidebar), controls, this.audioSink);
    } else {
      this.el = h('section', { class: 'room room-phone' }, header, subheader, main, controls, this.audioSink);
    }

    if (typeof ResizeObserver === 'function') {
      this.resizeObserver = new ResizeObserver(() => this.relayout());
      this.resizeObserver.observe(this.stage);
    } else {
      window.addEventListener('resize', () => this.relayout());
    }
    document.addEventListener('pointerdown', this.retryAudio, { passive: true });

    this.unsubscribe.push(
      session.on('peer', (peer) => this.onPeer(peer)),
      session.on('peerLeft', (id) => this.removePeer(id)),
      session.on('reset', () => {
        for (const id of [...this.tiles.keys()]) this.removePeer(id);
      }),
      session.on('speaker', (id) => this.setSpeaker(id)),
      session.on('local', (local) => this.onLocal(local)),
      session.on('state', (state) => this.onState(state)),
      session.on('notice', (key) => this.showToast(key)),
      session.on('snapshot', (snapshot) => this.onSnapshot(snapshot)),
    );
    if (session.snapshot) this.onSnapshot(session.snapshot);
    for (const peer of session.peerList()) this.onPeer(peer);
    this.onLocal(session.local);
    this.onState(session.state);
  }

  destroy(): void {
    for (const off of this.unsubscribe) off();
    this.resizeObserver?.disconnect();
    document.removeEventListener('pointerdown', this.retryAudio);
    clearTimeout(this.toastTimer);
    for (const tile of this.tiles.values()) tile.destroy();
    for (const tile of this.ghosts.values()) tile.destroy();
    this.selfTile.destroy();
    for (const audio of this.audios.values()) audio.srcObject = null;
    this.el.remove();
  }

  /** The latest media of a remote peer (the console shows a waiting person's camera beside the case). */
  peer(peerId: string): PeerView | undefined {
    return this.peers.get(peerId);
  }

  /** A short message over the stage. */
  notify(key: I18nKey, args?: Record<string, string | number>): void {
    this.showToast(key, args);
  }

  private onSnapshot(snapshot: SessionSnapshot): void {
    this.snapshot = snapshot;
    const byPeer = new Map<string, ParticipantView>();
    for (const p of snapshot.participants) if (p.peerId) byPeer.set(p.peerId, p);
    for (const [peerId, tile] of this.tiles) this.applyParticipant(tile, byPeer.get(peerId));
    this.selfTile.setStatus({ hand: snapshot.you.handRaised, mutedByHost: snapshot.you.mutedByHost });
    this.el.dataset.admitted = String(snapshot.you.admitted);

    // Someone admitted who dropped: keep a placeholder saying so until they are back (or gone).
    const wanted = new Map<string, ParticipantView>();
    for (const p of snapshot.participants) {
      if (p.id === snapshot.you.id || p.peerId || p.presence !== 'reconnecting' || !p.admitted) continue;
      wanted.set(p.id, p);
    }
    for (const [id, tile] of this.ghosts) {
      if (wanted.has(id)) continue;
      tile.destroy();
      this.ghosts.delete(id);
    }
    for (const [id, p] of wanted) {
      let tile = this.ghosts.get(id);
      if (!tile) {
        tile = new Tile({ 'data-testid': 'ghost-tile', 'data-participant-id': id, role: 'listitem' }, false);
        tile.el.classList.add('ghost');
        this.ghosts.set(id, tile);
        this.grid.append(tile.el);
      }
      tile.update({ displayName: p.name, role: p.role, micOff: true, videoOff: true });
      tile.setStatus({ hand: false, presence: p.presence });
    }
    this.relayout();
    this.renderParticipants();
  }

  private applyParticipant(tile: Tile, participant: ParticipantView | undefined): void {
    if (participant) {
      tile.el.dataset.participantId = participant.id;
      // Staff see everyone; during a private talk, say who is outside it (their media is cut).
      const talkSide = this.snapshot?.privateTalk?.side;
      const outside = !!talkSide && participant.side !== 'staff' && participant.side !== talkSide && participant.admitted;
      tile.setStatus({
        hand: participant.handRaised,
        presence: participant.presence,
        mutedByHost: participant.mutedByHost,
        note: outside ? 'room.outsideTalk' : undefined,
      });
      tile.quality.set(participant.quality);
    }
    const lobby = this.hideLobbyPeers && !!participant && !participant.admitted;
    if (tile.el.hidden !== lobby) {
      tile.el.hidden = lobby;
      this.relayout();
    }
  }

  private controlButton(id: string, icon: string, label: I18nKey, onClick: () => void): HTMLButtonElement {
    return h(
      'button',
      { id, class: 'ctl', attrs: { type: 'button' }, on: { click: onClick } },
      h('span', { class: 'ctl-icon', html: icon }),
      h('span', { class: 'ctl-label', i18n: label }),
    );
  }

  private setControl(button: HTMLButtonElement, icon: string, label: I18nKey, pressed: boolean): void {
    const iconEl = button.querySelector('.ctl-icon');
    const labelEl = button.querySelector<HTMLElement>('.ctl-label');
    if (iconEl && iconEl.innerHTML !== icon) iconEl.innerHTML = icon;
    if (labelEl) bindText(labelEl, label);
    button.setAttribute('aria-pressed', String(pressed));
    button.classList.toggle('ctl-off', pressed);
  }

  private onLocal(local: LocalView): void {
    this.selfTile.quality.set(local.peerId ? local.quality : null);
    this.audioOnlyOffer.show(local.autoAudioOnly);
    this.selfTile.update({
      displayName: local.displayName,
      role: local.role,
      micOff: local.micMuted,
      videoOff: local.cameraOff,
      videoTrack: local.audioOnly ? undefined : local.videoTrack,
      screenTrack: local.screenTrack,
      mirror: local.facing === 'user',
    });
    if (local.peerId) this.selfTile.el.dataset.peerId = local.peerId;
    if (local.mutedByHost) {
      this.setControl(this.buttons.mute, icons.lock, 'room.mutedByHostShort', true);
    } else {
      this.setControl(this.buttons.mute, local.micMuted ? icons.micOff : icons.mic, local.micMuted ? 'room.unmute' : 'room.mute', local.micMuted);
    }
    this.buttons.mute.disabled = local.mutedByHost;
    this.buttons.mute.classList.toggle('ctl-locked', local.mutedByHost);
    if (local.mutedByHost) bindAttrs(this.buttons.mute, { title: 'room.mutedByHost' });
    else this.buttons.mute.removeAttribute('title');
    this.setControl(
      this.buttons.camera,
      local.cameraOff ? icons.cameraOff : icons.camera,
      local.cameraOff ? 'room.cameraOn' : 'room.cameraOff',
      local.cameraOff,
    );
    this.buttons.switch.hidden = !local.canSwitchCamera || !this.switchInBar;
    this.renderParticipants();
  }

  private onState(state: SessionState): void {
    const reconnecting = state === 'reconnecting';
    const joining = state === 'joining';
    this.banner.hidden = !(reconnecting || joining);
    const text = this.banner.querySelector<HTMLElement>('.banner-text');
    if (text) bindText(text, joining ? 'room.joining' : 'room.reconnecting');
    this.el.classList.toggle('is-reconnecting', reconnecting);
  }

  private onPeer(peer: PeerView): void {
    this.peers.set(peer.id, peer);
    let tile = this.tiles.get(peer.id);
    if (!tile) {
      tile = new Tile({ 'data-testid': 'tile', 'data-peer-id': peer.id, role: 'listitem' }, false);
      this.tiles.set(peer.id, tile);
      this.grid.append(tile.el);
      this.relayout();
    }
    tile.update({
      displayName: peer.displayName,
      role: peer.role,
      micOff: !peer.mic || peer.mic.paused,
      videoOff: !peer.camera || peer.camera.paused,
      videoTrack: peer.camera?.track,
      screenTrack: peer.screen && !peer.screen.paused ? peer.screen.track : undefined,
    });
    tile.setSpeaking(this.speaker === peer.id && !!peer.mic?.track);
    if (this.snapshot) this.applyParticipant(tile, this.snapshot.participants.find((p) => p.peerId === peer.id));
    this.updateAudio(peer);
    if (this.tileWidth) this.session.setPreferredSize(peer.id, this.tileWidth);
    this.renderParticipants();
  }

  private removePeer(peerId: string): void {
    this.peers.delete(peerId);
    this.tiles.get(peerId)?.destroy();
    this.tiles.delete(peerId);
    const audio = this.audios.get(peerId);
    if (audio) {
      audio.srcObject = null;
      audio.remove();
      this.audios.delete(peerId);
    }
    this.relayout();
    this.renderParticipants();
  }

  /** Remote audio plays through its own element; videos stay muted so they may autoplay. */
  private updateAudio(peer: PeerView): void {
    const track = peer.mic?.track;
    let audio = this.audios.get(peer.id);
    if (!track) {
      // The consumer was closed (private talk, producer gone): drop its element.
      if (audio) {
        audio.srcObject = null;
        audio.remove();
        this.audios.delete(peer.id);
      }
      return;
    }
    if (!audio) {
      audio = h('audio', { attrs: { autoplay: true, 'data-peer-id': peer.id } });
      this.audios.set(peer.id, audio);
      this.audioSink.append(audio);
    }
    const current = (audio.srcObject as MediaStream | null)?.getTracks()[0];
    if (current !== track) {
      audio.srcObject = new MediaStream([track]);
      this.playAudio(audio);
    }
  }

  private playAudio(audio: HTMLAudioElement): void {
    const played = audio.play();
    played?.then(
      () => {
        if ([...this.audios.values()].every((a) => !a.paused || !a.srcObject)) this.tapToPlay.hidden = true;
      },
      (err: unknown) => {
        if (err instanceof DOMException && err.name === 'NotAllowedError') this.tapToPlay.hidden = false;
      },
    );
  }

  private playAllAudio(): void {
    for (const audio of this.audios.values()) {
      if (audio.srcObject && audio.paused) this.playAudio(audio);
    }
    if ([...this.audios.values()].every((a) => !a.paused || !a.srcObject)) this.tapToPlay.hidden = true;
  }

  private setSpeaker(peerId: string | null): void {
    this.speaker = peerId;
    // Someone we no longer hear (a private talk cut them off) is not shown as speaking.
    for (const [id, tile] of this.tiles) tile.setSpeaking(id === peerId && !!this.peers.get(id)?.mic?.track);
    this.selfTile.setSpeaking(!!peerId && peerId === this.session.peerId);
    this.renderParticipants();
  }

  private relayout(): void {
    const n = [...this.grid.children].filter((el) => !(el as HTMLElement).hidden).length;
    this.stage.dataset.count = String(n);
    bindText(this.count, 'room.participants', { n: n + 1 });
    const sidebarTitle = this.el?.querySelector<HTMLElement>('.sidebar-title');
    if (sidebarTitle) bindText(sidebarTitle, 'room.participants', { n: n + 1 });
    if (n === 0) {
      this.tileWidth = 0;
      return;
    }
    const gap = this.layout === 'phone' ? 4 : 8;
    const width = this.grid.clientWidth || this.stage.clientWidth;
    const height = this.grid.clientHeight || this.stage.clientHeight;
    if (!width || !height) return;
    // Pick the column count that makes each tile largest at a 4:3 (phone) or 16:9 shape.
    const aspect = this.layout === 'phone' ? 4 / 3 : 16 / 9;
    let best = { cols: 1, w: 0, h: 0 };
    for (let cols = 1; cols <= n; cols++) {
      const rows = Math.ceil(n / cols);
      const cellW = (width - gap * (cols - 1)) / cols;
      const cellH = (height - gap * (rows - 1)) / rows;
      const w = Math.min(cellW, cellH * aspect);
      if (w > best.w) best = { cols, w, h: w / aspect };
    }
    const rows = Math.ceil(n / best.cols);
    let tileW = best.w;
    let tileH = best.h;
    if (this.layout === 'phone') {
      // Phones fill the whole stage; video is cropped to the cell rather than letterboxed.
      tileW = (width - gap * (best.cols - 1)) / best.cols;
      tileH = (height - gap * (rows - 1)) / rows;
    }
    this.grid.style.gridTemplateColumns = `repeat(${best.cols}, ${Math.floor(tileW)}px)`;
    this.grid.style.gridAutoRows = `${Math.floor(tileH)}px`;
    this.grid.style.gap = `${gap}px`;
    if (Math.abs(tileW - this.tileWidth) > 8) {
      this.tileWidth = tileW;
      for (const id of this.tiles.keys()) this.session.setPreferredSize(id, tileW);
    }
  }

  private renderParticipants(): void {
    const list = this.participants;
    if (!list) return;
    clear(list);
    const local = this.session.local;
    const rows: { id?: string; name: string; role: ParticipantRole; micOff: boolean; self: boolean }[] = [
      { id: local.peerId, name: local.displayName, role: local.role, micOff: local.micMuted, self: true },
      ...[...this.peers.values()].map((p) => ({
        id: p.id,
        name: p.displayName,
        role: p.role,
        micOff: !p.mic || p.mic.paused,
        self: false,
      })),
    ];
    for (const row of rows) {
      const key = roleKey(row.role);
      list.append(
        h(
          'li',
          { class: `participant${row.id && row.id === this.speaker ? ' speaking' : ''}` },
          h('span', { class: 'participant-avatar', text: initials(row.name) }),
          h(
            'span',
            { class: 'participant-text' },
            h('span', { class: 'participant-name', text: row.name }, row.self ? h('span', { class: 'you', i18n: 'common.you' }) : null),
            key ? h('span', { class: 'participant-role', i18n: key }) : h('span', { class: 'participant-role', text: row.role }),
          ),
          h('span', {
            class: `participant-mic${row.micOff ? ' off' : ''}`,
            html: row.micOff ? icons.micOff : icons.mic,
            i18nAttrs: row.micOff ? { 'aria-label': 'room.micMuted' } : undefined,
          }),
        ),
      );
    }
  }

  private showToast(key: I18nKey, args?: Record<string, string | number>): void {
    clear(this.toast);
    this.toast.append(h('span', { i18n: key, i18nArgs: args }));
    this.toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => (this.toast.hidden = true), 4_000);
  }
}
