/**
 * One participant's live session: signalling socket, mediasoup-client device,
 * transports, producers and consumers, plus recovery from network drops.
 * Views subscribe to its events and never touch mediasoup objects directly.
 */
import { detectDeviceAsync, Device, type types } from 'mediasoup-client';
import type {
  Ack,
  ChatMessage,
  CloseReason,
  ParticipantRole,
  PeerSummary,
  ProducerSource,
  ProducerSummary,
  RequestName,
  RequestPayload,
  ResponseData,
  RecordingState,
  SessionSnapshot,
  SharedEvidence,
} from '../../../server/signalling/protocol.ts';
import { Emitter } from '../dom.ts';
import type { I18nKey } from '../i18n.ts';
import { connectSignalling, isSignallingError, request, type SignallingSocket } from '../signalling.ts';
import { AudioOnlyAdvisor, LinkMonitor, playoutDelayMs, setPlayoutDelay, type LinkQuality, type LinkSample } from './linkQuality.ts';
import { audioSendOptions, cameraEncodings, tuneCameraSender, captureTrack, isMobile, listDevices, trackFacing, type CaptureChoice, type Facing } from './media.ts';

type Transport = types.Transport;
type Producer = types.Producer;
type Consumer = types.Consumer;

export type SessionState = 'joining' | 'joined' | 'reconnecting' | 'left' | 'closed';
/** Why a session ended: the server's reasons plus the client's own. */
export type EndReason = CloseReason | 'left' | 'auth' | 'error';

export interface MediaSlot {
  producerId: string;
  kind: 'audio' | 'video';
  paused: boolean;
  track?: MediaStreamTrack;
  consumerId?: string;
}

export interface PeerView {
  id: string;
  displayName: string;
  role: ParticipantRole;
  mic?: MediaSlot;
  camera?: MediaSlot;
  screen?: MediaSlot;
}

export interface LocalView {
  peerId?: string;
  displayName: string;
  role: ParticipantRole;
  micMuted: boolean;
  cameraOff: boolean;
  audioTrack?: MediaStreamTrack;
  videoTrack?: MediaStreamTrack;
  facing: Facing;
  canSwitchCamera: boolean;
  /** The host paused our microphone in the SFU; only the host can lift it. */
  mutedByHost: boolean;
  /** Weak-network mode: no remote video is received and our camera is not sent. */
  audioOnly: boolean;
  /** The page turned audio-only by itself because the link could not carry video. */
  autoAudioOnly: boolean;
  /** Our own link, from getStats (see linkQuality.ts). */
  quality: LinkQuality;
  screenTrack?: MediaStreamTrack;
}

/** One receiving consumer's counters, for tests and diagnostics. */
export interface ConsumerStat {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: string;
  paused: boolean;
  bytesReceived: number;
}

export interface StateDetail {
  reason?: EndReason;
  error?: Error;
}

export type SessionEvents = {
  state: [state: SessionState, detail: StateDetail];
  peer: [peer: PeerView];
  peerLeft: [peerId: string];
  /** All remote peers are gone (a rejoin starts from a clean slate). */
  reset: [];
  speaker: [peerId: string | null];
  local: [local: LocalView];
  notice: [key: I18nKey];
  /** What this participant now knows of the session (lobby, private talk, phase, people). */
  snapshot: [snapshot: SessionSnapshot];
  /** What is recorded now (also in every snapshot). */
  recording: [state: RecordingState];
  chat: [message: ChatMessage];
  evidence: [evidence: SharedEvidence];
  /** Every 2 s: how our own link is doing. */
  link: [sample: LinkSample];
};

export interface SessionOptions {
  token: string;
  /** Staff join a room by id; invitation tokens are already bound to one. */
  roomId?: string;
  displayName: string;
  role: ParticipantRole;
  audioTrack?: MediaStreamTrack;
  videoTrack?: MediaStreamTrack;
  capture?: CaptureChoice;
}

interface RemotePeer {
  id: string;
  displayName: string;
  role: ParticipantRole;
  producers: Map<string, ProducerSummary>;
}

/** Thrown inside a join attempt that a newer attempt has superseded. */
class StaleError extends Error {
  constructor() {
    super('stale join attempt');
  }
}

const ICE_RECOVERY_MS = 10_000;
/** Our link's level goes to the server on every change and at least this often. */
const QUALITY_REPORT_MS = 10_000;

export class RoomSession extends Emitter<SessionEvents> {
  device?: Device;
  sendTransport?: Transport;
  recvTransport?: Transport;
  /** Live consumers by consumer id. */
  readonly consumers = new Map<string, Consumer>();
  /** Own producers by producer id. */
  readonly producers = new Map<string, Producer>();
  peerId?: string;
  state: SessionState = 'joining';
  /** The latest `session:state` the server sent us. */
  snapshot?: SessionSnapshot;

  private readonly opts: SessionOptions;
  private socket?: SignallingSocket;
  private displayName: string;
  private role: ParticipantRole;
  private audioTrack?: MediaStreamTrack;
  private videoTrack?: MediaStreamTrack;
  private capture: CaptureChoice;
  private facing: Facing;
  private micMuted = false;
  private cameraOff = false;
  private cameraCount = 0;
  /** The host paused our mic; whether we had muted ourselves before (kept when the host lifts it). */
  private hostMuted = false;
  private selfMutedBeforeHost = false;

