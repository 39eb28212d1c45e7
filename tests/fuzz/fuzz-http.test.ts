/**
 * Fuzzes every HTTP route the server registers (taken from the server's own
 * route catalogue, so a new route is fuzzed without being listed here):
 * params, querystrings and bodies that are valid for the route's schema,
 * mutated, hostile or random; JSON, malformed JSON, other content types,
 * multipart forms and bodies over the limit; no token, a staff token, a
 * party token and garbage tokens. Each answer must come within the bound,
 * never be a 5xx (503 is the documented "try again"), carry a code when it
 * refuses, and a refused request must leave every table as it was.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationBody, CounterclaimBody } from '../../server/http/schemas.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { signingCase } from '../helpers/documents.ts';
import { tinyPng } from '../helpers/cases.ts';
import { FUZZ_TIME_MS, changedKeys, describePayload, fromSchema, fuzzOptions, hostileValue, mutated, nastyString, storeSnapshot } from './fuzzKit.ts';

/** HTTP replies may render a PDF or a ZIP; still a correctness bound, not a performance goal. */
const HTTP_BOUND_MS = Number(process.env.FUZZ_HTTP_BOUND_MS ?? 8_000);
const RUNS_PER_ROUTE = Number(process.env.FUZZ_HTTP_RUNS ?? 20);
/** Tables a refused request may still write, each documented: nothing yet. */
const REFUSAL_SIDE_EFFECTS = new Set<string>();

let t: TestServer;
let tokens: Record<string, string | undefined>;
let liveIds: string[];

beforeAll(async () => {
  t = await startTestServer();
  const world = await signingCase(t, '-fuzz');
  const invitation = await t.invite(world.roomId, '证人', 'witness');
  const document = await t.api<{ id: string }>('POST', `/api/cases/${world.caseId}/documents`, { kind: 'mediation_agreement', roomId: world.roomId }, world.mediator.token);
  // Render once so the font is loaded before replies are timed.
  await (await fetch(`${t.url}/api/documents/${document.body.id}/preview.pdf`, { headers: { authorization: `Bearer ${world.mediator.token}` } })).arrayBuffer();
  const foreign = t.server.app.jwt.sign({ typ: 'staff', sub: world.mediator.id } as never, { expiresIn: 60 });
  const expired = t.server.app.jwt.sign({ typ: 'party', sub: invitation.id, room: world.roomId, case: world.caseId, name: 'x', role: 'applicant' } as never, { expiresIn: -10 });
  tokens = {
    none: undefined,
    admin: t.staffToken,
    clerk: world.clerk.token,
    mediator: world.mediator.token,
    party: world.applicantToken,
    link: invitation.token,
    expired,
    unsigned: `${foreign.split('.').slice(0, 2).join('.')}.${randomBytes(32).toString('base64url')}`,
    garbage: 'x'.repeat(50),
    huge: 'a'.repeat(16_000),
  };
  liveIds = [world.caseId, world.roomId, world.orgId, world.mediator.id, world.clerk.id, invitation.id, document.body.id];
});

/** Requests sent and not yet answered: after the run there must be none (a request the server never ends is a hang). */
const pending = new Set<string>();
/** route → status → count, printed with FUZZ_TALLY=1: shows the fuzz reached past validation. */
const tally = new Map<string, Map<number, number>>();

afterAll(async () => {
  if (process.env.FUZZ_TALLY) {
    for (const [route, statuses] of [...tally].sort()) console.log(route.padEnd(56), [...statuses].sort().map(([s, n]) => `${s}=${n}`).join(' '));
  }
  if (pending.size) console.error(`unanswered requests:\n${[...pending].join('\n')}`);
  await t?.close();
});

interface Route {
  method: string;
  url: string;
  schema?: { body?: unknown; querystring?: unknown; params?: unknown };
}

