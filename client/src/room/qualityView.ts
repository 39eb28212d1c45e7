/**
 * The connection-quality indicator (a dot and, when not good, a word) on
 * every tile and on one's own, and the offer to bring video back after the
 * page turned audio-only by itself.
 */
import type { LinkQuality } from '../../../server/signalling/protocol.ts';
import { h } from '../dom.ts';
import { bindAttrs, bindText, type I18nKey } from '../i18n.ts';

const qualityKey: Record<LinkQuality, I18nKey> = { good: 'quality.good', poor: 'quality.poor', lost: 'quality.lost' };

export class QualityBadge {
  readonly el: HTMLElement;
  private readonly text = h('span', { class: 'quality-text' });

  constructor(testid: string) {
    this.el = h('span', { class: 'quality-badge', attrs: { role: 'img', hidden: true }, dataset: { testid } }, h('span', { class: 'quality-dot' }), this.text);
  }

  /** null: not connected to media (nothing to say). */
  set(level: LinkQuality | null): void {
    this.el.hidden = level === null;
    if (level === null) {
      delete this.el.dataset.quality;
      return;
    }
    this.el.dataset.quality = level;
    bindAttrs(this.el, { 'aria-label': qualityKey[level], title: qualityKey[level] });
    // A good link shows only its green dot; poor and lost say so in words.
    this.text.hidden = level === 'good';
    if (level !== 'good') bindText(this.text, qualityKey[level]);
  }
}

/** "Switched to audio only by itself" with a button to turn video back on. */
export function audioOnlyOffer(onVideoBack: () => void): { el: HTMLElement; show(on: boolean): void } {
  const el = h(
    'div',
    { class: 'quality-offer', attrs: { role: 'status', 'aria-live': 'polite', hidden: true }, dataset: { testid: 'auto-audio-only' } },
    h('span', { class: 'quality-offer-text', i18n: 'room.autoAudioOnly' }),
    h('button', { class: 'btn btn-small', attrs: { type: 'button' }, dataset: { testid: 'video-back-btn' }, on: { click: onVideoBack }, i18n: 'room.videoBack' }),
  );
  return {
    el,
    show(on: boolean) {
      el.hidden = !on;
    },
  };
}