  private readonly peers = new Map<string, RemotePeer>();
  private readonly consumerByProducer = new Map<string, Consumer>();
  private readonly consuming = new Set<string>();
  private readonly requestedLayer = new Map<string, number>();
  private micProducer?: Producer;
  private cameraProducer?: Producer;
  private screenProducer?: Producer;
  private screenTrack?: MediaStreamTrack;
  private audioOnly = false;
  private autoAudioOnly = false;
  private readonly tileWidths = new Map<string, number>();
  private readonly advisor = new AudioOnlyAdvisor();
  private lastQualityReport = 0;
  private readonly link = new LinkMonitor(
    {
      transports: () => [this.recvTransport, this.sendTransport].filter((t): t is Transport => !!t && !t.closed),
      expecting: () => {
        const live = [...this.peers.values()].flatMap((peer) =>
          [...peer.producers.values()].filter((p) => {
            const consumer = this.consumerByProducer.get(p.id);
            return !p.paused && !!consumer && !consumer.closed && !consumer.paused;
          }),
        );
        return { audio: live.some((p) => p.kind === 'audio'), video: live.some((p) => p.kind === 'video' && p.source === 'camera') };
      },
      connected: () => !!this.socket?.connected && this.state !== 'reconnecting',
    },
    (sample, changed) => this.onLinkSample(sample, changed),
  );

  private epoch = 0;
  private inRoom = false;
  private everJoined = false;
  private ended = false;
  private joinRunning = false;
  private joinPending = false;
  private joinFailures = 0;
  private connectFailures = 0;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private recvReady: Promise<Transport | undefined> = Promise.resolve(undefined);
  private resolveRecv?: (t: Transport | undefined) => void;
  private readonly iceTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private switching = false;
  private readonly onDeviceChange = () => void this.refreshCameraCount();

  constructor(opts: SessionOptions) {
    super();
    this.opts = opts;
    this.displayName = opts.displayName;
    this.role = opts.role;
    this.audioTrack = opts.audioTrack;
    this.videoTrack = opts.videoTrack;
    this.capture = { ...opts.capture };
    this.facing = trackFacing(opts.videoTrack);
  }

  // ---------------------------------------------------------------- public API

  start(): void {
    if (this.socket) return;
    this.link.start();
    this.emit('state', 'joining', {});
    this.emitLocal();
    void this.refreshCameraCount();
    navigator.mediaDevices?.addEventListener?.('devicechange', this.onDeviceChange);
    const socket = connectSignalling({ token: this.opts.token, roomId: this.opts.roomId });
    this.socket = socket;
    this.wireSocket(socket);
  }

  get local(): LocalView {
    return {
      peerId: this.peerId,
      displayName: this.displayName,
      role: this.role,
      micMuted: this.micMuted || !this.liveTrack(this.audioTrack),
      cameraOff: this.cameraOff || !this.liveTrack(this.videoTrack),
      audioTrack: this.audioTrack,
      videoTrack: this.videoTrack,
      facing: this.facing,
      canSwitchCamera: this.cameraCount > 1 || (isMobile() && !!this.videoTrack),
      mutedByHost: !!this.snapshot?.you.mutedByHost,
      audioOnly: this.audioOnly,
      autoAudioOnly: this.autoAudioOnly,
      quality: this.link.level,
      screenTrack: this.screenProducer && !this.screenProducer.closed ? this.screenTrack : undefined,
    };
  }

  get mutedByHost(): boolean {
    return !!this.snapshot?.you.mutedByHost;
  }

  async setMicMuted(muted: boolean): Promise<void> {
    if (this.ended) return;
    if (!muted && this.mutedByHost) {
      this.emit('notice', 'room.mutedByHost');
      return;
    }
    if (!muted && !this.liveTrack(this.audioTrack)) {
      const ok = await this.reacquire('audio');
      if (!ok) return;
    }
    this.micMuted = muted;
    if (this.audioTrack) this.audioTrack.enabled = !muted;
    this.emitLocal();
    await this.syncPause(this.micProducer, muted);
  }

  async setCameraOff(off: boolean): Promise<void> {
    if (this.ended) return;
    if (!off && !this.liveTrack(this.videoTrack)) {
      const ok = await this.reacquire('video');
      if (!ok) return;
    }
    this.cameraOff = off;
    if (this.videoTrack) this.videoTrack.enabled = !off && !this.audioOnly;
    this.emitLocal();
    await this.syncPause(this.cameraProducer, off || this.audioOnly);
  }

  /**
   * Weak networks: pause every remote video in the SFU (nothing is sent to
   * us) and stop sending our camera; turning it off restores both.
   */
  async setAudioOnly(on: boolean, auto = false): Promise<void> {
    if (this.ended || this.audioOnly === on) return;
    this.audioOnly = on;
    this.autoAudioOnly = on && auto;
    this.advisor.reset();
    if (this.videoTrack) this.videoTrack.enabled = !on && !this.cameraOff;
    this.emitLocal();
    const videos = [...this.consumers.values()].filter((c) => c.kind === 'video' && !c.closed);
    await Promise.allSettled([
      this.syncPause(this.cameraProducer, on || this.cameraOff),
      ...videos.map((consumer) => this.setConsumerPaused(consumer, on)),
    ]);
    for (const peer of this.peers.values()) this.emitPeer(peer);
  }

