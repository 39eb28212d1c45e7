/**
 * One session as its people live it: the lobby, identity checks, who is
 * present, private talks (背对背), hearing phases and floor control. It is
 * the media room's consume policy, so its rules hold in the SFU itself.
 * Its state is rebuilt from the session's event log, so it survives a dead
 * worker and a restarted server.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { types } from 'mediasoup';
import { AppError, forbidden } from '../errors.ts';
import { can, type StaffActor } from '../auth/policy.ts';
import type { MediaPeer, ProducerAppData } from '../media/mediaPeer.ts';
import type { ConsumePolicy, MediaRoom } from '../media/mediaRoom.ts';
import type { LiveRooms } from '../rooms/liveRooms.ts';
import {
  ErrorCode,
  hearingPhases,
  type ChatMessage,
  type HearingPhase,
  type ParticipantView,
  type SessionEnd,
  type SessionSnapshot,
  type SharedEvidence,
  type SocketIdentity,
} from '../signalling/protocol.ts';
import type { Db } from '../store/database.ts';
import type { Room } from '../store/schema.ts';
import { canHear, groupOf, mayOpen, sideOf, type AudienceMember, type PrivateTalk } from './audience.ts';
import { SerialQueue, SessionLog, type EventKind, type NewEvent } from './sessionLog.ts';
import { newParticipant, replayEvents, type Participant } from './sessionState.ts';
import { RecordingStatus } from './recordingStatus.ts';
import { ConnectionQuality, type QualityChange, type QualityReport } from './connectionQuality.ts';

export interface SessionDeps {
  db: Db;
  liveRooms: LiveRooms;
  log: FastifyBaseLogger;
  graceSeconds: number;
  /** Withdraws a removed guest's invitation so the link cannot bring them back. */
  revokeInvitation(invitationId: string): Promise<void>;
  /** Told when a host opens the session on (new) media: recording starts there. */
  onOpened?: (session: LiveSession, media: MediaRoom) => void;
  /** Told once the end is logged: lets everyone go, closes the media (and recording), moves the case (sessionEnd.ts). */
  onEnded?: (session: LiveSession, end: SessionEnd) => Promise<void>;
  /** Whether this server records sessions at all (RECORDING=off does not). */
  recordingEnabled?: boolean;
}

/** Staff in a room already passed `room:enter` for it; within the room only the role decides. */
const staffActor = (who: { subject: string; role: SocketIdentity['role'] }): StaffActor => ({
  kind: 'staff',
  userId: who.subject.replace(/^staff:/, ''),
  role: who.role as StaffActor['role'],
  organisationId: null,
  name: '',
});

export class LiveSession {
  private readonly participants = new Map<string, Participant>();
  private readonly removed = new Set<string>();
  private phase: HearingPhase | null = null;
  private phaseStartedAt: string | null = null;
  private privateTalk: (PrivateTalk & { since: string }) | null = null;
  private media: MediaRoom | undefined;
  private readonly talkListeners = new Set<() => void>();
  private shutDown = false;
  /** Forgotten by LiveSessions (its room idle): a newer instance carries the room from now on. */
  private retired = false;
  private openedOn: MediaRoom | undefined;
  private ended: SessionEnd | null = null;
  private readonly events: SessionLog;
  /** Commands that change the session run one at a time: logged first, then applied, in log order. */
  private readonly commands = new SerialQueue();
  /** What is recorded now: reported by the session recorder, pushed to everyone in the room. */
  readonly recording: RecordingStatus;
  private readonly quality = new ConnectionQuality((change) => this.onQualityChange(change));

  private constructor(
    readonly room: Room,
    private readonly deps: SessionDeps,
  ) {
    this.events = new SessionLog(deps.db, room, deps.log);
    this.recording = new RecordingStatus(deps.recordingEnabled === true, () => this.pushRecording());
  }

