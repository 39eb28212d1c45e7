/** Small shared screens: loading, message/error with actions, end-of-session. */
import { h } from './dom.ts';
import type { I18nArgs, I18nKey } from './i18n.ts';
import { icons } from './icons.ts';
import type { EndReason } from './room/session.ts';

export interface ScreenAction {
  id?: string;
  label: I18nKey;
  primary?: boolean;
  onClick: () => void;
}

export function loadingScreen(label: I18nKey): HTMLElement {
  return h(
    'section',
    { class: 'screen screen-center', attrs: { 'aria-busy': 'true' } },
    h('div', { class: 'spinner spinner-lg', attrs: { 'aria-hidden': 'true' } }),
    h('p', { class: 'muted', i18n: label }),
  );
}

export interface MessageOptions {
  tone?: 'info' | 'warn' | 'error';
  title: I18nKey;
  body?: I18nKey;
  bodyArgs?: I18nArgs;
  /** Untranslated detail, e.g. a server message; shown small. */
  detail?: string;
  actions?: ScreenAction[];
  extra?: HTMLElement;
}

export function messageScreen(opts: MessageOptions): HTMLElement {
  const icon = opts.tone === 'error' || opts.tone === 'warn' ? icons.warning : icons.user;
  return h(
    'section',
    { class: `screen screen-center message message-${opts.tone ?? 'info'}` },
    h(
      'div',
      { class: 'message-card' },
      h('div', { class: 'message-icon', html: icon }),
      h('h1', { class: 'message-title', i18n: opts.title }),
      opts.body ? h('p', { class: 'message-body', i18n: opts.body, i18nArgs: opts.bodyArgs }) : null,
      opts.detail ? h('p', { class: 'message-detail', text: opts.detail }) : null,
      opts.extra,
      opts.actions?.length
        ? h(
            'div',
            { class: 'message-actions' },
            ...opts.actions.map((a) =>
              h('button', {
                id: a.id,
                class: `btn ${a.primary ? 'btn-primary' : 'btn-secondary'} btn-big`,
                attrs: { type: 'button' },
                i18n: a.label,
                on: { click: a.onClick },
              }),
            ),
          )
        : null,
    ),
  );
}

interface EndCopy {
  title: I18nKey;
  body: I18nKey;
  rejoin: boolean;
  tone: 'info' | 'warn' | 'error';
}

export function endCopy(reason: EndReason | undefined): EndCopy {
  switch (reason) {
    case 'left':
    case undefined:
      return { title: 'end.leftTitle', body: 'end.leftBody', rejoin: true, tone: 'info' };
    case 'removed':
      return { title: 'end.removedTitle', body: 'end.removedBody', rejoin: false, tone: 'warn' };
    case 'rejected':
      return { title: 'end.rejectedTitle', body: 'end.rejectedBody', rejoin: true, tone: 'warn' };
    case 'ended':
    case 'room-closed':
      return { title: 'end.endedTitle', body: 'end.endedBody', rejoin: false, tone: 'info' };
    case 'replaced':
      return { title: 'end.replacedTitle', body: 'end.replacedBody', rejoin: true, tone: 'warn' };
    case 'server-shutdown':
    case 'worker-died':
      return { title: 'end.shutdownTitle', body: 'end.shutdownBody', rejoin: true, tone: 'warn' };
    case 'auth':
      return { title: 'end.errorTitle', body: 'end.expiredBody', rejoin: false, tone: 'error' };
    case 'revoked':
      return { title: 'end.revokedTitle', body: 'end.revokedBody', rejoin: false, tone: 'warn' };
    case 'disabled':
      return { title: 'end.disabledTitle', body: 'end.disabledBody', rejoin: false, tone: 'error' };
    case 'error':
      return { title: 'end.errorTitle', body: 'end.errorBody', rejoin: true, tone: 'error' };
  }
}
