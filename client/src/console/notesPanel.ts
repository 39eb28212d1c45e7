/** The console's "笔记" tab: the host's private notes for this session, loaded once and saved as they type. */
import { h } from '../dom.ts';
import { bindText } from '../i18n.ts';
import type { RoomSession } from '../room/session.ts';
import { errorText, shortClock } from '../room/sessionText.ts';

const SAVE_DELAY_MS = 800;

export class NotesPanel {
  readonly el: HTMLElement;
  private readonly text: HTMLTextAreaElement;
  private readonly status = h('p', { class: 'muted small notes-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  private loaded = false;
  private loading = false;
  private dirty = false;
  private saving?: Promise<void>;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly session: RoomSession) {
    this.text = h('textarea', {
      id: 'host-notes',
      class: 'notes-text',
      attrs: { maxlength: 20000, disabled: true, spellcheck: false },
      i18nAttrs: { placeholder: 'host.notesPlaceholder', 'aria-label': 'host.tabNotes' },
    });
    this.text.addEventListener('input', () => {
      this.dirty = true;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.save(), SAVE_DELAY_MS);
    });
    this.text.addEventListener('blur', () => void this.flush());
    this.el = h('div', { class: 'notes-panel' }, h('p', { class: 'muted small', i18n: 'host.notesHint' }), this.text, this.status);
  }

  /** Loads the notes the first time the tab is shown (and again after a failed load). */
  async show(): Promise<void> {
    if (this.loaded || this.loading) return;
    this.loading = true;
    bindText(this.status, 'common.loading');
    try {
      const notes = await this.session.request('notes:get', {});
      if (!this.dirty) this.text.value = notes.text;
      this.loaded = true;
      this.text.disabled = false;
      if (notes.updatedAt) bindText(this.status, 'host.notesSaved', { time: shortClock(notes.updatedAt) });
      else this.status.textContent = '';
    } catch (err) {
      bindText(this.status, 'host.notesFailed', { message: errorText(err) });
    } finally {
      this.loading = false;
    }
  }

  /** Saves what is pending now (leaving the room, switching tabs). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    if (this.dirty) await this.save();
    else await this.saving;
  }

  destroy(): void {
    void this.flush();
  }

  private async save(): Promise<void> {
    if (!this.loaded) return;
    await this.saving;
    if (!this.dirty) return;
    this.dirty = false;
    const text = this.text.value;
    bindText(this.status, 'host.notesSaving');
    this.saving = this.session
      .request('notes:save', { text })
      .then(({ updatedAt }) => bindText(this.status, 'host.notesSaved', { time: shortClock(updatedAt) }))
      .catch((err: unknown) => {
        this.dirty = true;
        bindText(this.status, 'host.notesFailed', { message: errorText(err) });
      });
    await this.saving;
  }
}
