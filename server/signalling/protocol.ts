/**
 * The one catalogue of signalling messages in both directions.
 * The schemas validate client → server payloads at the boundary; the
 * interfaces type socket.io on the server and in client/src alike.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Uuid = Type.String({ minLength: 36, maxLength: 36, pattern: '^[0-9a-f-]{36}$' });

// mediasoup validates the inner structure again; here we bound shape and size
// so that junk never reaches the worker channel.
const RtpCapabilities = Type.Object(
  {
    codecs: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 64 })),
    headerExtensions: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 64 })),
  },
  { additionalProperties: true },
);

const DtlsParameters = Type.Object(
  {
    role: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('client'), Type.Literal('server')])),
    fingerprints: Type.Array(
      Type.Object({
        algorithm: Type.String({ maxLength: 16 }),
        value: Type.String({ maxLength: 256 }),
      }),
      { minItems: 1, maxItems: 8 },
    ),
  },
  { additionalProperties: false },
);

const RtpParameters = Type.Object(
  {
    mid: Type.Optional(Type.String({ maxLength: 32 })),
    codecs: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: 16 }),
    headerExtensions: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 32 })),
    encodings: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 8 })),
    rtcp: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: true },
);

/** The ordered phases of a fast-track hearing (速裁庭审). */
export const hearingPhases = [
  'opening', // 开庭及身份核对
  'notice', // 程序告知与权利义务
  'claims_defence', // 申诉答辩
  'investigation', // 庭审调查
  'debate', // 庭审辩论
  'mediation', // 当庭调解
  'final_statements', // 最后陈述
  'closing', // 闭庭（裁决或休庭）
] as const;
export type HearingPhase = (typeof hearingPhases)[number];
export const HearingPhase = Type.Union(hearingPhases.map((phase) => Type.Literal(phase)));

export const MediaKind = Type.Union([Type.Literal('audio'), Type.Literal('video')]);
export type MediaKind = Static<typeof MediaKind>;

/** What a producer carries; the server decides policy (recording, isolation) from it. */
export const ProducerSource = Type.Union([Type.Literal('mic'), Type.Literal('camera'), Type.Literal('screen')]);
export type ProducerSource = Static<typeof ProducerSource>;

export const ParticipantRole = Type.Union([
  Type.Literal('admin'),
  Type.Literal('mediator'),
  Type.Literal('arbitrator'),
  Type.Literal('clerk'),
  Type.Literal('applicant'),
  Type.Literal('respondent'),
  Type.Literal('applicant_agent'),
  Type.Literal('respondent_agent'),
  Type.Literal('expert'),
  Type.Literal('witness'),
]);
export type ParticipantRole = Static<typeof ParticipantRole>;

