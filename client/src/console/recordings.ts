/**
 * The clerk portal for a case's recordings (server/http/routes/recordings.ts):
 * status and composing progress, the composed video, downloads, the
 * integrity hashes and the per-track segments. Read-only: nothing here
 * deletes or replaces a recording.
 *
 * Every file needs the Bearer header, so media and downloads are fetched as
 * blobs. The section is kept per case across the case view's re-renders (a
 * playing video and an opened track table survive a live update) and
 * releases its timers and blobs once it has left the page.
 */
import { ApiError, apiFetch } from '../api.ts';
import { copyText } from '../clipboard.ts';
import { clear, h } from '../dom.ts';
import { bindText, locale, modeKey, roleKey, type I18nKey } from '../i18n.ts';
import { formatBytes } from '../forms/evidence.ts';
import { colon, dateText, errorLine, reportError, type ViewContext } from './common.ts';

export type RecordingStatus = 'recording' | 'ended' | 'composing' | 'composed' | 'failed' | 'expired';

export interface RecordingSegment {
  id: string;
  sequence: number;
  bytes: number;
  durationSeconds: number;
  sha256: string;
  recovered: boolean;
}

export interface RecordingPart {
  id: string;
  participant: string;
  role: string;
  /** Producer source: 'mic' | 'camera' | 'screen'. */
  source: string;
  kind: 'audio' | 'video' | string;
  codec: string;
  /** The side of the private talk this part was recorded in, or null for the joint session. */
  confidential: string | null;
  startedAt: string;
  endedAt: string | null;
  segments: RecordingSegment[];
}

export interface RecordingEntry {
  id: string;
  roomTitle: string;
  mode: string;
  status: RecordingStatus;
  startedAt: string;
  endedAt: string | null;
  interrupted: boolean;
  composeProgress: number;
  durationSeconds: number | null;
  composedSha256: string | null;
  manifestSha256: string | null;
  containsConfidential: boolean;
  canPlay: boolean;
  parts: RecordingPart[];
}

const ACTIVE: readonly string[] = ['recording', 'ended', 'composing'];
const FAST_POLL_MS = 2_000;
/** While nothing is being recorded or composed: a slow check for a new session's recording. */
const IDLE_POLL_MS = 30_000;
/** Larger composed files are loaded into the player only on request (they are held in memory as a blob). */
const AUTOLOAD_MAX_BYTES = 150 * 1024 * 1024;

const enc = encodeURIComponent;

const LOCK_ICON =
  '<svg viewBox="0 0 24 24" width="28" height="28" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><rect x="4" y="11" width="16" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/></svg>';

// ----------------------------------------------------------------- helpers

/** "1:02:03" or "2:03". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const total = Math.round(seconds);
  const hh = Math.floor(total / 3600);
  const mm = Math.floor((total % 3600) / 60);
  const ss = String(total % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

function recordingDuration(r: RecordingEntry): number | null {
  if (r.durationSeconds !== null && r.durationSeconds !== undefined) return r.durationSeconds;
  if (!r.endedAt) return null;
  const ms = Date.parse(r.endedAt) - Date.parse(r.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : null;
}

function timeOnly(value: string): string {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function sameDay(a: string, b: string): boolean {
  const x = new Date(a);
  const y = new Date(b);
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
}

function kindKey(part: Pick<RecordingPart, 'kind' | 'source'>): I18nKey {
  if (part.source === 'screen') return 'rec.kind.screen';
  return part.kind === 'audio' ? 'rec.kind.audio' : 'rec.kind.video';
}

function sideKey(side: string): I18nKey | undefined {
  return side === 'applicant' ? 'side.applicant' : side === 'respondent' ? 'side.respondent' : undefined;
}

/** Fetches an authenticated file; failures become ApiErrors (401 logs the clerk out like every other call). */
async function fetchFile(url: string, token: string): Promise<{ blob: Blob; fileName?: string }> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store', credentials: 'same-origin' });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
  }
  if (!response.ok) {
    let message = response.statusText || `HTTP ${response.status}`;
    let code = `HTTP_${response.status}`;
    try {
      const body = (await response.json()) as { message?: unknown; code?: unknown };
      if (typeof body.message === 'string') message = body.message;
      if (typeof body.code === 'string') code = body.code;
    } catch {
      // not JSON: keep the status text
    }
    throw new ApiError(response.status, code, message);
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const fileName = /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  return { blob: await response.blob(), ...(fileName ? { fileName } : {}) };
}