/** A path parameter sent as is, not percent-encoded (broken escapes, overlong UTF-8). */
const RAW = 'RAW:';
const encodeSegment = (value: string) => (value.startsWith(RAW) ? value.slice(RAW.length) : [...Buffer.from(value)].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join(''));

/**
 * Bytes shaped like a signed PDF, so the signature reader gets past "no /ByteRange":
 * a /Contents hex string (long runs of zero padding, odd tails, non-hex) and a ByteRange
 * that points at it (or near it, or past the end).
 */
const pdfShaped = fc
  .record({
    head: fc.string({ maxLength: 200 }),
    zeros: fc.integer({ min: 0, max: 40_000 }),
    tail: fc.constantFrom('', '01', '0', 'zz', '3082', '00'.repeat(3) + '1'),
    extra: fc.string({ maxLength: 200 }),
    skew: fc.constantFrom(0, 0, 0, 1, -1, 1_000_000),
  })
  .map(({ head, zeros, tail, extra, skew }) => {
    const before = `%PDF-1.7\n${head}\n/Contents `;
    const contents = `<${'00'.repeat(zeros)}${tail}>`;
    const b = before.length;
    const c = b + contents.length;
    const trailer = (d: number) => ` ${extra}\n/ByteRange [0 ${String(b).padEnd(10)} ${String(c + skew).padEnd(10)} ${String(d).padEnd(10)}]\n%%EOF`;
    const d = trailer(0).length;
    return Buffer.from(before + contents + trailer(d), 'latin1');
  });

const multipartFields: Record<string, unknown> = { application: ApplicationBody, counterclaim: CounterclaimBody };