/** Client → server requests. Every one is answered through its acknowledgement. */
export const RequestSchemas = {
  'room:capabilities': Type.Object({}, { additionalProperties: false }),
  'room:join': Type.Object(
    {
      rtpCapabilities: RtpCapabilities,
      device: Type.Optional(Type.String({ maxLength: 200 })),
    },
    { additionalProperties: false },
  ),
  'room:leave': Type.Object({}, { additionalProperties: false }),
  'transport:create': Type.Object(
    { direction: Type.Union([Type.Literal('send'), Type.Literal('recv')]) },
    { additionalProperties: false },
  ),
  'transport:connect': Type.Object({ transportId: Uuid, dtlsParameters: DtlsParameters }, { additionalProperties: false }),
  'transport:restartIce': Type.Object({ transportId: Uuid }, { additionalProperties: false }),
  'producer:create': Type.Object(
    { transportId: Uuid, kind: MediaKind, rtpParameters: RtpParameters, source: ProducerSource },
    { additionalProperties: false },
  ),
  'producer:pause': Type.Object({ producerId: Uuid }, { additionalProperties: false }),
  'producer:resume': Type.Object({ producerId: Uuid }, { additionalProperties: false }),
  'producer:close': Type.Object({ producerId: Uuid }, { additionalProperties: false }),
  'consumer:create': Type.Object({ producerId: Uuid }, { additionalProperties: false }),
  'consumer:resume': Type.Object({ consumerId: Uuid }, { additionalProperties: false }),
  'consumer:pause': Type.Object({ consumerId: Uuid }, { additionalProperties: false }),
  'consumer:setLayers': Type.Object(
    {
      consumerId: Uuid,
      spatialLayer: Type.Integer({ minimum: 0, maximum: 3 }),
      temporalLayer: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
    },
    { additionalProperties: false },
  ),
  'session:admit': Type.Object({ participantId: Uuid }, { additionalProperties: false }),
  'session:verify': Type.Object({ participantId: Uuid }, { additionalProperties: false }),
  'session:reject': Type.Object({ participantId: Uuid }, { additionalProperties: false }),
  'session:remove': Type.Object({ participantId: Uuid }, { additionalProperties: false }),
  'session:mute': Type.Object({ participantId: Uuid }, { additionalProperties: false }),
  'session:unmute': Type.Object({ participantId: Uuid }, { additionalProperties: false }),
  'session:hand': Type.Object({ raised: Type.Boolean() }, { additionalProperties: false }),
  /** The host answers (or dismisses) someone's raised hand. */
  'session:lowerHand': Type.Object({ participantId: Uuid }, { additionalProperties: false }),
  /** Back-to-back: talk privately with one side, or `null` to return to the joint session. */
  'session:private': Type.Object(
    { side: Type.Union([Type.Literal('applicant'), Type.Literal('respondent'), Type.Null()]) },
    { additionalProperties: false },
  ),
  /** Hearing: move to the next phase (only the next one); closing takes the outcome. */
  'session:phase': Type.Object(
    {
      phase: HearingPhase,
      outcome: Type.Optional(Type.Union([Type.Literal('ruling'), Type.Literal('adjournment'), Type.Literal('settlement')])),
      note: Type.Optional(Type.String({ maxLength: 2000 })),
    },
    { additionalProperties: false },
  ),
  /** The host ends the session for everyone (a hearing ends by closing: `session:phase` closing). */
  'session:end': Type.Object(
    {
      reason: Type.Union([Type.Literal('agreement'), Type.Literal('no_agreement'), Type.Literal('adjourned'), Type.Literal('other')]),
      note: Type.Optional(Type.String({ maxLength: 2000 })),
    },
    { additionalProperties: false },
  ),
  'chat:send': Type.Object({ text: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false }),
  /** What was said and shown so far that this participant may see (after a reload or a reconnect). */
  'session:history': Type.Object({}, { additionalProperties: false }),
  /** How this participant's own link is doing, from its getStats (at most one report a second counts). */
  'session:quality': Type.Object(
    {
      level: Type.Union([Type.Literal('good'), Type.Literal('poor'), Type.Literal('lost')]),
      lossPct: Type.Number({ minimum: 0, maximum: 100 }),
      rttMs: Type.Number({ minimum: 0, maximum: 60_000 }),
      freezeS: Type.Number({ minimum: 0, maximum: 600 }),
    },
    { additionalProperties: false },
  ),
  'notes:get': Type.Object({}, { additionalProperties: false }),
  'notes:save': Type.Object({ text: Type.String({ maxLength: 20000 }) }, { additionalProperties: false }),
} satisfies Record<string, TSchema>;

export type RequestName = keyof typeof RequestSchemas;
export type RequestPayload<N extends RequestName> = Static<(typeof RequestSchemas)[N]>;

export interface PeerSummary {
  id: string;
  displayName: string;
  role: ParticipantRole;
  producers: ProducerSummary[];
}

export interface ProducerSummary {
  id: string;
  peerId: string;
  kind: MediaKind;
  source: ProducerSource;
  paused: boolean;
}

export interface TransportInfo {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
}