  static async load(room: Room, deps: SessionDeps): Promise<LiveSession> {
    const session = new LiveSession(room, deps);
    const state = replayEvents(await session.events.load());
    for (const participant of state.participants.values()) session.participants.set(participant.subject, participant);
    for (const subject of state.removed) session.removed.add(subject);
    session.privateTalk = state.privateTalk;
    session.phase = state.phase;
    session.phaseStartedAt = state.phaseStartedAt;
    session.ended = state.ended;
    return session;
  }

  /** The SFU room carrying this session, created on a worker when needed (again after a worker died). */
  async mediaRoom(): Promise<MediaRoom> {
    this.refuseIfEnded();
    const media = this.retired ? undefined : await this.deps.liveRooms.getOrCreate(this.room.id);
    if (!media || this.retired) throw new AppError(ErrorCode.RoomUnavailable, 'The session is being reloaded; join again');
    if (media !== this.media) {
      this.media = media;
      media.policy = this.policy;
      media.on('producerCreated', (producer) => {
        this.onProducerCreated(producer).catch((error: unknown) => this.deps.log.warn({ err: error, producerId: producer.id }, 'could not apply the host mute to a new microphone'));
      });
    }
    return media;
  }

  readonly policy: ConsumePolicy = {
    canConsume: (receiver, producer) => {
      const owner = this.media?.peers.get(producer.appData.peerId);
      return owner !== undefined && this.hears(receiver, owner);
    },
    canSee: (viewer, peer) => {
      const v = this.of(viewer);
      const p = this.of(peer);
      if (!v || !p) return false;
      if (v.side === 'staff') return true;
      return v.admitted && p.admitted;
    },
  };

  /** Called for every join: staff enter directly, everyone else waits until admitted (or enters again after a drop). */
  enter(identity: SocketIdentity): Promise<Participant> {
    return this.commands.run(async () => {
      if (this.removed.has(identity.subject)) throw new AppError(ErrorCode.Forbidden, 'You were removed from this session', 403);
      this.refuseIfEnded();
      let participant = this.participants.get(identity.subject);
      if (!participant) {
        const fresh = newParticipant(identity.subject, identity.displayName, identity.role, 'online');
        await this.record(identity.displayName, [{ kind: 'participant.joined', subject: fresh.subject, detail: { name: fresh.name, role: fresh.role } }]);
        this.participants.set(identity.subject, fresh);
        participant = fresh;
      }
      clearTimeout(participant.goneTimer);
      participant.presence = 'online';
      return participant;
    });
  }

  /** Binds the participant to its media peer once the peer is in the room. */
  attach(participant: Participant, peer: MediaPeer): void {
    participant.peerId = peer.id;
    // A peer that left before it was attached (its socket dropped mid-join) leaves at once.
    if (peer.closed) return this.onPeerClosed(participant, peer);
    // Online again even if the stale peer this one replaced was just marked as reconnecting.
    clearTimeout(participant.goneTimer);
    participant.presence = 'online';
    this.quality.connected(participant.subject);
    peer.once('closed', () => this.onPeerClosed(participant, peer));
    // The session opens when its host arrives; from then on it is recorded, lobby included.
    if (this.media && this.openedOn !== this.media && participant.side === 'staff' && can(staffActor(participant), 'session:host')) {
      this.openedOn = this.media;
      this.deps.onOpened?.(this, this.media);
    }
    this.changed();
  }

  // ---- host actions: each logs first, then changes memory and the media, in log order ----

  admit(host: SocketIdentity, participantId: string): Promise<void> {
    return this.commands.run(async () => {
      this.requireAdmitter(host);
      const target = this.byId(participantId);
      if (target.admitted) return;
      await this.record(host.displayName, [this.about('participant.admitted', target)]);
      target.admitted = true;
      this.changed();
    });
  }

  verify(host: SocketIdentity, participantId: string): Promise<void> {
    return this.commands.run(async () => {
      this.requireAdmitter(host);
      const target = this.byId(participantId);
      if (target.verified) return;
      await this.record(host.displayName, [this.about('participant.verified', target)]);
      target.verified = true;
      this.changed();
    });
  }

