/**
 * Builds the whole server without listening: Fastify with its routes,
 * socket.io on the same HTTP(S) server, the store and the media workers.
 * `server/main.ts` listens; tests call `buildServer()` and listen on 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import path from 'node:path';
import fastifyJwt from '@fastify/jwt';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.ts';
import { AuthService, type JwtCodec } from './auth/authService.ts';
import { loadOrCreateSecret } from './auth/secrets.ts';
import type { TokenClaims } from './auth/tokens.ts';
import { clientErrorHandler, installErrorHandler } from './http/errorHandler.ts';
import { collectRoutes, type CatalogueRoute } from './http/routeCatalogue.ts';
import { authRoutes } from './http/routes/auth.ts';
import { healthRoutes } from './http/routes/health.ts';
import { pageRoutes } from './http/routes/pages.ts';
import { roomRoutes } from './http/routes/rooms.ts';
import { applicationRoutes } from './http/routes/applications.ts';
import { caseRoutes } from './http/routes/cases.ts';
import { collectiveRoutes } from './http/routes/collective.ts';
import { CollectiveService } from './cases/collective/collectiveService.ts';
import { CaseMergeService } from './cases/collective/caseMerge.ts';
import { organisationRoutes } from './http/routes/organisations.ts';
import { ApplicationService } from './cases/applications.ts';
import { LocalCaseEventBus } from './cases/caseEvents.ts';
import { CaseService } from './cases/caseService.ts';
import { EvidenceStorage } from './cases/evidenceFiles.ts';
import { OrganisationService } from './organisations/organisationService.ts';
import { InvitationService } from './rooms/invitations.ts';
import { attachProgressNamespace } from './signalling/progressNamespace.ts';
import { attachDocumentsNamespace } from './signalling/documentsNamespace.ts';
import { documentRoutes } from './http/routes/documents.ts';
import { DocumentService } from './documents/documentService.ts';
import { DraftAudience } from './documents/draftAudience.ts';
import { signingKeyLoader } from './documents/signingKey.ts';
import { concludeSealedAgreements } from './documents/recovery.ts';
import { OrganisationSeals } from './organisations/organisationSeals.ts';
import { StaffProfiles } from './organisations/staffProfiles.ts';
import { sealRoutes } from './http/routes/organisationSeal.ts';
import { profileRoutes } from './http/routes/staffProfiles.ts';
import { LiveSessions } from './sessions/liveSessions.ts';
import { SessionEvidence } from './sessions/sessionEvidence.ts';
import { carryOutEnd } from './sessions/sessionEnd.ts';
import { sessionEvidenceRoutes } from './http/routes/sessionEvidence.ts';
import { recordingRoutes } from './http/routes/recordings.ts';
import { RecordingService } from './recording/recordingService.ts';
import { resolveFfmpeg } from './recording/ffmpegBinary.ts';
import { mkdirSync } from 'node:fs';
import type { DestinationStream } from 'pino';
import { clientAddresses } from './http/clientAddress.ts';
import { loggerOptions } from './http/logging.ts';
import { registerSecurityHeaders } from './http/securityHeaders.ts';
import { WorkerPool } from './media/workerPool.ts';
import { LiveRooms } from './rooms/liveRooms.ts';
import { RoomService } from './rooms/roomService.ts';
import { Revocations } from './auth/revocations.ts';
import { attachRevocationSweep } from './signalling/revocationSweep.ts';
import { attachSignalling } from './signalling/socketServer.ts';
import type { YuntingIo } from './signalling/types.ts';
import { openDatabase, type Db } from './store/database.ts';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims;
    user: TokenClaims;
  }
}

export interface YuntingServer {
  app: FastifyInstance;
  io: YuntingIo;
  db: Db;
  pool: WorkerPool;
  auth: AuthService;
  rooms: RoomService;
  invitations: InvitationService;
  cases: CaseService;
  applications: ApplicationService;
  organisations: OrganisationService;
  liveRooms: LiveRooms;
  sessions: LiveSessions;
  recordings: RecordingService;
  documents: DocumentService;
  /** Every registered route with its schema (what the HTTP fuzz tests walk). */
  routes: readonly CatalogueRoute[];
  /** Set once listening: the origin invitation links point at. */
  publicUrl(): string;
  listen(): Promise<string>;
  close(): Promise<void>;
  /** The admin password generated on first start, if any (printed once by main). */
  generatedAdminPassword: string | undefined;
}

