/**
 * One dictionary for both pages. Elements carry `data-i18n` (and optionally
 * `data-i18n-args`, `data-i18n-attr`, `data-date`) so a language switch can
 * re-render text in place without rebuilding screens.
 */
import { enCases, zhCases } from './locales/cases.ts';
import { enClocks, zhClocks } from './locales/clocks.ts';
// Live-session strings are registered by the party and console bundles only (the case pages never show a room).
import type { zhRoom } from './locales/room.ts';
// Console-only strings are registered by the console bundle (registerStrings) so phone pages don't download them.
import type { zhConsole } from './locales/console.ts';
// The console's recordings section (registered by the console bundle too).
import type { zhRecordings } from './locales/recordings.ts';

const zh = {
  ...zhCases,
  ...zhClocks,
  'app.name': '云庭',
  'app.tagline': '劳动争议在线调解仲裁',
  'lang.switch': 'EN',
  'lang.switchLabel': 'Switch to English',

  'role.admin': '管理员',
  'role.mediator': '调解员',
  'role.arbitrator': '仲裁员',
  'role.clerk': '书记员',
  'role.applicant': '申请人',
  'role.respondent': '被申请人',
  'role.applicant_agent': '申请人代理人',
  'role.respondent_agent': '被申请人代理人',
  'role.expert': '专家',
  'role.witness': '证人',

  'mode.face_to_face': '面对面调解',
  'mode.back_to_back': '背对背调解',
  'mode.hearing': '速裁庭审',

  'common.loading': '正在加载…',
  'common.retry': '重试',
  'common.cancel': '取消',
  'common.close': '关闭',
  'common.you': '我',
  'common.networkError': '网络连接失败，请检查网络后重试。',
  'common.serverError': '服务器暂时无法响应，请稍后重试。',

  'invite.loading': '正在核验邀请链接…',
  'invite.codeTitle': '输入邀请码',
  'invite.codeBody': '请输入调解员或仲裁委工作人员发给您的8位数字邀请码。',
  'invite.codeSubmit': '确定',
  'invite.invalidTitle': '邀请链接无效',
  'invite.invalidBody': '该链接已过期、已被撤销或不完整。请联系调解员或仲裁委工作人员重新发送邀请链接。',
  'invite.missingToken': '链接中缺少邀请码。请从短信或微信中完整打开邀请链接。',
  'invite.room': '案件 / 房间',
  'invite.name': '您的姓名',
  'invite.role': '参与身份',
  'invite.mode': '形式',
  'invite.expires': '链接有效期至',

  'preview.title': '设备检查',
  'preview.hint': '请确认能看到自己的画面，说话时音量条会跳动。',
  'preview.camera': '摄像头',
  'preview.microphone': '麦克风',
  'preview.micLevel': '麦克风音量',
  'preview.requesting': '正在请求摄像头和麦克风权限…',
  'preview.noCamera': '未检测到摄像头，将仅使用声音参加。',
  'preview.noMic': '未检测到麦克风，其他人将听不到您的声音。',
  'preview.noMedia': '无法使用摄像头和麦克风。您仍可进入，但其他人将看不到也听不到您。',
  'preview.deniedTitle': '未获得摄像头/麦克风权限',
  'preview.deniedBody': '调解需要使用摄像头和麦克风。请允许浏览器访问后点击「重试」。',
  'preview.deniedIos': 'iPhone：打开「设置」→「Safari 浏览器」→「摄像头」和「麦克风」，选择「允许」。',
  'preview.deniedAndroid': '安卓手机：点击地址栏左侧的图标 →「权限」，允许摄像头和麦克风。',
  'preview.deniedWechat': '在微信中打开时：如无法授权，请点击右上角「···」，选择「在浏览器打开」。',
  'preview.busy': '摄像头或麦克风正被其他应用占用，请关闭其他通话或录像应用后重试。',
  'preview.insecure': '当前页面不是安全连接（HTTPS），浏览器禁止使用摄像头和麦克风。请使用完整的 https:// 邀请链接。',
  'preview.unsupported': '当前浏览器不支持音视频通话。请使用最新版的 Safari、Chrome、Edge 或系统浏览器打开。',
  'preview.join': '进入调解室',
  'preview.enter': '进入房间',
  'preview.recordNotice': '本次会议全程录音录像',

  'room.recording': '本次会议全程录音录像',
  'room.waiting': '等待其他参与人进入…',
  'room.reconnecting': '网络不稳定，正在重新连接…',
  'room.joining': '正在进入…',
  'room.mute': '静音',
  'room.unmute': '取消静音',
  'room.cameraOff': '关闭摄像头',
  'room.cameraOn': '开启摄像头',
  'room.switchCamera': '切换摄像头',
  'room.leave': '离开',
  'room.tapToPlay': '点击此处开启声音',
  'room.participants': '参与人（{n}）',
  'room.micMuted': '已静音',
  'room.cameraFailed': '无法开启摄像头',
  'room.micFailed': '无法开启麦克风',
  'room.screen': '共享屏幕',
  'room.speaking': '正在发言',

  'end.leftTitle': '您已离开调解室',
  'end.leftBody': '如需继续参加，可点击下方按钮重新进入。',
  'end.rejoin': '重新进入',
  'end.sign': '查看并签署协议',
  'end.removedTitle': '您已被移出调解室',
  'end.removedBody': '如有疑问，请联系调解员或仲裁委工作人员。',
  'end.rejectedTitle': '工作人员未准许您进入',
  'end.rejectedBody': '身份核验未通过或尚未轮到您。如有疑问，请联系调解员；也可以稍后重新进入等候。',
  'end.endedTitle': '本次调解已结束',
  'end.endedBody': '感谢您的参与。您现在可以关闭此页面。',
  'end.replacedTitle': '您已在其他设备或窗口进入',
  'end.replacedBody': '同一邀请只能在一处使用。如需在本设备继续，请点击「重新进入」。',
  'end.shutdownTitle': '服务暂时中断',
  'end.shutdownBody': '服务器正在维护，请稍后点击「重新进入」。',
  'end.errorTitle': '无法进入调解室',
  'end.errorBody': '连接失败：{message}',
  'end.expiredBody': '您的邀请已失效，请联系工作人员重新发送邀请链接。',
  'end.revokedTitle': '邀请已被撤回',
  'end.revokedBody': '此邀请已由工作人员撤回，无法继续使用。如有疑问，请联系调解员或仲裁委工作人员。',
  'end.disabledTitle': '账号已停用',
  'end.disabledBody': '您的工作人员账号已被管理员停用，连接已断开。',

  'console.title': '调解仲裁工作台',
  'console.login': '登录',
  'console.loginTitle': '工作人员登录',
  'console.username': '用户名',
  'console.password': '密码',
  'console.loggingIn': '正在登录…',
  'console.loginFailed': '用户名或密码错误。',
  'console.sessionExpired': '登录已过期，请重新登录。',
  'console.logout': '退出登录',
  'console.rooms': '房间列表',
  'console.refresh': '刷新',
  'console.newRoom': '新建房间',
  'console.roomTitle': '房间名称 / 案号',
  'console.roomTitlePlaceholder': '例如：（2024）劳人仲案字第 0123 号',
  'console.roomMode': '形式',
  'console.create': '创建',
  'console.creating': '正在创建…',
  'console.noRooms': '还没有房间。请先新建一个房间。',
  'console.createdAt': '创建于',
  'console.invite': '邀请',
  'console.enterRoom': '进入房间',
  'console.inviteTitle': '邀请参与人',
  'console.inviteName': '姓名',
  'console.inviteRole': '身份',
  'console.inviteTtl': '有效期',
  'console.ttl.60': '1 小时',
  'console.ttl.240': '4 小时',
  'console.ttl.1440': '1 天',
  'console.ttl.10080': '7 天',
  'console.generate': '生成邀请链接',
  'console.generating': '正在生成…',
  'console.inviteLink': '邀请链接',
  'console.copy': '复制',
  'console.copied': '已复制',
  'console.copyFailed': '复制失败，请手动选择链接复制',
  'console.qrHint': '参与人可用手机扫码进入',
  'console.backToRooms': '返回房间列表',
  'console.loadFailed': '加载失败：{message}',
  'console.required': '请填写此项',
} as const;

