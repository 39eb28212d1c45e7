/**
 * The only module that reads the environment. Everything else receives a
 * `Config` value, so tests build servers from plain objects.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSocketRateLimits, type SocketRateLimits } from './signalling/rateLimit.ts';
import { calendarFrom, type HolidayCalendar } from './cases/statutoryClocks.ts';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface TlsConfig {
  certFile: string;
  keyFile: string;
}

export interface MediaConfig {
  /** mediasoup workers to run; defaults to one per CPU core. */
  workers: number;
  /** IP the WebRtcServers bind to. */
  listenIp: string;
  /** IP written into ICE candidates; what phones connect to. */
  announcedIp: string | undefined;
  /** First RTC port; worker i listens on rtcPort + i (UDP and TCP). 0 picks free ports. */
  rtcPort: number;
  /** Path of the mediasoup-worker binary; by default the one scripts/setup.sh cached under cacheDir. */
  workerBin: string | undefined;
  /** Where setup caches what it builds (shared by every checkout on the machine). */
  cacheDir: string;
  logLevel: 'debug' | 'warn' | 'error' | 'none';
}

/** Evidence uploads: per file and request, per case, and per client address within 24 hours. */
export interface EvidenceLimits {
  maxFileBytes: number;
  maxFilesPerRequest: number;
  maxBytesPerRequest: number;
  maxFilesPerCase: number;
  maxBytesPerCase: number;
  maxFilesPerAddress: number;
  maxBytesPerAddress: number;
}

