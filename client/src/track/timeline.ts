/**
 * The applicant's view of a case as a vertical list of steps:
 * submitted → accepted | rejected → assigned → scheduled → in session →
 * agreement signed | ruled → closed. Reached steps show their time, the
 * current one is highlighted, later ones are grey.
 */
import type { Progress, TimelineEntry } from '../caseApi.ts';
import { h } from '../dom.ts';
import { bindDate, bindText, readableNote, statusKey, type I18nKey } from '../i18n.ts';

interface Step {
  /** Statuses that fill this step; the first is the label when none happened. */
  statuses: string[];
  fallbackLabel?: I18nKey;
}

const STEPS: Step[] = [
  { statuses: ['submitted'] },
  { statuses: ['accepted', 'rejected'] },
  { statuses: ['assigned'] },
  { statuses: ['scheduled'] },
  { statuses: ['in_session'] },
  { statuses: ['agreement_signed', 'ruled'], fallbackLabel: 'status.outcomeStep' },
  { statuses: ['closed'] },
];

/** Step of a status, by the order above. */
function stepIndex(status: string): number {
  return STEPS.findIndex((step) => step.statuses.includes(status));
}

function latest(timeline: TimelineEntry[], statuses: string[]): TimelineEntry | undefined {
  let found: TimelineEntry | undefined;
  for (const entry of timeline) if (statuses.includes(entry.status)) found = entry;
  return found;
}

export function renderTimeline(progress: Progress): HTMLElement {
  const current = progress.status;
  const currentIndex = stepIndex(current);
  const rejected = current === 'rejected';
  const list = h('ol', { class: 'timeline', attrs: { 'data-testid': 'timeline' } });

  STEPS.forEach((step, i) => {
    // After "not accepted" nothing else follows.
    if (rejected && i > currentIndex) return;
    const entry =
      i === currentIndex ? latest(progress.timeline, [current]) : i < currentIndex ? latest(progress.timeline, step.statuses) : undefined;
    const state = i === currentIndex ? 'current' : i < currentIndex ? (entry ? 'done' : 'skipped') : 'future';
    const shown = i === currentIndex ? current : (entry?.status ?? step.statuses[0]!);
    const labelKey = i > currentIndex && step.fallbackLabel ? step.fallbackLabel : statusKey(shown);
    const title = h('span', { class: 'timeline-title' });
    if (labelKey) bindText(title, labelKey);
    else title.textContent = shown;

    const time = entry ? h('time', { class: 'timeline-time', attrs: { datetime: entry.at } }) : null;
    if (time && entry) bindDate(time, entry.at);

    let note: HTMLElement | null = null;
    if (shown === 'rejected' && (progress.rejectionReason || entry?.note)) {
      note = h('p', { class: 'timeline-note timeline-reason' });
      bindText(note, 'track.reason', { reason: progress.rejectionReason ?? entry?.note ?? '' });
    } else if (entry?.note && state !== 'future') {
      note = h('p', { class: 'timeline-note', text: readableNote(entry.note) });
    }

    list.append(
      h(
        'li',
        {
          class: `timeline-step is-${state}${shown === 'rejected' ? ' is-rejected' : ''}`,
          dataset: { step: shown },
          attrs: state === 'current' ? { 'aria-current': 'step' } : {},
        },
        h('span', { class: 'timeline-dot', attrs: { 'aria-hidden': 'true' } }),
        h('div', { class: 'timeline-body' }, h('div', { class: 'timeline-head' }, title, time), note),
      ),
    );
  });
  return list;
}
