/** Where document files live: DATA_DIR/documents/<document id>/…, named by content so nothing is ever overwritten. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export class DocumentStorage {
  constructor(readonly root: string) {}

  /** Absolute path of a stored file (paths in the store are relative to the root). */
  resolve(relative: string): string {
    const full = path.resolve(this.root, relative);
    if (!full.startsWith(path.resolve(this.root) + path.sep)) throw new Error('Document path outside the documents directory');
    return full;
  }

  /** Writes atomically (temp file, then rename) and returns the relative path. */
  async write(documentId: string, name: string, data: Uint8Array): Promise<string> {
    const relative = path.join(documentId, name);
    const full = this.resolve(relative);
    await mkdir(path.dirname(full), { recursive: true });
    const temp = `${full}.${process.pid}.tmp`;
    await writeFile(temp, data, { flag: 'w' });
    await rename(temp, full);
    return relative;
  }
}
