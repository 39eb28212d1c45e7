/**
 * The host's end of a session: 结束调解 (a reason, an optional note, a
 * confirmation) ends a mediation for everyone; a hearing ends by 闭庭 (the
 * closing phase). The host's 离开 asks whether to end or just leave
 * (leaving keeps the session open).
 */
import { h } from '../dom.ts';
import { icons } from '../icons.ts';
import { lk, lt } from '../locales/lifecycle.ts';
import { askDialog } from '../room/confirmDialog.ts';
import type { RoomSession } from '../room/session.ts';
import { errorText } from '../room/sessionText.ts';

const REASONS = ['agreement', 'no_agreement', 'adjourned', 'other'] as const;

export function openEndDialog(session: RoomSession): void {
  const radios = REASONS.map((reason, i) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { attrs: { type: 'radio', name: 'end-reason', value: reason, checked: i === 0 } }),
      h('span', { i18n: lk(reason === 'other' ? 'life.reasonOther' : `life.reason.${reason}`) }),
    ),
  );
  const note = h('textarea', { id: 'end-note-input', attrs: { rows: 3, maxlength: 2000 } });
  const error = h('p', { id: 'end-error', class: 'life-error', attrs: { role: 'alert', hidden: true } });
  // The end lets everyone go (this console too) before its answer may arrive: the dialog goes with the room.
  const off = session.on('state', (state) => {
    if (state !== 'closed' && state !== 'left') return;
    off();
    close();
  });
  const close = askDialog({
    id: 'end-dialog',
    title: lk('life.endTitle'),
    extra: [
      h('fieldset', { class: 'life-reasons' }, h('legend', { class: 'field-label', i18n: lk('life.endReason') }), ...radios),
      h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: lk('life.endNote') }), note),
      h('p', { class: 'life-warn', i18n: lk('life.endWarn') }),
      error,
    ],
    choices: [
      { id: 'end-cancel', label: 'common.cancel', kind: 'secondary', onClick: () => undefined },
      {
        id: 'end-confirm',
        label: lk('life.endConfirm'),
        kind: 'danger',
        onClick: async () => {
          const reason = document.querySelector<HTMLInputElement>('input[name="end-reason"]:checked')?.value as (typeof REASONS)[number];
          try {
            await session.request('session:end', { reason, ...(note.value.trim() ? { note: note.value.trim() } : {}) });
            return true;
          } catch (err) {
            error.textContent = lt('life.endFailed', { message: errorText(err) });
            error.hidden = false;
            return false;
          }
        },
      },
    ],
  });
}

/** The host's 离开: end (or close the hearing), or just leave and keep the session open. */
export function askHostLeave(session: RoomSession, opts: { hearing: boolean; isHost: boolean; onCloseHearing: () => void }): void {
  if (!opts.isHost) {
    void session.leave();
    return;
  }
  askDialog({
    id: 'host-leave-dialog',
    title: lk(opts.hearing ? 'life.hostLeaveTitleHearing' : 'life.hostLeaveTitle'),
    body: lk('life.hostLeaveBody'),
    choices: [
      { id: 'host-leave-cancel', label: 'common.cancel', kind: 'secondary', onClick: () => undefined },
      { id: 'host-leave-only', label: lk('life.hostLeaveOnly'), kind: 'secondary', onClick: () => void session.leave() },
      {
        id: 'host-leave-end',
        label: lk(opts.hearing ? 'life.hostCloseInstead' : 'life.hostEndInstead'),
        kind: 'danger',
        onClick: () => {
          if (opts.hearing) opts.onCloseHearing();
          else setTimeout(() => openEndDialog(session), 0);
        },
      },
    ],
  });
}

/** The 结束调解 control for the console's bar (mediations only; hidden for others than the host). */
export function endControl(session: RoomSession): HTMLButtonElement {
  return h(
    'button',
    { id: 'end-session-btn', class: 'ctl life-ctl-end', attrs: { type: 'button' }, on: { click: () => openEndDialog(session) } },
    h('span', { class: 'ctl-icon', html: icons.check }),
    h('span', { class: 'ctl-label', i18n: lk('life.endBtn') }),
  );
}