function routeArbitrary(route: Route) {
  const params = [...route.url.matchAll(/:([A-Za-z0-9_]+)|\*/g)].map((m) => m[1] ?? '*');
  const idArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...liveIds) }, { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%ED%A0%80', '%C0%AF', '%00', '%2e%2e').map((raw) => `${RAW}${raw}`) }, { weight: 2, arbitrary: fc.uuid() }, { weight: 2, arbitrary: nastyString }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 20 }).map(String) });
  const paramArb = params.length
    ? fc.tuple(...params.map((p) => (p === '*' ? fc.oneof(nastyString, fc.constantFrom('party.html', '../package.json', '..%2f..%2fpackage.json', 'a/b/../../c', '%2e%2e/%2e%2e/etc/passwd')) : idArb)))
    : fc.constant([] as string[]);
  const queryValid = route.schema?.querystring ? fromSchema(route.schema.querystring) : fc.constant({});
  const queryArb = fc.oneof(queryValid, queryValid.chain((q) => mutated(q, 4_000)), fc.dictionary(nastyString, nastyString, { maxKeys: 5 }));
  const bodyValid = route.schema?.body ? fromSchema(route.schema.body, fc.oneof(fc.constantFrom(...liveIds), fc.uuid())) : fc.constant({});
  const jsonBody = fc.oneof(
    { weight: 3, arbitrary: bodyValid },
    { weight: 4, arbitrary: bodyValid.chain((b) => mutated(b, 200_000)) },
    { weight: 2, arbitrary: hostileValue(200_000) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
  );
  const multipart = fc.record({
    field: fc.constantFrom('application', 'counterclaim', 'evidence', 'file', 'x'),
    json: fc.oneof(...Object.values(multipartFields).map((schema) => fromSchema(schema).chain((v) => fc.oneof(fc.constant(v), mutated(v, 20_000))))),
    files: fc.array(
      fc.record({
        name: fc.oneof(nastyString, fc.constantFrom('a.png', 'a.pdf', '../../x.pdf', '')),
        data: fc.oneof(fc.constant(tinyPng), fc.constant(Buffer.from('%PDF-1.7\n%%EOF')), fc.uint8Array({ maxLength: 2_000 }).map((a) => Buffer.from(a))),
      }),
      { maxLength: 3 },
    ),
  });
  const body = fc.oneof(
    { weight: 6, arbitrary: jsonBody.map((value) => ({ kind: 'json' as const, value })) },
    { weight: 1, arbitrary: fc.constantFrom('{"a":', '[', 'null', '"', '{"__proto__":{"x":1}}', '\u0000').map((value) => ({ kind: 'raw-json' as const, value })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'oversized' as const, value: null }) },
    { weight: 2, arbitrary: multipart.map((value) => ({ kind: 'multipart' as const, value })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 70_000 }).map((a) => ({ kind: 'octets' as const, value: Buffer.from(a) })) },
    { weight: route.url === '/api/verify' ? 8 : 1, arbitrary: pdfShaped.map((value) => ({ kind: 'octets' as const, value })) },
    { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/json; charset=utf-7', '*/*').map((type) => ({ kind: 'type' as const, value: type })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const, value: null }) },
  );
  return fc.record({
    params: paramArb,
    query: queryArb,
    body,
    // Mostly tokens that get past authentication, so bodies reach the handlers.
    auth: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('admin', 'mediator', 'party') }, { weight: 3, arbitrary: fc.constantFrom(...Object.keys(tokens)) }),
    headerStyle: fc.constantFrom('bearer', 'lower', 'basic', 'double'),
    language: fc.oneof(fc.constantFrom('zh-CN', 'en', 'en-US,en;q=0.9'), nastyString.map((s) => s.replace(/[^\x20-\x7e]/g, ''))),
  });
}

type Case = ReturnType<typeof routeArbitrary> extends fc.Arbitrary<infer T> ? T : never;

function buildRequest(route: Route, c: Case): { url: string; init: RequestInit; describe: string } {
  let i = 0;
  const path = route.url.replace(/:([A-Za-z0-9_]+)|\*/g, () => encodeSegment(String(c.params[i++] ?? '')).replace(/%2F/gi, (m) => (route.url.endsWith('*') ? '/' : m)));
  const query = new URLSearchParams();
  if (c.query && typeof c.query === 'object' && !Array.isArray(c.query)) {
    for (const [k, v] of Object.entries(c.query as Record<string, unknown>)) query.append(k, typeof v === 'string' ? v : describePayload(v));
  }
  const headers: Record<string, string> = { 'accept-language': c.language };
  const token = tokens[c.auth];
  if (token) {
    headers.authorization = { bearer: `Bearer ${token}`, lower: `bearer ${token}`, basic: `Basic ${token}`, double: `Bearer ${token} ${token}` }[c.headerStyle]!;
  }
  let body: BodyInit | undefined;
  const withBody = !['GET', 'HEAD'].includes(route.method);
  let what: string = c.body.kind;
  if (withBody) {
    switch (c.body.kind) {
      case 'json': {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(c.body.value) ?? 'null';
        what = `json ${describePayload(c.body.value)}`;
        break;
      }
      case 'raw-json':
        headers['content-type'] = 'application/json';
        body = c.body.value;
        what = `raw ${c.body.value}`;
        break;
      case 'oversized':
        headers['content-type'] = 'application/json';
        body = JSON.stringify({ text: 'x'.repeat(1_200_000) });
        break;
      case 'multipart': {
        const form = new FormData();
        form.append(c.body.value.field, JSON.stringify(c.body.value.json));
        for (const file of c.body.value.files) form.append('evidence', new Blob([new Uint8Array(file.data)]), file.name || 'f');
        body = form;
        what = `multipart ${c.body.value.field}=${describePayload(c.body.value.json)} + ${c.body.value.files.length} files`;
        break;
      }
      case 'octets':
        headers['content-type'] = 'application/octet-stream';
        body = new Uint8Array(c.body.value);
        what = `octets ${c.body.value.length} bytes`;
        break;
      case 'type':
        headers['content-type'] = c.body.value;
        body = 'a=1&b=2';
        break;
      case 'none':
        break;
    }
  }
  const url = `${t.url}${path}${query.size ? `?${query}` : ''}`;
  return { url, init: { method: route.method, headers, body }, describe: `${route.method} ${path}${query.size ? `?${query}` : ''} auth=${c.auth}/${c.headerStyle} body=${what}` };
}

