/**
 * Whose address is it: with the default config X-Forwarded-For is ignored
 * (rotating it neither escapes the login limit nor reaches the audit log or a
 * socket), and with TRUST_PROXY naming the proxy the forwarded client is used,
 * the same for HTTP and socket.io.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { loadConfig } from '../../server/config.ts';
import { clientAddresses } from '../../server/http/clientAddress.ts';

async function loginStatuses(t: TestServer, attempts: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < attempts; i++) {
    const response = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i + 1}` },
      body: JSON.stringify({ username: 'admin', password: `wrong-${i}` }),
    });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  return statuses;
}

/** Redeems a fresh invitation claiming to come from `forwardedFor`; returns the address its audit entry recorded. */
async function auditedRedemptionAddress(t: TestServer, forwardedFor: string): Promise<string | null> {
  const room = await t.createRoom();
  const invite = await t.invite(room.id, '张三');
  const response = await fetch(`${t.url}/api/invitations/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ token: invite.token }),
  });
  expect(response.status).toBe(200);
  const row = await t.server.db
    .selectFrom('audit_log')
    .select('ip')
    .where('action', '=', 'invitation.redeemed')
    .where('detail', 'like', `%${invite.id}%`)
    .executeTakeFirstOrThrow();
  return row.ip;
}

/** Opens a party socket claiming to come from `forwardedFor`; returns the address the server gave it. */
async function socketAddress(t: TestServer, forwardedFor: string): Promise<string | undefined> {
  const room = await t.createRoom();
  const token = await t.partyToken(room.id, '李四');
  const socket = io(t.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { 'x-forwarded-for': forwardedFor } });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const mine = (await t.server.io.fetchSockets()).find((s) => s.id === socket.id);
    return mine?.data.clientAddress;
  } finally {
    socket.close();
  }
}

describe('default: no proxy is trusted', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  it('rotating X-Forwarded-For does not escape the login limit', async () => {
    // 10 logins a minute per address; the helper's own login was the first.
    const statuses = await loginStatuses(t, 10);
    expect(statuses.slice(0, 9).every((s) => s === 401)).toBe(true);
    expect(statuses[9]).toBe(429);
  });

  it('the audit log and the socket get the real socket address, not the forged one', async () => {
    expect(await auditedRedemptionAddress(t, '203.0.113.7')).toBe('127.0.0.1');
    expect(await socketAddress(t, '203.0.113.7')).toBe('127.0.0.1');
  });
});

describe('TRUST_PROXY=127.0.0.1: behind a proxy on loopback', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ trustProxy: loadConfig({ TRUST_PROXY: '127.0.0.1' }).trustProxy });
  });
  afterAll(async () => t?.close());

  it('each forwarded client has its own login budget', async () => {
    expect(await loginStatuses(t, 12)).toEqual(Array(12).fill(401));
  });

  it('the audit log and the socket get the forwarded client (the nearest untrusted hop)', async () => {
    expect(await auditedRedemptionAddress(t, '203.0.113.7')).toBe('203.0.113.7');
    expect(await auditedRedemptionAddress(t, '192.0.2.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(await socketAddress(t, '203.0.113.8')).toBe('203.0.113.8');
  });
});

describe('TRUST_PROXY parsing', () => {
  it('reads a comma-separated list of addresses and CIDRs, empty by default', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.1, 192.168.0.0/16,,loopback ' }).trustProxy).toEqual(['10.0.0.1', '192.168.0.0/16', 'loopback']);
    expect(clientAddresses([]).fastifyTrust).toBe(false);
    expect(() => clientAddresses(['not-an-address'])).toThrow(/TRUST_PROXY/);
  });
});