export interface ConsumerInfo {
  id: string;
  producerId: string;
  peerId: string;
  kind: MediaKind;
  source: ProducerSource;
  rtpParameters: unknown;
  type: string;
  producerPaused: boolean;
}

/** What each request answers with on success. */
export interface ResponseData {
  'room:capabilities': { routerRtpCapabilities: unknown };
  'room:join': { peerId: string; roomId: string; displayName: string; role: ParticipantRole; peers: PeerSummary[] };
  'room:leave': Record<string, never>;
  'transport:create': TransportInfo;
  'transport:connect': Record<string, never>;
  'transport:restartIce': { iceParameters: unknown };
  'producer:create': { id: string };
  'producer:pause': Record<string, never>;
  'producer:resume': Record<string, never>;
  'producer:close': Record<string, never>;
  'consumer:create': ConsumerInfo;
  'consumer:resume': Record<string, never>;
  'consumer:pause': Record<string, never>;
  'consumer:setLayers': Record<string, never>;
  'session:admit': Record<string, never>;
  'session:verify': Record<string, never>;
  'session:reject': Record<string, never>;
  'session:remove': Record<string, never>;
  'session:mute': Record<string, never>;
  'session:unmute': Record<string, never>;
  'session:hand': Record<string, never>;
  'session:lowerHand': Record<string, never>;
  'session:private': Record<string, never>;
  'session:phase': Record<string, never>;
  'session:end': SessionEnd;
  'chat:send': ChatMessage;
  'session:history': { messages: ChatMessage[]; evidence: SharedEvidence[] };
  'session:quality': { accepted: boolean };
  'notes:get': { text: string; updatedAt: string | null };
  'notes:save': { updatedAt: string };
}

export type Side = 'applicant' | 'respondent' | 'neutral' | 'staff';

/** A participant's connection: good, poor (loss, delay or frozen video), lost (no media or no connection). */
export type LinkQuality = 'good' | 'poor' | 'lost';

export interface ParticipantView {
  id: string;
  name: string;
  role: ParticipantRole;
  side: Side;
  admitted: boolean;
  verified: boolean;
  /** online: connected; reconnecting: dropped, within the grace period; gone: away longer than that. */
  presence: 'online' | 'reconnecting' | 'gone';
  handRaised: boolean;
  mutedByHost: boolean;
  peerId: string | null;
  /** From the participant's own reports and the SFU's scores; null while not connected to media. */
  quality: LinkQuality | null;
}

/** What one participant knows of the session; each viewer gets their own. */
export interface SessionSnapshot {
  roomId: string;
  title: string;
  mode: 'face_to_face' | 'back_to_back' | 'hearing';
  recording: RecordingState;
  phase: HearingPhase | null;
  phaseStartedAt: string | null;
  /** A private talk in progress; `includesYou` false means: the mediator is talking with the other side. */
  privateTalk: { side: 'applicant' | 'respondent' | null; includesYou: boolean; since: string } | null;
  you: ParticipantView & { isHost: boolean; canAdmit: boolean };
  participants: ParticipantView[];
  /** Set once the host has ended the session for everyone. */
  ended?: SessionEnd | null;
}

/** How a session ended: a mediation by its host's 结束调解 (reason), a hearing by 闭庭 (outcome). */
export interface SessionEnd {
  at: string;
  by: string;
  mode: 'face_to_face' | 'back_to_back' | 'hearing';
  reason: 'agreement' | 'no_agreement' | 'adjourned' | 'other' | 'closing';
  outcome?: 'ruling' | 'adjournment' | 'settlement';
  note?: string;
}

/** Why a track is not being recorded while its producer is live. */
export type RecordingFailure = 'recorder_exited' | 'no_media' | 'write_failed' | 'disk_full' | 'start_failed';

/** What is being recorded right now (全程录音录像), as this viewer may know it. */
export interface RecordingState {
  /** off: recording is switched off on this server; starting: not running yet; interrupted: some track is not being recorded. */
  status: 'off' | 'starting' | 'recording' | 'interrupted';
  failing: { name: string; source: ProducerSource; reason: RecordingFailure }[];
}

