/**
 * A canvas to sign on with a finger (or a mouse): pointer events with the
 * page's scrolling held off, strokes smoothed, and the result exported as a
 * PNG cropped to the ink (transparent background) at the screen's density.
 */
export interface SignaturePad {
  canvas: HTMLCanvasElement;
  isEmpty(): boolean;
  clear(): void;
  /** The drawing as a PNG data URL, cropped to the strokes with a margin. */
  toPng(): string;
  /** Re-measures after the canvas was shown or resized (clears it). */
  resize(): void;
  onChange(listener: () => void): void;
}

const INK = '#0b1f4d';

export function createSignaturePad(canvas: HTMLCanvasElement): SignaturePad {
  const ctx = canvas.getContext('2d')!;
  let ratio = 1;
  let strokes = 0;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let last: { x: number; y: number } | null = null;
  let mid: { x: number; y: number } | null = null;
  const listeners: (() => void)[] = [];

  const resize = () => {
    const rect = canvas.getBoundingClientRect();
    ratio = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
    canvas.width = Math.max(1, Math.round(rect.width * ratio));
    canvas.height = Math.max(1, Math.round(rect.height * ratio));
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.lineWidth = 3;
    strokes = 0;
    minX = minY = Infinity;
    maxX = maxY = -Infinity;
  };

  const point = (event: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    const p = { x: event.clientX - rect.left, y: event.clientY - rect.top };
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
    return p;
  };

  canvas.style.touchAction = 'none';
  canvas.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    canvas.setPointerCapture?.(event.pointerId);
    last = point(event);
    mid = last;
    ctx.beginPath();
    ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, Math.PI * 2);
    ctx.fill();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!last || !mid) return;
    event.preventDefault();
    const p = point(event);
    const nextMid = { x: (last.x + p.x) / 2, y: (last.y + p.y) / 2 };
    ctx.beginPath();
    ctx.moveTo(mid.x, mid.y);
    ctx.quadraticCurveTo(last.x, last.y, nextMid.x, nextMid.y);
    ctx.stroke();
    last = p;
    mid = nextMid;
  });
  const end = () => {
    if (!last) return;
    last = null;
    mid = null;
    strokes++;
    for (const listener of listeners) listener();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener('pointerleave', end);

  resize();
  return {
    canvas,
    isEmpty: () => strokes === 0,
    clear() {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      resize();
      for (const listener of listeners) listener();
    },
    toPng() {
      const margin = 8;
      const x = Math.max(0, Math.floor((minX - margin) * ratio));
      const y = Math.max(0, Math.floor((minY - margin) * ratio));
      const w = Math.min(canvas.width - x, Math.ceil((maxX - minX + 2 * margin) * ratio));
      const h = Math.min(canvas.height - y, Math.ceil((maxY - minY + 2 * margin) * ratio));
      // Wide enough to be legible in print, small enough to upload on a slow link.
      const scale = Math.min(1, 900 / Math.max(1, w));
      const out = document.createElement('canvas');
      out.width = Math.max(20, Math.round(w * scale));
      out.height = Math.max(10, Math.round(h * scale));
      out.getContext('2d')!.drawImage(canvas, x, y, Math.max(1, w), Math.max(1, h), 0, 0, out.width, out.height);
      return out.toDataURL('image/png');
    },
    resize,
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