type BaseKey = keyof typeof zh;
export type I18nKey = BaseKey | keyof typeof zhConsole | keyof typeof zhRoom | keyof typeof zhRecordings;
export type Lang = 'zh' | 'en';

const en: Record<BaseKey, string> = {
  ...enCases,
  ...enClocks,
  'app.name': 'Yunting',
  'app.tagline': 'Online labour-dispute mediation & arbitration',
  'lang.switch': '中文',
  'lang.switchLabel': '切换到中文',

  'role.admin': 'Administrator',
  'role.mediator': 'Mediator',
  'role.arbitrator': 'Arbitrator',
  'role.clerk': 'Clerk',
  'role.applicant': 'Applicant',
  'role.respondent': 'Respondent',
  'role.applicant_agent': "Applicant's representative",
  'role.respondent_agent': "Respondent's representative",
  'role.expert': 'Expert',
  'role.witness': 'Witness',

  'mode.face_to_face': 'Face-to-face mediation',
  'mode.back_to_back': 'Separate-room mediation',
  'mode.hearing': 'Fast-track hearing',

  'common.loading': 'Loading…',
  'common.retry': 'Retry',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.you': 'Me',
  'common.networkError': 'Network error. Please check your connection and try again.',
  'common.serverError': 'The server is not responding. Please try again later.',

  'invite.loading': 'Checking your invitation…',
  'invite.codeTitle': 'Enter your invitation code',
  'invite.codeBody': 'Type the 8-digit code the mediator or the arbitration staff sent you.',
  'invite.codeSubmit': 'Continue',
  'invite.invalidTitle': 'Invalid invitation link',
  'invite.invalidBody':
    'This link has expired, been revoked or is incomplete. Please ask the mediator or tribunal staff for a new invitation link.',
  'invite.missingToken': 'The invitation code is missing from the link. Please open the full link from your SMS or WeChat message.',
  'invite.room': 'Case / room',
  'invite.name': 'Your name',
  'invite.role': 'Taking part as',
  'invite.mode': 'Format',
  'invite.expires': 'Link valid until',

  'preview.title': 'Check your devices',
  'preview.hint': 'Make sure you can see yourself and the level bar moves when you speak.',
  'preview.camera': 'Camera',
  'preview.microphone': 'Microphone',
  'preview.micLevel': 'Microphone level',
  'preview.requesting': 'Asking for camera and microphone permission…',
  'preview.noCamera': 'No camera found; you will join with audio only.',
  'preview.noMic': 'No microphone found; others will not hear you.',
  'preview.noMedia': 'Camera and microphone are unavailable. You can still join, but others will not see or hear you.',
  'preview.deniedTitle': 'Camera / microphone permission denied',
  'preview.deniedBody': 'The session needs your camera and microphone. Allow access in your browser, then tap "Retry".',
  'preview.deniedIos': 'iPhone: open Settings → Safari → Camera and Microphone, and choose "Allow".',
  'preview.deniedAndroid': 'Android: tap the icon left of the address bar → Permissions, and allow camera and microphone.',
  'preview.deniedWechat': 'Inside WeChat: if permission cannot be granted, tap "···" (top right) and choose "Open in browser".',
  'preview.busy': 'The camera or microphone is in use by another app. Close other call or camera apps and retry.',
  'preview.insecure':
    'This page is not on a secure (HTTPS) connection, so the browser blocks camera and microphone. Please use the full https:// invitation link.',
  'preview.unsupported': 'This browser does not support video calls. Please use an up-to-date Safari, Chrome, Edge or your system browser.',
  'preview.join': 'Join',
  'preview.enter': 'Enter room',
  'preview.recordNotice': 'This session is recorded',

  'room.recording': 'This session is recorded',
  'room.waiting': 'Waiting for others to join…',
  'room.reconnecting': 'Unstable network, reconnecting…',
  'room.joining': 'Joining…',
  'room.mute': 'Mute',
  'room.unmute': 'Unmute',
  'room.cameraOff': 'Camera off',
  'room.cameraOn': 'Camera on',
  'room.switchCamera': 'Switch camera',
  'room.leave': 'Leave',
  'room.tapToPlay': 'Tap here to turn on sound',
  'room.participants': 'Participants ({n})',
  'room.micMuted': 'Muted',
  'room.cameraFailed': 'Could not start the camera',
  'room.micFailed': 'Could not start the microphone',
  'room.screen': 'Screen',
  'room.speaking': 'Speaking',

  'end.leftTitle': 'You have left',
  'end.leftBody': 'To continue taking part, tap the button below to rejoin.',
  'end.rejoin': 'Rejoin',
  'end.sign': 'Review and sign the agreement',
  'end.removedTitle': 'You were removed from the session',
  'end.removedBody': 'If you have questions, please contact the mediator or tribunal staff.',
  'end.rejectedTitle': 'The staff did not let you in',
  'end.rejectedBody': 'Your identity could not be confirmed, or it is not your turn yet. Contact the mediator, or wait again later.',
  'end.endedTitle': 'The session has ended',
  'end.endedBody': 'Thank you for taking part. You can close this page now.',
  'end.replacedTitle': 'You joined from another device or window',
  'end.replacedBody': 'An invitation can only be used in one place at a time. Tap "Rejoin" to continue on this device.',
  'end.shutdownTitle': 'Service interrupted',
  'end.shutdownBody': 'The server is under maintenance. Please tap "Rejoin" in a little while.',
  'end.errorTitle': 'Could not join',
  'end.errorBody': 'Connection failed: {message}',
  'end.expiredBody': 'Your invitation is no longer valid. Please ask the staff for a new invitation link.',
  'end.revokedTitle': 'The invitation was withdrawn',
  'end.revokedBody': 'The staff withdrew this invitation; it can no longer be used. If you have questions, please contact the mediator or tribunal staff.',
  'end.disabledTitle': 'Account disabled',
  'end.disabledBody': 'An administrator disabled your staff account; you have been disconnected.',

  'console.title': 'Mediation & arbitration console',
  'console.login': 'Sign in',
  'console.loginTitle': 'Staff sign-in',
  'console.username': 'Username',
  'console.password': 'Password',
  'console.loggingIn': 'Signing in…',
  'console.loginFailed': 'Wrong username or password.',
  'console.sessionExpired': 'Your session has expired. Please sign in again.',
  'console.logout': 'Sign out',
  'console.rooms': 'Rooms',
  'console.refresh': 'Refresh',
  'console.newRoom': 'New room',
  'console.roomTitle': 'Room title / case no.',
  'console.roomTitlePlaceholder': 'e.g. Case 2024-0123',
  'console.roomMode': 'Format',
  'console.create': 'Create',
  'console.creating': 'Creating…',
  'console.noRooms': 'No rooms yet. Create one to get started.',
  'console.createdAt': 'Created',
  'console.invite': 'Invite',
  'console.enterRoom': 'Enter room',
  'console.inviteTitle': 'Invite a participant',
  'console.inviteName': 'Name',
  'console.inviteRole': 'Role',
  'console.inviteTtl': 'Valid for',
  'console.ttl.60': '1 hour',
  'console.ttl.240': '4 hours',
  'console.ttl.1440': '1 day',
  'console.ttl.10080': '7 days',
  'console.generate': 'Create invitation link',
  'console.generating': 'Creating…',
  'console.inviteLink': 'Invitation link',
  'console.copy': 'Copy',
  'console.copied': 'Copied',
  'console.copyFailed': 'Copy failed; select the link and copy it manually',
  'console.qrHint': 'Participants can scan this with their phone',
  'console.backToRooms': 'Back to rooms',
  'console.loadFailed': 'Could not load: {message}',
  'console.required': 'Please fill in this field',
};

