/**
 * /sign#token=<party token> (or #invite=<invitation token>; the old ?token= links still work) — a party reads
 * the document on the phone and signs it with a finger. The live draft
 * arrives over socket.io (/documents, `document:draft`) while the mediator
 * edits it; once sent for signature the page shows the exact version's pages
 * (rendered by the server) and the signature pad; after everyone has signed
 * it offers the sealed PDF. `body[data-state]` tells where the page is:
 * loading · invalid · waiting · draft · reading · pad · sending · signed · readonly · final.
 */
import { io, type Socket } from 'socket.io-client';
import { api, ApiError } from '../api.ts';
import { clear, h } from '../dom.ts';
import { formatDate, getLang, onLangChange, roleKey, t } from '../i18n.ts';
import { bootPage } from '../forms/page.ts';
import { contentCss, contentView } from './contentView.ts';
import { fetchBlob, getPartyDocuments, saveBlob, signDocument, type DocumentView, type PartyDocuments, type SignatureSlot } from './documentsApi.ts';
import { createSignaturePad } from './signaturePad.ts';
import { k, ts, type DocumentsKey } from './strings.ts';
import { credentialUrl, pageParams } from '../pageParams.ts';
import { lk } from '../locales/lifecycle.ts';

/** No dead end after signing: back to the room it came from (or that session's end screen), else to /track. */
function afterSign(): HTMLElement {
  return h('button', {
    id: 'sign-after',
    class: 'btn btn-secondary btn-big btn-block',
    attrs: { type: 'button' },
    i18n: lk('life.afterSign'),
    // The page keeps no referrer; a page opened from the room (or its end screen) has it in its history.
    on: { click: () => (history.length > 1 ? history.back() : location.assign('/track')) },
  });
}

type State = 'loading' | 'invalid' | 'waiting' | 'draft' | 'reading' | 'pad' | 'sending' | 'signed' | 'readonly' | 'final';

const app = bootPage();
const style = document.createElement('style');
style.textContent = contentCss;
document.head.append(style);

let token = '';
let party: PartyDocuments | undefined;
const documents = new Map<string, DocumentView>();
let currentId: string | undefined;
let socket: Socket | undefined;
/** The version this phone last showed, per document: a newer one means the text changed. */
const seenVersion = new Map<string, number>();
/** Documents whose text changed under this reader: the notice stays until they sign again. */
const changedUnderReader = new Set<string>();
const pageUrls = new Map<string, string>();
let padOpen = false;
/** Pages as printed (exact), or the same text reflowed in large type for small screens. */
let readingMode: 'pages' | 'text' = 'pages';
let readToEnd = false;
let problem = '';
/** A private talk with the other side is under way: the latest changes arrive when it ends. */
let held = false;

function setState(state: State): void {
  document.body.dataset.state = state;
}

function problemText(err: unknown): string {
  if (err instanceof ApiError && err.isNetwork) return t('common.networkError');
  return err instanceof Error ? err.message : String(err);
}

function invalid(body: DocumentsKey = 'sign.invalidBody', detail?: string): void {
  setState('invalid');
  clear(app);
  app.append(
    h(
      'section',
      { class: 'screen screen-center' },
      h('div', { class: 'message-card' }, h('h1', { class: 'message-title', i18n: k('sign.invalidTitle') }), h('p', { class: 'message-body', i18n: k(body) }), detail ? h('p', { class: 'message-detail', text: detail }) : null),
    ),
  );
}

/** The document to show: one waiting for my signature first, then one being signed, then the latest. */
function pick(): DocumentView | undefined {
  const all = [...documents.values()];
  const current = currentId ? documents.get(currentId) : undefined;
  const signable = all.find((d) => d.me.canSign);
  if (signable && (!current || !current.me.canSign)) return signable;
  if (current) return current;
  return all.find((d) => d.status === 'signing') ?? all.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
}

function slotLabel(slot: SignatureSlot): string {
  return ts(`slot.${slot}` as DocumentsKey);
}

function statusList(doc: DocumentView): HTMLElement {
  const signers = doc.version?.signers ?? doc.requiredSigners;
  return h(
    'section',
    { class: 'sign-card' },
    h('h2', { class: 'sign-card-title', i18n: k('sign.status') }),
    h(
      'ul',
      { class: 'sign-status', id: 'sign-status' },
      ...signers.map((slot) => {
        const signature = doc.signatures.find((s) => s.slot === slot);
        const place = doc.content.signatures.find((p) => p.slot === slot);
        return h(
          'li',
          { class: signature ? 'is-signed' : 'is-pending', dataset: { slot } },
          h('span', { class: 'sign-status-who', text: `${slotLabel(slot)}${place?.name ? ` · ${place.name}` : ''}` }),
          h('span', { class: 'sign-status-state', text: signature ? `✓ ${ts('sign.signedAt', { time: formatDate(signature.signedAt) })}` : ts('sign.pending') }),
        );
      }),
    ),
  );
}

