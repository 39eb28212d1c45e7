/** A read-only list of the people this participant may know of, with presence and hands (the phone's "participants" sheet). */
import type { ParticipantView, SessionSnapshot } from '../../../server/signalling/protocol.ts';
import { clear, h } from '../dom.ts';
import { roleKey } from '../i18n.ts';
import { icons } from '../icons.ts';
import { initials, presenceKey } from './sessionText.ts';

export function renderPeople(list: HTMLElement, snapshot: SessionSnapshot): void {
  clear(list);
  const order = (p: ParticipantView) => (p.id === snapshot.you.id ? 0 : p.presence === 'gone' ? 2 : 1);
  const people = [...snapshot.participants].sort((a, b) => order(a) - order(b));
  for (const p of people) {
    const role = roleKey(p.role);
    list.append(
      h(
        'li',
        { class: `person presence-${p.presence}`, dataset: { participantId: p.id, presence: p.presence } },
        h('span', { class: 'participant-avatar', text: initials(p.name) }),
        h(
          'span',
          { class: 'participant-text' },
          h('span', { class: 'participant-name', text: p.name }, p.id === snapshot.you.id ? h('span', { class: 'you', i18n: 'common.you' }) : null),
          h(
            'span',
            { class: 'participant-role' },
            role ? h('span', { i18n: role }) : h('span', { text: p.role }),
            p.presence !== 'online' ? h('span', { class: `presence-label presence-${p.presence}`, i18n: presenceKey(p.presence) }) : null,
          ),
        ),
        p.handRaised ? h('span', { class: 'person-hand', html: icons.hand, i18nAttrs: { 'aria-label': 'room.handRaised', title: 'room.handRaised' } }) : null,
        p.mutedByHost
          ? h('span', { class: 'person-muted', html: icons.micOff, i18nAttrs: { 'aria-label': 'room.mutedByHostShort', title: 'room.mutedByHostShort' } })
          : null,
      ),
    );
  }
}
