/**
 * Text layout for Chinese documents: line wrapping with the line-start and
 * line-end rules of Chinese typesetting (no comma at the start of a line,
 * no opening bracket at its end), Latin words and numbers kept whole, and a
 * flow that fills A4 pages top to bottom, starting a new page when the next
 * line, row or block does not fit. Page numbers are stamped once all pages
 * exist ("第 x 页 共 y 页").
 */
import { rgb, type PDFDocument, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';

export const A4: [number, number] = [595.28, 841.89];
export const INK = rgb(0.08, 0.08, 0.1);
export const GREY = rgb(0.38, 0.4, 0.44);
export const RULE = rgb(0.72, 0.74, 0.78);
export const SHADE = rgb(0.94, 0.95, 0.96);

/** Characters that may not begin a line (they hang at the end of the previous one). */
const NO_LINE_START = new Set([...'，。、；：！？）》」』】〕〉”’…—·％,.;:!?)]}%']);
/** Characters that may not end a line (they move to the next one). */
const NO_LINE_END = new Set([...'（《「『【〔〈“‘([{']);

export type Measure = (text: string) => number;

/** Per font, each character's width at size 1 (fontkit's layout is slow; widths scale with size). */
const unitWidths = new WeakMap<PDFFont, Map<string, number>>();

/** Width of text at a size, summed per character (the subset has no kerning), cached per font and character. */
export function measurer(font: PDFFont, size: number): Measure {
  let widths = unitWidths.get(font);
  if (!widths) unitWidths.set(font, (widths = new Map()));
  const known = widths;
  return (text) => {
    let total = 0;
    for (const char of text) {
      let width = known.get(char);
      if (width === undefined) {
        width = font.widthOfTextAtSize(char, 1);
        known.set(char, width);
      }
      total += width;
    }
    return total * size;
  };
}

/** Breaks text into tokens: runs of Latin letters, digits and ASCII symbols; runs of spaces; any other single character. */
function tokens(text: string): string[] {
  return text.match(/[\x21-\x7e\u00c0-\u024f]+|[ \t]+|[\s\S]/gu) ?? [];
}

/**
 * Wraps one paragraph (no newlines) into lines no wider than `width`
 * (the first `firstIndent` narrower). Line-start punctuation hangs past the
 * edge rather than starting a line.
 */
export function wrapParagraph(text: string, measure: Measure, width: number, firstIndent = 0): string[] {
  const lines: string[] = [];
  let line = '';
  const available = () => width - (lines.length === 0 ? firstIndent : 0);
  const push = () => {
    lines.push(line.trimEnd());
    line = '';
  };
  const queue = tokens(text);
  while (queue.length) {
    const token = queue.shift()!;
    const isSpace = /^[ \t]+$/.test(token);
    if (isSpace && line === '') continue;
    if (measure(line + token) <= available()) {
      line += token;
      continue;
    }
    if (isSpace) {
      push();
      continue;
    }
    if (line !== '' && token.length === 1 && NO_LINE_START.has(token)) {
      line += token; // hanging punctuation
      push();
      continue;
    }
    if (line === '') {
      // A token wider than a whole line (a hash, a long number): cut it where it reaches the edge.
      let piece = '';
      for (const char of token) {
        if (piece !== '' && measure(piece + char) > available()) {
          line = piece;
          push();
          piece = '';
        }
        piece += char;
      }
      line = piece;
      continue;
    }
    let carry = '';
    while (line.length > 1 && NO_LINE_END.has(line.at(-1)!)) {
      carry = line.at(-1)! + carry;
      line = line.slice(0, -1);
    }
    push();
    line = carry;
    queue.unshift(token);
  }
  if (line !== '' || lines.length === 0) push();
  return lines;
}

/** Wraps text with hard line breaks: each paragraph separately, each paragraph's first line indented. */
export function wrapText(text: string, measure: Measure, width: number, firstIndent = 0): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .flatMap((paragraph) => wrapParagraph(paragraph, measure, width, firstIndent));
}

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

export interface FlowOptions {
  margins: { top: number; bottom: number; left: number; right: number };
  /** Draws the running header (and anything else every page carries) on each new page. */
  onNewPage?: (page: PDFPage, index: number) => void;
}

export interface TextOptions {
  size?: number;
  bold?: boolean;
  color?: RGB;
  /** Line height as a multiple of the size. */
  leading?: number;
  /** First-line indent in ems (2 for Chinese body text). */
  indent?: number;
  align?: 'left' | 'center' | 'right';
  /** Space after the block, in points. */
  after?: number;
  /** Left offset inside the content area, in points. */
  inset?: number;
}