function header(doc: DocumentView): HTMLElement {
  const me = party!.me;
  const role = roleKey(me.role);
  return h(
    'section',
    { class: 'sign-head' },
    h('h1', { class: 'sign-doc-title', id: 'sign-doc-title', text: doc.title }),
    h(
      'p',
      { class: 'sign-meta' },
      h('span', { i18n: k('sign.case') }),
      ` ${doc.serialNumber} · `,
      h('span', { i18n: k('sign.you') }),
      getLang() === 'zh' ? ` ${me.name}（${role ? t(role) : me.role}）` : ` ${me.name} (${role ? t(role) : me.role})`,
    ),
    h('span', { class: `sign-badge sign-badge-${doc.status}`, i18n: k(`docstatus.${doc.status}` as DocumentsKey) }),
  );
}

function tabs(): HTMLElement | null {
  if (documents.size < 2) return null;
  return h(
    'nav',
    { class: 'sign-tabs' },
    ...[...documents.values()].map((doc) =>
      h('button', {
        class: `sign-tab${doc.id === currentId ? ' is-current' : ''}`,
        attrs: { type: 'button' },
        i18n: k(`doc.${doc.kind}` as DocumentsKey),
        on: {
          click: () => {
            currentId = doc.id;
            padOpen = false;
            render();
          },
        },
      }),
    ),
  );
}

async function pageImage(doc: DocumentView, page: number, img: HTMLImageElement): Promise<void> {
  const key = `${doc.id}:${doc.version!.number}:${page}`;
  let url = pageUrls.get(key);
  if (!url) {
    url = URL.createObjectURL(await fetchBlob(`/api/documents/${doc.id}/versions/${doc.version!.number}/pages/${page}`, token));
    pageUrls.set(key, url);
  }
  img.src = url;
}

function pages(doc: DocumentView, onEnd?: () => void): HTMLElement {
  const list = h('div', { class: 'sign-pages', id: 'sign-pages' });
  for (let n = 1; n <= doc.version!.pages; n++) {
    const img = h('img', { class: 'sign-page-img', attrs: { alt: ts('sign.page', { n }), width: 910, height: 1287, loading: 'eager' }, dataset: { page: String(n) } });
    pageImage(doc, n, img).catch((err: unknown) => (img.alt = problemText(err)));
    list.append(h('figure', { class: 'sign-page' }, img, h('figcaption', { class: 'muted small', text: ts('sign.page', { n }) })));
    if (n === doc.version!.pages && onEnd) whenSeen(img, onEnd);
  }
  const pdfLink = h('button', { class: 'btn btn-ghost btn-block', attrs: { type: 'button', id: 'sign-open-pdf' }, i18n: k('sign.openPdf') });
  pdfLink.addEventListener('click', async () => {
    const blob = await fetchBlob(`/api/documents/${doc.id}/versions/${doc.version!.number}/pdf`, token);
    window.open(URL.createObjectURL(blob), '_blank');
  });
  list.append(pdfLink);
  return list;
}

/** Calls `onEnd` once `el` has been scrolled into view. */
function whenSeen(el: HTMLElement, onEnd: () => void): void {
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) {
      observer.disconnect();
      onEnd();
    }
  });
  observer.observe(el);
}

function readingToggle(): HTMLElement {
  const button = (mode: 'pages' | 'text', label: DocumentsKey) =>
    h('button', {
      id: `sign-mode-${mode}`,
      class: `sign-tab${readingMode === mode ? ' is-current' : ''}`,
      attrs: { type: 'button', 'aria-pressed': String(readingMode === mode) },
      i18n: k(label),
      on: {
        click: () => {
          readingMode = mode;
          render();
        },
      },
    });
  return h('nav', { class: 'sign-tabs' }, button('pages', 'sign.modePages'), button('text', 'sign.modeText'));
}

function textVersion(doc: DocumentView, onEnd: () => void): HTMLElement {
  const end = h('div', { class: 'sign-text-end', attrs: { 'aria-hidden': 'true' } });
  whenSeen(end, onEnd);
  return h('div', { id: 'sign-text' }, contentView(doc.content), end);
}