const dictionaries: Record<Lang, Partial<Record<I18nKey, string>>> = { zh: { ...zh }, en: { ...en } };

/** Adds a page's own strings (both languages, same keys) to the dictionary. */
export function registerStrings<K extends I18nKey>(zhStrings: Record<K, string>, enStrings: Record<K, string>): void {
  Object.assign(dictionaries.zh, zhStrings);
  Object.assign(dictionaries.en, enStrings);
}
const STORAGE_KEY = 'yunting.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh' || saved === 'en') return saved;
  } catch {
    // Private mode on old Safari throws on localStorage access.
  }
  return navigator.language?.toLowerCase().startsWith('en') ? 'en' : 'zh';
}

let current: Lang = initialLang();
const listeners = new Set<(lang: Lang) => void>();

export type I18nArgs = Record<string, string | number>;

export function getLang(): Lang {
  return current;
}

export function locale(): string {
  return current === 'zh' ? 'zh-CN' : 'en-GB';
}

export function t(key: I18nKey, args?: I18nArgs): string {
  const template = dictionaries[current][key] ?? key;
  if (!args) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in args ? String(args[name]) : match));
}

export function isI18nKey(key: string): key is I18nKey {
  return key in dictionaries.zh;
}

/** Label for a role or mode value coming from the server; unknown values are shown raw. */
export function roleKey(role: string): I18nKey | undefined {
  const key = `role.${role}`;
  return isI18nKey(key) ? key : undefined;
}

