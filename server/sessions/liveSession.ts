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
import { recordAudit } from '../audit/auditLog.ts';
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

interface Participant extends AudienceMember {
  subject: string;
  name: string;
  role: SocketIdentity['role'];
  verified: boolean;
  presence: ParticipantView['presence'];
  handRaised: boolean;
  mutedByHost: boolean;
  /** Microphones the party had paused itself when the host muted it: unmuting leaves them paused. */
  selfPausedMics: Set<string>;
  peerId: string | null;
  goneTimer?: NodeJS.Timeout;
}

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
}

type EventKind =
  | 'participant.joined'
  | 'participant.admitted'
  | 'participant.verified'
  | 'participant.rejected'
  | 'participant.removed'
  | 'participant.left'
  | 'floor.muted'
  | 'floor.unmuted'
  | 'private.started'
  | 'private.ended'
  | 'phase.changed'
  | 'session.ended';

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

  private constructor(
    readonly room: Room,
    private readonly deps: SessionDeps,
  ) {}

  static async load(room: Room, deps: SessionDeps): Promise<LiveSession> {
    const session = new LiveSession(room, deps);
    const events = await deps.db.selectFrom('session_events').selectAll().where('room_id', '=', room.id).orderBy('at').orderBy('id').execute();
    for (const event of events) session.replay(event.kind as EventKind, event.subject, JSON.parse(event.detail) as Record<string, string>, event.at);
    // Nobody is connected to a session just loaded; whoever comes back is online again.
    for (const participant of session.participants.values()) participant.presence = 'gone';
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
      media.on('producerCreated', (producer) => void this.onProducerCreated(producer));
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
  enter(identity: SocketIdentity): Participant {
    if (this.removed.has(identity.subject)) throw new AppError(ErrorCode.Forbidden, 'You were removed from this session', 403);
    this.refuseIfEnded();
    let participant = this.participants.get(identity.subject);
    if (!participant) {
      participant = {
        id: randomUUID(),
        subject: identity.subject,
        name: identity.displayName,
        role: identity.role,
        side: sideOf(identity.role),
        admitted: sideOf(identity.role) === 'staff',
        verified: false,
        presence: 'online',
        handRaised: false,
        mutedByHost: false,
        selfPausedMics: new Set(),
        peerId: null,
      };
      this.participants.set(identity.subject, participant);
      void this.log('participant.joined', identity.displayName, participant, { name: participant.name, role: participant.role });
    }
    clearTimeout(participant.goneTimer);
    participant.presence = 'online';
    return participant;
  }

  /** Binds the participant to its media peer once the peer is in the room. */
  attach(participant: Participant, peer: MediaPeer): void {
    participant.peerId = peer.id;
    // A peer that left before it was attached (its socket dropped mid-join) leaves at once.
    if (peer.closed) return this.onPeerClosed(participant, peer);
    // Online again even if the stale peer this one replaced was just marked as reconnecting.
    clearTimeout(participant.goneTimer);
    participant.presence = 'online';
    peer.once('closed', () => this.onPeerClosed(participant, peer));
    // The session opens when its host arrives; from then on it is recorded, lobby included.
    if (this.media && this.openedOn !== this.media && participant.side === 'staff' && can(staffActor(participant), 'session:host')) {
      this.openedOn = this.media;
      this.deps.onOpened?.(this, this.media);
    }
    this.changed();
  }

  // ---- host actions -------------------------------------------------------

  async admit(host: SocketIdentity, participantId: string): Promise<void> {
    this.requireAdmitter(host);
    const target = this.byId(participantId);
    if (target.admitted) return;
    target.admitted = true;
    await this.log('participant.admitted', host.displayName, target, { name: target.name, role: target.role });
    this.changed();
  }

  async verify(host: SocketIdentity, participantId: string): Promise<void> {
    this.requireAdmitter(host);
    const target = this.byId(participantId);
    if (target.verified) return;
    target.verified = true;
    await this.log('participant.verified', host.displayName, target, { name: target.name, role: target.role });
    this.changed();
  }

  async reject(host: SocketIdentity, participantId: string): Promise<void> {
    this.requireAdmitter(host);
    const target = this.byId(participantId);
    if (target.side === 'staff') throw forbidden('Staff cannot be turned away');
    target.admitted = false;
    target.presence = 'gone';
    await this.log('participant.rejected', host.displayName, target, { name: target.name, role: target.role });
    this.closePeerOf(target, 'rejected');
    this.changed();
  }

  async remove(host: SocketIdentity, participantId: string): Promise<void> {
    this.requireHost(host);
    const target = this.byId(participantId);
    if (target.subject === host.subject) throw new AppError(ErrorCode.InvalidPayload, 'You cannot remove yourself');
    this.removed.add(target.subject);
    target.admitted = false;
    target.presence = 'gone';
    await this.log('participant.removed', host.displayName, target, { name: target.name, role: target.role });
    if (target.subject.startsWith('invite:')) await this.deps.revokeInvitation(target.subject.slice('invite:'.length));
    this.closePeerOf(target, 'removed');
    this.changed();
  }

  /** Server-side mute: the microphone producer is paused in the SFU, and its owner cannot resume it. */
  async mute(host: SocketIdentity, participantId: string, muted: boolean): Promise<void> {
    this.requireHost(host);
    const target = this.byId(participantId);
    if (target.mutedByHost === muted) return;
    target.mutedByHost = muted;
    await this.log(muted ? 'floor.muted' : 'floor.unmuted', host.displayName, target, { name: target.name });
    const peer = target.peerId ? this.media?.peers.get(target.peerId) : undefined;
    if (peer && this.media) {
      for (const producer of peer.producers.values()) {
        if (producer.appData.source !== 'mic') continue;
        if (muted && producer.paused) target.selfPausedMics.add(producer.id);
        if (!muted && target.selfPausedMics.has(producer.id)) continue; // it was the party's own mute
        await this.media.setProducerPaused(peer, producer.id, muted);
        peer.notify(muted ? 'producer:paused' : 'producer:resumed', { producerId: producer.id, peerId: peer.id });
      }
      if (!muted) target.selfPausedMics.clear();
    }
    if (muted) target.handRaised = false;
    this.changed();
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

  async setPrivateTalk(host: SocketIdentity, side: 'applicant' | 'respondent' | null): Promise<void> {
    this.requireHost(host);
    if (this.room.mode !== 'back_to_back' && !(this.room.mode === 'hearing' && this.phase === 'mediation')) {
      throw new AppError(ErrorCode.Forbidden, 'Private talks belong to back-to-back mediation (or in-court mediation)', 403);
    }
    if ((this.privateTalk?.side ?? null) === side) return;
    const at = new Date().toISOString();
    if (this.privateTalk) await this.log('private.ended', host.displayName, null, { side: this.privateTalk.side });
    this.privateTalk = side ? { side, since: at } : null;
    if (side) await this.log('private.started', host.displayName, null, { side });
    this.changed();
    for (const listener of this.talkListeners) listener();
  }

  async setPhase(host: SocketIdentity, phase: HearingPhase, outcome?: string, note?: string): Promise<void> {
    this.requireHost(host);
    if (this.room.mode !== 'hearing') throw new AppError(ErrorCode.Forbidden, 'Phases belong to hearings', 403);
    const expected = hearingPhases[this.phase === null ? 0 : hearingPhases.indexOf(this.phase) + 1];
    if (phase !== expected) {
      throw new AppError(ErrorCode.InvalidPayload, `The next phase is ${expected ?? '(none: the hearing is closed)'}, not ${phase}`);
    }
    if (phase === 'closing' && !outcome) throw new AppError(ErrorCode.InvalidPayload, 'Closing needs the outcome: ruling, adjournment or settlement');
    // Leaving in-court mediation ends any private talk held during it.
    if (this.privateTalk) await this.setPrivateTalk(host, null);
    this.phase = phase;
    this.phaseStartedAt = new Date().toISOString();
    await this.log('phase.changed', host.displayName, null, { phase, ...(outcome ? { outcome } : {}), ...(note ? { note } : {}) });
    this.changed();
    // 闭庭 ends the hearing for everyone.
    if (phase === 'closing') await this.endFor(host, { reason: 'closing', outcome: outcome as SessionEnd['outcome'], ...(note ? { note } : {}) });
  }

  /** The host ends a mediation for everyone (a hearing ends by its closing phase). Logged first; ending twice answers the first end. */
  async end(host: SocketIdentity, reason: Exclude<SessionEnd['reason'], 'closing'>, note?: string): Promise<SessionEnd> {
    this.requireHost(host);
    if (this.ended) return this.ended;
    if (this.room.mode === 'hearing') throw new AppError(ErrorCode.InvalidPayload, 'A hearing ends by closing (闭庭) with its outcome');
    return this.endFor(host, { reason, ...(note?.trim() ? { note: note.trim() } : {}) });
  }

  /** How the session ended, or null while it is open. */
  get endedAs(): SessionEnd | null {
    return this.ended;
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
      recorded: true,
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

  private async endFor(host: SocketIdentity, input: Omit<SessionEnd, 'at' | 'by' | 'mode'>): Promise<SessionEnd> {
    if (this.ended) return this.ended;
    const end: SessionEnd = { at: new Date().toISOString(), by: host.displayName, mode: this.room.mode, ...input };
    if (this.privateTalk) await this.setPrivateTalk(host, null);
    await this.log('session.ended', host.displayName, null, { ...end });
    this.ended = end;
    this.changed();
    await this.deps.onEnded?.(this, end);
    return end;
  }

  private refuseIfEnded(): void {
    if (this.ended) throw new AppError(ErrorCode.SessionEnded, this.room.mode === 'hearing' ? 'The hearing has ended' : 'This session has ended', 409);
  }

  /** Forgotten while idle: no more timers; the event log holds everything a reload needs. */
  retire(): void {
    this.retired = true;
    for (const p of this.participants.values()) {
      clearTimeout(p.goneTimer);
      // The room closed while they were away: they left (a reload shows everyone as gone).
      if (p.presence === 'reconnecting' && p.peerId === null) void this.log('participant.left', p.name, p, { name: p.name }).catch(() => undefined);
    }
  }

  /** Server shutdown: no more timers or writes. */
  close(): void {
    this.shutDown = true;
    for (const participant of this.participants.values()) clearTimeout(participant.goneTimer);
  }

  // ---- internals ----------------------------------------------------------

  private staffActorOf = staffActor;

  private of(peer: MediaPeer): Participant | undefined {
    return this.participants.get(peer.identity.subject);
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
    // Let go at the end: gone, not reconnecting.
    if (this.ended) participant.presence = 'gone';
    if (participant.presence === 'online') {
      participant.presence = 'reconnecting';
      // Someone gone longer than the grace period is shown as gone.
      participant.goneTimer = setTimeout(() => {
        if (participant.peerId !== null) return;
        participant.presence = 'gone';
        void this.log('participant.left', participant.name, participant, { name: participant.name });
        this.changed();
      }, this.deps.graceSeconds * 1000);
      participant.goneTimer.unref();
    }
    this.changed();
  }

  private async onProducerCreated(producer: types.Producer<ProducerAppData>): Promise<void> {
    const owner = this.media?.peers.get(producer.appData.peerId);
    const participant = owner && this.of(owner);
    if (owner && participant?.mutedByHost && producer.appData.source === 'mic') {
      await producer.pause().catch(() => undefined);
      owner.notify('producer:paused', { producerId: producer.id, peerId: owner.id });
    }
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

  private replay(kind: EventKind, subject: string | null, detail: Record<string, string>, at: string): void {
    const target = subject ? this.participants.get(subject) : undefined;
    const ensure = () =>
      target ??
      (subject && detail.role
        ? this.enterFromLog(subject, detail.name ?? '', detail.role as SocketIdentity['role'])
        : undefined);
    switch (kind) {
      case 'participant.joined':
        ensure();
        break;
      case 'participant.admitted': {
        const p = ensure();
        if (p) p.admitted = true;
        break;
      }
      case 'participant.verified': {
        const p = ensure();
        if (p) p.verified = true;
        break;
      }
      case 'participant.rejected': {
        const p = ensure();
        if (p) p.admitted = false;
        break;
      }
      case 'participant.removed':
        if (subject) this.removed.add(subject);
        break;
      case 'floor.muted':
      case 'floor.unmuted':
        if (target) target.mutedByHost = kind === 'floor.muted';
        break;
      case 'private.started':
        this.privateTalk = { side: detail.side as PrivateTalk['side'], since: at };
        break;
      case 'private.ended':
        this.privateTalk = null;
        break;
      case 'phase.changed':
        this.phase = detail.phase as HearingPhase;
        this.phaseStartedAt = at;
        break;
      case 'session.ended':
        this.ended = detail as unknown as SessionEnd;
        break;
      case 'participant.left':
        break;
    }
  }

  private enterFromLog(subject: string, name: string, role: SocketIdentity['role']): Participant {
    const participant: Participant = {
      id: randomUUID(),
      subject,
      name,
      role,
      side: sideOf(role),
      admitted: sideOf(role) === 'staff',
      verified: false,
      presence: 'gone',
      handRaised: false,
      mutedByHost: false,
      selfPausedMics: new Set(),
      peerId: null,
    };
    this.participants.set(subject, participant);
    return participant;
  }

  /** Session event and (for case sessions) audit row, in one transaction. */
  private async log(kind: EventKind, actorName: string, target: Participant | null, detail: Record<string, unknown>): Promise<void> {
    if (this.shutDown) return;
    const at = new Date().toISOString();
    try {
      await this.deps.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('session_events')
          .values({
            id: randomUUID(),
            room_id: this.room.id,
            case_id: this.room.case_id,
            kind,
            subject: target?.subject ?? null,
            actor_name: actorName,
            detail: JSON.stringify(detail),
            at,
          })
          .execute();
        if (this.room.case_id && kind !== 'participant.joined' && kind !== 'participant.left') {
          await recordAudit(trx, { actor: { kind: 'system', name: actorName }, ip: null }, {
            caseId: this.room.case_id,
            action: `session.${kind}`,
            detail: { roomId: this.room.id, ...detail },
          });
        }
      });
    } catch (error) {
      this.deps.log.error({ err: error, kind }, 'could not log session event');
      throw error;
    }
  }
}