function saveBlob(url: string, fileName: string): void {
  const a = h('a', { attrs: { href: url, download: fileName } });
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
}

function saveFreshBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  saveBlob(url, fileName);
  // Give the browser time to start the download before releasing it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A button that shows "working…" while its task runs and reports failures in `error`. */
function busyButton(label: I18nKey, className: string, ctx: () => ViewContext, error: HTMLElement, work: () => Promise<void>, labelArgs?: Record<string, number | string>): HTMLButtonElement {
  const text = h('span', { i18n: label, ...(labelArgs ? { i18nArgs: labelArgs } : {}) });
  const button = h('button', { class: `btn ${className}`, attrs: { type: 'button' } }, text);
  button.addEventListener('click', () => {
    if (button.disabled) return;
    button.disabled = true;
    error.hidden = true;
    bindText(text, 'rec.downloading');
    work()
      .catch((err: unknown) => reportError(err, error, ctx()))
      .finally(() => {
        button.disabled = false;
        bindText(text, label, labelArgs);
      });
  });
  return button;
}

function copyButton(value: string): HTMLButtonElement {
  const text = h('span', { i18n: 'console.copy' });
  const button = h('button', { class: 'btn btn-ghost btn-small rec-copy', attrs: { type: 'button' } }, text);
  let timer: ReturnType<typeof setTimeout> | undefined;
  button.addEventListener('click', async () => {
    const ok = await copyText(value);
    bindText(text, ok ? 'console.copied' : 'console.copyFailed');
    clearTimeout(timer);
    timer = setTimeout(() => bindText(text, 'console.copy'), 2_000);
  });
  return button;
}

/** Everything but the composing progress, which is updated in place. */
function signature(r: RecordingEntry): string {
  return JSON.stringify({ ...r, composeProgress: 0 });
}

// ----------------------------------------------------------------- section

interface Card {
  sig: string;
  el: HTMLElement;
  status: RecordingStatus;
  progress?: HTMLProgressElement;
  statusText: HTMLElement;
  tracks?: HTMLDetailsElement;
}

class RecordingsSection {
  readonly el: HTMLElement;
  private readonly list = h('div', { class: 'recordings-list' });
  private readonly error = errorLine();
  private readonly cards = new Map<string, Card>();
  /** Composed videos already fetched, by recording id. */
  private readonly videos = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight = false;
  private again = false;
  private loaded = false;
  private active = false;
  private wasConnected = false;
  private readonly createdAt = Date.now();
  disposed = false;

  constructor(
    private ctx: ViewContext,
    private readonly caseId: string,
    private readonly onDispose: () => void,
  ) {
    this.el = h(
      'section',
      { id: 'recordings', class: 'panel case-panel recordings-panel', dataset: { caseId } },
      h('h2', { class: 'panel-title', i18n: 'rec.title' }),
      this.error,
      this.list,
    );
    this.list.append(h('p', { class: 'muted', i18n: 'rec.loading' }));
  }

  /** Called on every render of the case view: take the newest context and refetch. */
  touch(ctx: ViewContext): void {
    this.ctx = ctx;
    void this.refresh();
  }

