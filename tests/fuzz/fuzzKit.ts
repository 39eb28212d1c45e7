/**
 * What the fuzz tests share: bounds, a snapshot of the whole store, values
 * an attacker would send (oversized, deeply nested, many keys, odd
 * unicode, prototype keys), arbitraries built from a route's JSON schema,
 * and mutations of a valid value (drop, add, retype, oversize a field).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { Db } from '../../server/store/database.ts';

/** Each fuzz property stops after this many runs or this much time, whichever comes first. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 150);
export const FUZZ_TIME_MS = Number(process.env.FUZZ_TIME_MS ?? 16_000);
/** A correctness bound (nothing hangs), not a performance goal. */
export const REPLY_BOUND_MS = Number(process.env.FUZZ_REPLY_BOUND_MS ?? 5_000);

export function fuzzOptions(): fc.Parameters<unknown> {
  return {
    numRuns: FUZZ_RUNS,
    interruptAfterTimeLimit: FUZZ_TIME_MS,
    markInterruptAsFailure: false,
    // The world is stateful: shrinking would replay against a changed server.
    endOnFailure: true,
    ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
    // The default report prints the counterexample recursively, and hostile values nest thousands deep;
    // each step's own error already names its input (shortened).
    reporter(out) {
      if (!out.failed) return;
      const cause = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
      throw new Error(`${cause}\n(after ${out.numRuns} runs; reproduce with FUZZ_SEED=${out.seed})`);
    },
  };
}

/** Tables the recorder writes on its own schedule (a part per producer lifetime and restart, segments as they complete). */
export const recorderTables = (table: string) => table.startsWith('recording');

/** One hash per table of every row, so "nothing changed" covers updates as well as inserts. */
export async function storeSnapshot(db: Db, skip: (table: string) => boolean = () => false): Promise<Record<string, string>> {
  const tables = (await db.introspection.getTables()).map((t) => t.name).filter((name) => !name.startsWith('kysely_') && !skip(name)).sort();
  const snapshot: Record<string, string> = {};
  for (const table of tables) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    const lines = rows.rows.map((row) => JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v))).sort();
    snapshot[table] = `${lines.length}:${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`;
  }
  return snapshot;
}

export const deepNest = (depth: number, leaf: unknown = 1, asArray = false): unknown => {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
};

const manyKeys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

/** Strings an attacker tries: control characters, lone surrogates, traversal, injection, format look-alikes. */
export const nastyString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uD800',
    '\uFFFF',
    '\u202E',
    '../../../../etc/passwd',
    '..%2F..%2Fetc%2Fpasswd',
    "' OR 1=1 --",
    '"; DROP TABLE cases; --',
    '<script>alert(1)</script>',
    '%00',
    '\r\nX-Injected: 1',
    'a=1\r\nb=2',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '__proto__',
    'constructor',
    'NaN',
    '1e309',
    '-0',
    '云庭'.repeat(50),
  ),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
);

/** Values of the wrong shape or size for any field. */
export function hostileValue(maxStringBytes = 100_000): fc.Arbitrary<unknown> {
  return fc.oneof(
    nastyString,
    fc.integer({ min: 1_000, max: maxStringBytes }).map((n) => 'x'.repeat(n)),
    fc.integer({ min: 100, max: 3_000 }).map((n) => deepNest(n)),
    fc.integer({ min: 100, max: 3_000 }).map((n) => deepNest(n, 'x', true)),
    fc.integer({ min: 100, max: 5_000 }).map(manyKeys),
    fc.integer({ min: 100, max: 5_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
    fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      2 ** 53 + 1,
      -(2 ** 63),
      1e308,
      Number.MAX_VALUE,
      [],
      {},
      [null],
      { __proto__: { polluted: true } },
      JSON.parse('{"__proto__":{"polluted":true}}'),
      { constructor: { prototype: { polluted: true } } },
      { toString: 'x', valueOf: 1, hasOwnProperty: 2 },
    ),
    fc.jsonValue({ maxDepth: 4 }),
  );
}

type JsonSchema = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
};

