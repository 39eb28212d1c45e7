/**
 * Signing where the party already is: the documents awaiting this party's
 * signature arrive live over /documents; when one is sent for signature a
 * prompt appears (over the video or the lobby, the call goes on), and a
 * full-screen sheet shows the document's text (the /sign page's content
 * view) and its signature pad. After signing the sheet closes: back in the
 * room. The same sheet serves the end screen.
 */
import { io, type Socket } from 'socket.io-client';
import { ApiError } from '../api.ts';
import { clear, h } from '../dom.ts';
import { contentView } from '../sign/contentView.ts';
import { getPartyDocuments, signDocument, type DocumentView } from '../sign/documentsApi.ts';
import { createSignaturePad } from '../sign/signaturePad.ts';
import { lk, lt } from '../locales/lifecycle.ts';
import { injectLifecycleCss } from './lifecycleCss.ts';
import { errorText } from './sessionText.ts';

export class RoomSigning {
  /** The prompt shown when a document becomes signable (place it over the room). */
  readonly prompt: HTMLElement;
  /** The reading and signing sheet (fixed over everything). */
  readonly sheet: HTMLElement;
  private readonly docs = new Map<string, DocumentView>();
  private readonly prompted = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private socket?: Socket;
  private openId?: string;
  /** Told after a signature was accepted (the room shows a toast). */
  onSigned?: (doc: DocumentView) => void;

  constructor(
    private readonly token: () => string,
    private readonly opts: { hearing?: boolean } = {},
  ) {
    injectLifecycleCss();
    this.prompt = h('div', { id: 'sign-prompt', class: 'sign-prompt', attrs: { role: 'alertdialog', hidden: true, 'aria-live': 'assertive' } });
    this.sheet = h('div', { id: 'room-sign', class: 'room-sign', attrs: { role: 'dialog', 'aria-modal': 'true', hidden: true } });
  }

