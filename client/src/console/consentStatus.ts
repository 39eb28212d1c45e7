/**
 * For the arbitrator in the room: whether each party has signed the
 * simplified-procedure consent (仲裁简易程序权利义务确认书), live over
 * /documents, so the hearing is opened knowing it.
 */
import { io, type Socket } from 'socket.io-client';
import { clear, h } from '../dom.ts';
import { lk, lt } from '../locales/lifecycle.ts';
import { injectLifecycleCss } from '../room/lifecycleCss.ts';
import { PARTY_SLOTS, type DocumentView } from '../sign/documentsApi.ts';
import { ts, type DocumentsKey } from '../sign/strings.ts';

export class ConsentStatus {
  readonly el: HTMLElement;
  private readonly list = h('ul', { class: 'consent-status', dataset: { testid: 'consent-status' } });
  private socket?: Socket;
  private doc?: DocumentView;

  constructor(token: string, caseId: string) {
    injectLifecycleCss();
    this.el = h('section', { class: 'consent-panel', id: 'consent-panel' }, h('h3', { class: 'field-label', i18n: lk('life.consentTitle') }), this.list);
    this.render();
    this.socket = io('/documents', { auth: { token, caseId }, transports: ['websocket', 'polling'] });
    this.socket.on('document:draft', (view: DocumentView) => {
      if (view.kind !== 'arbitration_rights') return;
      if (this.doc && this.doc.id !== view.id && this.doc.updatedAt > view.updatedAt) return;
      this.doc = view;
      this.render();
    });
  }

  destroy(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
  }

  private render(): void {
    clear(this.list);
    const doc = this.doc;
    if (!doc || doc.status === 'draft') {
      this.list.append(h('li', { class: 'muted', dataset: { consent: 'none' }, i18n: lk('life.consentNone') }));
      return;
    }
    // The parties' places: the arbitrator signs the consent last, after opening is decided.
    const signers = (doc.version?.signers ?? doc.requiredSigners).filter((slot) => PARTY_SLOTS.includes(slot));
    for (const slot of signers) {
      const signed = doc.signatures.some((s) => s.slot === slot);
      const name = doc.content.signatures.find((p) => p.slot === slot)?.name ?? '';
      this.list.append(
        h(
          'li',
          { class: signed ? 'is-signed' : 'is-pending', dataset: { slot, signed: String(signed) } },
          h('span', { text: `${ts(`slot.${slot}` as DocumentsKey)}${name ? ` · ${name}` : ''}` }),
          h('span', { text: signed ? `✓ ${lt('life.consentSigned')}` : lt('life.consentPending') }),
        ),
      );
    }
  }
}