export interface Column {
  title: string;
  /** Share of the table's width. */
  width: number;
  align?: 'left' | 'center' | 'right';
}

export class Flow {
  readonly pages: PDFPage[] = [];
  page!: PDFPage;
  /** The top of the free space on the current page. */
  y = 0;

  constructor(
    readonly doc: PDFDocument,
    readonly fonts: Fonts,
    readonly options: FlowOptions,
  ) {}

  get left(): number {
    return this.options.margins.left;
  }

  get width(): number {
    return A4[0] - this.options.margins.left - this.options.margins.right;
  }

  get bottom(): number {
    return this.options.margins.bottom;
  }

  /** Height available on a fresh page. */
  get pageHeight(): number {
    return A4[1] - this.options.margins.top - this.options.margins.bottom;
  }

  newPage(): PDFPage {
    this.page = this.doc.addPage(A4);
    this.pages.push(this.page);
    this.y = A4[1] - this.options.margins.top;
    this.options.onNewPage?.(this.page, this.pages.length - 1);
    return this.page;
  }

  /** Starts a new page unless `height` still fits on this one; true when it did. */
  ensure(height: number): boolean {
    if (!this.page || this.y - height < this.bottom) {
      this.newPage();
      return true;
    }
    return false;
  }

  space(height: number): void {
    if (!this.page) this.newPage();
    this.y -= height;
  }

  font(bold?: boolean): PDFFont {
    return bold ? this.fonts.bold : this.fonts.regular;
  }

  /** Draws one line of text with its top at `top`; returns the baseline. */
  drawLine(text: string, x: number, top: number, options: TextOptions & { width?: number } = {}): number {
    const size = options.size ?? 11;
    const leading = options.leading ?? 1.7;
    const font = this.font(options.bold);
    const baseline = top - (leading * size) / 2 - size * 0.36;
    let at = x;
    if (options.align && options.align !== 'left' && options.width !== undefined) {
      const w = measurer(font, size)(text);
      at = options.align === 'center' ? x + (options.width - w) / 2 : x + options.width - w;
    }
    if (text) this.page.drawText(text, { x: at, y: baseline, size, font, color: options.color ?? INK });
    return baseline;
  }

  /** A paragraph (or several, split at newlines), wrapped and flowed across pages line by line. */
  paragraph(text: string, options: TextOptions = {}): void {
    const size = options.size ?? 11;
    const lineHeight = size * (options.leading ?? 1.7);
    const inset = options.inset ?? 0;
    const measure = measurer(this.font(options.bold), size);
    const indent = (options.indent ?? 0) * size;
    const paragraphs = text.replace(/\r\n?/g, '\n').split('\n');
    for (const paragraph of paragraphs) {
      const lines = wrapParagraph(paragraph, measure, this.width - inset, indent);
      lines.forEach((line, i) => {
        this.ensure(lineHeight);
        this.drawLine(line, this.left + inset + (i === 0 ? indent : 0), this.y, { ...options, width: this.width - inset });
        this.y -= lineHeight;
      });
    }
    this.y -= options.after ?? 4;
  }

  /** A section heading, kept on the page with at least two lines of what follows. */
  heading(text: string, options: TextOptions = {}): void {
    const size = options.size ?? 12.5;
    const lineHeight = size * 1.8;
    this.ensure(lineHeight + 2 * 11 * 1.7);
    this.y -= 4;
    this.drawLine(text, this.left, this.y, { size, bold: true, leading: 1.8 });
    this.y -= lineHeight;
  }

  /** Label–value rows: the label in grey on the left, the value wrapped beside it. */
  fields(rows: [string, string][], options: TextOptions & { labelWidth?: number } = {}): void {
    const size = options.size ?? 11;
    const lineHeight = size * (options.leading ?? 1.65);
    const labelWidth = options.labelWidth ?? 7 * size;
    const measure = measurer(this.fonts.regular, size);
    const labelMeasure = measurer(this.fonts.regular, size);
    for (const [label, value] of rows) {
      const labelLines = wrapText(label, labelMeasure, labelWidth - size * 0.5);
      const valueLines = wrapText(value || '—', measure, this.width - labelWidth);
      const lines = Math.max(labelLines.length, valueLines.length);
      // Keep short rows whole; longer values may continue on the next page.
      if (lines <= 4) this.ensure(lines * lineHeight);
      for (let i = 0; i < lines; i++) {
        this.ensure(lineHeight);
        if (labelLines[i]) this.drawLine(labelLines[i]!, this.left, this.y, { size, color: GREY, leading: options.leading ?? 1.65 });
        if (valueLines[i] !== undefined) this.drawLine(valueLines[i]!, this.left + labelWidth, this.y, { size, leading: options.leading ?? 1.65 });
        this.y -= lineHeight;
      }
    }
    this.y -= options.after ?? 4;
  }