function renderReading(doc: DocumentView): HTMLElement[] {
  if ((seenVersion.get(doc.id) ?? doc.version!.number) < doc.version!.number) changedUnderReader.add(doc.id);
  const changed = changedUnderReader.has(doc.id);
  const go = h('button', { id: 'sign-go', class: 'btn btn-primary btn-big btn-block', attrs: { type: 'button', disabled: !readToEnd }, i18n: k('sign.goSign') });
  go.addEventListener('click', () => {
    padOpen = true;
    render();
  });
  const unlock = () => {
    readToEnd = true;
    go.disabled = false;
  };
  return [
    changed ? h('p', { class: 'alert alert-warn', id: 'sign-changed', text: ts('sign.changed', { version: doc.version!.number }) }) : h('span', {}),
    h('section', { class: 'sign-card' }, h('h2', { class: 'sign-card-title', i18n: k('sign.readTitle') }), h('p', { class: 'muted', text: ts('sign.readHint', { pages: doc.version!.pages, version: doc.version!.number }) })),
    readingToggle(),
    readingMode === 'pages' ? pages(doc, unlock) : textVersion(doc, unlock),
    h('div', { class: 'sign-sticky' }, go),
  ];
}

function renderPad(doc: DocumentView): HTMLElement {
  const place = doc.content.signatures.find((p) => p.slot === doc.me.slot);
  const canvas = h('canvas', { id: 'sign-pad', class: 'sign-pad', attrs: { 'aria-label': ts('sign.padTitle') } });
  const error = h('p', { class: 'form-error', attrs: { role: 'alert', hidden: true } });
  const confirm = h('button', { id: 'sign-confirm', class: 'btn btn-primary btn-big', attrs: { type: 'button' }, i18n: k('sign.confirm') });
  const clearButton = h('button', { id: 'sign-clear', class: 'btn btn-secondary btn-big', attrs: { type: 'button' }, i18n: k('sign.clear') });
  const back = h('button', { id: 'sign-back', class: 'btn btn-ghost btn-block', attrs: { type: 'button' }, i18n: k('sign.back') });
  const overlay = h(
    'section',
    { class: 'sign-pad-screen' },
    h('h2', { class: 'sign-card-title', i18n: k('sign.padTitle') }),
    h('p', { class: 'muted', text: ts('sign.padHint', { name: party?.me.name ?? place?.name ?? '' }) }),
    h('div', { class: 'sign-pad-frame' }, canvas, h('span', { class: 'sign-pad-line', attrs: { 'aria-hidden': 'true' } })),
    error,
    h('div', { class: 'sign-pad-actions' }, clearButton, confirm),
    back,
  );
  requestAnimationFrame(() => {
    const pad = createSignaturePad(canvas);
    pad.onChange(() => (error.hidden = true));
    clearButton.addEventListener('click', () => pad.clear());
    back.addEventListener('click', () => {
      padOpen = false;
      render();
    });
    confirm.addEventListener('click', async () => {
      if (pad.isEmpty()) {
        error.textContent = ts('sign.empty');
        error.hidden = false;
        return;
      }
      setState('sending');
      confirm.disabled = true;
      confirm.textContent = ts('sign.sending');
      try {
        const view = await signDocument(token, doc.id, doc.version!.number, doc.version!.sha256, pad.toPng());
        documents.set(view.id, view);
        changedUnderReader.delete(view.id);
        padOpen = false;
        render();
      } catch (err) {
        confirm.disabled = false;
        confirm.textContent = ts('sign.confirm');
        setState('pad');
        if (err instanceof ApiError && (err.code === 'VERSION_CHANGED' || err.code === 'ALREADY_SIGNED' || err.code === 'DOCUMENT_FINAL')) {
          padOpen = false;
          await reload();
          return;
        }
        error.textContent = ts('sign.failed', { message: problemText(err) });
        error.hidden = false;
      }
    });
  });
  return overlay;
}

