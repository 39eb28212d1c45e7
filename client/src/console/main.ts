/**
 * Staff console (/console): sign-in → cases (inbox, detail, actions), rooms
 * (create, invite), statistics, organisations & staff → a room's media.
 * Sections live in the hash (#/cases, #/case/<id>, #/rooms, #/stats, #/admin).
 */
import { api, ApiError, type Room } from '../api.ts';
import { clear, h, syncViewportHeight } from '../dom.ts';
import { bindText, modeKey, registerStrings, roleKey, setupLangToggle, type I18nKey } from '../i18n.ts';
import { enConsole, zhConsole } from '../locales/console.ts';
import { enRoom, zhRoom } from '../locales/room.ts';
import { enRecordings, zhRecordings } from '../locales/recordings.ts';
import { DevicePreview, type PreviewResult } from '../room/preview.ts';
import { exposeForTests, RoomSession, type StateDetail } from '../room/session.ts';
import { keepScreenAwake } from '../room/wakelock.ts';
import { endCopy, messageScreen } from '../ui.ts';
import { clearStaff, loadStaff, saveStaff, type StaffSession } from './auth.ts';
import { adminView } from './admin.ts';
import { staffProfilesPanel } from './staffProfilesPanel.ts';
import '../seal/strings.ts';
import { caseDetailView } from './caseDetail.ts';
import { casesView } from './cases.ts';
import type { MountedView, ViewContext } from './common.ts';
import { HostRoom } from './hostRoom.ts';
import { inviteForm } from './invite.ts';
import { LiveCases } from './live.ts';
import { renderNav, type Section } from './nav.ts';
import { roomsView } from './rooms.ts';
import { statsView } from './stats.ts';
import { forgetOpenRoom, openRoomToResume, rememberOpenRoom } from './roomResume.ts';
import { resumeWithKeptChoice } from '../room/resume.ts';
import { lk } from '../locales/lifecycle.ts';

type View = 'login' | 'rooms' | 'room' | 'cases' | 'case' | 'stats' | 'admin';

registerStrings(zhConsole, enConsole);
registerStrings(zhRoom, enRoom);
registerStrings(zhRecordings, enRecordings);

const app = document.getElementById('app') as HTMLElement;
const userInfo = document.getElementById('user-info') as HTMLElement;
const logoutBtn = document.getElementById('logout-btn') as HTMLButtonElement;
const nav = document.getElementById('console-nav') as HTMLElement;

let staff: StaffSession | undefined = loadStaff();
let activeSession: RoomSession | undefined;
let activeView: HostRoom | undefined;
let activePreview: DevicePreview | undefined;
let releaseWake: (() => void) | undefined;
let activePage: MountedView | undefined;
const live = new LiveCases();
live.onRevoked = () => signOut('end.disabledTitle');
/** Where "back" leads from a room: the case it belongs to, or the room list. */
let roomReturn: { label: I18nKey; go: () => void } = { label: 'console.backToRooms', go: () => showRooms() };

const token = (): string => staff?.token ?? '';
const ctx: ViewContext = { staff: () => staff, token, onAuthError: () => signOut('console.sessionExpired') };

function setView(view: View, state?: string): void {
  document.body.dataset.view = view;
  if (state) document.body.dataset.state = state;
  else delete document.body.dataset.state;
}

function mount(el: HTMLElement): void {
  activePage?.destroy();
  activePage = undefined;
  clear(app);
  app.append(el);
}

function mountPage(page: MountedView, section: Section): void {
  mount(page.el);
  activePage = page;
  renderNav(nav, staff?.user, section);
  window.scrollTo(0, 0);
}

/** Stops any media of the current room without telling the server (used on navigation). */
function stopRoom(): void {
  forgetOpenRoom();
  activePreview?.destroy();
  activePreview = undefined;
  activeView?.destroy();
  activeView = undefined;
  releaseWake?.();
  releaseWake = undefined;
  const session = activeSession;
  activeSession = undefined;
  exposeForTests(undefined);
  if (session && session.state !== 'left' && session.state !== 'closed') void session.leave();
}

function renderUser(): void {
  clear(userInfo);
  logoutBtn.hidden = !staff;
  if (!staff) return;
  const key = roleKey(staff.user.role);
  userInfo.append(
    h('span', { class: 'user-name', text: staff.user.displayName || staff.user.username }),
    h('span', { class: 'chip', ...(key ? { i18n: key } : { text: staff.user.role }) }),
  );
}