  /** A ruled table; the header row repeats on every page the table continues on. */
  table(columns: Column[], rows: string[][], options: TextOptions = {}): void {
    const size = options.size ?? 10;
    const leading = options.leading ?? 1.5;
    const lineHeight = size * leading;
    const pad = 4;
    const total = columns.reduce((sum, c) => sum + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const xs = widths.map((_, i) => this.left + widths.slice(0, i).reduce((a, b) => a + b, 0));
    const regular = measurer(this.fonts.regular, size);
    const bold = measurer(this.fonts.bold, size);
    const cellLines = (cells: string[], isHeader: boolean) =>
      cells.map((cell, i) => wrapText(cell || '—', isHeader ? bold : regular, widths[i]! - 2 * pad));
    const drawRow = (cells: string[], isHeader: boolean) => {
      const lines = cellLines(cells, isHeader);
      const height = Math.max(...lines.map((l) => l.length)) * lineHeight + 2 * pad;
      const top = this.y;
      if (isHeader) this.page.drawRectangle({ x: this.left, y: top - height, width: this.width, height, color: SHADE });
      lines.forEach((cellText, i) => {
        cellText.forEach((line, j) => {
          this.drawLine(line, xs[i]! + pad, top - pad - j * lineHeight, { size, bold: isHeader, leading, align: columns[i]!.align ?? 'left', width: widths[i]! - 2 * pad });
        });
      });
      this.page.drawLine({ start: { x: this.left, y: top - height }, end: { x: this.left + this.width, y: top - height }, thickness: 0.5, color: RULE });
      for (const x of [...xs, this.left + this.width]) {
        this.page.drawLine({ start: { x, y: top }, end: { x, y: top - height }, thickness: 0.5, color: RULE });
      }
      this.y -= height;
    };
    const header = columns.map((c) => c.title);
    const headerHeight = Math.max(...cellLines(header, true).map((l) => l.length)) * lineHeight + 2 * pad;
    const startTable = () => {
      this.page.drawLine({ start: { x: this.left, y: this.y }, end: { x: this.left + this.width, y: this.y }, thickness: 0.5, color: RULE });
      drawRow(header, true);
    };
    const firstRowHeight = rows[0] ? Math.max(...cellLines(rows[0], false).map((l) => l.length)) * lineHeight + 2 * pad : 0;
    this.ensure(headerHeight + firstRowHeight);
    startTable();
    for (const row of rows) {
      const height = Math.max(...cellLines(row, false).map((l) => l.length)) * lineHeight + 2 * pad;
      if (this.y - height < this.bottom) {
        this.newPage();
        startTable();
      }
      drawRow(row, false);
    }
    this.y -= options.after ?? 8;
  }

  rule(): void {
    this.ensure(8);
    this.page.drawLine({ start: { x: this.left, y: this.y - 4 }, end: { x: this.left + this.width, y: this.y - 4 }, thickness: 0.6, color: RULE });
    this.y -= 8;
  }
}

/** Stamps every page's footer once the page count is known. */
export function stampFooters(
  pages: PDFPage[],
  font: PDFFont,
  footer: (index: number, count: number) => { left?: string; center?: string; right?: string },
  options: { size?: number; margin?: number; y?: number } = {},
): void {
  const size = options.size ?? 9;
  const margin = options.margin ?? 56;
  const y = options.y ?? 30;
  const measure = measurer(font, size);
  pages.forEach((page, i) => {
    const text = footer(i, pages.length);
    if (text.left) page.drawText(text.left, { x: margin, y, size, font, color: GREY });
    if (text.center) page.drawText(text.center, { x: (A4[0] - measure(text.center)) / 2, y, size, font, color: GREY });
    if (text.right) page.drawText(text.right, { x: A4[0] - margin - measure(text.right), y, size, font, color: GREY });
  });
}

/** "第 x 页 共 y 页" */
export function pageNumber(index: number, count: number): string {
  return `第 ${index + 1} 页 共 ${count} 页`;
}