export function modeKey(mode: string): I18nKey | undefined {
  const key = `mode.${mode}`;
  return isI18nKey(key) ? key : undefined;
}

export function statusKey(status: string): I18nKey | undefined {
  const key = `status.${status}`;
  return isI18nKey(key) ? key : undefined;
}

export function disputeKey(type: string): I18nKey | undefined {
  const key = `dispute.${type}`;
  return isI18nKey(key) ? key : undefined;
}

/** Label for a server value with a dictionary key, or the raw value. */
export function label(key: I18nKey | undefined, raw: string): string {
  return key ? t(key) : raw;
}

/** Amount in yuan with two decimals and digit grouping, e.g. 12,345.60. */
export function formatYuan(cents: number): string {
  return (cents / 100).toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function formatDate(value: string | number | Date): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(locale(), {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** Free text from the server with ISO timestamps in it (e.g. a session's time), those shown in the reader's format. */
export function readableNote(note: string): string {
  return note.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/g, (iso) => formatDate(iso));
}

/** Bind an element's text to a dictionary key so later language switches update it. */
export function bindText(el: HTMLElement, key: I18nKey, args?: I18nArgs): void {
  el.dataset.i18n = key;
  if (args) el.dataset.i18nArgs = JSON.stringify(args);
  else delete el.dataset.i18nArgs;
  el.textContent = t(key, args);
}

/** Bind attributes (e.g. aria-label, placeholder) to dictionary keys. */
export function bindAttrs(el: HTMLElement, attrs: Record<string, I18nKey>): void {
  el.dataset.i18nAttr = Object.entries(attrs)
    .map(([attr, key]) => `${attr}:${key}`)
    .join(';');
  for (const [attr, key] of Object.entries(attrs)) el.setAttribute(attr, t(key));
}

export function bindDate(el: HTMLElement, value: string | number): void {
  el.dataset.date = String(value);
  el.textContent = formatDate(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
}

export function applyI18n(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = el.dataset.i18n ?? '';
    if (!isI18nKey(key)) continue;
    let args: I18nArgs | undefined;
    if (el.dataset.i18nArgs) {
      try {
        args = JSON.parse(el.dataset.i18nArgs) as I18nArgs;
      } catch {
        args = undefined;
      }
    }
    el.textContent = t(key, args);
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-attr]')) {
    for (const pair of (el.dataset.i18nAttr ?? '').split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key && isI18nKey(key)) el.setAttribute(attr, t(key));
    }
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-date]')) {
    const raw = el.dataset.date ?? '';
    el.textContent = formatDate(/^\d+$/.test(raw) ? Number(raw) : raw);
  }
}

export function setLang(lang: Lang): void {
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Ignore: the choice just won't persist.
  }
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  applyI18n(document);
  for (const listener of listeners) listener(lang);
}

export function onLangChange(listener: (lang: Lang) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Wire the page's #lang-btn toggle and apply the initial language. */
export function setupLangToggle(button: HTMLButtonElement | null): void {
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
  if (button) {
    bindText(button, 'lang.switch');
    bindAttrs(button, { 'aria-label': 'lang.switchLabel', title: 'lang.switchLabel' });
    button.addEventListener('click', () => setLang(current === 'zh' ? 'en' : 'zh'));
  }
  applyI18n(document);
}
