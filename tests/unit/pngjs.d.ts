/** The part of pngjs (a dependency of qrcode) the seal-image test uses to write PNGs with every row filter. */
declare module 'pngjs' {
  export class PNG {
    constructor(options: { width: number; height: number });
    width: number;
    height: number;
    data: Buffer;
    static sync: { write(png: PNG, options?: { filterType?: number; colorType?: number }): Buffer };
  }
}
