/**
 * Party page (/join?token=…): invitation check → device check → room.
 * Query flags: autojoin=1 skips the Join tap; media=none joins receive-only.
 */
import { api, ApiError, type InvitationInfo } from '../api.ts';
import { clear, h, syncViewportHeight } from '../dom.ts';
import { bindDate, modeKey, roleKey, setupLangToggle } from '../i18n.ts';
import { DevicePreview, type PreviewResult } from '../room/preview.ts';
import { exposeForTests, RoomSession, type StateDetail } from '../room/session.ts';
import { RoomView } from '../room/view.ts';
import { keepScreenAwake } from '../room/wakelock.ts';
import { endCopy, loadingScreen, messageScreen } from '../ui.ts';

type PageState = 'loading' | 'invalid' | 'preview' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'closed';

const app = document.getElementById('app') as HTMLElement;
const params = new URLSearchParams(location.search);
const token = params.get('token')?.trim() ?? '';
const autojoin = params.get('autojoin') === '1';
const receiveOnly = params.get('media') === 'none';

let currentPreview: DevicePreview | undefined;

function setState(state: PageState): void {
  document.body.dataset.state = state;
}

function mount(el: HTMLElement): void {
  clear(app);
  app.append(el);
  window.scrollTo(0, 0);
}

function invalidScreen(missing: boolean, detail?: string): void {
  setState('invalid');
  mount(
    messageScreen({
      tone: 'error',
      title: 'invite.invalidTitle',
      body: missing ? 'invite.missingToken' : 'invite.invalidBody',
      detail,
    }),
  );
}

async function boot(): Promise<void> {
  setState('loading');
  mount(loadingScreen('invite.loading'));
  if (!token) return invalidScreen(true);

  let info: InvitationInfo;
  try {
    info = await api.getInvitation(token);
  } catch (err) {
    if (err instanceof ApiError && err.status >= 400 && err.status < 500) return invalidScreen(false);
    mount(
      messageScreen({
        tone: 'error',
        title: 'end.errorTitle',
        body: err instanceof ApiError && err.isNetwork ? 'common.networkError' : 'common.serverError',
        actions: [{ id: 'retry-btn', label: 'common.retry', primary: true, onClick: () => void boot() }],
      }),
    );
    return;
  }
  document.title = `${info.roomTitle} · 云庭`;
  void showPreview(info);
}

function invitationCard(info: InvitationInfo): HTMLElement {
  const role = roleKey(info.role);
  const mode = modeKey(info.roomMode);
  const expires = h('dd', {});
  bindDate(expires, info.expiresAt);
  return h(
    'div',
    { class: 'invite-card' },
    h('div', { class: 'invite-room', text: info.roomTitle }),
    h(
      'dl',
      { class: 'invite-facts' },
      h('div', {}, h('dt', { i18n: 'invite.name' }), h('dd', { id: 'my-name', text: info.displayName })),
      h('div', {}, h('dt', { i18n: 'invite.role' }), h('dd', role ? { id: 'my-role', i18n: role } : { id: 'my-role', text: info.role })),
      mode ? h('div', {}, h('dt', { i18n: 'invite.mode' }), h('dd', { i18n: mode })) : null,
      h('div', {}, h('dt', { i18n: 'invite.expires' }), expires),
    ),
  );
}

async function showPreview(info: InvitationInfo): Promise<void> {
  setState('preview');
  if (autojoin && receiveOnly) return enterRoom(info, { choice: {} });
  currentPreview?.destroy();
  const preview = new DevicePreview({
    header: invitationCard(info),
    joinLabel: 'preview.join',
    onJoin: (media) => enterRoom(info, media),
  });
  currentPreview = preview;
  mount(preview.el);
  await preview.start();
  if (autojoin && currentPreview === preview) preview.join();
}

function enterRoom(info: InvitationInfo, media: PreviewResult): void {
  currentPreview = undefined;
  setState('joining');
  const session = new RoomSession({
    token,
    displayName: info.displayName,
    role: info.role,
    audioTrack: media.audioTrack,
    videoTrack: media.videoTrack,
    capture: media.choice,
  });
  const view = new RoomView(session, { layout: 'phone', title: info.roomTitle, mode: info.roomMode });
  mount(view.el);
  exposeForTests(session);
  const release = keepScreenAwake();

  session.on('state', (state, detail) => {
    if (state === 'left' || state === 'closed') {
      release();
      view.destroy();
      endScreen(state, detail);
      return;
    }
    setState(state);
  });
  session.start();
}

function endScreen(state: 'left' | 'closed', detail: StateDetail): void {
  setState(state);
  const copy = endCopy(detail.reason);
  mount(
    messageScreen({
      tone: copy.tone,
      title: copy.title,
      body: copy.body,
      bodyArgs: { message: detail.error?.message ?? '' },
      actions: copy.rejoin
        ? [
            {
              id: 'rejoin-btn',
              label: 'end.rejoin',
              primary: true,
              // Going through the invitation check again catches a link that expired meanwhile.
              onClick: () => void boot(),
            },
          ]
        : [],
    }),
  );
}

syncViewportHeight();
setupLangToggle(document.getElementById('lang-btn') as HTMLButtonElement | null);
void boot();