  /** Shares the screen (laptops) as a 'screen' producer next to the camera. */
  async startScreenShare(): Promise<void> {
    if (this.ended || this.screenProducer) return;
    const transport = this.sendTransport;
    if (!navigator.mediaDevices?.getDisplayMedia || !transport || transport.closed) {
      this.emit('notice', 'room.screenFailed');
      return;
    }
    let track: MediaStreamTrack | undefined;
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 10, max: 15 } }, audio: false });
      track = stream.getVideoTracks()[0];
      if (!track) throw new Error('no screen track');
      if ('contentHint' in track) track.contentHint = 'detail';
      const producer = await transport.produce({
        track,
        stopTracks: false,
        encodings: [{ maxBitrate: 1_200_000 }],
        appData: { source: 'screen' },
      });
      if (transport.closed || this.ended) {
        producer.close();
        track.stop();
        return;
      }
      this.producers.set(producer.id, producer);
      this.screenProducer = producer;
      this.screenTrack = track;
      // The browser's own "stop sharing" bar ends the track.
      producer.on('trackended', () => void this.stopScreenShare());
      producer.on('transportclose', () => this.forgetOwnProducer(producer.id));
      this.emitLocal();
    } catch (err) {
      track?.stop();
      // Cancelling the browser's picker is not an error worth a notice.
      if (!(err instanceof DOMException && err.name === 'NotAllowedError')) {
        console.warn('[yunting] screen share failed', err);
        this.emit('notice', 'room.screenFailed');
      }
    }
  }

  async stopScreenShare(): Promise<void> {
    const producer = this.screenProducer;
    if (!producer) return;
    this.forgetOwnProducer(producer.id);
    if (this.socket?.connected && this.inRoom) {
      await this.req('producer:close', { producerId: producer.id }).catch(() => undefined);
    }
  }

  /** A typed signalling request on this session's connection. */
  request<N extends RequestName>(name: N, payload: RequestPayload<N>, timeoutMs?: number): Promise<ResponseData[N]> {
    return this.req(name, payload, timeoutMs);
  }

  /** Any request, answered with the server's raw acknowledgement (tests forge requests with it). */
  private async loadHistory(): Promise<void> {
    try {
      const { messages, evidence } = await this.request('session:history', {});
      for (const message of messages) this.emit('chat', message);
      for (const item of evidence) this.emit('evidence', item);
    } catch {
      // Not fatal: live messages still arrive.
    }
  }

  async rawRequest(name: string, payload: unknown, timeoutMs = 10_000): Promise<Ack<unknown> | { ok: false; error: { code: string; message: string } }> {
    const socket = this.socket;
    if (!socket?.connected) return { ok: false, error: { code: 'DISCONNECTED', message: 'not connected' } };
    const timed = socket.timeout(timeoutMs) as unknown as { emitWithAck(event: string, payload: unknown): Promise<Ack<unknown>> };
    try {
      return await timed.emitWithAck(name, payload);
    } catch {
      return { ok: false, error: { code: 'TIMEOUT', message: `${name}: no answer` } };
    }
  }

  /** Bytes received per consumer, from each consumer's inbound-rtp stats. */
  async consumerStats(): Promise<ConsumerStat[]> {
    return Promise.all(
      [...this.consumers.values()].map(async (consumer) => {
        let bytesReceived = 0;
        try {
          const report = await consumer.getStats();
          report.forEach((stat: { type?: string; bytesReceived?: number }) => {
            if (stat.type === 'inbound-rtp') bytesReceived += Number(stat.bytesReceived ?? 0);
          });
        } catch {
          // A consumer closing under us reports nothing.
        }
        return {
          consumerId: consumer.id,
          producerId: consumer.producerId,
          peerId: String(consumer.appData.peerId),
          kind: consumer.kind,
          source: String(consumer.appData.source),
          paused: consumer.paused,
          bytesReceived,
        };
      }),
    );
  }

  async switchCamera(): Promise<void> {
    if (this.ended || this.switching) return;
    this.switching = true;
    const previous = this.videoTrack;
    const previousChoice = { ...this.capture };
    try {
      const next = await this.nextCameraChoice();
      // Many Android phones cannot open a second camera while one is running.
      previous?.stop();
      let track: MediaStreamTrack;
      let used = next;
      try {
        track = await captureTrack('video', next);
      } catch {
        this.emit('notice', 'room.cameraFailed');
        used = previousChoice;
        track = await captureTrack('video', previousChoice);
      }
      this.capture = used;
      // Desktop browsers often omit facingMode; fall back to what was asked for.
      this.facing = track.getSettings?.().facingMode ? trackFacing(track) : (used.facing ?? 'user');
      await this.installTrack('video', track);
    } catch (err) {
      console.warn('[yunting] camera switch failed', err);
      this.emit('notice', 'room.cameraFailed');
    } finally {
      this.switching = false;
      this.emitLocal();
    }
  }

  /** Asks the SFU for a simulcast layer that fits how large the tile is drawn. */
  setPreferredSize(peerId: string, cssWidth: number): void {
    this.tileWidths.set(peerId, cssWidth);
    const peer = this.peers.get(peerId);
    if (!peer || !this.socket?.connected) return;
    for (const summary of peer.producers.values()) {
      if (summary.source !== 'camera' && summary.source !== 'screen') continue;
      const consumer = this.consumerByProducer.get(summary.id);
      if (!consumer || consumer.appData.type !== 'simulcast') continue;
      // The SFU clamps to the sender's top layer and, below that, to what our link's estimate carries:
      // a tile drawn wider than a thumbnail asks for the sender's full resolution; a poor link the lowest.
      const scaled = cssWidth * Math.min(window.devicePixelRatio || 1, 2);
      const layer = this.link.level !== 'good' || scaled < 240 ? 0 : 3;
      if (this.requestedLayer.get(consumer.id) === layer) continue;
      this.requestedLayer.set(consumer.id, layer);
      this.req('consumer:setLayers', { consumerId: consumer.id, spatialLayer: layer }).catch(() =>
        this.requestedLayer.delete(consumer.id),
      );
    }
  }

  async leave(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    try {
      if (this.socket?.connected && this.inRoom) await this.req('room:leave', {}, 3_000);
    } catch {
      // Leaving locally is what matters; the server times the peer out anyway.
    }
    this.shutdown();
    this.setState('left', { reason: 'left' });
  }

  peerList(): PeerView[] {
    return [...this.peers.values()].map((p) => this.viewOf(p));
  }

  // ------------------------------------------------------------ socket events

  private wireSocket(socket: SignallingSocket): void {
    socket.on('connect', () => {
      this.connectFailures = 0;
      this.requestJoin();
    });

    socket.on('disconnect', (reason) => {
      if (this.ended) return;
      this.inRoom = false;
      this.setState(this.everJoined ? 'reconnecting' : 'joining');
      // Only a server-side kick stops socket.io's own reconnection.
      if (reason === 'io server disconnect') this.retryLater(() => socket.connect(), 1_000);
    });

    socket.on('connect_error', (err) => {
      if (this.ended) return;
      this.connectFailures++;
      if (!socket.active) {
        // The server's middleware refused the handshake: the token is bad or expired.
        const data = (err as Error & { data?: { code?: string } }).data;
        const code = `${data?.code ?? ''} ${err.message}`;
        if (/UNAVAILABLE|INTERNAL/i.test(code)) {
          this.retryLater(() => socket.connect(), 3_000);
          return;
        }
        this.end('auth', err);
        return;
      }
      if (this.connectFailures >= 3) this.setState('reconnecting');
    });

    socket.on('peer:joined', (peer) => {
      if (!this.inRoom || peer.id === this.peerId) return;
      this.addPeer(peer, this.epoch);
    });

    socket.on('peer:left', ({ peerId }) => {
      if (!this.inRoom) return;
      this.removePeer(peerId);
    });

    socket.on('producer:new', (producer) => {
      if (!this.inRoom || producer.peerId === this.peerId) return;
      const peer = this.peers.get(producer.peerId);
      if (!peer) return;
      peer.producers.set(producer.id, producer);
      this.emitPeer(peer);
      void this.consume(producer, this.epoch);
    });

    socket.on('producer:closed', ({ producerId, peerId }) => {
      if (!this.inRoom) return;
      if (peerId === this.peerId) {
        this.forgetOwnProducer(producerId);
        return;
      }
      const peer = this.peers.get(peerId);
      peer?.producers.delete(producerId);
      const consumer = this.consumerByProducer.get(producerId);
      if (consumer) this.dropConsumer(consumer);
      if (peer) this.emitPeer(peer);
    });

    socket.on('producer:paused', ({ producerId, peerId }) => this.onProducerPause(peerId, producerId, true));
    socket.on('producer:resumed', ({ producerId, peerId }) => this.onProducerPause(peerId, producerId, false));

    socket.on('consumer:closed', ({ consumerId }) => {
      const consumer = this.consumers.get(consumerId);
      if (!consumer) return;
      this.dropConsumer(consumer);
      const peer = this.peers.get(String(consumer.appData.peerId));
      if (peer) this.emitPeer(peer);
    });

    socket.on('speaker:active', ({ peerId }) => {
      if (this.inRoom) this.emit('speaker', peerId);
    });

    socket.on('room:rejoin', () => {
      if (this.ended) return;
      this.inRoom = false;
      this.setState('reconnecting');
      this.requestJoin();
    });

    socket.on('room:closed', ({ reason }) => this.end(reason));

    socket.on('session:state', (snapshot) => {
      const wasMuted = this.mutedByHost;
      const justAdmitted = snapshot.you.admitted && !this.snapshot?.you.admitted;
      this.snapshot = snapshot;
      // After admission (a first join, a reload, a reconnect): what was said and shown so far.
      if (justAdmitted) void this.loadHistory();
      if (wasMuted !== snapshot.you.mutedByHost) this.emit('notice', snapshot.you.mutedByHost ? 'room.mutedByHost' : 'room.unmutedByHost');
      this.emitLocal();
      this.emit('snapshot', snapshot);
      this.emit('recording', snapshot.recording);
    });
    socket.on('session:recording', (state) => {
      if (this.snapshot) this.snapshot = { ...this.snapshot, recording: state };
      this.emit('recording', state);
    });
    socket.on('chat:message', (message) => this.emit('chat', message));
    socket.on('evidence:shared', (evidence) => this.emit('evidence', evidence));
  }

  // ------------------------------------------------------------------ joining

  /** Runs the join flow, coalescing triggers that arrive while one is running. */
  private requestJoin(): void {
    if (this.ended) return;
    clearTimeout(this.retryTimer);
    if (this.joinRunning) {
      this.joinPending = true;
      // Make the running attempt bail out at its next checkpoint.
      this.epoch++;
      return;
    }
    this.joinRunning = true;
    void (async () => {
      try {
        do {
          this.joinPending = false;
          const epoch = ++this.epoch;
          await this.attemptJoin(epoch);
        } while (this.joinPending && !this.ended && this.socket?.connected);
      } finally {
        this.joinRunning = false;
      }
    })();
  }

  private async attemptJoin(epoch: number): Promise<void> {
    let joinedServerSide = false;
    try {
      this.teardown();
      this.setState(this.everJoined ? 'reconnecting' : 'joining');

      const { routerRtpCapabilities } = await this.req('room:capabilities', {});
      this.check(epoch);
      const device = await createDevice();
      await device.load({ routerRtpCapabilities: routerRtpCapabilities as types.RtpCapabilities });
      this.check(epoch);
      this.device = device;

      const joined = await this.req('room:join', {
        rtpCapabilities: device.rtpCapabilities as RequestPayload<'room:join'>['rtpCapabilities'],
        device: navigator.userAgent.slice(0, 200),
      });
      joinedServerSide = true;
      this.check(epoch);
      this.peerId = joined.peerId;
      this.displayName = joined.displayName || this.displayName;
      this.role = joined.role || this.role;
      this.inRoom = true;
      this.emitLocal();

      let resolveRecv!: (t: Transport | undefined) => void;
      this.recvReady = new Promise((resolve) => (resolveRecv = resolve));
      this.resolveRecv = resolveRecv;
      for (const peer of joined.peers) this.addPeer(peer, epoch, false);

      const wantSend = (this.liveTrack(this.audioTrack) || this.liveTrack(this.videoTrack)) && (device.canProduce('audio') || device.canProduce('video'));
      const [recv, send] = await Promise.all([
        this.createTransport('recv', epoch),
        wantSend ? this.createTransport('send', epoch) : Promise.resolve(undefined),
      ]);
      this.check(epoch);
      this.recvTransport = recv;
      this.sendTransport = send;
      resolveRecv(recv);

      const consumes = [...this.peers.values()].flatMap((peer) => [...peer.producers.values()].map((p) => this.consume(p, epoch)));
      await Promise.allSettled([this.produceLocal(epoch), ...consumes]);
      this.check(epoch);

      this.everJoined = true;
      this.joinFailures = 0;
      this.setState('joined');
    } catch (err) {
      if (err instanceof StaleError || this.ended || epoch !== this.epoch) return;
      if (isSignallingError(err, 'DISCONNECTED')) return; // the next 'connect' starts over
      this.joinFailures++;
      console.warn(`[yunting] join attempt failed (${this.joinFailures})`, err);

      const name = err instanceof Error ? err.name : '';
      if (name === 'UnsupportedError') return this.end('error', err as Error);
      if (isSignallingError(err, 'FORBIDDEN')) return this.end('removed', err);
      if (isSignallingError(err, 'SESSION_ENDED')) return this.end('ended', err);
      if (isSignallingError(err, 'NOT_FOUND') && !joinedServerSide) return this.end('room-closed', err);
      if (!this.everJoined && this.joinFailures >= 5) return this.end('error', err as Error);

      const delay = Math.min(10_000, 1_000 * 2 ** Math.min(this.joinFailures - 1, 4));
      if (joinedServerSide || isSignallingError(err, 'ALREADY_JOINED')) {
        // The server holds a half-built peer for us; a fresh connection evicts it.
        this.retryLater(() => this.recycleConnection(), delay);
      } else {
        this.retryLater(() => this.requestJoin(), delay);
      }
    }
  }

  private async createTransport(direction: 'send' | 'recv', epoch: number): Promise<Transport> {
    const info = await this.req('transport:create', { direction });
    this.check(epoch);
    const device = this.device!;
    const options: types.TransportOptions = {
      id: info.id,
      iceParameters: info.iceParameters as types.IceParameters,
      iceCandidates: info.iceCandidates as types.IceCandidate[],
      dtlsParameters: info.dtlsParameters as types.DtlsParameters,
    };
    const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);

    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.req('transport:connect', { transportId: transport.id, dtlsParameters })
        .then(() => callback())
        .catch(errback);
    });

    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        this.req('producer:create', {
          transportId: transport.id,
          kind,
          rtpParameters: rtpParameters as RequestPayload<'producer:create'>['rtpParameters'],
          source: appData.source as ProducerSource,
        })
          .then(({ id }) => callback({ id }))
          .catch(errback);
      });
    }

    transport.on('connectionstatechange', (state) => this.onTransportState(transport, state, epoch));
    return transport;
  }

  private async produceLocal(epoch: number): Promise<void> {
    const transport = this.sendTransport;
    const device = this.device;
    if (!transport || !device) return;
    const tasks: Promise<void>[] = [];
    if (this.liveTrack(this.audioTrack) && device.canProduce('audio')) tasks.push(this.produce('mic', epoch));
    if (this.liveTrack(this.videoTrack) && device.canProduce('video')) tasks.push(this.produce('camera', epoch));
    await Promise.all(tasks);
  }

  private async produce(source: 'mic' | 'camera', epoch: number): Promise<void> {
    const transport = this.sendTransport;
    const track = source === 'mic' ? this.audioTrack : this.videoTrack;
    if (!transport || transport.closed || !track) return;
    const paused = source === 'mic' ? this.micMuted || this.mutedByHost : this.cameraOff || this.audioOnly;
    track.enabled = !paused;
    try {
      let producer: Producer;
      if (source === 'mic') {
        producer = await transport.produce({ track, stopTracks: false, ...audioSendOptions(), appData: { source } });
      } else {
        const vp8 = this.device?.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === 'video/vp8');
        producer = await transport.produce({
          track,
          stopTracks: false,
          ...(vp8 ? { codec: vp8, encodings: cameraEncodings(track) } : { encodings: [{ maxBitrate: 900_000 }] }),
          codecOptions: { videoGoogleStartBitrate: 600 },
          appData: { source },
        });
      }
      if (epoch !== this.epoch || transport.closed) {
        producer.close();
        return;
      }
      this.producers.set(producer.id, producer);
      if (source === 'mic') this.micProducer = producer;
      else this.cameraProducer = producer;
      if (source === 'camera') void tuneCameraSender(producer.rtpSender);
      producer.on('trackended', () => void this.onTrackEnded(source === 'mic' ? 'audio' : 'video'));
      producer.on('transportclose', () => this.forgetOwnProducer(producer.id));
      if (paused) await this.syncPause(producer, true);
    } catch (err) {
      if (epoch !== this.epoch) return;
      console.warn(`[yunting] producing ${source} failed`, err);
      if (isSignallingError(err, 'DISCONNECTED')) return;
      this.emit('notice', source === 'mic' ? 'room.micFailed' : 'room.cameraFailed');
    }
  }

  private async consume(producer: ProducerSummary, epoch: number): Promise<void> {
    if (this.consumerByProducer.has(producer.id) || this.consuming.has(producer.id)) return;
    this.consuming.add(producer.id);
    try {
      const transport = await this.recvReady;
      if (!transport || transport.closed || epoch !== this.epoch) return;
      const info = await this.req('consumer:create', { producerId: producer.id });
      if (transport.closed || epoch !== this.epoch) return;
      const consumer = await transport.consume({
        id: info.id,
        producerId: info.producerId,
        kind: info.kind,
        rtpParameters: info.rtpParameters as types.RtpParameters,
        // Same stream id for a peer's mic and camera lets the browser lip-sync them.
        streamId: info.source === 'screen' ? `${info.peerId}-screen` : `${info.peerId}-av`,
        appData: { peerId: info.peerId, source: info.source, type: info.type },
      });
      const peer = this.peers.get(info.peerId);
      const summary = peer?.producers.get(info.producerId);
      if (transport.closed || epoch !== this.epoch || !peer || !summary) {
        consumer.close();
        return;
      }
      summary.paused = info.producerPaused;
      this.consumers.set(consumer.id, consumer);
      this.consumerByProducer.set(info.producerId, consumer);
      this.applyPlayoutDelay(consumer);
      consumer.on('transportclose', () => this.forgetConsumer(consumer));
      // Audio-only: the SFU created it paused; keep it so until the mode ends.
      if (consumer.kind === 'video' && this.audioOnly) {
        consumer.pause();
        this.emitPeer(peer);
        return;
      }
      this.emitPeer(peer);
      await this.req('consumer:resume', { consumerId: consumer.id }).catch((err: unknown) => {
        if (!isSignallingError(err, 'DISCONNECTED')) console.warn('[yunting] consumer:resume failed', err);
      });
    } catch (err) {
      // Policy (e.g. separate-room mediation) or a producer that just went away.
      if (isSignallingError(err, 'CANNOT_CONSUME', 'FORBIDDEN', 'NOT_FOUND', 'DISCONNECTED')) return;
      if (epoch === this.epoch) console.warn('[yunting] consume failed', err);
    } finally {
      this.consuming.delete(producer.id);
    }
  }

  // ------------------------------------------------------------ link quality

  private applyPlayoutDelay(consumer: Consumer): void {
    if (!consumer.closed) setPlayoutDelay(consumer.rtpReceiver, playoutDelayMs(consumer.kind, this.link.level, this.link.last?.rttMs ?? 0));
  }

  private onLinkSample(sample: LinkSample, changed: boolean): void {
    this.emit('link', sample);
    if (changed) {
      this.emitLocal();
      // Poor links ask every sender for its lowest layer; a good one goes back to what the tiles want.
      this.requestedLayer.clear();
      for (const [peerId, width] of this.tileWidths) this.setPreferredSize(peerId, width);
      for (const consumer of this.consumers.values()) this.applyPlayoutDelay(consumer);
      // A poor uplink sends only the lowest layer: fewer packets per frame, fewer frames hit by loss.
      const camera = this.cameraProducer;
      const layers = camera?.rtpParameters.encodings?.length ?? 0;
      const weakUplink = sample.level !== 'good' && (sample.uplinkLossPct >= 3 || sample.rttMs >= 450);
      if (camera && !camera.closed && layers > 1) void camera.setMaxSpatialLayer(weakUplink ? 0 : layers - 1).catch(() => undefined);
    }
    const now = Date.now();
    if (this.inRoom && this.socket?.connected && (changed || now - this.lastQualityReport >= QUALITY_REPORT_MS)) {
      this.lastQualityReport = now;
      const { level, lossPct, rttMs, freezeS } = sample;
      this.req('session:quality', { level, lossPct: Math.min(100, lossPct), rttMs: Math.min(60_000, rttMs), freezeS: Math.min(600, freezeS) }).catch(() => {
        this.lastQualityReport = 0;
      });
    }
    const advice = this.advisor.advise(sample);
    if (!this.audioOnly && this.inRoom && (advice.receive || advice.send)) {
      void this.setAudioOnly(true, true);
      this.emit('notice', 'room.autoAudioOnly');
    }
  }

  // ---------------------------------------------------------------- recovery

  private onTransportState(transport: Transport, state: types.ConnectionState, epoch: number): void {
    if (epoch !== this.epoch || transport.closed || this.ended) return;
    if (state === 'connected') {
      clearTimeout(this.iceTimers.get(transport.id));
      this.iceTimers.delete(transport.id);
      if (this.iceTimers.size === 0 && this.state === 'reconnecting' && this.inRoom && this.socket?.connected && !this.joinRunning) {
        this.setState('joined');
      }
      return;
    }
    if (state !== 'disconnected' && state !== 'failed') return;
    if (this.state === 'joined') this.setState('reconnecting');
    void this.restartIce(transport, epoch);
    if (!this.iceTimers.has(transport.id)) {
      this.iceTimers.set(
        transport.id,
        setTimeout(() => {
          this.iceTimers.delete(transport.id);
          if (epoch !== this.epoch || transport.closed || this.ended) return;
          if (transport.connectionState !== 'connected') this.recycleConnection();
        }, ICE_RECOVERY_MS),
      );
    }
  }

  private async restartIce(transport: Transport, epoch: number): Promise<void> {
    try {
      const { iceParameters } = await this.req('transport:restartIce', { transportId: transport.id });
      if (epoch !== this.epoch || transport.closed) return;
      await transport.restartIce({ iceParameters: iceParameters as types.IceParameters });
    } catch (err) {
      if (!isSignallingError(err, 'DISCONNECTED')) console.warn('[yunting] ICE restart failed', err);
    }
  }

  /** Full rejoin through a new connection, which makes the server evict our old peer. */
  private recycleConnection(): void {
    const socket = this.socket;
    if (!socket || this.ended) return;
    this.inRoom = false;
    this.setState('reconnecting');
    if (!socket.connected) return; // socket.io is already reconnecting; 'connect' rejoins
    socket.disconnect();
    socket.connect();
  }

  private retryLater(fn: () => void, delayMs: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.ended) fn();
    }, delayMs);
  }

  // ------------------------------------------------------------- local media

  private liveTrack(track: MediaStreamTrack | undefined): track is MediaStreamTrack {
    return !!track && track.readyState === 'live';
  }

  private async syncPause(producer: Producer | undefined, paused: boolean): Promise<void> {
    if (!producer || producer.closed) return;
    if (paused) producer.pause();
    else producer.resume();
    try {
      await this.req(paused ? 'producer:pause' : 'producer:resume', { producerId: producer.id });
    } catch (err) {
      if (isSignallingError(err, 'FORBIDDEN') && !paused && producer === this.micProducer) {
        // The host muted us meanwhile: the SFU keeps the mic paused, so must we.
        producer.pause();
        this.micMuted = true;
        this.emit('notice', 'room.mutedByHost');
        this.emitLocal();
        return;
      }
      // After a reconnect the state is applied again when producing.
      if (!isSignallingError(err, 'DISCONNECTED')) console.warn('[yunting] producer pause sync failed', err);
    }
  }

  private async setConsumerPaused(consumer: Consumer, paused: boolean): Promise<void> {
    if (consumer.closed) return;
    if (paused) consumer.pause();
    else consumer.resume();
    try {
      await this.req(paused ? 'consumer:pause' : 'consumer:resume', { consumerId: consumer.id });
    } catch (err) {
      if (!isSignallingError(err, 'DISCONNECTED', 'NOT_FOUND')) console.warn('[yunting] consumer pause failed', err);
    }
  }

  private async reacquire(kind: 'audio' | 'video'): Promise<boolean> {
    try {
      const track = await captureTrack(kind, this.capture);
      await this.installTrack(kind, track);
      return true;
    } catch (err) {
      console.warn(`[yunting] could not restart ${kind}`, err);
      this.emit('notice', kind === 'audio' ? 'room.micFailed' : 'room.cameraFailed');
      return false;
    }
  }

  /** Swap in a new capture track, keeping the mute/camera-off state. */
  private async installTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    const old = kind === 'audio' ? this.audioTrack : this.videoTrack;
    if (old && old !== track) old.stop();
    if (kind === 'audio') this.audioTrack = track;
    else this.videoTrack = track;
    track.enabled = !(kind === 'audio' ? this.micMuted : this.cameraOff);
    const producer = kind === 'audio' ? this.micProducer : this.cameraProducer;
    if (producer && !producer.closed) {
      await producer.replaceTrack({ track });
    } else if (this.inRoom && this.sendTransport && !this.sendTransport.closed) {
      await this.produce(kind === 'audio' ? 'mic' : 'camera', this.epoch);
    } else if (this.inRoom && !this.sendTransport) {
      // Joined without any media; a new connection builds the send transport.
      this.recycleConnection();
    }
    this.emitLocal();
  }

  private async onTrackEnded(kind: 'audio' | 'video'): Promise<void> {
    // The OS took the device (phone call, another app): show it as off rather than frozen.
    if (kind === 'audio') {
      this.micMuted = true;
      await this.syncPause(this.micProducer, true);
      this.emit('notice', 'room.micFailed');
    } else {
      this.cameraOff = true;
      await this.syncPause(this.cameraProducer, true);
      this.emit('notice', 'room.cameraFailed');
    }
    this.emitLocal();
  }

  private async nextCameraChoice(): Promise<CaptureChoice> {
    const { cameras } = await listDevices();
    const currentId = this.videoTrack?.getSettings?.().deviceId ?? this.capture.videoDeviceId;
    if (isMobile() || cameras.length < 2) {
      return { audioDeviceId: this.capture.audioDeviceId, facing: this.facing === 'user' ? 'environment' : 'user' };
    }
    const index = cameras.findIndex((c) => c.deviceId === currentId);
    const next = cameras[(index + 1) % cameras.length];
    return { audioDeviceId: this.capture.audioDeviceId, videoDeviceId: next?.deviceId };
  }

  private async refreshCameraCount(): Promise<void> {
    const { cameras } = await listDevices();
    if (cameras.length !== this.cameraCount) {
      this.cameraCount = cameras.length;
      this.emitLocal();
    }
  }

  private forgetOwnProducer(producerId: string): void {
    const producer = this.producers.get(producerId);
    this.producers.delete(producerId);
    if (this.micProducer?.id === producerId) this.micProducer = undefined;
    if (this.cameraProducer?.id === producerId) this.cameraProducer = undefined;
    if (this.screenProducer?.id === producerId) {
      this.screenProducer = undefined;
      this.screenTrack?.stop();
      this.screenTrack = undefined;
      this.emitLocal();
    }
    if (producer && !producer.closed) producer.close();
  }

  // ------------------------------------------------------------ remote peers

  private addPeer(summary: PeerSummary, epoch: number, consumeNow = true): void {
    const peer: RemotePeer = {
      id: summary.id,
      displayName: summary.displayName,
      role: summary.role,
      producers: new Map(summary.producers.map((p) => [p.id, { ...p }])),
    };
    const existing = this.peers.get(summary.id);
    if (existing) {
      for (const [id, p] of existing.producers) if (!peer.producers.has(id)) this.dropProducerConsumer(id);
    }
    this.peers.set(peer.id, peer);
    this.emitPeer(peer);
    if (consumeNow) for (const p of peer.producers.values()) void this.consume(p, epoch);
  }

  private removePeer(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    for (const id of peer.producers.keys()) this.dropProducerConsumer(id);
    this.peers.delete(peerId);
    this.tileWidths.delete(peerId);
    this.emit('peerLeft', peerId);
  }

  private onProducerPause(peerId: string, producerId: string, paused: boolean): void {
    if (!this.inRoom) return;
    if (peerId === this.peerId) {
      // A mediator muted us (or lifted it) from the server side.
      const own = this.producers.get(producerId);
      if (!own) return;
      if (own === this.micProducer) {
        if (paused) {
          if (!this.hostMuted) this.selfMutedBeforeHost = this.micMuted;
          this.hostMuted = true;
          this.micMuted = true;
          own.pause();
        } else {
          this.hostMuted = false;
          if (this.selfMutedBeforeHost) {
            // Lifting the host's mute does not open a mic its owner had closed.
            void this.syncPause(own, true);
          } else {
            this.micMuted = false;
            own.resume();
          }
        }
        this.emitLocal();
        return;
      }
      if (own === this.cameraProducer) this.cameraOff = paused;
      if (paused) own.pause();
      else own.resume();
      this.emitLocal();
      return;
    }
    const peer = this.peers.get(peerId);
    const summary = peer?.producers.get(producerId);
    if (!peer || !summary) return;
    summary.paused = paused;
    this.emitPeer(peer);
  }

  private dropProducerConsumer(producerId: string): void {
    const consumer = this.consumerByProducer.get(producerId);
    if (consumer) this.dropConsumer(consumer);
  }

  private dropConsumer(consumer: Consumer): void {
    this.forgetConsumer(consumer);
    if (!consumer.closed) consumer.close();
  }

  private forgetConsumer(consumer: Consumer): void {
    this.consumers.delete(consumer.id);
    this.requestedLayer.delete(consumer.id);
    if (this.consumerByProducer.get(consumer.producerId) === consumer) this.consumerByProducer.delete(consumer.producerId);
  }

  private viewOf(peer: RemotePeer): PeerView {
    const view: PeerView = { id: peer.id, displayName: peer.displayName, role: peer.role };
    for (const summary of peer.producers.values()) {
      const consumer = this.consumerByProducer.get(summary.id);
      const slot: MediaSlot = {
        producerId: summary.id,
        kind: summary.kind,
        paused: summary.paused || !!consumer?.paused,
        track: consumer && !consumer.closed ? consumer.track : undefined,
        consumerId: consumer?.id,
      };
      view[summary.source] = slot;
    }
    return view;
  }

  private emitPeer(peer: RemotePeer): void {
    if (this.peers.get(peer.id) === peer) this.emit('peer', this.viewOf(peer));
  }

  private emitLocal(): void {
    this.emit('local', this.local);
  }

  // ---------------------------------------------------------------- teardown

  private check(epoch: number): void {
    if (epoch !== this.epoch || this.ended) throw new StaleError();
  }

  private req<N extends RequestName>(name: N, payload: RequestPayload<N>, timeoutMs?: number): Promise<ResponseData[N]> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error('session not started'));
    return request(socket, name, payload, timeoutMs);
  }

  /** Drops all media objects of the current attempt; local capture tracks survive. */
  private teardown(): void {
    this.inRoom = false;
    this.link.reset();
    for (const timer of this.iceTimers.values()) clearTimeout(timer);
    this.iceTimers.clear();
    this.resolveRecv?.(undefined);
    this.resolveRecv = undefined;
    this.recvReady = Promise.resolve(undefined);
    for (const consumer of this.consumers.values()) if (!consumer.closed) consumer.close();
    this.consumers.clear();
    this.consumerByProducer.clear();
    this.requestedLayer.clear();
    for (const producer of this.producers.values()) if (!producer.closed) producer.close();
    this.producers.clear();
    this.micProducer = undefined;
    this.cameraProducer = undefined;
    // A screen share does not survive a rejoin; the presenter starts it again.
    this.screenProducer = undefined;
    this.screenTrack?.stop();
    this.screenTrack = undefined;
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = undefined;
    this.recvTransport = undefined;
    if (this.peers.size > 0) {
      this.peers.clear();
      this.emit('reset');
    }
    this.emit('speaker', null);
  }

  private shutdown(): void {
    this.epoch++;
    this.link.stop();
    clearTimeout(this.retryTimer);
    this.teardown();
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
    if (this.socket) {
      this.socket.removeAllListeners();
      this.socket.disconnect();
    }
    this.audioTrack?.stop();
    this.videoTrack?.stop();
  }

  private end(reason: EndReason, error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.shutdown();
    this.setState('closed', { reason, error });
  }

  private setState(state: SessionState, detail: StateDetail = {}): void {
    if (this.state === state && !detail.reason) return;
    this.state = state;
    this.emit('state', state, detail);
  }
}