  /** Loads the documents once and follows them live. */
  start(): void {
    void getPartyDocuments(this.token()).then(
      (party) => party.documents.forEach((d) => this.accept(d)),
      () => undefined, // not a case session, or offline: the live feed may still bring them
    );
    this.socket = io('/documents', { auth: { token: this.token() }, transports: ['websocket', 'polling'] });
    this.socket.on('document:draft', (view: DocumentView) => this.accept(view));
    this.socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      if (error.data?.code === 'UNAUTHORIZED' || error.data?.code === 'FORBIDDEN') this.socket?.disconnect();
    });
  }

  stop(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = undefined;
    this.prompt.remove();
    this.sheet.remove();
  }

  /** Documents this party may sign now. */
  pending(): DocumentView[] {
    return [...this.docs.values()].filter((d) => d.me.canSign);
  }

  /** Every document that has (or had) a place for this party. */
  mine(): DocumentView[] {
    return [...this.docs.values()].filter((d) => d.me.slot !== null && d.status !== 'draft');
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Opens the sheet on a document (the first awaiting signature when none is named). */
  open(id?: string): void {
    const doc = id ? this.docs.get(id) : this.pending()[0];
    if (!doc) return;
    this.prompt.hidden = true;
    this.openId = doc.id;
    this.renderReading(doc);
    this.sheet.hidden = false;
    document.body.dataset.signing = 'reading';
  }

  close(): void {
    this.sheet.hidden = true;
    this.openId = undefined;
    delete document.body.dataset.signing;
    clear(this.sheet);
  }

  private accept(view: DocumentView): void {
    const before = this.docs.get(view.id);
    this.docs.set(view.id, view);
    rememberSigner(view.serialNumber, this.token());
    const versionChanged = before?.version?.number !== view.version?.number;
    if (view.me.canSign && (!this.prompted.has(`${view.id}:${view.version?.number}`) || versionChanged)) {
      this.prompted.add(`${view.id}:${view.version?.number}`);
      if (this.openId !== view.id) this.showPrompt(view);
    }
    if (!view.me.canSign && !this.pending().length) this.prompt.hidden = true;
    // The text changed under an open pad: read again.
    if (this.openId === view.id && versionChanged && view.me.canSign) this.renderReading(view);
    for (const listener of this.listeners) listener();
  }

  private showPrompt(doc: DocumentView): void {
    clear(this.prompt);
    this.prompt.dataset.documentId = doc.id;
    this.prompt.append(
      h('p', { class: 'sign-prompt-title', text: lt('life.signPrompt', { title: doc.title }) }),
      h('p', { class: 'sign-prompt-body', i18n: lk(this.opts.hearing ? 'life.signPromptBodyHearing' : 'life.signPromptBody') }),
      h(
        'div',
        { class: 'sign-prompt-actions' },
        h('button', { id: 'sign-prompt-later', class: 'btn btn-secondary', attrs: { type: 'button' }, i18n: lk('life.signLater'), on: { click: () => (this.prompt.hidden = true) } }),
        h('button', { id: 'sign-prompt-open', class: 'btn btn-primary', attrs: { type: 'button' }, i18n: lk('life.signBtn'), on: { click: () => this.open(doc.id) } }),
      ),
    );
    this.prompt.hidden = false;
  }

  private frame(title: string, body: HTMLElement[], foot: HTMLElement[]): void {
    clear(this.sheet);
    this.sheet.append(
      h(
        'div',
        { class: 'room-sign-head' },
        h('h2', { text: title }),
        h('button', { id: 'room-sign-close', class: 'btn btn-ghost', attrs: { type: 'button' }, i18n: lk('life.signLater'), on: { click: () => this.close() } }),
      ),
      h('div', { class: 'room-sign-body' }, ...body),
      h('div', { class: 'room-sign-foot' }, ...foot),
    );
  }

  private renderReading(doc: DocumentView): void {
    document.body.dataset.signing = 'reading';
    const go = h('button', { id: 'room-sign-go', class: 'btn btn-primary btn-big btn-block', attrs: { type: 'button', disabled: true }, i18n: lk('life.signRead') });
    go.addEventListener('click', () => this.renderPad(doc));
    const end = h('div', { class: 'room-sign-end', attrs: { 'aria-hidden': 'true' } });
    this.frame(doc.title, [h('p', { class: 'muted small', i18n: lk('life.signReadHint') }), h('div', { id: 'room-sign-text' }, contentView(doc.content)), end], [go]);
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      go.disabled = false;
    });
    observer.observe(end);
  }

  private renderPad(doc: DocumentView): void {
    document.body.dataset.signing = 'pad';
    const canvas = h('canvas', { id: 'room-sign-pad', class: 'room-sign-pad', attrs: { 'aria-label': lt('life.signPadTitle') } });
    const error = h('p', { id: 'room-sign-error', class: 'life-error', attrs: { role: 'alert', hidden: true } });
    const confirm = h('button', { id: 'room-sign-confirm', class: 'btn btn-primary btn-big', attrs: { type: 'button' }, i18n: lk('life.signConfirm') });
    const clearButton = h('button', { id: 'room-sign-clear', class: 'btn btn-secondary btn-big', attrs: { type: 'button' }, i18n: lk('life.signClear') });
    const back = h('button', { id: 'room-sign-back', class: 'btn btn-ghost btn-block', attrs: { type: 'button' }, i18n: lk('life.signBack'), on: { click: () => this.renderReading(doc) } });
    this.frame(
      doc.title,
      [h('p', { class: 'sign-card-title', i18n: lk('life.signPadTitle') }), h('div', { class: 'room-sign-pad-frame' }, canvas)],
      [error, h('div', { class: 'room-sign-pad-actions' }, clearButton, confirm), back],
    );
    // Laid out first: a pad measured at 0×0 leaves no ink.
    requestAnimationFrame(() => {
      const pad = createSignaturePad(canvas);
      pad.resize();
      pad.onChange(() => (error.hidden = true));
      clearButton.addEventListener('click', () => pad.clear());
      confirm.addEventListener('click', async () => {
        if (pad.isEmpty()) {
          error.textContent = lt('life.signEmpty');
          error.hidden = false;
          return;
        }
        confirm.disabled = true;
        confirm.textContent = lt('life.signSending');
        try {
          const view = await signDocument(this.token(), doc.id, doc.version!.number, doc.version!.sha256, pad.toPng());
          this.close();
          this.accept(view);
          this.onSigned?.(view);
        } catch (err) {
          confirm.disabled = false;
          confirm.textContent = lt('life.signConfirm');
          if (err instanceof ApiError && (err.code === 'VERSION_CHANGED' || err.code === 'ALREADY_SIGNED' || err.code === 'DOCUMENT_FINAL')) {
            const fresh = await getPartyDocuments(this.token()).catch(() => undefined);
            fresh?.documents.forEach((d) => this.accept(d));
            this.close();
            return;
          }
          error.textContent = lt('life.signFailed', { message: errorText(err) });
          error.hidden = false;
        }
      });
    });
  }
}

/** The list of this party's documents with a button for each one awaiting its signature. */
export function documentList(signing: RoomSigning): HTMLElement {
  const list = h('ul', { class: 'life-docs', attrs: { 'data-testid': 'life-docs' } });
  const render = () => {
    clear(list);
    const docs = signing.mine();
    if (!docs.length) list.append(h('li', { class: 'muted small', i18n: lk('life.signNone') }));
    for (const doc of docs) {
      const signed = doc.me.signed || doc.status === 'final';
      list.append(
        h(
          'li',
          { class: `life-doc ${signed ? 'is-signed' : 'is-pending'}`, dataset: { documentId: doc.id, kind: doc.kind, signed: String(signed) } },
          h('span', {}, h('span', { class: 'life-doc-title', text: doc.title }), h('br', {}), h('span', { class: 'life-doc-state', i18n: lk(signed ? 'life.signedMark' : 'life.awaiting') })),
          doc.me.canSign ? h('button', { class: 'btn btn-primary life-doc-sign', attrs: { type: 'button' }, i18n: lk('life.signBtn'), on: { click: () => signing.open(doc.id) } }) : null,
        ),
      );
    }
  };
  render();
  signing.onChange(render);
  return list;
}

/** Lets /track on this phone offer "sign" for the case: its party token, by serial number. */
function rememberSigner(serialNumber: string, token: string): void {
  try {
    localStorage.setItem(`yunting.signToken.${serialNumber}`, token);
  } catch {
    // /track then only lists what awaits signature
  }
}
