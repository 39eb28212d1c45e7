/** Where document files live: DATA_DIR/documents/<document id>/…, named by content so nothing is ever overwritten. */
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export class DocumentStorage {
  constructor(readonly root: string) {}

  /** Absolute path of a stored file (paths in the store are relative to the root). */
  resolve(relative: string): string {
    const full = path.resolve(this.root, relative);
    if (!full.startsWith(path.resolve(this.root) + path.sep)) throw new Error('Document path outside the documents directory');
    return full;
  }

  /**
   * Writes atomically and durably (temp file flushed to disk, renamed, the
   * directory flushed) and returns the relative path: the store only ever
   * names complete files, even after a crash or power loss.
   */
  async write(documentId: string, name: string, data: Uint8Array): Promise<string> {
    const relative = path.join(documentId, name);
    const full = this.resolve(relative);
    await mkdir(path.dirname(full), { recursive: true });
    const temp = `${full}.${process.pid}.tmp`;
    const file = await open(temp, 'w');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, full);
    const dir = await open(path.dirname(full), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return relative;
  }

  /** On start: removes temp files a killed server left half-written (the store never names them). */
  async sweepTemporary(): Promise<string[]> {
    const names = await readdir(this.root, { recursive: true }).catch(() => [] as string[]);
    const temps = names.filter((name) => name.endsWith('.tmp'));
    for (const name of temps) await rm(this.resolve(name), { force: true });
    return temps;
  }
}