/** Values that (mostly) satisfy a JSON schema, to get past validation into the handler. */
export function fromSchema(schema: unknown, ids: fc.Arbitrary<string> = fc.uuid()): fc.Arbitrary<unknown> {
  const s = (schema ?? {}) as JsonSchema;
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const union = s.anyOf ?? s.oneOf;
  if (union?.length) return fc.oneof(...union.map((sub) => fromSchema(sub, ids)));
  if (s.allOf?.length) return fromSchema(s.allOf[0], ids);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string': {
      if (s.format === 'uuid') return ids;
      if (s.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= (s.maxLength ?? 4096));
      return fc.string({ unit: 'grapheme', minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 200) });
    }
    case 'integer':
      return fc.integer({ min: Math.ceil(s.minimum ?? -1000), max: Math.floor(Math.min(s.maximum ?? 1000, 2 ** 31)) });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const min = s.minItems ?? 0;
      return fc.array(fromSchema(s.items, ids), { minLength: min, maxLength: Math.min(s.maxItems ?? 4, min + 4) });
    }
    case 'object': {
      const properties = s.properties ?? {};
      const required = new Set(s.required ?? []);
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of Object.entries(properties)) model[key] = fromSchema(sub, ids);
      return fc.record(model, { requiredKeys: [...required].filter((k) => k in properties) });
    }
    default:
      return fc.jsonValue({ maxDepth: 3 });
  }
}

type Path = (string | number)[];

const safeString = (v: unknown) => {
  try {
    return String(v);
  } catch {
    return describePayload(v);
  }
};

function paths(value: unknown, prefix: Path = [], out: Path[] = [], depth = 0): Path[] {
  if (depth > 6) return out;
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([...prefix, i]), paths(v, [...prefix, i], out, depth + 1)));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push([...prefix, k]), paths(v, [...prefix, k], out, depth + 1);
  }
  return out;
}

/** Copies only along the path (values may be nested thousands deep), then changes the last step. */
function setAt(root: unknown, path: Path, update: (parent: Record<string | number, unknown>, key: string | number) => void): unknown {
  const shallow = (v: unknown) => (Array.isArray(v) ? [...v] : { ...(v as object) }) as Record<string | number, unknown>;
  if (!root || typeof root !== 'object') return root;
  const copy = shallow(root);
  let parent = copy;
  for (const key of path.slice(0, -1)) {
    const next = parent[key];
    // An earlier mutation changed the shape: this one has nothing left to change.
    if (!next || typeof next !== 'object') return copy;
    parent = parent[key] = shallow(next);
  }
  if (!(path.at(-1)! in parent)) return copy;
  update(parent, path.at(-1)!);
  return copy;
}

/** A valid value changed in one or a few places: a field dropped, added, retyped or made hostile. */
export function mutated(valid: unknown, maxStringBytes = 100_000): fc.Arbitrary<unknown> {
  const all = paths(valid);
  const one: fc.Arbitrary<(v: unknown) => unknown> = fc.oneof(
    ...(all.length
      ? [
          fc.tuple(fc.constantFrom(...all), hostileValue(maxStringBytes)).map(([p, h]) => (v: unknown) => setAt(v, p, (o, k) => void (o[k] = h))),
          fc.constantFrom(...all).map((p) => (v: unknown) => setAt(v, p, (o, k) => (Array.isArray(o) ? o.splice(Number(k), 1) : delete o[k]))),
          fc.constantFrom(...all).map((p) => (v: unknown) => setAt(v, p, (o, k) => void (o[k] = [o[k]]))),
          fc.constantFrom(...all).map((p) => (v: unknown) => setAt(v, p, (o, k) => void (o[k] = safeString(o[k])))),
        ]
      : []),
    fc.tuple(nastyString, hostileValue(1000)).map(([k, h]) => (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? { ...v, [k || 'extra']: h } : v)),
    fc.constant((v: unknown) => [v]),
  );
  return fc.array(one, { minLength: 1, maxLength: 3 }).map((fs) => fs.reduce((v, f) => f(v), valid));
}

/** What an attacker sends instead of a payload: anything at all, or a valid one mutated. */
export function payloadVariant(valid: fc.Arbitrary<unknown>, maxStringBytes = 100_000): fc.Arbitrary<{ variant: string; payload: unknown }> {
  return fc.oneof(
    { weight: 2, arbitrary: valid.map((payload) => ({ variant: 'valid', payload })) },
    { weight: 4, arbitrary: valid.chain((v) => mutated(v, maxStringBytes)).map((payload) => ({ variant: 'mutated', payload })) },
    { weight: 2, arbitrary: hostileValue(maxStringBytes).map((payload) => ({ variant: 'hostile', payload })) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }).map((payload) => ({ variant: 'random', payload })) },
  );
}

export function describePayload(payload: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(payload) ?? String(payload);
  } catch {
    text = String(payload);
  }
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
}

/** The top-level (and store-table) keys in which two snapshots differ, for a readable failure. */
export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed: string[] = [];
  for (const key of keys) {
    const a = before[key];
    const b = after[key];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a)) {
      for (const sub of changedKeys(a as Record<string, unknown>, b as Record<string, unknown>)) changed.push(`${key}.${sub}`);
    } else changed.push(key);
  }
  return changed;
}