  reject(host: SocketIdentity, participantId: string): Promise<void> {
    return this.commands.run(async () => {
      this.requireAdmitter(host);
      const target = this.byId(participantId);
      if (target.side === 'staff') throw forbidden('Staff cannot be turned away');
      await this.record(host.displayName, [this.about('participant.rejected', target)]);
      target.admitted = false;
      target.presence = 'gone';
      this.closePeerOf(target, 'rejected');
      this.changed();
    });
  }

  remove(host: SocketIdentity, participantId: string): Promise<void> {
    return this.commands.run(async () => {
      this.requireHost(host);
      const target = this.byId(participantId);
      if (target.subject === host.subject) throw new AppError(ErrorCode.InvalidPayload, 'You cannot remove yourself');
      await this.record(host.displayName, [this.about('participant.removed', target)]);
      this.removed.add(target.subject);
      target.admitted = false;
      target.presence = 'gone';
      this.closePeerOf(target, 'removed');
      this.changed();
      // The logged removal already keeps them out of this session; the invitation is withdrawn too.
      if (target.subject.startsWith('invite:')) {
        await this.deps.revokeInvitation(target.subject.slice('invite:'.length)).catch((error: unknown) => {
          this.deps.log.error({ err: error, subject: target.subject }, 'removed from the session, but the invitation could not be withdrawn');
        });
      }
    });
  }

  /** Server-side mute: the microphone producer is paused in the SFU, and its owner cannot resume it. */
  mute(host: SocketIdentity, participantId: string, muted: boolean): Promise<void> {
    return this.commands.run(async () => {
      this.requireHost(host);
      const target = this.byId(participantId);
      if (target.mutedByHost === muted) return;
      await this.record(host.displayName, [{ kind: muted ? 'floor.muted' : 'floor.unmuted', subject: target.subject, detail: { name: target.name } }]);
      target.mutedByHost = muted;
      if (muted) target.handRaised = false;
      const peer = target.peerId ? this.media?.peers.get(target.peerId) : undefined;
      if (peer && this.media) {
        for (const producer of peer.producers.values()) {
          if (producer.appData.source !== 'mic') continue;
          if (muted && producer.paused) target.selfPausedMics.add(producer.id);
          if (!muted && target.selfPausedMics.has(producer.id)) continue; // it was the party's own mute
          await this.media.setProducerPaused(peer, producer.id, muted).catch((error: unknown) => {
            this.deps.log.warn({ err: error, producerId: producer.id }, 'could not pause or resume a microphone');
          });
          peer.notify(muted ? 'producer:paused' : 'producer:resumed', { producerId: producer.id, peerId: peer.id });
        }
        if (!muted) target.selfPausedMics.clear();
      }
      this.changed();
    });
  }

  async setHand(identity: SocketIdentity, raised: boolean): Promise<void> {
    const self = this.self(identity);
    if (self.handRaised === raised) return; // nothing changed: no reconcile, no snapshots to everyone
    self.handRaised = raised;
    this.changed();
  }

  async lowerHand(host: SocketIdentity, participantId: string): Promise<void> {
    this.requireHost(host);
    const target = this.byId(participantId);
    if (!target.handRaised) return;
    target.handRaised = false;
    this.changed();
  }

  setPrivateTalk(host: SocketIdentity, side: 'applicant' | 'respondent' | null): Promise<void> {
    return this.commands.run(async () => {
      this.requireHost(host);
      if (this.room.mode !== 'back_to_back' && !(this.room.mode === 'hearing' && this.phase === 'mediation')) {
        throw new AppError(ErrorCode.Forbidden, 'Private talks belong to back-to-back mediation (or in-court mediation)', 403);
      }
      if ((this.privateTalk?.side ?? null) === side) return;
      // Switching sides is one step in the log: the old talk ends and the new one starts together.
      const events: NewEvent[] = [];
      if (this.privateTalk) events.push({ kind: 'private.ended', subject: null, detail: { side: this.privateTalk.side } });
      if (side) events.push({ kind: 'private.started', subject: null, detail: { side } });
      const ats = await this.record(host.displayName, events);
      this.applyTalk(side ? { side, since: ats.at(-1)! } : null);
      this.changed();
    });
  }