export interface Config {
  host: string;
  port: number;
  /** Base of links handed out (invitations). Derived from host/port when unset. */
  publicUrl: string | undefined;
  tls: TlsConfig | undefined;
  dataDir: string;
  /** PostgreSQL when set; SQLite in dataDir otherwise. */
  databaseUrl: string | undefined;
  /** JWT signing secret; generated into dataDir/secrets when unset. */
  jwtSecret: string | undefined;
  staffTokenTtlSeconds: number;
  inviteTtlSeconds: number;
  /** First admin, created on first start only. Password is generated and printed when unset. */
  adminUsername: string;
  adminPassword: string | undefined;
  clientDir: string;
  media: MediaConfig;
  logLevel: string;
  /** Proxies whose X-Forwarded-For is believed (addresses, CIDRs, `loopback`…); empty: the socket address is the client. */
  trustProxy: string[];
  /** How long a disconnected peer keeps its seat before it is shown as gone. */
  peerGraceSeconds: number;
  /** How long an empty room keeps its media (and recording) open for someone coming back. */
  roomCloseDelayMs: number;
  /** Per-peer media caps and per-socket request rates (null: no rate limit, for tests only). */
  signalling: { maxConsumersPerPeer: number; rateLimits: SocketRateLimits | null };
  /** Explicit ffmpeg binary; resolved by server/recording/ffmpegBinary.ts when unset. */
  ffmpegBin: string | undefined;
  /** Service promise: respond within this many minutes of submission, resolve within this many days of acceptance. */
  sla: { responseMinutes: number; resolutionDays: number };
  /** Days off and adjusted working days (调休) for the statutory clocks (HOLIDAYS, HOLIDAY_WORKDAYS). */
  calendar: HolidayCalendar;
  /** Early warning: at least minCases applications naming one employer within windowDays. */
  massDispute: { minCases: number; windowDays: number };
  recording: { enabled: boolean; dir: string; segmentSeconds: number; retentionDays: number };
  /** The organisation's PKCS#12 certificate that seals signed documents; a development one is generated into dataDir/secrets when unset. */
  signing?: { p12File: string; p12Password: string } | undefined;
  /** SHA-256 fingerprints of earlier signing certificates that /verify still calls ours (SIGNING_TRUSTED_FINGERPRINTS). */
  trustedSigningFingerprints: string[];
  evidence: EvidenceLimits;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** A comma-separated list of SHA-256 fingerprints (hex, colons allowed), as lower-case hex. */
function fingerprints(env: Env, name: string): string[] {
  const list = (env[name] ?? '').split(',').map((f) => f.trim().replace(/:/g, '').toLowerCase()).filter(Boolean);
  for (const f of list) if (!/^[0-9a-f]{64}$/.test(f)) throw new Error(`${name} must list SHA-256 fingerprints (64 hex digits), got "${f}"`);
  return list;
}

/** The first non-internal IPv4 address: what a phone on the same network can reach. */
export function detectLanIp(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return undefined;
}

export function loadConfig(env: Env = process.env): Config {
  const dataDir = path.resolve(projectRoot, env.DATA_DIR ?? 'data');
  const tlsDefaultDir = path.join(dataDir, 'tls');
  const tlsMode = env.TLS ?? 'auto';
  let tls: TlsConfig | undefined;
  if (tlsMode !== 'off') {
    const certFile = env.TLS_CERT ?? path.join(tlsDefaultDir, 'cert.pem');
    const keyFile = env.TLS_KEY ?? path.join(tlsDefaultDir, 'key.pem');
    tls = { certFile, keyFile };
  }
  const host = env.HOST ?? '0.0.0.0';
  const mediaLogLevel = env.MEDIASOUP_LOG_LEVEL ?? 'warn';
  if (!['debug', 'warn', 'error', 'none'].includes(mediaLogLevel)) {
    throw new Error(`MEDIASOUP_LOG_LEVEL must be debug|warn|error|none, got "${mediaLogLevel}"`);
  }
  const listenIp = env.RTC_LISTEN_IP ?? (host === '127.0.0.1' ? '127.0.0.1' : '0.0.0.0');
  return {
    host,
    port: int(env, 'PORT', 8443),
    publicUrl: env.PUBLIC_URL,
    tls: tlsMode === 'auto' || tlsMode === 'on' ? tls : undefined,
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    jwtSecret: env.JWT_SECRET || undefined,
    staffTokenTtlSeconds: int(env, 'STAFF_TOKEN_TTL_SECONDS', 8 * 3600),
    inviteTtlSeconds: int(env, 'INVITE_TTL_SECONDS', 72 * 3600),
    adminUsername: env.ADMIN_USERNAME ?? 'admin',
    adminPassword: env.ADMIN_PASSWORD || undefined,
    clientDir: path.resolve(projectRoot, env.CLIENT_DIR ?? 'client/dist'),
    media: {
      workers: int(env, 'MEDIASOUP_WORKERS', os.availableParallelism()),
      listenIp,
      announcedIp: env.RTC_ANNOUNCED_IP || (listenIp === '0.0.0.0' ? detectLanIp() : undefined),
      rtcPort: int(env, 'RTC_PORT', 40000),
      workerBin: env.MEDIASOUP_WORKER_BIN || undefined,
      cacheDir: env.YUNTING_CACHE_DIR || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'yunting'),
      logLevel: mediaLogLevel as MediaConfig['logLevel'],
    },
    logLevel: env.LOG_LEVEL ?? 'info',
    trustProxy: (env.TRUST_PROXY ?? '').split(',').map((entry) => entry.trim()).filter(Boolean),
    peerGraceSeconds: int(env, 'PEER_GRACE_SECONDS', 30),
    roomCloseDelayMs: int(env, 'ROOM_CLOSE_DELAY_MS', 2000),
    signalling: { maxConsumersPerPeer: Math.max(1, int(env, 'MAX_CONSUMERS_PER_PEER', 60)), rateLimits: defaultSocketRateLimits },
    ffmpegBin: env.FFMPEG_BIN || undefined,
    sla: { responseMinutes: int(env, 'SLA_RESPONSE_MINUTES', 60), resolutionDays: int(env, 'SLA_RESOLUTION_DAYS', 7) },
    calendar: calendarFrom(env.HOLIDAYS, env.HOLIDAY_WORKDAYS),
    massDispute: { minCases: int(env, 'MASS_DISPUTE_MIN_CASES', 5), windowDays: int(env, 'MASS_DISPUTE_WINDOW_DAYS', 30) },
    recording: {
      // Off only for measuring what recording costs (bench:recording); sessions are always recorded in service.
      enabled: env.RECORDING !== 'off',
      dir: path.resolve(projectRoot, env.RECORDINGS_DIR ?? 'recordings'),
      segmentSeconds: Math.min(30, Math.max(2, int(env, 'RECORDING_SEGMENT_SECONDS', 10))),
      retentionDays: int(env, 'RECORDING_RETENTION_DAYS', 0),
    },
    trustedSigningFingerprints: fingerprints(env, 'SIGNING_TRUSTED_FINGERPRINTS'),
    evidence: {
      maxFileBytes: int(env, 'EVIDENCE_MAX_FILE_BYTES', 10 * 1024 * 1024),
      maxFilesPerRequest: int(env, 'EVIDENCE_MAX_FILES_PER_REQUEST', 10),
      maxBytesPerRequest: int(env, 'EVIDENCE_MAX_BYTES_PER_REQUEST', 50 * 1024 * 1024),
      maxFilesPerCase: int(env, 'EVIDENCE_MAX_FILES_PER_CASE', 200),
      maxBytesPerCase: int(env, 'EVIDENCE_MAX_BYTES_PER_CASE', 1024 * 1024 * 1024),
      maxFilesPerAddress: int(env, 'EVIDENCE_MAX_FILES_PER_ADDRESS', 100),
      maxBytesPerAddress: int(env, 'EVIDENCE_MAX_BYTES_PER_ADDRESS', 300 * 1024 * 1024),
    },
    signing: env.SIGNING_P12 ? { p12File: path.resolve(projectRoot, env.SIGNING_P12), p12Password: env.SIGNING_P12_PASSWORD ?? '' } : undefined,
  };
}

/** A config for tests: loopback only, plain HTTP, free ports, data under a temp dir. */
/** The machine's defaults that a test config keeps (where the built worker is). */
const machine = loadConfig();

export function testConfig(
  overrides: Partial<Omit<Config, 'media'>> & { dataDir: string; media?: Partial<MediaConfig> },
): Config {
  const base = loadConfig({ HOST: '127.0.0.1', PORT: '0', TLS: 'off', RTC_PORT: '0', MEDIASOUP_WORKERS: '1', LOG_LEVEL: 'warn' });
  return {
    ...base,
    recording: { ...base.recording, dir: path.join(overrides.dataDir, 'recordings') },
    ...overrides,
    media: { ...base.media, workerBin: machine.media.workerBin, cacheDir: machine.media.cacheDir, announcedIp: '127.0.0.1', ...overrides.media },
  };
}
