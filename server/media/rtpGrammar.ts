/**
 * The strict grammar a producer's codec description must follow. Codec
 * parameters travel from a party's `producer:create` into the SFU and from
 * there into the SDP file that tells a recorder's ffmpeg what it receives,
 * so anything outside this grammar (a CR/LF, a `;` that would start a new
 * fmtp parameter, an overlong value) is refused at the door and dropped
 * again when the SDP is written.
 */

/** fmtp parameter names: `useinbandfec`, `packetization-mode`, `x-google-start-bitrate`. */
export const PARAMETER_KEY = /^[a-z0-9-]{1,40}$/;
/** fmtp parameter values given as text: `42e01f`, `1`, base64-ish; no `;`, no white space, no line breaks. */
export const PARAMETER_VALUE = /^[A-Za-z0-9.=/+-]{0,100}$/;
/** `audio/opus`, `video/VP8`, `video/H264`, `video/rtx`. */
export const MIME_TYPE = /^(audio|video)\/[A-Za-z0-9.+-]{1,32}$/;
/** RTCP feedback: `nack`, `ccm fir` (type `ccm`, parameter `fir`), `goog-remb`, `transport-cc`. */
export const FEEDBACK_TOKEN = /^[a-z0-9-]{0,32}$/;
export const MAX_PARAMETERS = 32;

export function isSafeParameter(key: string, value: unknown): boolean {
  if (!PARAMETER_KEY.test(key)) return false;
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && PARAMETER_VALUE.test(value);
}

/** The codec parameters that follow the grammar, in order; anything else is left out. */
export function safeParameters(parameters: Record<string, unknown> | undefined): [string, string | number][] {
  return Object.entries(parameters ?? {})
    .filter(([key, value]) => isSafeParameter(key, value))
    .slice(0, MAX_PARAMETERS)
    .map(([key, value]) => [key, value as string | number]);
}

/**
 * Why a producer's RTP parameters break the grammar, or undefined when they
 * follow it. Only the codecs are checked here (mediasoup validates the rest).
 */
export function rtpParametersProblem(rtpParameters: { codecs?: unknown }): string | undefined {
  const codecs = Array.isArray(rtpParameters.codecs) ? (rtpParameters.codecs as unknown[]) : [];
  for (const [index, raw] of codecs.entries()) {
    const codec = (raw ?? {}) as { mimeType?: unknown; parameters?: unknown; rtcpFeedback?: unknown };
    if (typeof codec.mimeType !== 'string' || !MIME_TYPE.test(codec.mimeType)) return `codecs[${index}].mimeType is not a media type`;
    if (codec.parameters !== undefined) {
      if (typeof codec.parameters !== 'object' || codec.parameters === null || Array.isArray(codec.parameters)) return `codecs[${index}].parameters must be an object`;
      const entries = Object.entries(codec.parameters as Record<string, unknown>);
      if (entries.length > MAX_PARAMETERS) return `codecs[${index}] has more than ${MAX_PARAMETERS} parameters`;
      for (const [key, value] of entries) {
        if (!isSafeParameter(key, value)) return `codecs[${index}].parameters has a malformed entry`;
      }
    }
    if (codec.rtcpFeedback !== undefined) {
      if (!Array.isArray(codec.rtcpFeedback) || codec.rtcpFeedback.length > 16) return `codecs[${index}].rtcpFeedback must be a short list`;
      for (const fb of codec.rtcpFeedback as { type?: unknown; parameter?: unknown }[]) {
        const type = fb?.type;
        const parameter = fb?.parameter ?? '';
        if (typeof type !== 'string' || type === '' || !FEEDBACK_TOKEN.test(type) || typeof parameter !== 'string' || !FEEDBACK_TOKEN.test(parameter)) {
          return `codecs[${index}].rtcpFeedback has a malformed entry`;
        }
      }
    }
  }
  return undefined;
}