  setPhase(host: SocketIdentity, phase: HearingPhase, outcome?: string, note?: string): Promise<void> {
    return this.commands.run(async () => {
      this.requireHost(host);
      if (this.room.mode !== 'hearing') throw new AppError(ErrorCode.Forbidden, 'Phases belong to hearings', 403);
      const expected = hearingPhases[this.phase === null ? 0 : hearingPhases.indexOf(this.phase) + 1];
      if (phase !== expected) {
        throw new AppError(ErrorCode.InvalidPayload, `The next phase is ${expected ?? '(none: the hearing is closed)'}, not ${phase}`);
      }
      if (phase === 'closing' && !outcome) throw new AppError(ErrorCode.InvalidPayload, 'Closing needs the outcome: ruling, adjournment or settlement');
      // Leaving in-court mediation ends any private talk held during it, in the same step.
      const events: NewEvent[] = [];
      if (this.privateTalk) events.push({ kind: 'private.ended', subject: null, detail: { side: this.privateTalk.side } });
      events.push({ kind: 'phase.changed', subject: null, detail: { phase, ...(outcome ? { outcome } : {}), ...(note ? { note } : {}) } });
      // 闭庭 ends the hearing for everyone, in the same logged step.
      const end = phase === 'closing' ? this.endOf(host, { reason: 'closing', outcome: outcome as SessionEnd['outcome'], ...(note ? { note } : {}) }) : null;
      if (end) events.push({ kind: 'session.ended', subject: null, detail: { ...end } });
      const ats = await this.record(host.displayName, events);
      if (this.privateTalk) this.applyTalk(null);
      this.phase = phase;
      this.phaseStartedAt = ats.at(end ? -2 : -1)!;
      if (end) this.ended = end;
      this.changed();
      if (end) await this.deps.onEnded?.(this, end);
    });
  }

  /** The host ends a mediation for everyone (a hearing ends by its closing phase). Logged first; ending twice answers the first end. */
  end(host: SocketIdentity, reason: Exclude<SessionEnd['reason'], 'closing'>, note?: string): Promise<SessionEnd> {
    return this.commands.run(async () => {
      this.requireHost(host);
      if (this.ended) return this.ended;
      if (this.room.mode === 'hearing') throw new AppError(ErrorCode.InvalidPayload, 'A hearing ends by closing (闭庭) with its outcome');
      const end = this.endOf(host, { reason, ...(note?.trim() ? { note: note.trim() } : {}) });
      const events: NewEvent[] = [];
      if (this.privateTalk) events.push({ kind: 'private.ended', subject: null, detail: { side: this.privateTalk.side } });
      events.push({ kind: 'session.ended', subject: null, detail: { ...end } });
      await this.record(host.displayName, events);
      if (this.privateTalk) this.applyTalk(null);
      this.ended = end;
      this.changed();
      await this.deps.onEnded?.(this, end);
      return end;
    });
  }

  /** How the session ended, or null while it is open. */
  get endedAs(): SessionEnd | null {
    return this.ended;
  }

  private endOf(host: SocketIdentity, input: Omit<SessionEnd, 'at' | 'by' | 'mode'>): SessionEnd {
    return { at: new Date().toISOString(), by: host.displayName, mode: this.room.mode, ...input };
  }

  private refuseIfEnded(): void {
    if (this.ended) throw new AppError(ErrorCode.SessionEnded, this.room.mode === 'hearing' ? 'The hearing has ended' : 'This session has ended', 409);
  }

  private applyTalk(talk: (PrivateTalk & { since: string }) | null): void {
    this.privateTalk = talk;
    for (const listener of this.talkListeners) listener();
  }

  // ---- everyone -----------------------------------------------------------

