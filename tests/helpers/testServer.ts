/** Starts a real server in-process on 127.0.0.1 with a temporary data dir, plus helpers that use its HTTP API. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { buildServer, type YuntingServer } from '../../server/app.ts';
import { testConfig, type Config, type MediaConfig } from '../../server/config.ts';

export const ADMIN = { username: 'admin', password: 'test-admin-password' };

export interface TestServer {
  server: YuntingServer;
  url: string;
  dataDir: string;
  staffToken: string;
  createRoom(title?: string, mode?: 'face_to_face' | 'back_to_back' | 'hearing'): Promise<{ id: string; title: string }>;
  invite(roomId: string, displayName: string, role?: string): Promise<{ id: string; token: string; url: string; shortCode: string }>;
  /** Invites and redeems at once: the token a party's phone holds after opening its link. */
  partyToken(roomId: string, displayName: string, role?: string): Promise<string>;
  api<T = unknown>(method: string, route: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  /** With `captureLog`: everything the server's logger wrote so far (pino JSON lines). */
  log(): string;
  close(): Promise<void>;
}

export async function startTestServer(
  overrides: Partial<Omit<Config, 'media' | 'dataDir'>> & { dataDir?: string; keepData?: boolean; captureLog?: boolean; media?: Partial<MediaConfig> } = {},
): Promise<TestServer> {
  const { keepData = process.env.KEEP_TEST_DATA === '1', captureLog = false, ...configOverrides } = overrides;
  const dataDir = overrides.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'yunting-test-'));
  // The real pino logger, written into memory instead of stdout (at info, so every request line is there).
  const logged: string[] = [];
  const logStream = captureLog ? new Writable({ write: (chunk, _encoding, done) => (logged.push(String(chunk)), done()) }) : undefined;
  const server = await buildServer(
    testConfig({ adminUsername: ADMIN.username, adminPassword: ADMIN.password, ...(captureLog ? { logLevel: 'info' } : {}), ...configOverrides, dataDir }),
    logStream ? { logStream } : {},
  );
  const url = await server.listen();

  const api = async <T>(method: string, route: string, body?: unknown, token?: string) => {
    const response = await fetch(url + route, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  const login = await api<{ token: string }>('POST', '/api/auth/login', ADMIN);
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  const staffToken = login.body.token;

  const self: TestServer = {
    server,
    url,
    dataDir,
    staffToken,
    api,
    log: () => logged.join(''),
    async createRoom(title = '测试调解室', mode = 'face_to_face') {
      const res = await api<{ id: string; title: string }>('POST', '/api/rooms', { title, mode }, staffToken);
      if (res.status !== 201) throw new Error(`createRoom failed: ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async invite(roomId, displayName, role = 'applicant') {
      const res = await api<{ id: string; token: string; url: string; shortCode: string }>(
        'POST',
        `/api/rooms/${roomId}/invitations`,
        { displayName, role },
        staffToken,
      );
      if (res.status !== 201) throw new Error(`invite failed: ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async partyToken(roomId, displayName, role = 'applicant') {
      const { token } = await self.invite(roomId, displayName, role);
      const res = await api<{ partyToken: string }>('POST', '/api/invitations/redeem', { token });
      if (res.status !== 200) throw new Error(`redeem failed: ${JSON.stringify(res.body)}`);
      return res.body.partyToken;
    },
    async close() {
      await server.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return self;
}
