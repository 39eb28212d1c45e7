/**
 * pdf-lib compresses every stream it writes (fonts, page content, images,
 * ToUnicode maps) with pako, a JavaScript zlib — a third of a seal's time.
 * Here pako's `deflate` as pdf-lib loads it is pointed at Node's own zlib
 * (same zlib format, same default level), once, when this module loads.
 * Only the pako copy pdf-lib resolves is touched.
 */
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';

const fromPdfLib = createRequire(createRequire(import.meta.url).resolve('pdf-lib'));
const pako = fromPdfLib('pako') as { deflate: (data: Uint8Array, options?: { level?: number }) => Uint8Array };

if (!(pako.deflate as { native?: boolean }).native) {
  const native = (data: Uint8Array, options?: { level?: number }) => deflateSync(data, options?.level === undefined ? {} : { level: options.level });
  pako.deflate = Object.assign(native, { native: true });
}

export const pdfLibDeflateIsNative = true;
