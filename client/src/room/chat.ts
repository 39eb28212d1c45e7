/**
 * Session chat: the messages this participant may read (the server sends a
 * private talk's messages only inside it) and a box to send one. Used in the
 * phone's chat drawer and the console's chat tab.
 */
import type { ChatMessage } from '../../../server/signalling/protocol.ts';
import { clear, h } from '../dom.ts';
import { bindText, roleKey } from '../i18n.ts';
import { icons } from '../icons.ts';
import type { RoomSession } from './session.ts';
import { errorText, shortClock } from './sessionText.ts';
import { isSignallingError } from '../signalling.ts';

export class ChatPanel {
  readonly el: HTMLElement;
  /** Called with the number of messages that arrived while the panel was hidden. */
  onUnread?: (count: number) => void;
  private readonly list: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly input: HTMLTextAreaElement;
  private readonly sendBtn: HTMLButtonElement;
  private readonly error: HTMLElement;
  private readonly seen = new Set<string>();
  private readonly off: () => void;
  private visible = false;
  private unread = 0;
  private sending = false;

  constructor(private readonly session: RoomSession) {
    this.list = h('ol', { class: 'chat-list', attrs: { 'aria-live': 'polite' } });
    this.empty = h('p', { class: 'chat-empty muted small', i18n: 'chat.empty' });
    this.input = h('textarea', {
      id: 'chat-input',
      class: 'chat-input',
      attrs: { rows: 1, maxlength: 1000, enterkeyhint: 'send', autocomplete: 'off' },
      i18nAttrs: { placeholder: 'chat.placeholder', 'aria-label': 'chat.placeholder' },
    });
    this.sendBtn = h(
      'button',
      { id: 'chat-send', class: 'btn btn-primary chat-send', attrs: { type: 'submit' }, i18nAttrs: { 'aria-label': 'chat.send' } },
      h('span', { class: 'chat-send-icon', html: icons.send }),
      h('span', { class: 'chat-send-label', i18n: 'chat.send' }),
    );
    this.error = h('p', { class: 'form-error chat-error', attrs: { role: 'alert', hidden: true } });
    const form = h('form', { class: 'chat-form', attrs: { novalidate: true } }, this.input, this.sendBtn);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    this.input.addEventListener('keydown', (event) => {
      // Enter sends; Shift+Enter breaks the line; never while an IME is composing (pinyin input).
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        void this.send();
      }
    });
    this.input.addEventListener('input', () => this.autosize());
    this.el = h('div', { class: 'chat-panel' }, h('div', { class: 'chat-scroll' }, this.empty, this.list), this.error, form);
    this.off = session.on('chat', (message) => this.add(message, false));
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (!visible) return;
    this.unread = 0;
    this.onUnread?.(0);
    this.scrollToEnd();
  }

  focus(): void {
    this.input.focus({ preventScroll: true });
  }

  destroy(): void {
    this.off();
  }

  private async send(): Promise<void> {
    const text = this.input.value.trim();
    if (!text || this.sending) return;
    this.sending = true;
    this.sendBtn.disabled = true;
    this.error.hidden = true;
    try {
      const message = await this.session.request('chat:send', { text });
      this.input.value = '';
      this.autosize();
      this.add(message, true);
    } catch (err) {
      if (isSignallingError(err, 'RATE_LIMITED')) bindText(this.error, 'chat.tooFast');
      else bindText(this.error, 'chat.failed', { message: errorText(err) });
      this.error.hidden = false;
    } finally {
      this.sending = false;
      this.sendBtn.disabled = false;
    }
  }

  private add(message: ChatMessage, mine: boolean): void {
    if (this.seen.has(message.id)) return;
    this.seen.add(message.id);
    const role = roleKey(message.role);
    const time = h('time', { class: 'chat-time', text: shortClock(message.at), attrs: { datetime: message.at } });
    this.list.append(
      h(
        'li',
        { class: `chat-msg${mine ? ' mine' : ''}${message.private ? ' private' : ''}`, dataset: { messageId: message.id } },
        h(
          'div',
          { class: 'chat-meta' },
          h('span', { class: 'chat-from', text: message.from }),
          role ? h('span', { class: 'chat-role', i18n: role }) : null,
          message.private ? h('span', { class: 'chat-private', i18n: 'chat.private' }) : null,
          time,
        ),
        h('div', { class: 'chat-text', text: message.text }),
      ),
    );
    this.empty.hidden = true;
    if (this.visible) this.scrollToEnd();
    else if (!mine) {
      this.unread++;
      this.onUnread?.(this.unread);
    }
  }

  private scrollToEnd(): void {
    const scroller = this.list.parentElement;
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }

  private autosize(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, 120)}px`;
  }

  clearAll(): void {
    clear(this.list);
    this.seen.clear();
    this.empty.hidden = false;
  }
}