function renderDownload(doc: DocumentView): HTMLElement {
  const button = h('button', { id: 'sign-download', class: 'btn btn-primary btn-big btn-block', attrs: { type: 'button' }, i18n: k('sign.download') });
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      saveBlob(await fetchBlob(`/api/documents/${doc.id}/final.pdf`, token), `${doc.serialNumber}-${doc.title}.pdf`);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

function render(): void {
  const doc = pick();
  clear(app);
  const main = h('div', { class: 'sign-main' });
  app.append(main);
  if (problem) main.append(h('p', { class: 'alert alert-warn', text: problem }));
  if (held) main.append(h('p', { class: 'alert alert-info', dataset: { held: 'true' }, i18n: k('sign.held') }));
  if (!doc) {
    setState('waiting');
    main.append(h('section', { class: 'sign-card sign-waiting' }, h('div', { class: 'spinner spinner-lg', attrs: { 'aria-hidden': 'true' } }), h('h1', { class: 'sign-card-title', i18n: k('sign.waitingTitle') }), h('p', { class: 'muted', i18n: k('sign.waitingBody') })));
    return;
  }
  currentId = doc.id;
  main.append(...[tabs(), header(doc)].filter((el): el is HTMLElement => el !== null));

  if (doc.status === 'draft') {
    setState('draft');
    main.append(h('p', { class: 'alert alert-info', i18n: k('sign.draftHint') }), h('div', { id: 'sign-draft' }, contentView(doc.content)));
    return;
  }
  if (doc.status === 'final') {
    setState('final');
    main.append(
      h('section', { class: 'sign-card sign-done' }, h('div', { class: 'sign-done-mark', text: '✓' }), h('h2', { class: 'sign-card-title', i18n: k('sign.finalTitle') }), h('p', { class: 'muted', i18n: k('sign.finalBody') }), renderDownload(doc)),
      statusList(doc),
      afterSign(),
      h('p', { class: 'sign-foot' }, h('a', { attrs: { href: '/verify' }, i18n: k('sign.verifyLink') })),
    );
    return;
  }
  // Being signed.
  if (doc.me.canSign && padOpen) {
    setState('pad');
    main.append(renderPad(doc));
    return;
  }
  if (doc.me.canSign) {
    setState('reading');
    main.append(...renderReading(doc));
    seenVersion.set(doc.id, doc.version!.number);
    return;
  }
  seenVersion.set(doc.id, doc.version!.number);
  if (doc.me.signed) {
    setState('signed');
    main.append(h('section', { class: 'sign-card sign-done' }, h('div', { class: 'sign-done-mark', text: '✓' }), h('h2', { class: 'sign-card-title', i18n: k('sign.signedTitle') }), h('p', { class: 'muted', i18n: k('sign.signedBody') })), statusList(doc), afterSign());
    return;
  }
  setState('readonly');
  main.append(h('p', { class: 'alert alert-info', i18n: k('sign.notYours') }), statusList(doc), pages(doc));
}

/** A pushed or reloaded view: a new version resets reading, and never yanks an open pad from under a finger unless its version changed. */
function accept(view: DocumentView): void {
  const before = documents.get(view.id);
  documents.set(view.id, view);
  if (before?.version?.number !== view.version?.number) {
    readToEnd = false;
    if (padOpen && view.id === currentId) padOpen = false;
  }
  if (padOpen && view.id === currentId && view.me.canSign) return;
  render();
}

async function reload(): Promise<void> {
  party = await getPartyDocuments(token);
  held = party.held === true;
  for (const view of party.documents) accept(view);
  render();
}

function connectLive(): void {
  socket = io('/documents', { auth: { token }, transports: ['websocket', 'polling'] });
  socket.on('document:draft', (view: DocumentView) => accept(view));
  socket.on('documents:held', (state: { held: boolean }) => {
    if (held === state.held) return;
    held = state.held;
    render();
  });
  // The invitation was withdrawn (or its holder removed from the session): this page is finished.
  socket.on('auth:revoked', ({ reason }: { reason: string }) => {
    socket?.removeAllListeners();
    socket?.disconnect();
    invalid(reason === 'removed' ? 'sign.removedBody' : 'sign.revokedBody');
  });
  socket.on('connect', () => {
    if (problem) {
      problem = '';
      render();
    }
  });
  socket.on('disconnect', () => {
    problem = ts('sign.offline');
    render();
  });
  socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
    if (error.data?.code === 'UNAUTHORIZED') {
      socket?.disconnect();
      invalid();
      return;
    }
    // Refused by the middleware for a passing reason (STORE_UNAVAILABLE): socket.io gives up, so try again shortly.
    const refused = socket;
    if (refused && !refused.active) setTimeout(() => refused.connect(), 3_000);
  });
}

async function start(): Promise<void> {
  setState('loading');
  const params = pageParams(['token', 'invite']);
  token = params.get('token') ?? '';
  const invite = params.get('invite');
  try {
    if (!token && invite) {
      // A one-time invitation link made for signing: redeem it, and keep the party token in the address (reloads keep working).
      token = (await api.redeemInvitation({ token: invite })).partyToken;
      history.replaceState(null, '', credentialUrl('/sign', { token }));
    }
    if (!token) return invalid();
    party = await getPartyDocuments(token);
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return invalid('sign.noCase');
    if (err instanceof ApiError && (err.status === 401 || err.status === 404)) return invalid('sign.invalidBody');
    return invalid('sign.invalidBody', problemText(err));
  }
  for (const view of party.documents) documents.set(view.id, view);
  render();
  connectLive();
  onLangChange(() => render());
}

void start();