function signOut(message?: I18nKey): void {
  stopRoom();
  live.stop();
  clearStaff();
  staff = undefined;
  renderUser();
  renderNav(nav, undefined, undefined);
  showLogin(message);
}

function showLogin(message?: I18nKey): void {
  setView('login');
  const username = h('input', { id: 'username', attrs: { type: 'text', name: 'username', autocomplete: 'username', required: true } });
  const password = h('input', {
    id: 'password',
    attrs: { type: 'password', name: 'password', autocomplete: 'current-password', required: true },
  });
  const submit = h('button', { id: 'login-btn', class: 'btn btn-primary btn-block', attrs: { type: 'submit' }, i18n: 'console.login' });
  const error = h('p', { class: 'form-error', attrs: { role: 'alert', hidden: !message } });
  if (message) bindText(error, message);

  const form = h(
    'form',
    { id: 'login-form', class: 'stack', attrs: { novalidate: true } },
    h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'console.username' }), username),
    h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'console.password' }), password),
    error,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!username.value.trim() || !password.value) {
      bindText(error, 'console.required');
      error.hidden = false;
      (username.value.trim() ? password : username).focus();
      return;
    }
    error.hidden = true;
    submit.disabled = true;
    bindText(submit, 'console.loggingIn');
    api
      .login(username.value.trim(), password.value)
      .then((result) => {
        staff = saveStaff(result);
        renderUser();
        live.start(result.token);
        route();
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError && (err.status === 401 || err.status === 400 || err.status === 403)) {
          bindText(error, 'console.loginFailed');
        } else if (err instanceof ApiError && err.isNetwork) {
          bindText(error, 'common.networkError');
        } else {
          bindText(error, 'console.loadFailed', { message: err instanceof Error ? err.message : String(err) });
        }
        error.hidden = false;
        password.select();
      })
      .finally(() => {
        submit.disabled = false;
        bindText(submit, 'console.login');
      });
  });

  mount(
    h(
      'section',
      { class: 'screen screen-center' },
      h(
        'div',
        { class: 'panel login-panel' },
        h('h1', { class: 'panel-title', i18n: 'console.loginTitle' }),
        h('p', { class: 'muted small', i18n: 'app.tagline' }),
        form,
      ),
    ),
  );
  username.focus();
}

function showRooms(): void {
  stopRoom();
  setView('rooms');
  roomReturn = { label: 'console.backToRooms', go: () => showRooms() };
  const el = roomsView({
    token,
    onEnter: (room) => void showRoomPreview(room),
    onAuthError: () => signOut('console.sessionExpired'),
  });
  mountPage({ el, destroy: () => undefined }, 'rooms');
}

function showCases(): void {
  stopRoom();
  setView('cases');
  mountPage(casesView({ ...ctx, live, onOpen: (id) => (location.hash = `#/case/${id}`) }), 'cases');
}

function showCase(caseId: string): void {
  stopRoom();
  setView('case');
  roomReturn = { label: 'case.back', go: () => showCase(caseId) };
  mountPage(
    caseDetailView({
      ...ctx,
      caseId,
      live,
      onBack: () => (location.hash = '#/cases'),
      onEnterRoom: (room) => void showRoomPreview(room),
    }),
    'cases',
  );
}

function showStats(): void {
  stopRoom();
  setView('stats');
  mountPage(statsView(ctx), 'stats');
}

function showAdmin(): void {
  stopRoom();
  setView('admin');
  mountPage(adminView(ctx), 'admin');
}

function showPeople(): void {
  stopRoom();
  setView('admin');
  mountPage(staffProfilesPanel(ctx), 'people');
}