  async chat(identity: SocketIdentity, text: string): Promise<ChatMessage> {
    const sender = this.self(identity);
    const group = groupOf(sender, this.privateTalk);
    if (!group) throw forbidden('Wait until you are admitted');
    const message: ChatMessage = {
      id: randomUUID(),
      from: sender.name,
      role: sender.role,
      text: text.trim(),
      at: new Date().toISOString(),
      private: group !== 'all',
    };
    await this.deps.db
      .insertInto('chat_messages')
      .values({
        id: message.id,
        room_id: this.room.id,
        case_id: this.room.case_id,
        sender_name: sender.name,
        sender_role: sender.role,
        audience: group,
        text: message.text,
        at: message.at,
      })
      .execute();
    for (const peer of this.media?.peers.values() ?? []) {
      const receiver = this.of(peer);
      if (receiver && receiver !== sender && canHear(receiver, sender, this.privateTalk) && receiver.admitted) peer.notify('chat:message', message);
    }
    return message;
  }

  /** The private-talk side under way (what is recorded now is confidential), or null in the joint session. */
  confidentiality(): string | null {
    return this.privateTalk?.side ?? null;
  }

  onPrivateTalkChange(listener: () => void): () => void {
    this.talkListeners.add(listener);
    return () => this.talkListeners.delete(listener);
  }

  /** Who a media peer is in this session (for labelling recordings). */
  describePeer(peer: MediaPeer): { name: string; role: string } {
    const participant = this.of(peer);
    return { name: participant?.name ?? peer.displayName, role: participant?.role ?? peer.identity.role };
  }

  member(subject: string): AudienceMember | undefined {
    return this.participants.get(subject);
  }

  /** Chat and shared evidence of this session that the participant may see (nothing while waiting in the lobby). */
  async history(identity: SocketIdentity): Promise<{ messages: ChatMessage[]; evidence: SharedEvidence[] }> {
    const member = this.self(identity);
    if (!member.admitted) return { messages: [], evidence: [] };
    const [chat, files] = await Promise.all([
      this.deps.db.selectFrom('chat_messages').selectAll().where('room_id', '=', this.room.id).orderBy('at').limit(500).execute(),
      this.deps.db.selectFrom('evidence').selectAll().where('room_id', '=', this.room.id).orderBy('created_at').limit(200).execute(),
    ]);
    return {
      messages: chat
        .filter((m) => mayOpen(m.audience, member))
        .map((m) => ({ id: m.id, from: m.sender_name, role: m.sender_role as ChatMessage['role'], text: m.text, at: m.at, private: m.audience !== 'all' })),
      evidence: files
        .filter((e) => mayOpen(e.audience ?? 'all', member))
        .map((e) => ({ id: e.id, fileName: e.file_name, mimeType: e.mime_type, sizeBytes: e.size_bytes, by: e.filed_by, at: e.created_at })),
    };
  }

  /** The group a participant is in now, for labelling what they share. */
  audienceOf(subject: string): string | null {
    const participant = this.participants.get(subject);
    return participant ? groupOf(participant, this.privateTalk) : null;
  }

  /** Sends a shared-evidence notice to those who hear the sharer now. */
  announceEvidence(subject: string, evidence: SharedEvidence): void {
    const sender = this.participants.get(subject);
    if (!sender) return;
    for (const peer of this.media?.peers.values() ?? []) {
      const receiver = this.of(peer);
      if (receiver && receiver.admitted && (receiver === sender || canHear(receiver, sender, this.privateTalk))) peer.notify('evidence:shared', evidence);
    }
  }

  /** A participant's own view of its link (rate-bounded in ConnectionQuality). */
  reportQuality(identity: SocketIdentity, report: QualityReport): boolean {
    const participant = this.self(identity);
    return participant.peerId !== null && this.quality.report(participant.subject, report);
  }

  /** The SFU's scores of a participant's consumer count toward its downlink quality. */
  watchConsumer(peer: MediaPeer, consumer: types.Consumer): void {
    const participant = this.of(peer);
    if (participant && participant.peerId === peer.id) this.quality.watch(participant.subject, consumer);
  }

