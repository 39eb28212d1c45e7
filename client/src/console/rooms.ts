/** Room list with the "new room" form and a per-room invitation panel. */
import { api, ApiError, ROOM_MODES, type Room, type RoomMode } from '../api.ts';
import { clear, h } from '../dom.ts';
import { bindDate, bindText, modeKey } from '../i18n.ts';
import { inviteForm } from './invite.ts';

export interface RoomsViewOptions {
  token: () => string;
  onEnter: (room: Room) => void;
  onAuthError: () => void;
}

function createdMs(room: Room): number {
  const v = room.createdAt;
  const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(n) ? n : 0;
}

export function roomsView(opts: RoomsViewOptions): HTMLElement {
  const list = h('ul', { class: 'room-list', attrs: { 'aria-live': 'polite' } });
  const listStatus = h('p', { class: 'muted', attrs: { role: 'status' } });

  const title = h('input', {
    id: 'room-title',
    attrs: { type: 'text', name: 'title', required: true, maxlength: 120, autocomplete: 'off' },
    i18nAttrs: { placeholder: 'console.roomTitlePlaceholder' },
  });
  const mode = h(
    'select',
    { id: 'room-mode', attrs: { name: 'mode' } },
    ...ROOM_MODES.map((m) => h('option', { attrs: { value: m }, i18n: modeKey(m) ?? 'mode.face_to_face' })),
  );
  const createBtn = h('button', { id: 'create-room-btn', class: 'btn btn-primary', attrs: { type: 'submit' }, i18n: 'console.create' });
  const createError = h('p', { class: 'form-error', attrs: { role: 'alert', hidden: true } });
  const form = h(
    'form',
    { id: 'new-room-form', class: 'stack', attrs: { novalidate: true } },
    h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'console.roomTitle' }), title),
    h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'console.roomMode' }), mode),
    createBtn,
    createError,
  );

  const fail = (err: unknown, target: HTMLElement) => {
    if (err instanceof ApiError && err.isAuth) {
      opts.onAuthError();
      return;
    }
    bindText(target, 'console.loadFailed', { message: err instanceof Error ? err.message : String(err) });
    target.hidden = false;
  };

  const renderRoom = (room: Room): HTMLElement => {
    const key = modeKey(room.mode);
    const created = h('span', {});
    bindDate(created, room.createdAt);
    const invitePanel = h('div', { class: 'room-item-invite', attrs: { hidden: true } });
    const inviteBtn = h('button', {
      class: 'btn btn-secondary invite-btn',
      attrs: { type: 'button', 'aria-expanded': 'false' },
      i18n: 'console.invite',
    });
    inviteBtn.addEventListener('click', () => {
      if (!invitePanel.firstChild) {
        invitePanel.append(inviteForm({ roomId: room.id, token: opts.token, onAuthError: opts.onAuthError }));
      }
      invitePanel.hidden = !invitePanel.hidden;
      inviteBtn.setAttribute('aria-expanded', String(!invitePanel.hidden));
      if (!invitePanel.hidden) invitePanel.querySelector<HTMLInputElement>('input')?.focus();
    });
    return h(
      'li',
      { class: 'room-item', dataset: { roomId: room.id } },
      h(
        'div',
        { class: 'room-item-head' },
        h(
          'div',
          { class: 'room-item-text' },
          h('div', { class: 'room-item-title', text: room.title }),
          h(
            'div',
            { class: 'room-item-meta' },
            h('span', { class: `chip chip-${room.mode}`, ...(key ? { i18n: key } : { text: room.mode }) }),
            h('span', { class: 'muted small' }, h('span', { i18n: 'console.createdAt' }), ' ', created),
          ),
        ),
        h(
          'div',
          { class: 'room-item-actions' },
          inviteBtn,
          h('button', {
            class: 'btn btn-primary enter-btn',
            attrs: { type: 'button' },
            i18n: 'console.enterRoom',
            on: { click: () => opts.onEnter(room) },
          }),
        ),
      ),
      invitePanel,
    );
  };

  const load = async () => {
    listStatus.hidden = false;
    bindText(listStatus, 'common.loading');
    try {
      const { rooms } = await api.listRooms(opts.token());
      clear(list);
      const sorted = [...rooms].sort((a, b) => createdMs(b) - createdMs(a));
      for (const room of sorted) list.append(renderRoom(room));
      if (sorted.length === 0) bindText(listStatus, 'console.noRooms');
      else listStatus.hidden = true;
    } catch (err) {
      fail(err, listStatus);
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    createError.hidden = true;
    const value = title.value.trim();
    if (!value) {
      bindText(createError, 'console.required');
      createError.hidden = false;
      title.focus();
      return;
    }
    createBtn.disabled = true;
    bindText(createBtn, 'console.creating');
    api
      .createRoom(opts.token(), value, mode.value as RoomMode)
      .then((room) => {
        title.value = '';
        listStatus.hidden = true;
        const item = renderRoom(room);
        list.prepend(item);
        // Most new rooms need invitations next; open the panel right away.
        item.querySelector<HTMLButtonElement>('.invite-btn')?.click();
      })
      .catch((err: unknown) => fail(err, createError))
      .finally(() => {
        createBtn.disabled = false;
        bindText(createBtn, 'console.create');
      });
  });

  void load();

  return h(
    'section',
    { class: 'console-page' },
    h('div', { class: 'panel new-room-panel' }, h('h2', { class: 'panel-title', i18n: 'console.newRoom' }), form),
    h(
      'div',
      { class: 'panel rooms-panel' },
      h(
        'div',
        { class: 'panel-head' },
        h('h2', { class: 'panel-title', i18n: 'console.rooms' }),
        h('button', {
          id: 'refresh-rooms-btn',
          class: 'btn btn-ghost',
          attrs: { type: 'button' },
          i18n: 'console.refresh',
          on: { click: () => void load() },
        }),
      ),
      listStatus,
      list,
    ),
  );
}