/** Shows the section named in the hash (cases by default). */
function route(): void {
  if (!staff) return showLogin();
  const [section = '', id] = location.hash.replace(/^#\/?/, '').split('/');
  const role = staff.user.role;
  if (section === 'case' && id) return showCase(decodeURIComponent(id));
  if (section === 'rooms') return showRooms();
  if (section === 'stats' && (role === 'admin' || role === 'clerk')) return showStats();
  if (section === 'admin' && role === 'admin') return showAdmin();
  if (section === 'people' && role !== 'admin') return showPeople();
  return showCases();
}

function roomHeader(room: Room): HTMLElement {
  const mode = modeKey(room.mode);
  return h(
    'div',
    { class: 'invite-card room-card-head' },
    h(
      'button',
      { class: 'btn btn-ghost back-btn', attrs: { type: 'button' }, on: { click: () => roomReturn.go() } },
      h('span', { text: '← ' }),
      h('span', { i18n: roomReturn.label }),
    ),
    h('div', { class: 'invite-room', text: room.title }),
    mode ? h('span', { class: `chip chip-${room.mode}`, i18n: mode }) : null,
  );
}

async function showRoomPreview(room: Room): Promise<void> {
  stopRoom();
  renderNav(nav, staff?.user, undefined);
  setView('room', 'preview');
  const preview = new DevicePreview({
    header: roomHeader(room),
    joinLabel: 'preview.enter',
    onJoin: (media) => enterRoom(room, media),
  });
  activePreview = preview;
  mount(h('div', { class: 'console-preview' }, preview.el));
  await preview.start();
}

function enterRoom(room: Room, media: PreviewResult): void {
  activePreview = undefined;
  if (!staff) return signOut();
  setView('room', 'joining');
  const session = new RoomSession({
    token: staff.token,
    roomId: room.id,
    displayName: staff.user.displayName || staff.user.username,
    role: staff.user.role,
    audioTrack: media.audioTrack,
    videoTrack: media.videoTrack,
    capture: media.choice,
  });
  const view = new HostRoom(session, room, {
    token,
    invite: inviteForm({
      roomId: room.id,
      token,
      onAuthError: () => signOut('console.sessionExpired'),
      compact: true,
    }),
  });
  activeSession = session;
  activeView = view;
  // A reload of this tab comes back into this room.
  rememberOpenRoom(room, media.choice, roomReturn.label === 'case.back' ? (room.caseId ?? null) : null);
  releaseWake = keepScreenAwake();
  mount(view.el);
  exposeForTests(session);

  session.on('state', (state, detail) => {
    if (activeSession !== session) return;
    if (state === 'left' || state === 'closed') {
      view.destroy();
      activeView = undefined;
      releaseWake?.();
      releaseWake = undefined;
      forgetOpenRoom();
      if (detail.reason === 'auth') return signOut('console.sessionExpired');
      return showEnd(room, state, detail);
    }
    setView('room', state);
  });
  session.start();
}

function showEnd(room: Room, state: 'left' | 'closed', detail: StateDetail): void {
  setView('room', state);
  if (detail.reason === 'ended') {
    // Ended for everyone: no way back in, only back to the case (where the recording is being composed).
    document.body.dataset.state = 'ended';
    mount(messageScreen({ tone: 'info', title: lk('life.hostEnded'), body: lk('life.hostEndedBody'), actions: [{ id: 'back-btn', label: roomReturn.label, primary: true, onClick: () => roomReturn.go() }] }));
    return;
  }
  const copy = endCopy(detail.reason);
  mount(
    messageScreen({
      tone: copy.tone,
      title: copy.title,
      body: copy.body,
      bodyArgs: { message: detail.error?.message ?? '' },
      actions: [
        ...(copy.rejoin ? [{ id: 'rejoin-btn', label: 'end.rejoin' as const, primary: true, onClick: () => void showRoomPreview(room) }] : []),
        { id: 'back-btn', label: roomReturn.label, onClick: () => roomReturn.go() },
      ],
    }),
  );
}

syncViewportHeight();
setupLangToggle(document.getElementById('lang-btn') as HTMLButtonElement | null);
logoutBtn.addEventListener('click', () => signOut());
window.addEventListener('hashchange', () => {
  if (staff) route();
});
renderUser();
/** A reload while in a room: back into that room with the kept devices (the device check if they cannot be had). */
async function resumeRoom(): Promise<boolean> {
  const open = openRoomToResume();
  if (!open || !staff) return false;
  if (open.caseId) roomReturn = { label: 'case.back', go: () => (location.hash = `#/case/${open.caseId}`, showCase(open.caseId!)) };
  renderNav(nav, staff.user, undefined);
  setView('room', 'joining');
  const media = await resumeWithKeptChoice(open.choice);
  if (!media) {
    void showRoomPreview(open.room);
    return true;
  }
  enterRoom(open.room, media);
  return true;
}

if (staff) {
  live.start(staff.token);
  void resumeRoom().then((resumed) => {
    if (!resumed) route();
  });
} else showLogin();
// Version shown in the footer helps support calls; failure here is harmless.
void api
  .health()
  .then((health) => {
    const el = document.getElementById('server-version');
    if (el && health.version) el.textContent = `v${health.version}`;
  })
  .catch(() => undefined);
