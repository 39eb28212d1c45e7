/** The console's section navigation under the top bar; items follow the signed-in role. */
import type { StaffUser } from '../api.ts';
import { clear, h } from '../dom.ts';
import type { I18nKey } from '../i18n.ts';

export type Section = 'cases' | 'rooms' | 'stats' | 'admin' | 'people';

const ITEMS: { section: Section; label: I18nKey; visible: (user: StaffUser) => boolean }[] = [
  { section: 'cases', label: 'nav.cases', visible: () => true },
  { section: 'rooms', label: 'nav.rooms', visible: () => true },
  // Statistics are for clerks and admins (server policy 'stats:view').
  { section: 'stats', label: 'nav.stats', visible: (u) => u.role === 'admin' || u.role === 'clerk' },
  { section: 'admin', label: 'nav.admin', visible: (u) => u.role === 'admin' },
  // Mediators' profiles and ratings (clerks), one's own profile (mediators, arbitrators); admins have them under 机构与人员.
  { section: 'people', label: 'nav.people' as I18nKey, visible: (u) => u.role !== 'admin' },
];

export function renderNav(nav: HTMLElement, user: StaffUser | undefined, active: Section | undefined): void {
  clear(nav);
  nav.hidden = !user;
  if (!user) return;
  const list = h('ul', { class: 'nav-list' });
  for (const item of ITEMS) {
    if (!item.visible(user)) continue;
    list.append(
      h(
        'li',
        {},
        h('a', {
          id: `nav-${item.section}`,
          class: `nav-link${item.section === active ? ' active' : ''}`,
          attrs: { href: `#/${item.section}`, 'aria-current': item.section === active ? 'page' : undefined },
          i18n: item.label,
        }),
      ),
    );
  }
  nav.append(list);
}
