/**
 * The room bar's recording badge: what the server says is recorded now —
 * 录像中, 录像中断：张三 的视频, 未录像 — for the phone page and the console alike.
 */
import type { RecordingState } from '../../../server/signalling/protocol.ts';
import { h } from '../dom.ts';
import { onLangChange, t } from '../i18n.ts';
import { icons } from '../icons.ts';
import type { RoomSession } from './session.ts';

/** The badge's text for a state, in the current language. */
export function recordingText(state: RecordingState): string {
  if (state.status !== 'interrupted') return t(`room.rec.${state.status}`);
  const tracks = state.failing.map((f) => t(`room.rec.${f.source}`, { name: f.name })).join(t('room.rec.separator'));
  const diskFull = state.failing.some((f) => f.reason === 'disk_full') ? t('room.rec.diskFull') : '';
  return (tracks ? t('room.rec.interruptedTracks', { tracks }) : t('room.rec.interrupted')) + diskFull;
}

export function recordingBadge(session: RoomSession): HTMLElement {
  const text = h('span', { class: 'rec-text' });
  const badge = h('div', { class: 'rec-badge', attrs: { role: 'status', 'aria-live': 'polite' }, dataset: { testid: 'rec-badge' } }, h('span', { class: 'rec-dot', html: icons.record }), text);
  let state: RecordingState = session.snapshot?.recording ?? { status: 'starting', failing: [] };
  const render = () => {
    badge.dataset.state = state.status;
    text.textContent = recordingText(state);
    badge.title = text.textContent;
  };
  session.on('recording', (next) => {
    state = next;
    render();
  });
  onLangChange(render);
  render();
  return badge;
}