/**
 * mediasoup-client picks its SDP dialect from the user agent string. A desktop
 * engine that merely claims to be an iPhone (DevTools device mode, emulated
 * test browsers) must still get its own engine's handler, or producing fails.
 */
async function createDevice(): Promise<Device> {
  const detected = await detectDeviceAsync();
  if (detected === 'Safari12' || detected === undefined) {
    // Only Chromium exposes userAgentData; only Gecko has mozInnerScreenX.
    if ('userAgentData' in navigator) return new Device({ handlerName: 'Chrome111' });
    if ('mozInnerScreenX' in window) return new Device({ handlerName: 'Firefox120' });
  }
  return detected ? new Device({ handlerName: detected }) : Device.factory();
}

/** Live handles for automated tests (e.g. `__yunting.recvTransport.getStats()`). */
export function exposeForTests(session: RoomSession | undefined): void {
  const target = window as unknown as { __yunting?: unknown };
  if (!session) {
    target.__yunting = undefined;
    return;
  }
  target.__yunting = {
    get device() {
      return session.device;
    },
    get sendTransport() {
      return session.sendTransport;
    },
    get recvTransport() {
      return session.recvTransport;
    },
    get consumers() {
      return session.consumers;
    },
    get producers() {
      return session.producers;
    },
    get peerId() {
      return session.peerId;
    },
    get state() {
      return session.state;
    },
    /** The latest SessionSnapshot the server sent. */
    get snapshot() {
      return session.snapshot;
    },
    /** Sends a raw signalling request; resolves with the raw ack `{ ok, data | error }`. */
    request: (name: string, payload: unknown) => session.rawRequest(name, payload ?? {}),
    consumerStats: () => session.consumerStats(),
    session,
  };
}