  private async refresh(): Promise<void> {
    if (this.disposed) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    clearTimeout(this.timer);
    try {
      const { recordings } = await apiFetch<{ recordings: RecordingEntry[] }>(`/api/cases/${enc(this.caseId)}/recordings`, { token: this.ctx.token() });
      if (this.disposed) return;
      this.error.hidden = true;
      this.draw(recordings);
      this.active = recordings.some((r) => ACTIVE.includes(r.status));
    } catch (err) {
      if (this.disposed) return;
      if (!this.loaded) clear(this.list);
      if (reportError(err, this.error, this.ctx)) {
        this.dispose();
        return;
      }
    } finally {
      this.inFlight = false;
    }
    if (this.again) {
      this.again = false;
      void this.refresh();
      return;
    }
    this.schedule(this.active ? FAST_POLL_MS : IDLE_POLL_MS);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      // Gone from the page (the case view was left): stop and let the blobs go.
      if (this.el.isConnected) this.wasConnected = true;
      else if (this.wasConnected || Date.now() - this.createdAt > 60_000) return this.dispose();
      void this.refresh();
    }, ms);
    if (this.el.isConnected) this.wasConnected = true;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    for (const url of this.videos.values()) URL.revokeObjectURL(url);
    this.videos.clear();
    this.onDispose();
  }

  // ------------------------------------------------------------------ drawing

  private draw(recordings: RecordingEntry[]): void {
    if (!this.loaded) clear(this.list);
    this.loaded = true;
    if (recordings.length === 0) {
      this.cards.clear();
      clear(this.list);
      this.list.append(h('p', { class: 'muted recordings-empty', i18n: 'rec.empty' }));
      return;
    }
    this.list.querySelector('.recordings-empty')?.remove();
    const seen = new Set<string>();
    let previous: Element | null = null;
    for (const r of recordings) {
      seen.add(r.id);
      // A video fetched under other rights (another login) is dropped when it may no longer be played.
      if (!r.canPlay) this.dropVideo(r.id);
      const sig = signature(r);
      let card = this.cards.get(r.id);
      if (!card || card.sig !== sig) {
        const fresh = this.card(r, sig, card);
        if (card) card.el.replaceWith(fresh.el);
        card = fresh;
        this.cards.set(r.id, card);
      } else {
        this.updateProgress(card, r);
      }
      // Keep the server's order (oldest first).
      const expected: Element | null = previous ? previous.nextElementSibling : this.list.firstElementChild;
      if (expected !== card.el) {
        if (previous) previous.after(card.el);
        else this.list.prepend(card.el);
      }
      previous = card.el;
    }
    for (const [id, card] of this.cards) {
      if (seen.has(id)) continue;
      card.el.remove();
      this.cards.delete(id);
      this.dropVideo(id);
    }
  }

  private dropVideo(id: string): void {
    const url = this.videos.get(id);
    if (!url) return;
    URL.revokeObjectURL(url);
    this.videos.delete(id);
  }

  private updateProgress(card: Card, r: RecordingEntry): void {
    if (!card.progress) return;
    card.progress.value = r.composeProgress;
    if (r.status === 'composing') bindText(card.statusText, 'rec.status.composing', { percent: Math.floor(r.composeProgress * 100) });
  }

  private card(r: RecordingEntry, sig: string, old: Card | undefined): Card {
    const statusKey = `rec.status.${r.status}` as I18nKey;
    const statusText = h('span', {
      class: 'recording-status-text',
      i18n: statusKey,
      ...(r.status === 'composing' ? { i18nArgs: { percent: Math.floor(r.composeProgress * 100) } } : {}),
    });
    const status = h(
      'span',
      { class: `recording-status rec-status-${r.status}`, dataset: { status: r.status } },
      r.status === 'recording' ? h('span', { class: 'rec-dot', attrs: { 'aria-hidden': 'true' } }) : null,
      statusText,
    );
    const mode = modeKey(r.mode);
    const duration = recordingDuration(r);
    const end = r.endedAt
      ? sameDay(r.startedAt, r.endedAt)
        ? h('span', { class: 'date', text: timeOnly(r.endedAt) })
        : dateText(r.endedAt)
      : h('span', { i18n: 'rec.ongoing' });

    let progress: HTMLProgressElement | undefined;
    if (r.status === 'ended' || r.status === 'composing') {
      progress = h('progress', { class: 'recording-progress', attrs: { max: 1 } });
      progress.value = r.composeProgress;
    }

    const error = errorLine();
    const head = h(
      'header',
      { class: 'recording-head' },
      h(
        'div',
        { class: 'recording-title-row' },
        h('h3', { class: 'recording-title', text: r.roomTitle }),
        h('span', { class: `chip chip-${r.mode}`, ...(mode ? { i18n: mode } : { text: r.mode }) }),
        status,
        r.interrupted
          ? h('span', { class: 'badge badge-rec-interrupted', dataset: { badge: 'interrupted' }, i18n: 'rec.interrupted', i18nAttrs: { title: 'rec.interruptedTitle' } })
          : null,
        r.containsConfidential
          ? h('span', { class: 'badge badge-rec-confidential', dataset: { badge: 'confidential' }, i18n: 'rec.confidential', i18nAttrs: { title: 'rec.confidentialTitle' } })
          : null,
      ),
      h(
        'p',
        { class: 'recording-meta muted small' },
        h('span', { i18n: 'rec.time' }),
        colon(),
        dateText(r.startedAt),
        ' – ',
        end,
        h('span', { class: 'rec-sep', text: ' · ' }),
        h('span', { i18n: 'rec.duration' }),
        colon(),
        h('span', { class: 'recording-duration mono', text: formatDuration(duration) }),
        h('span', { class: 'rec-sep', text: ' · ' }),
        h('span', { i18n: 'rec.trackCount', i18nArgs: { n: r.parts.length } }),
      ),
      progress ? h('div', { class: 'recording-progress-row' }, progress) : null,
    );

    const body = h('div', { class: 'recording-body' }, this.player(r), this.side(r, error));
    const tracks = this.tracks(r, error);
    if (tracks && old?.tracks?.open) tracks.open = true;

    const el = h('article', { class: 'recording-card', dataset: { recordingId: r.id, status: r.status } }, head, body, tracks, error);
    return { sig, el, status: r.status, statusText, ...(progress ? { progress } : {}), ...(tracks ? { tracks } : {}) };
  }

  private hiddenParts(r: RecordingEntry): boolean {
    return r.containsConfidential && !r.parts.some((p) => p.confidential);
  }

  private player(r: RecordingEntry): HTMLElement {
    const wrap = h('div', { class: 'recording-player' });
    const note = (key: I18nKey, cls = '') => h('p', { class: `recording-note ${cls}`.trim(), i18n: key });
    if (!r.canPlay) {
      wrap.classList.add('is-empty');
      if (r.status === 'composed') wrap.append(h('div', { class: 'recording-locked' }, h('span', { class: 'rec-lock', html: LOCK_ICON }), note('rec.noAccess', 'recording-no-access')));
      else if (r.status === 'recording') wrap.append(note('rec.whileRecording'));
      else if (r.status === 'failed') wrap.append(note('rec.failedBody', 'recording-failed'));
      else if (r.status === 'expired') wrap.append(note('rec.expiredBody'));
      else wrap.append(note('rec.whileComposing'));
      if (r.status !== 'composed' && this.hiddenParts(r)) wrap.append(note('rec.noAccess', 'recording-no-access small'));
      return wrap;
    }

    const video = h('video', { attrs: { controls: true, preload: 'metadata', playsinline: true } });
    wrap.append(video);
    const cached = this.videos.get(r.id);
    if (cached) {
      video.src = cached;
      return wrap;
    }
    const estimate = r.parts.reduce((sum, p) => sum + p.segments.reduce((s, seg) => s + seg.bytes, 0), 0);
    const overlay = h('div', { class: 'recording-overlay' });
    const load = () => {
      clear(overlay);
      overlay.append(h('span', { i18n: 'rec.loadingVideo' }));
      this.loadVideo(r.id)
        .then((url) => {
          video.src = url;
          overlay.remove();
        })
        .catch((err: unknown) => {
          clear(overlay);
          const line = h('span', { class: 'recording-video-error' });
          overlay.append(line);
          if (err instanceof ApiError && err.isAuth) return this.ctx.onAuthError();
          bindText(line, 'rec.videoFailed', { message: err instanceof Error ? err.message : String(err) });
          const retry = h('button', { class: 'btn btn-secondary btn-small', attrs: { type: 'button' }, i18n: 'common.retry' });
          retry.addEventListener('click', load);
          overlay.append(retry);
        });
    };
    wrap.append(overlay);
    if (estimate <= AUTOLOAD_MAX_BYTES) load();
    else {
      const button = h('button', { class: 'btn btn-primary btn-small', attrs: { type: 'button' }, i18n: 'rec.loadVideo', i18nArgs: { size: formatBytes(estimate) } });
      button.addEventListener('click', load);
      overlay.append(button);
    }
    return wrap;
  }

  private async loadVideo(id: string): Promise<string> {
    const cached = this.videos.get(id);
    if (cached) return cached;
    const { blob } = await fetchFile(`/api/recordings/${enc(id)}/composed.mp4`, this.ctx.token());
    const typed = blob.type === 'video/mp4' ? blob : new Blob([blob], { type: 'video/mp4' });
    const url = URL.createObjectURL(typed);
    if (this.disposed) {
      URL.revokeObjectURL(url);
      throw new Error('closed');
    }
    this.videos.set(id, url);
    return url;
  }

  private side(r: RecordingEntry, error: HTMLElement): HTMLElement {
    const ctx = () => this.ctx;
    const actions = h('div', { class: 'recording-actions' });
    if (r.canPlay) {
      actions.append(
        busyButton('rec.downloadMp4', 'btn-secondary btn-small recording-download-mp4', ctx, error, async () => {
          const fileName = `recording-${r.id}.mp4`;
          const cached = this.videos.get(r.id);
          if (cached) return saveBlob(cached, fileName);
          const { blob, fileName: served } = await fetchFile(`/api/recordings/${enc(r.id)}/composed.mp4?download=1`, this.ctx.token());
          saveFreshBlob(blob, served ?? fileName);
        }),
      );
    }
    if (r.manifestSha256 && r.status !== 'expired') {
      actions.append(
        busyButton('rec.downloadManifest', 'btn-secondary btn-small recording-download-manifest', ctx, error, async () => {
          const { blob } = await fetchFile(`/api/recordings/${enc(r.id)}/manifest.json`, this.ctx.token());
          saveFreshBlob(blob, `recording-${r.id}-manifest.json`);
        }),
      );
    }

    const hashRow = (label: I18nKey, value: string | null, cls: string) =>
      h(
        'div',
        { class: 'rec-hash-row' },
        h('dt', { i18n: label }),
        h(
          'dd',
          {},
          value
            ? h('code', { class: `rec-hash mono ${cls}`, text: value, dataset: { sha256: value } })
            : h('span', { class: 'rec-hash-pending muted', dataset: { pending: cls }, i18n: 'rec.afterCompose' }),
          value ? copyButton(value) : null,
        ),
      );
    const integrity = h(
      'div',
      { class: 'recording-integrity' },
      h('h4', { class: 'rec-integrity-title', i18n: 'rec.integrity' }),
      h('dl', { class: 'rec-hashes' }, hashRow('rec.manifestSha', r.manifestSha256, 'manifest-sha256'), hashRow('rec.composedSha', r.composedSha256, 'composed-sha256')),
    );
    return h('div', { class: 'recording-side' }, actions.childElementCount ? actions : null, integrity);
  }

  private tracks(r: RecordingEntry, error: HTMLElement): HTMLDetailsElement | null {
    const hidden = this.hiddenParts(r);
    if (r.parts.length === 0 && !hidden) return null;
    const segments = r.parts.reduce((n, p) => n + p.segments.length, 0);
    const filesGone = r.status === 'expired';
    const rows = r.parts.map((p) => {
      const role = roleKey(p.role);
      const side = p.confidential ? sideKey(p.confidential) : undefined;
      const scope = p.confidential
        ? h(
            'span',
            { class: 'rec-scope rec-scope-private', dataset: { side: p.confidential } },
            h('span', { class: 'rec-scope-line', i18n: 'rec.scope.private' }),
            h('span', { class: 'rec-scope-line rec-scope-side', ...(side ? { i18n: side } : { text: p.confidential }) }),
          )
        : h('span', { class: 'rec-scope muted', i18n: 'rec.scope.joint' });
      const segs =
        p.segments.length === 0
          ? h('span', { class: 'muted', i18n: 'rec.noSegments' })
          : h(
              'ol',
              { class: 'rec-segments' },
              ...p.segments.map((s) => {
                const download = filesGone
                  ? null
                  : busyButton(
                      'rec.download',
                      'btn-ghost btn-small rec-link segment-download',
                      () => this.ctx,
                      error,
                      async () => {
                        const { blob, fileName } = await fetchFile(`/api/recordings/${enc(r.id)}/segments/${enc(s.id)}`, this.ctx.token());
                        const ext = fileName?.match(/\.([a-z0-9]+)$/i)?.[1] ?? 'webm';
                        saveFreshBlob(blob, `recording-${r.id.slice(0, 8)}-${p.participant}-${p.kind}-${p.id.slice(0, 8)}-${String(s.sequence).padStart(3, '0')}.${ext}`);
                      },
                    );
                download?.setAttribute('data-segment-id', s.id);
                return h(
                  'li',
                  { class: 'rec-segment', dataset: { segmentId: s.id, ...(s.recovered ? { recovered: '1' } : {}) } },
                  h('span', { class: 'rec-seq mono', text: `#${s.sequence + 1}` }),
                  h('span', { class: 'mono', text: formatDuration(s.durationSeconds) }),
                  h('span', { class: 'rec-size muted', text: formatBytes(s.bytes) }),
                  h('code', { class: 'rec-seg-sha mono', text: `${s.sha256.slice(0, 12)}…`, attrs: { title: s.sha256 }, dataset: { sha256: s.sha256 } }),
                  s.recovered
                    ? h('span', { class: 'badge badge-rec-recovered', i18n: 'rec.recovered', i18nAttrs: { title: 'rec.recoveredTitle' } })
                    : null,
                  download,
                );
              }),
            );
      return h(
        'tr',
        { dataset: { partId: p.id, kind: p.kind, source: p.source } },
        h(
          'td',
          { class: 'rec-participant' },
          h('strong', { text: p.participant }),
          h('span', { class: 'rec-role muted tiny', ...(role ? { i18n: role } : { text: p.role }) }),
        ),
        h('td', { class: 'nowrap' }, h('span', { class: 'rec-kind', i18n: kindKey(p) }), h('span', { class: 'rec-codec muted tiny', text: p.codec })),
        h('td', { class: 'rec-scope-cell' }, scope),
        h(
          'td',
          { class: 'nowrap small rec-part-time' },
          sameDay(r.startedAt, p.startedAt) ? h('span', { text: timeOnly(p.startedAt) }) : dateText(p.startedAt),
          h('span', { class: 'muted', text: ` – ${p.endedAt ? timeOnly(p.endedAt) : '…'}` }),
        ),
        h('td', { class: 'rec-segments-cell' }, segs),
      );
    });
    const table = h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data-table recording-tracks-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { i18n: 'rec.col.participant' }),
            h('th', { i18n: 'rec.col.kind' }),
            h('th', { i18n: 'rec.col.scope' }),
            h('th', { i18n: 'rec.col.time' }),
            h('th', { i18n: 'rec.col.segments' }),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
    );
    return h(
      'details',
      { class: 'recording-tracks' },
      h('summary', { i18n: 'rec.tracks', i18nArgs: { parts: r.parts.length, segments } }),
      r.parts.length ? table : null,
      hidden ? h('p', { class: 'muted small', i18n: 'rec.partsHidden' }) : null,
    );
  }
}

/** One live section per case and login, reused across the case view's re-renders. */
const sections = new Map<string, RecordingsSection>();

/**
 * The "录像 Recordings" section of a case's detail. Call it on every render of
 * the case: it returns the same element (refreshed) while the view lives, and
 * cleans up by itself once the view has gone.
 */
export function recordingsSection(ctx: ViewContext & { caseId: string }): HTMLElement {
  const key = `${ctx.caseId}:${ctx.staff()?.user.id ?? ''}`;
  let section = sections.get(key);
  if (!section || section.disposed) {
    const created: RecordingsSection = new RecordingsSection(ctx, ctx.caseId, () => {
      if (sections.get(key) === created) sections.delete(key);
    });
    section = created;
    sections.set(key, section);
  }
  section.touch(ctx);
  return section.el;
}
