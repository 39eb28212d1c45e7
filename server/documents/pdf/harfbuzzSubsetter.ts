/**
 * HarfBuzz's subsetter (the wasm build npm subset-font ships) with each CJK
 * face kept resident in its heap. subset-font copies the whole 16 MB face
 * into wasm memory, parses it and throws it away on every call; here a face
 * is copied and parsed once, and HarfBuzz's per-face tables (cmap, CFF
 * accelerators) stay warm for the next document. Calls are synchronous, so
 * they never interleave on the one instance.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface HarfBuzz {
  memory: WebAssembly.Memory;
  _initialize(): void;
  malloc(size: number): number;
  free(ptr: number): void;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, length: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_set(input: number, which: number): number;
  hb_subset_input_unicode_set(input: number): number;
  hb_subset_input_get_flags(input: number): number;
  hb_subset_input_set_flags(input: number, flags: number): void;
  hb_subset_or_fail(face: number, input: number): number;
  hb_set_clear(set: number): void;
  hb_set_add(set: number, value: number): void;
}

const HB_MEMORY_MODE_WRITABLE = 2;
const HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6;
const HB_SUBSET_FLAGS_NO_LAYOUT_CLOSURE = 0x00000200;
/** Faces kept resident (a document uses two: regular and bold). */
const MAX_FACES = 4;

let instance: Promise<HarfBuzz> | undefined;

/** Instantiates the wasm once per process. */
export function harfBuzz(): Promise<HarfBuzz> {
  instance ??= (async () => {
    const require = createRequire(createRequire(import.meta.url).resolve('subset-font'));
    const wasm = readFileSync(require.resolve('harfbuzzjs/dist/harfbuzz-subset.wasm'));
    const { instance: module } = await WebAssembly.instantiate(wasm);
    const hb = module.exports as unknown as HarfBuzz;
    hb._initialize();
    return hb;
  })();
  return instance;
}

const faces = new Map<Buffer, { face: number; data: number }>();

function residentFace(hb: HarfBuzz, font: Buffer): number {
  const known = faces.get(font);
  if (known !== undefined) return known.face;
  if (faces.size >= MAX_FACES) {
    const [oldest, resident] = faces.entries().next().value!;
    hb.hb_face_destroy(resident.face);
    hb.free(resident.data);
    faces.delete(oldest);
  }
  const data = hb.malloc(font.byteLength);
  if (data === 0) throw new Error('HarfBuzz could not allocate memory for the font');
  new Uint8Array(hb.memory.buffer).set(font, data);
  // No destroy callback: the bytes are freed with the face, above.
  const blob = hb.hb_blob_create(data, font.byteLength, HB_MEMORY_MODE_WRITABLE, 0, 0);
  const face = hb.hb_face_create(blob, 0);
  hb.hb_blob_destroy(blob);
  faces.set(font, { face, data });
  return face;
}

/**
 * The subset of `font` (an OpenType file) with the given characters, no
 * layout features and no layout closure, as an OpenType file.
 */
export async function subsetResident(font: Buffer, characters: string): Promise<Buffer> {
  const hb = await harfBuzz();
  const face = residentFace(hb, font);
  const input = hb.hb_subset_input_create_or_fail();
  if (input === 0) throw new Error('HarfBuzz could not create a subset input');
  let subset = 0;
  try {
    hb.hb_set_clear(hb.hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG));
    hb.hb_subset_input_set_flags(input, hb.hb_subset_input_get_flags(input) | HB_SUBSET_FLAGS_NO_LAYOUT_CLOSURE);
    const unicodes = hb.hb_subset_input_unicode_set(input);
    for (const c of characters) hb.hb_set_add(unicodes, c.codePointAt(0)!);
    subset = hb.hb_subset_or_fail(face, input);
  } finally {
    hb.hb_subset_input_destroy(input);
  }
  if (subset === 0) throw new Error('HarfBuzz could not subset the font');
  const blob = hb.hb_face_reference_blob(subset);
  try {
    const offset = hb.hb_blob_get_data(blob, 0);
    const length = hb.hb_blob_get_length(blob);
    if (length === 0) throw new Error('HarfBuzz returned an empty subset');
    return Buffer.from(new Uint8Array(hb.memory.buffer, offset, length));
  } finally {
    hb.hb_blob_destroy(blob);
    hb.hb_face_destroy(subset);
  }
}