  mayResume(peer: MediaPeer, producerId: string): boolean {
    const producer = peer.producers.get(producerId);
    return !(producer?.appData.source === 'mic' && this.of(peer)?.mutedByHost);
  }

  snapshotFor(participant: Participant): SessionSnapshot {
    const staffViewer = participant.side === 'staff';
    const isHost = staffViewer && can(staffActor(participant), 'session:host');
    const visible = [...this.participants.values()].filter(
      (p) => p.presence !== 'gone' || staffViewer || p.admitted,
    ).filter((p) => staffViewer || p === participant || (participant.admitted && p.admitted));
    return {
      roomId: this.room.id,
      title: this.room.title,
      mode: this.room.mode,
      recording: this.recording.viewFor((subject) => this.knows(participant, subject)),
      phase: this.phase,
      phaseStartedAt: this.phaseStartedAt,
      privateTalk: this.privateTalk
        ? {
            side: staffViewer || participant.side === this.privateTalk.side ? this.privateTalk.side : null,
            includesYou: groupOf(participant, this.privateTalk) === `talk:${this.privateTalk.side}`,
            since: this.privateTalk.since,
          }
        : null,
      you: { ...this.view(participant), isHost, canAdmit: staffViewer && can(staffActor(participant), 'session:admit') },
      participants: visible.map((p) => this.view(p)),
      ended: this.ended,
    };
  }

  /** Forgotten while idle: no more timers; the event log holds everything a reload needs. */
  retire(): void {
    this.retired = true;
    for (const p of this.participants.values()) {
      clearTimeout(p.goneTimer);
      // The room closed while they were away: they left (a reload shows everyone as gone).
      if (p.presence === 'reconnecting' && p.peerId === null) {
        this.record(p.name, [{ kind: 'participant.left', subject: p.subject, detail: { name: p.name } }]).catch((error: unknown) =>
          this.deps.log.warn({ err: error, subject: p.subject }, 'could not log that a participant left a forgotten session'),
        );
      }
    }
  }

  /** Server shutdown: no more timers or writes. */
  close(): void {
    this.shutDown = true;
    this.events.close();
    for (const participant of this.participants.values()) clearTimeout(participant.goneTimer);
  }

  // ---- internals ----------------------------------------------------------

  private staffActorOf = staffActor;

  private of(peer: MediaPeer): Participant | undefined {
    return this.participants.get(peer.identity.subject);
  }

  /** Whether a viewer may learn of a participant (the snapshot's rule). */
  private knows(viewer: Participant, subject: string): boolean {
    const other = this.participants.get(subject);
    return viewer.side === 'staff' || viewer.subject === subject || (viewer.admitted && other?.admitted === true);
  }

  private pushRecording(): void {
    for (const peer of this.media?.closed ? [] : (this.media?.peers.values() ?? [])) {
      const participant = this.of(peer);
      if (participant) peer.notify('session:recording', this.recording.viewFor((subject) => this.knows(participant, subject)));
    }
  }

  private hears(receiver: MediaPeer, sender: MediaPeer): boolean {
    const r = this.of(receiver);
    const s = this.of(sender);
    return r !== undefined && s !== undefined && canHear(r, s, this.privateTalk);
  }

  private self(identity: SocketIdentity): Participant {
    const participant = this.participants.get(identity.subject);
    if (!participant) throw new AppError(ErrorCode.NotJoined, 'Join the room first');
    return participant;
  }

  private byId(participantId: string): Participant {
    for (const participant of this.participants.values()) if (participant.id === participantId) return participant;
    throw new AppError(ErrorCode.NotFound, 'No such participant in this session');
  }

  private requireHost(identity: SocketIdentity): void {
    if (sideOf(identity.role) !== 'staff' || !can(this.staffActorOf(identity), 'session:host')) {
      throw forbidden('Only the mediator or arbitrator leads the session');
    }
  }