export async function buildServer(config: Config, options: { logStream?: DestinationStream } = {}): Promise<YuntingServer> {
  const addresses = clientAddresses(config.trustProxy);
  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream),
    ...(config.tls
      ? { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } }
      : {}),
    bodyLimit: 1024 * 1024,
    clientErrorHandler,
    trustProxy: addresses.fastifyTrust,
  }).withTypeProvider<TypeBoxTypeProvider>();
  const routes = collectRoutes(app);

  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, log: app.log.child({ module: 'store' }) });
  let pool: WorkerPool;
  try {
    pool = await WorkerPool.create(config.media, app.log);
  } catch (error) {
    await db.destroy();
    throw error;
  }

  let listeningUrl: string | undefined;
  const publicUrl = () => config.publicUrl ?? listeningUrl ?? `http://${config.host}:${config.port}`;

  await app.register(fastifyJwt, { secret: loadOrCreateSecret(config.dataDir, 'jwt', config.jwtSecret) });
  const jwt: JwtCodec = {
    sign: (payload, options) => app.jwt.sign(payload, { expiresIn: options.expiresIn }),
    verify: (token) => app.jwt.verify<TokenClaims & { exp?: number }>(token),
  };
  const auth = new AuthService(db, jwt, { staffTokenTtlSeconds: config.staffTokenTtlSeconds }, app.log);
  const generatedAdminPassword = await auth.ensureFirstAdmin(config.adminUsername, config.adminPassword);
  const caseEvents = new LocalCaseEventBus();
  const storage = new EvidenceStorage(path.join(config.dataDir, 'evidence'), config.evidence);
  const rooms = new RoomService(db, auth);
  const revocations = new Revocations();
  const invitations = new InvitationService(db, auth, { inviteTtlSeconds: config.inviteTtlSeconds, publicUrl }, revocations);
  const cases = new CaseService(db, caseEvents, config.sla, config.massDispute, config.calendar);
  const applications = new ApplicationService(db, storage, caseEvents);
  const collective: CollectiveService = new CollectiveService(db, cases, invitations, caseEvents, publicUrl, (file): string => documents.storage.resolve(file));
  const organisations = new OrganisationService(db, auth, revocations);
  const liveRooms = new LiveRooms(pool, app.log, config.roomCloseDelayMs, { maxConsumersPerPeer: config.signalling.maxConsumersPerPeer });
  mkdirSync(config.recording.dir, { recursive: true });
  const ffmpeg = resolveFfmpeg(config.ffmpegBin);
  const recordings = new RecordingService(
    db,
    { recordingsDir: config.recording.dir, ffmpegPath: ffmpeg.path, segmentSeconds: config.recording.segmentSeconds, retentionDays: config.recording.retentionDays },
    app.log.child({ module: 'recording' }),
  );
  const sessions = new LiveSessions({
    db,
    liveRooms,
    log: app.log,
    idleMs: config.roomCloseDelayMs,
    graceSeconds: config.peerGraceSeconds,
    revokeInvitation: (invitationId) => invitations.revokeBySystem(invitationId),
    recordingEnabled: config.recording.enabled,
    onEnded: (session, end) => carryOutEnd({ db, liveRooms, caseEvents, log: app.log }, session.room, end),
    ...(config.recording.enabled ? { onOpened: (session, media) => recordings.attach(session, media) } : {}),
  });
  const serverSigningKey = signingKeyLoader({ dataDir: config.dataDir, p12File: config.signing?.p12File, p12Password: config.signing?.p12Password });
  const seals = new OrganisationSeals(db, config.dataDir, serverSigningKey, config.trustedSigningFingerprints);
  const documents = new DocumentService({
    db,
    cases,
    log: app.log.child({ module: 'documents' }),
    documentsDir: path.join(config.dataDir, 'documents'),
    recordingsDir: config.recording.dir,
    signingKey: serverSigningKey,
    trustedFingerprints: config.trustedSigningFingerprints,
    consentGate: (caseId, documentId, version) => collective.assertConsents(caseId, documentId, version),
    seals,
  });
  const draftAudience = new DraftAudience(sessions);
  const swept = await documents.storage.sweepTemporary();
  if (swept.length) app.log.warn({ files: swept }, 'removed half-written document files left by a crash');
  await concludeSealedAgreements(db, cases, app.log.child({ module: 'documents' }));
  await recordings.reconcile();
  await recordings.applyRetention();
  const retentionTimer = setInterval(() => {
    recordings.applyRetention().catch((error: unknown) => app.log.error({ err: error }, 'recording retention failed; tried again tomorrow'));
  }, 86_400_000);
  retentionTimer.unref();

  installErrorHandler(app);
  await registerSecurityHeaders(app);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyMultipart, {
    // Upload routes set their own limits per call (multipartForm.ts); these bound the rest (a PDF posted to /api/verify).
    limits: { fileSize: 30 * 1024 * 1024, files: 1, fields: 5, fieldSize: 64 * 1024, parts: 6 },
  });
  await app.register(healthRoutes, { pool });
  await app.register(authRoutes, { auth });
  await app.register(organisationRoutes, { auth, organisations });
  await app.register(sealRoutes, { auth, seals });
  await app.register(profileRoutes, { auth, profiles: new StaffProfiles(db) });
  await app.register(applicationRoutes, { applications, cases, storage });
  await app.register(caseRoutes, { auth, cases, storage, db });
  await app.register(collectiveRoutes, { auth, collective, merges: new CaseMergeService(db, cases, caseEvents) });
  await app.register(roomRoutes, { auth, rooms, invitations, cases });
  await app.register(sessionEvidenceRoutes, { auth, evidence: new SessionEvidence(db, storage, sessions), storage });
  await app.register(recordingRoutes, { auth, recordings, recordingsDir: config.recording.dir });
  await app.register(documentRoutes, { auth, documents, audience: draftAudience });
  await app.register(pageRoutes, { clientDir: config.clientDir });

  const io = attachSignalling(app.server, {
    rooms, cases, liveRooms, sessions, db, log: app.log, clientAddress: addresses.of, revocations, rateLimits: config.signalling.rateLimits,
  });
  attachProgressNamespace(io as never, { auth, cases, events: caseEvents, db, log: app.log, revocations });
  attachDocumentsNamespace(io as never, { auth, cases, documents, log: app.log, revocations, audience: draftAudience });
  attachRevocationSweep(io as never, revocations);

  let closing: Promise<void> | undefined;
  const server: YuntingServer = {
    app,
    io,
    db,
    pool,
    auth,
    rooms,
    invitations,
    cases,
    applications,
    organisations,
    liveRooms,
    sessions,
    recordings,
    documents,
    routes,
    publicUrl,
    generatedAdminPassword,
    async listen() {
      const address = await app.listen({ host: config.host, port: config.port });
      const url = new URL(address);
      if (config.host === '0.0.0.0' && config.media.announcedIp) url.hostname = config.media.announcedIp;
      listeningUrl = url.origin;
      return listeningUrl;
    },
    close() {
      closing ??= (async () => {
        for (const socket of io.sockets.sockets.values()) socket.emit('room:closed', { reason: 'server-shutdown' });
        clearInterval(retentionTimer);
        recordings.composer.stop();
        await sessions.closeAll();
        liveRooms.closeAll();
        await recordings.stopAll();
        await new Promise<void>((resolve) => io.close(() => resolve()));
        await app.close();
        pool.close();
        await db.destroy();
      })();
      return closing;
    },
  };
  return server;
}