async function check(route: Route, c: Case): Promise<void> {
  const { url, init, describe } = buildRequest(route, c);
  const before = await storeSnapshot(t.server.db);
  const started = performance.now();
  let status: number;
  let text: string;
  let type: string;
  pending.add(describe);
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(HTTP_BOUND_MS + 5_000) });
    status = response.status;
    type = response.headers.get('content-type') ?? '';
    text = await response.text();
  } catch (error) {
    throw new Error(`${describe}: no answer (${(error as Error).message})`);
  } finally {
    pending.delete(describe);
  }
  const elapsed = performance.now() - started;
  if (process.env.FUZZ_SLOW && elapsed > Number(process.env.FUZZ_SLOW)) console.log(`slow ${Math.round(elapsed)} ms: ${describe.slice(0, 300)}`);
  const key = `${route.method} ${route.url}`;
  const statuses = tally.get(key) ?? new Map<number, number>();
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  tally.set(key, statuses);
  const where = `${describe} → ${status} ${text.slice(0, 200)}`;
  expect(elapsed, `${where}: reply time`).toBeLessThan(HTTP_BOUND_MS);
  expect(status < 500 || status === 503, `${where}: no server error`).toBe(true);
  if (status >= 400) {
    expect(type, `${where}: errors are JSON`).toMatch(/^application\/json/);
    const parsed = JSON.parse(text) as { code?: unknown; message?: unknown };
    expect(typeof parsed.code === 'string' && parsed.code.length > 0, `${where}: error has a code`).toBe(true);
    expect(typeof parsed.message, `${where}: error has a message`).toBe('string');
    const after = await storeSnapshot(t.server.db);
    for (const table of REFUSAL_SIDE_EFFECTS) delete after[table], delete before[table];
    expect(changedKeys(before, after), `${where}: a refused request changes nothing`).toEqual([]);
  }
}

describe('HTTP routes under fuzzing', () => {
  it('the catalogue lists the routes the server serves', () => {
    const routes = t.server.routes.map((r) => `${r.method} ${r.url}`);
    expect(routes).toContain('POST /api/verify');
    expect(routes).toContain('GET /api/health');
    expect(routes.length).toBeGreaterThan(30);
  });

  it('every route: random, mutated, oversized and unauthorised input', async () => {
    // In a random order, so no route is always the one left with the end of the time budget.
    const routes = (t.server.routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS') as Route[])
      .map((route) => ({ route, order: Math.random() }))
      .sort((a, b) => a.order - b.order)
      .map(({ route }) => route);
    // Each route gets its share of the time, but never less than one slow reply on a busy machine.
    const budget = Math.max(3 * HTTP_BOUND_MS, Math.floor(FUZZ_TIME_MS / routes.length));
    const deadline = Date.now() + FUZZ_TIME_MS;
    const counts: Record<string, number> = {};
    for (const route of routes) {
      const key = `${route.method} ${route.url}`;
      counts[key] = 0;
      await fc.assert(
        fc.asyncProperty(routeArbitrary(route), async (c) => {
          counts[key]!++;
          await check(route, c);
        }),
        // Past the overall deadline the remaining routes still get a few cases each.
        { ...fuzzOptions(), numRuns: Date.now() < deadline ? RUNS_PER_ROUTE : 3, interruptAfterTimeLimit: budget },
      );
      const health = await t.api<{ status: string }>('GET', '/api/health');
      expect(health.body.status, `the server still answers after ${key}`).toBe('ok');
    }
    for (const [key, n] of Object.entries(counts)) expect(n, `${key} was fuzzed`).toBeGreaterThan(0);
  }, FUZZ_TIME_MS + 120_000);
});