export interface ChatMessage {
  id: string;
  from: string;
  role: ParticipantRole;
  text: string;
  at: string;
  private: boolean;
}

export interface SharedEvidence {
  id: string;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  by: string;
  at: string;
}

export const ErrorCode = {
  InvalidPayload: 'INVALID_PAYLOAD',
  NotJoined: 'NOT_JOINED',
  AlreadyJoined: 'ALREADY_JOINED',
  NotFound: 'NOT_FOUND',
  Forbidden: 'FORBIDDEN',
  CannotConsume: 'CANNOT_CONSUME',
  RoomUnavailable: 'ROOM_UNAVAILABLE',
  UnknownEvent: 'UNKNOWN_EVENT',
  Unauthorized: 'UNAUTHORIZED',
  Internal: 'INTERNAL',
  /** A per-peer cap (producers per source, consumers) is reached. */
  LimitReached: 'LIMIT_REACHED',
  /** Too many requests of one kind from this connection; slow down. */
  RateLimited: 'RATE_LIMITED',
  /** The database is briefly unreachable: nothing changed, send the same request again shortly. */
  StoreUnavailable: 'STORE_UNAVAILABLE',
  /** The host ended this session for everyone: it cannot be entered again. */
  SessionEnded: 'SESSION_ENDED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface AckError {
  code: ErrorCode;
  message: string;
  /** Set when the same request may succeed if sent again (STORE_UNAVAILABLE). */
  retryable?: boolean;
}
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };

export type ClientToServerEvents = {
  [N in RequestName]: (payload: RequestPayload<N>, ack: (reply: Ack<ResponseData[N]>) => void) => void;
};

/** Why the server tells a client to rejoin or that it was removed; both the log and the page understand these. */
export type CloseReason = 'ended' | 'worker-died' | 'replaced' | 'removed' | 'rejected' | 'room-closed' | 'server-shutdown' | 'revoked' | 'disabled';

export interface ServerToClientEvents {
  'peer:joined': (peer: PeerSummary) => void;
  'peer:left': (event: { peerId: string }) => void;
  'producer:new': (producer: ProducerSummary) => void;
  'producer:closed': (event: { producerId: string; peerId: string }) => void;
  'producer:paused': (event: { producerId: string; peerId: string }) => void;
  'producer:resumed': (event: { producerId: string; peerId: string }) => void;
  'consumer:closed': (event: { consumerId: string; producerId: string }) => void;
  'consumer:layers': (event: { consumerId: string; spatialLayer: number | null; temporalLayer: number | null }) => void;
  'speaker:active': (event: { peerId: string | null }) => void;
  /** The room's media is gone (e.g. its worker died): drop transports and join again. */
  'room:rejoin': (event: { reason: CloseReason }) => void;
  /** This connection is finished for good; do not reconnect. */
  'room:closed': (event: { reason: CloseReason }) => void;
  /** The credential was withdrawn (sent on every namespace before the server disconnects): the invitation revoked, the account disabled, the guest removed. */
  'auth:revoked': (event: { reason: 'revoked' | 'disabled' | 'removed' }) => void;
  'session:state': (snapshot: SessionSnapshot) => void;
  /** The recording state changed (a recorder failed or recovered). */
  'session:recording': (state: RecordingState) => void;
  'chat:message': (message: ChatMessage) => void;
  'evidence:shared': (evidence: SharedEvidence) => void;
}

export interface SocketIdentity {
  roomId: string;
  displayName: string;
  role: ParticipantRole;
  /** Staff user id or invitation id; one live peer per identity in a room. */
  subject: string;
}

export interface SocketData {
  identity: SocketIdentity;
  peerId?: string;
  /** The client's address, by the TRUST_PROXY rule (set before the handshake is checked). */
  clientAddress?: string;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface InterServerEvents {}
