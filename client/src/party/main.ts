/**
 * Party page (/join#token=…; the token in the fragment never reaches the server): invitation check → device check → room.
 * Flags (query or fragment): autojoin=1 skips the Join tap; media=none joins receive-only.
 */
import { api, ApiError, type InvitationInfo } from '../api.ts';
import { clear, h, syncViewportHeight } from '../dom.ts';
import { bindDate, modeKey, registerStrings, roleKey, setupLangToggle } from '../i18n.ts';
import { enRoom, zhRoom } from '../locales/room.ts';
import { DevicePreview, type PreviewResult } from '../room/preview.ts';
import { exposeForTests, RoomSession, type StateDetail } from '../room/session.ts';
import { keepScreenAwake } from '../room/wakelock.ts';
import { endCopy, loadingScreen, messageScreen } from '../ui.ts';
import { offerRating } from './rating.ts';
import { credentialUrl, pageParams } from '../pageParams.ts';
import { PartyRoom } from './room.ts';
import { showEndScreen } from './endScreen.ts';
import { RoomSigning } from '../room/roomSigning.ts';
import { forgetDeviceChoice, keptDeviceChoice, keepDeviceChoice, resumeWithKeptChoice } from '../room/resume.ts';

registerStrings(zhRoom, enRoom);

type PageState = 'loading' | 'code' | 'invalid' | 'preview' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'closed';

const app = document.getElementById('app') as HTMLElement;
const params = pageParams(['token']);
const inviteToken = params.get('token')?.trim() ?? '';
/** This phone's own credential once the invitation is redeemed; kept so a reload rejoins without the (one-time) link. */
let partyToken = '';
const autojoin = params.get('autojoin') === '1';
const receiveOnly = params.get('media') === 'none';

let currentPreview: DevicePreview | undefined;
/** Whether this invitation belongs to a case (then documents may wait to be signed). */
let caseSession = false;

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
  if (!inviteToken && !partyToken) return codeScreen();

  let info: InvitationInfo;
  try {
    partyToken ||= await redeemOnce({ token: inviteToken }, `yunting.party.${inviteToken.slice(-32)}`);
    info = await api.getInvitation(partyToken);
  } catch (err) {
    if (err instanceof ApiError && err.status >= 400 && err.status < 500) return invalidScreen(false, err.message);
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
  caseSession = Boolean((info as { caseId?: string | null }).caseId);
  // An ended session is not entered again: its invitation opens the end screen (documents, rating, tracking).
  if (info.ended) return void showEnded(info);
  // A reload (or a second visit) while the session is live goes straight back in with the kept device choice.
  const kept = keptDeviceChoice(partyToken);
  if (kept && info.sessionStarted && !receiveOnly) {
    const media = await resumeWithKeptChoice(kept);
    if (media) return enterRoom(info, media);
  }
  void showPreview(info);
}

/** Redeems an invitation once per device; later visits reuse the saved party token while it is valid. */
async function redeemOnce(credential: { token: string } | { shortCode: string }, storageKey: string): Promise<string> {
  const saved = localStorage.getItem(storageKey);
  if (saved) {
    try {
      await api.getInvitation(saved);
      return saved;
    } catch (err) {
      if (!(err instanceof ApiError && err.isAuth)) throw err;
      localStorage.removeItem(storageKey);
    }
  }
  const { partyToken: fresh } = await api.redeemInvitation(credential);
  localStorage.setItem(storageKey, fresh);
  return fresh;
}

/** Without a link: the 8-digit code the mediator read out or sent by SMS. */
function codeScreen(error?: string): void {
  setState('code');
  const input = h('input', {
    id: 'code-input',
    class: 'input code-input',
    attrs: { inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '8', pattern: '\\d{8}', placeholder: '12345678' },
  }) as HTMLInputElement;
  const submit = async () => {
    const shortCode = input.value.replace(/\D/g, '');
    if (shortCode.length !== 8) return codeScreen(undefined);
    try {
      partyToken = await redeemOnce({ shortCode }, `yunting.party.code.${shortCode}`);
      await boot();
    } catch (err) {
      codeScreen(err instanceof ApiError ? err.message : String(err));
    }
  };
  mount(
    messageScreen({
      tone: error ? 'error' : 'info',
      title: 'invite.codeTitle',
      body: 'invite.codeBody',
      detail: error,
      extra: input,
      actions: [{ id: 'code-btn', label: 'invite.codeSubmit', primary: true, onClick: () => void submit() }],
    }),
  );
  input.focus();
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

let releaseEnd: (() => void) | undefined;

async function showEnded(info: InvitationInfo): Promise<void> {
  forgetDeviceChoice(partyToken);
  releaseEnd?.();
  let fresh = info;
  if (!fresh.ended) fresh = await api.getInvitation(partyToken).catch(() => info);
  if (!fresh.ended) return endScreen('closed', { reason: 'room-closed' });
  releaseEnd = showEndScreen(app, fresh, fresh.ended, partyToken);
}

function enterRoom(info: InvitationInfo, media: PreviewResult): void {
  currentPreview = undefined;
  setState('joining');
  keepDeviceChoice(partyToken, media.choice);
  const session = new RoomSession({
    token: partyToken,
    displayName: info.displayName,
    role: info.role,
    audioTrack: media.audioTrack,
    videoTrack: media.videoTrack,
    capture: media.choice,
  });
  const signing = info.caseId ? new RoomSigning(() => partyToken, { hearing: info.roomMode === 'hearing' }) : undefined;
  const view = new PartyRoom(session, info, () => partyToken, signing);
  mount(view.el);
  if (signing) {
    document.body.append(signing.sheet);
    signing.start();
  }
  exposeForTests(session);
  const release = keepScreenAwake();

  session.on('state', (state, detail) => {
    if (state === 'left' || state === 'closed') {
      release();
      view.destroy();
      signing?.stop();
      if (detail.reason === 'ended') return void showEnded(info);
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
      actions: [
        ...(copy.rejoin
          ? [
              {
                id: 'rejoin-btn',
                label: 'end.rejoin' as const,
                primary: true,
                // Going through the invitation check again catches a link that expired meanwhile.
                onClick: () => void boot(),
              },
            ]
          : []),
        // A case session ends with its agreement (or the simplified-procedure confirmation) to read and sign.
        ...(caseSession
          ? [{ id: 'sign-btn', label: 'end.sign' as const, primary: !copy.rejoin, onClick: () => location.assign(credentialUrl('/sign', { token: partyToken })) }]
          : []),
      ],
    }),
  );
  // After a case session the party may rate the mediator or arbitrator.
  const card = app.querySelector<HTMLElement>('.message-card');
  if (card && (detail.reason === 'left' || detail.reason === 'room-closed')) void offerRating(card, partyToken);
}

syncViewportHeight();
setupLangToggle(document.getElementById('lang-btn') as HTMLButtonElement | null);
void boot();
