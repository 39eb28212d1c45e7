import { bindAttrs, bindText, type I18nArgs, type I18nKey } from './i18n.ts';

type Child = Node | string | null | undefined | false;

export interface Props {
  id?: string;
  class?: string;
  /** Plain text content (not translated). */
  text?: string;
  /** Translated text content, kept in sync with the language toggle. */
  i18n?: I18nKey;
  i18nArgs?: I18nArgs;
  /** Translated attributes, e.g. { 'aria-label': 'room.mute' }. */
  i18nAttrs?: Record<string, I18nKey>;
  attrs?: Record<string, string | number | boolean | undefined>;
  dataset?: Record<string, string>;
  /** Trusted markup only (the built-in SVG icons). */
  html?: string;
  on?: Partial<{ [E in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[E]) => void }>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.id) el.id = props.id;
  if (props.class) el.className = props.class;
  if (props.html !== undefined) el.innerHTML = props.html;
  if (props.text !== undefined) el.textContent = props.text;
  if (props.i18n) bindText(el, props.i18n, props.i18nArgs);
  if (props.i18nAttrs) bindAttrs(el, props.i18nAttrs);
  if (props.attrs) {
    for (const [name, value] of Object.entries(props.attrs)) {
      if (value === undefined || value === false) continue;
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  if (props.dataset) Object.assign(el.dataset, props.dataset);
  if (props.on) {
    for (const [type, handler] of Object.entries(props.on)) {
      if (handler) el.addEventListener(type, handler as EventListener);
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

export function $(selector: string, root: ParentNode = document): HTMLElement | null {
  return root.querySelector<HTMLElement>(selector);
}

export function clear(el: Element): void {
  while (el.firstChild) el.firstChild.remove();
}

/** Minimal typed event emitter; the session uses it to talk to the views. */
type Handler = (...args: unknown[]) => void;

export class Emitter<Events extends Record<string, unknown[]>> {
  private readonly handlers = new Map<keyof Events, Set<Handler>>();

  on<E extends keyof Events>(event: E, handler: (...args: Events[E]) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    const h = handler as unknown as Handler;
    set.add(h);
    return () => set.delete(h);
  }

  protected emit<E extends keyof Events>(event: E, ...args: Events[E]): void {
    const set = this.handlers.get(event);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        handler(...args);
      } catch (err) {
        console.error(`[yunting] ${String(event)} handler failed`, err);
      }
    }
  }

  removeAllListeners(): void {
    this.handlers.clear();
  }
}

/**
 * Mirrors the visible viewport height into --app-height: iOS Safari's 100vh
 * includes the area behind its toolbars, which would hide the control bar.
 */
export function syncViewportHeight(): void {
  const update = () => document.documentElement.style.setProperty('--app-height', `${window.innerHeight}px`);
  update();
  window.addEventListener('resize', update);
  window.addEventListener('orientationchange', () => setTimeout(update, 250));
}