  private requireAdmitter(identity: SocketIdentity): void {
    if (sideOf(identity.role) !== 'staff' || !can(this.staffActorOf(identity), 'session:admit')) throw forbidden('Only staff admit participants');
  }

  private view(p: Participant): ParticipantView {
    return {
      id: p.id,
      name: p.name,
      role: p.role,
      side: p.side,
      admitted: p.admitted,
      verified: p.verified,
      presence: p.presence,
      handRaised: p.handRaised,
      mutedByHost: p.mutedByHost,
      peerId: p.peerId,
      quality: this.quality.levelOf(p.subject),
    };
  }

  private closePeerOf(target: Participant, reason: 'rejected' | 'removed'): void {
    const peer = target.peerId ? this.media?.peers.get(target.peerId) : undefined;
    if (!peer) return;
    peer.notify('room:closed', { reason });
    peer.close();
  }

  private onPeerClosed(participant: Participant, peer: MediaPeer): void {
    if (participant.peerId !== peer.id || this.shutDown) return;
    participant.peerId = null;
    participant.handRaised = false;
    this.quality.disconnected(participant.subject, true);
    // Let go at the end: gone, not reconnecting.
    if (this.ended) participant.presence = 'gone';
    if (participant.presence === 'online') {
      participant.presence = 'reconnecting';
      // Someone gone longer than the grace period is shown as gone.
      participant.goneTimer = setTimeout(() => {
        this.commands
          .run(async () => {
            if (participant.peerId !== null || participant.presence !== 'reconnecting' || this.shutDown) return;
            // Presence is not rebuilt from the log (everyone is gone after a restart), so a lost entry changes no state.
            await this.record(participant.name, [{ kind: 'participant.left', subject: participant.subject, detail: { name: participant.name } }]).catch(() => undefined);
            participant.presence = 'gone';
            this.quality.disconnected(participant.subject, false);
            this.changed();
          })
          .catch((error: unknown) => this.deps.log.error({ err: error, subject: participant.subject }, 'could not mark a participant as gone'));
      }, this.deps.graceSeconds * 1000);
      participant.goneTimer.unref();
    }
    this.changed();
  }

  private async onProducerCreated(producer: types.Producer<ProducerAppData>): Promise<void> {
    const owner = this.media?.peers.get(producer.appData.peerId);
    const participant = owner && this.of(owner);
    if (participant) this.quality.watch(participant.subject, producer);
    if (owner && participant?.mutedByHost && producer.appData.source === 'mic') {
      await producer.pause().catch(() => undefined);
      owner.notify('producer:paused', { producerId: producer.id, peerId: owner.id });
    }
  }

  /** A poor or lost stretch begins or ends: into the session log (a record, not a rule: not queued), and everyone's view. */
  private onQualityChange(change: QualityChange): void {
    const participant = this.participants.get(change.subject);
    if (!participant || this.shutDown) return;
    const detail = { name: participant.name, role: participant.role, level: change.level, source: change.source, lossPct: change.lossPct, rttMs: change.rttMs };
    this.record(participant.name, [{ kind: 'connection.quality', subject: participant.subject, detail }]).catch((error: unknown) =>
      this.deps.log.warn({ err: error, subject: participant.subject }, 'could not log a change of connection quality'),
    );
    this.changed();
  }

  /** After any change: re-apply the rules to the media and tell everyone what they may now know. */
  private changed(): void {
    if (!this.media || this.media.closed) return;
    this.media.reconcile();
    for (const peer of this.media.peers.values()) {
      const participant = this.of(peer);
      if (participant) peer.notify('session:state', this.snapshotFor(participant));
    }
  }

  private about(kind: EventKind, target: Participant): NewEvent {
    return { kind, subject: target.subject, detail: { name: target.name, role: target.role } };
  }

  /** Appends to the session log; nothing in memory may change before this resolves. */
  private record(actorName: string, events: NewEvent[]): Promise<string[]> {
    return this.events.append(actorName, events);
  }
}
