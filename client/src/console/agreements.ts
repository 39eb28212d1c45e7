/**
 * A case's documents in the console: create a mediation agreement, rights
 * confirmation or hearing record; edit its terms during the session (saved
 * as you type, pushed to the parties' phones); send it for signature with a
 * QR code per party; sign last as mediator or arbitrator; download the
 * sealed PDF and the judicial-confirmation package. Live over /documents.
 */
import { toDataURL } from 'qrcode';
import { io, type Socket } from 'socket.io-client';
import { api, ApiError, type PartyRole } from '../api.ts';
import type { CaseDetail } from '../caseApi.ts';
import { clear, h } from '../dom.ts';
import { bindText, formatDate } from '../i18n.ts';
import { contentCss, contentView } from '../sign/contentView.ts';
import {
  createDocument,
  DOCUMENT_KINDS,
  fetchBlob,
  listCaseDocuments,
  PARTY_SLOTS,
  saveBlob,
  saveDraft,
  sendForSignature,
  signDocument,
  type DocumentKind,
  type DocumentView,
  type SignatureSlot,
  type Terms,
} from '../sign/documentsApi.ts';
import { createSignaturePad } from '../sign/signaturePad.ts';
import { k, ts, type DocumentsKey } from '../sign/strings.ts';
import { errorLine, reportError, type ViewContext } from './common.ts';
import { openDialog } from './dialog.ts';
import { credentialUrl } from '../pageParams.ts';
import { inviteRepresentatives } from '../collective/collectiveApi.ts';

export interface AgreementsPanel {
  el: HTMLElement;
  update(detail: CaseDetail): void;
  destroy(): void;
}

const METHODS = ['bank_transfer', 'cash', 'wechat', 'alipay', 'other'] as const;

const css = `${contentCss}
.agreements-panel .agr-toolbar{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin-bottom:8px}
.agreements-panel .agr-list{list-style:none;margin:0 0 10px;padding:0}
.agreements-panel .agr-list li{display:flex;gap:8px;align-items:center;justify-content:space-between;padding:6px 0;border-top:1px solid var(--line)}
.agreements-panel .agr-list li.is-current{font-weight:600}
.agreements-panel .agr-toolbar select{width:auto;min-width:14em}
.agreements-panel .agr-body{display:flex;flex-direction:column;gap:12px}
.agreements-panel .agr-preview summary{cursor:pointer;font-weight:600;margin-bottom:6px}
.agreements-panel .agr-form{display:flex;flex-direction:column;gap:8px}
.agreements-panel .agr-form textarea{width:100%;min-height:72px;font:inherit}
.agreements-panel .agr-items{display:flex;flex-direction:column;gap:8px}
.agreements-panel .agr-item{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:6px 10px;padding:8px;border:1px solid var(--line);border-radius:8px}
.agreements-panel .agr-item label{display:flex;flex-direction:column;gap:2px}
.agreements-panel .agr-item input,.agreements-panel .agr-item select{width:100%;min-width:0}
.agreements-panel .agr-item .agr-wide{grid-column:1 / -1}
.agreements-panel .agr-item .agr-account-field{grid-column:1 / span 2}
.agreements-panel .agr-item > button{align-self:end;justify-self:start}
.agreements-panel .agr-state{display:flex;flex-direction:column;gap:8px;margin-top:8px}
.agreements-panel .agr-signers{display:flex;flex-wrap:wrap;gap:10px}
.agreements-panel .agr-sig-row{display:flex;justify-content:space-between;gap:8px;align-items:center;border-top:1px solid var(--line);padding:6px 0}
.agreements-panel .agr-pad{position:relative;height:150px;border:2px dashed #94a3b8;border-radius:8px;background:#fff}
.agreements-panel .agr-pad canvas{position:absolute;inset:0;width:100%;height:100%}
.agreements-panel .agr-links{display:flex;flex-wrap:wrap;gap:8px}
.agreements-panel .agr-saved{font-size:13px;color:var(--muted)}
`;

function injectStyle(): void {
  if (document.getElementById('agreements-style')) return;
  const style = document.createElement('style');
  style.id = 'agreements-style';
  style.textContent = css;
  document.head.append(style);
}

function yuanText(cents: number): string {
  return cents ? (cents / 100).toFixed(2) : '';
}

function centsOf(text: string): number {
  const value = Number(text.replace(/[,，\s]/g, '').replace(/。/g, '.'));
  return Number.isFinite(value) && value >= 0 ? Math.round(value * 100) : 0;
}

export function agreementsPanel(ctx: ViewContext, caseId: string): AgreementsPanel {
  injectStyle();
  const docs = new Map<string, DocumentView>();
  let detail: CaseDetail | undefined;
  let selectedId: string | undefined;
  let localRevision = 0;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let saving: Promise<unknown> = Promise.resolve();
  let dirty = false;
  let socket: Socket | undefined;

  const error = errorLine();
  const list = h('ul', { class: 'agr-list', id: 'agr-list' });
  const empty = h('p', { class: 'muted', i18n: k('agr.none') });
  const kind = h('select', { id: 'agr-kind' }, ...DOCUMENT_KINDS.map((value) => h('option', { attrs: { value }, i18n: k(`doc.${value}` as DocumentsKey) })));
  const create = h('button', { id: 'agr-create', class: 'btn btn-secondary btn-small', attrs: { type: 'button' }, i18n: k('agr.new') });
  const formBox = h('div', { class: 'agr-form-box' });
  const stateBox = h('div', { class: 'agr-state' });
  const previewBox = h('div', { class: 'agr-preview', id: 'agr-preview' });
  const savedLine = h('p', { class: 'agr-saved', attrs: { 'aria-live': 'polite' } });
  const saveVersion = h('button', { id: 'agr-save-version', class: 'btn btn-primary btn-small', attrs: { type: 'button', hidden: true }, i18n: k('agr.saveVersion') });
  const el = h(
    'section',
    { class: 'panel case-panel agreements-panel', id: 'agreements' },
    h('h2', { class: 'panel-title', i18n: k('agr.title') }),
    h('div', { class: 'agr-toolbar' }, kind, create),
    empty,
    list,
    error,
    h('div', { class: 'agr-body' }, formBox, h('div', { class: 'agr-links' }, savedLine, saveVersion), stateBox, previewBox),
  );

  const selected = () => (selectedId ? docs.get(selectedId) : undefined);
  const roomFor = (doc: DocumentView) => doc.roomId ?? detail?.sessions.at(-1)?.id;
  const fail = (err: unknown) => reportError(err, error, ctx);

  // ---------------------------------------------------------------- list

  const renderList = () => {
    clear(list);
    empty.hidden = docs.size > 0;
    for (const doc of docs.values()) {
      const open = h('button', { class: 'btn btn-ghost btn-small', attrs: { type: 'button' }, dataset: { documentId: doc.id }, i18n: k('agr.open') });
      open.addEventListener('click', () => select(doc.id));
      list.append(
        h(
          'li',
          { class: doc.id === selectedId ? 'is-current' : '', dataset: { documentId: doc.id, status: doc.status } },
          h('span', {}, h('span', { i18n: k(`doc.${doc.kind}` as DocumentsKey) }), doc.version ? ` · ${ts('agr.versionPdf', { n: doc.version.number }).replace(/ PDF$/, '')}` : ''),
          h('span', { class: `status-badge doc-status-${doc.status}`, i18n: k(`docstatus.${doc.status}` as DocumentsKey) }),
          open,
        ),
      );
    }
  };

  // ---------------------------------------------------------------- editor

  const textArea = (id: string, value: string, label: DocumentsKey, max: number) => {
    const area = h('textarea', { id, attrs: { maxlength: max, rows: 3 } });
    area.value = value;
    return { area, field: h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: k(label) }), area) };
  };

  let collect: (() => Terms) | undefined;

  const buildForm = (doc: DocumentView) => {
    clear(formBox);
    collect = undefined;
    localRevision = doc.revision;
    if (doc.status === 'final' || !doc.me.canDraft) return;
    const terms = doc.terms;
    const facts = textArea('agr-facts', terms.facts, 'agr.facts', 4000);
    const performance = textArea('agr-performance', terms.performance, 'agr.performance', 2000);
    const other = textArea('agr-other', terms.otherTerms, 'agr.otherTerms', 2000);
    const notes = textArea('agr-notes', terms.hearingNotes, 'agr.hearingNotes', 8000);
    const waive = h('input', { id: 'agr-waive', attrs: { type: 'checkbox' } });
    waive.checked = terms.waiveDefencePeriod;
    const items = h('div', { class: 'agr-items', id: 'agr-items' });
    const itemRow = (item: Terms['items'][number]) => {
      const description = h('input', { class: 'agr-description', attrs: { type: 'text', maxlength: 200, value: item.description } });
      const amount = h('input', { class: 'agr-amount', attrs: { type: 'text', inputmode: 'decimal', value: yuanText(item.amountCents) } });
      const due = h('input', { class: 'agr-due', attrs: { type: 'date', value: item.dueDate } });
      const method = h('select', { class: 'agr-method' }, ...METHODS.map((m) => h('option', { attrs: { value: m, selected: m === item.method }, i18n: k(`agr.method.${m}` as DocumentsKey) })));
      const account = h('input', { class: 'agr-account', attrs: { type: 'text', maxlength: 120, value: item.account } });
      const remove = h('button', { class: 'btn btn-ghost btn-small', attrs: { type: 'button' }, i18n: k('agr.item.remove') });
      const row = h(
        'div',
        { class: 'agr-item' },
        h('label', { class: 'agr-wide' }, h('span', { class: 'field-label small', i18n: k('agr.item.description') }), description),
        h('label', {}, h('span', { class: 'field-label small', i18n: k('agr.item.amount') }), amount),
        h('label', {}, h('span', { class: 'field-label small', i18n: k('agr.item.dueDate') }), due),
        h('label', {}, h('span', { class: 'field-label small', i18n: k('agr.item.method') }), method),
        h('label', { class: 'agr-account-field' }, h('span', { class: 'field-label small', i18n: k('agr.item.account') }), account),
        remove,
      );
      remove.addEventListener('click', () => {
        row.remove();
        schedule();
      });
      items.append(row);
    };
    for (const item of terms.items) itemRow(item);
    const add = h('button', { id: 'agr-add-item', class: 'btn btn-secondary btn-small', attrs: { type: 'button' }, i18n: k('agr.item.add') });
    add.addEventListener('click', () => {
      itemRow({ description: '', amountCents: 0, dueDate: '', method: 'bank_transfer', account: '' });
    });

    const form = h('form', { class: 'agr-form', id: 'agr-form', attrs: { novalidate: true } }, facts.field);
    if (doc.kind === 'mediation_agreement') {
      form.append(h('div', {}, h('span', { class: 'field-label', i18n: k('agr.items') }), items, add), performance.field, other.field);
    } else if (doc.kind === 'arbitration_rights') {
      form.append(h('label', { class: 'check-row' }, waive, h('span', { i18n: k('agr.waive') })), other.field);
    } else {
      form.append(notes.field);
    }
    form.addEventListener('input', schedule);
    form.addEventListener('change', schedule);
    form.addEventListener('submit', (event) => event.preventDefault());
    formBox.append(form);

    collect = () => ({
      facts: facts.area.value,
      items: [...items.querySelectorAll<HTMLElement>('.agr-item')].map((row) => ({
        description: row.querySelector<HTMLInputElement>('.agr-description')!.value.trim(),
        amountCents: centsOf(row.querySelector<HTMLInputElement>('.agr-amount')!.value),
        dueDate: row.querySelector<HTMLInputElement>('.agr-due')!.value,
        method: row.querySelector<HTMLSelectElement>('.agr-method')!.value as Terms['items'][number]['method'],
        account: row.querySelector<HTMLInputElement>('.agr-account')!.value.trim(),
      })),
      performance: performance.area.value,
      otherTerms: other.area.value,
      waiveDefencePeriod: waive.checked,
      hearingNotes: notes.area.value,
    });
  };

  // While signatures are being collected an edit makes a new version (and voids them): that waits for the button, not the keyboard.
  saveVersion.addEventListener('click', () => {
    saveVersion.hidden = true;
    bindText(savedLine, k('agr.saving'));
    void save();
  });

  function schedule(): void {
    dirty = true;
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    if (selected()?.status === 'signing') {
      saveVersion.hidden = false;
      savedLine.textContent = '';
      return;
    }
    bindText(savedLine, k('agr.saving'));
    saveTimer = setTimeout(() => void save(), 700);
  }

  /** Saves the form now (before sending, or when the timer fires); edits are serialised. */
  function save(): Promise<unknown> {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    saving = saving.then(async () => {
      const doc = selected();
      if (!doc || !collect || !dirty) return;
      dirty = false;
      try {
        const view = await saveDraft(ctx.token(), doc.id, collect(), localRevision);
        localRevision = view.revision;
        docs.set(view.id, view);
        bindText(savedLine, k('agr.saved'));
        renderSide(view);
        renderList();
      } catch (err) {
        if (err instanceof ApiError && err.code === 'CONFLICT') {
          bindText(savedLine, k('agr.conflict'));
          await refresh();
          const fresh = selected();
          if (fresh) buildForm(fresh);
          return;
        }
        fail(err);
      }
    });
    return saving;
  }

  // ---------------------------------------------------------------- state & actions

  const linkButton = (id: string, label: string, action: () => Promise<void>) => {
    const button = h('button', { id, class: 'btn btn-secondary btn-small', attrs: { type: 'button' }, text: label });
    button.addEventListener('click', () => {
      button.disabled = true;
      action()
        .catch(fail)
        .finally(() => (button.disabled = false));
    });
    return button;
  };

  const showSignLink = async (doc: DocumentView, slot: SignatureSlot) => {
    const roomId = roomFor(doc);
    if (!roomId || !detail) return;
    const place = doc.content.signatures.find((p) => p.slot === slot);
    const name = place?.name || (slot.startsWith('applicant') ? detail.applicant.name : detail.employer.name);
    // A collective dispute's representative signs in its own place: its invitation is bound to it (collectivePanel.ts).
    const invitation = slot.startsWith('representative_')
      ? (await inviteRepresentatives(ctx.token(), caseId, roomId, slot)).invitations[0]!
      : await api.createInvitation(ctx.token(), roomId, { displayName: name, role: slot as PartyRole, ttlMinutes: 1440 });
    const url = `${location.origin}${credentialUrl('/sign', { invite: invitation.token })}`;
    const qr = await toDataURL(url, { width: 200, margin: 1, errorCorrectionLevel: 'M' });
    const link = h('input', { class: 'invite-link', attrs: { type: 'text', readonly: true, value: url } });
    openDialog({
      id: 'agr-sign-link',
      title: k('agr.signLink'),
      body: [
        h('p', { class: 'dialog-lead', text: `${ts(`slot.${slot}` as DocumentsKey)} · ${name}` }),
        h('img', { class: 'invite-qr', attrs: { src: qr, width: 200, height: 200, alt: url } }),
        h('p', { class: 'muted small', i18n: k('agr.signLinkHint') }),
        link,
      ],
    });
  };

  const hostPad = (doc: DocumentView): HTMLElement => {
    const canvas = h('canvas', { id: 'agr-host-pad' });
    const confirm = h('button', { id: 'agr-host-sign', class: 'btn btn-primary', attrs: { type: 'button', disabled: !doc.me.canSign }, i18n: k('sign.confirm') });
    const clearButton = h('button', { class: 'btn btn-ghost btn-small', attrs: { type: 'button' }, i18n: k('sign.clear') });
    const box = h(
      'div',
      { class: 'agr-host' },
      h('h3', { class: 'panel-subtitle', i18n: k('agr.hostSign') }),
      h('p', { class: 'muted small', i18n: k('agr.hostSignHint') }),
      h('div', { class: 'agr-pad' }, canvas),
      h('div', { class: 'agr-links' }, clearButton, confirm),
    );
    requestAnimationFrame(() => {
      const pad = createSignaturePad(canvas);
      clearButton.addEventListener('click', () => pad.clear());
      confirm.addEventListener('click', async () => {
        if (pad.isEmpty()) return;
        confirm.disabled = true;
        try {
          const view = await signDocument(ctx.token(), doc.id, doc.version!.number, doc.version!.sha256, pad.toPng());
          accept(view);
        } catch (err) {
          confirm.disabled = false;
          fail(err);
        }
      });
    });
    return box;
  };

  function renderSide(doc: DocumentView): void {
    clear(stateBox);
    clear(previewBox);
    previewBox.append(h('details', { attrs: { open: true } }, h('summary', { i18n: k('agr.preview.title') }), contentView(doc.content)));
    const links = h('div', { class: 'agr-links' });
    if (doc.me.canDraft && doc.status !== 'final') {
      links.append(linkButton('agr-preview-pdf', ts('agr.preview'), async () => {
        window.open(URL.createObjectURL(await fetchBlob(`/api/documents/${doc.id}/preview.pdf`, ctx.token())), '_blank');
      }));
    }
    if (doc.version) {
      const n = doc.version.number;
      links.append(linkButton('agr-version-pdf', ts('agr.versionPdf', { n }), async () => {
        window.open(URL.createObjectURL(await fetchBlob(`/api/documents/${doc.id}/versions/${n}/pdf`, ctx.token())), '_blank');
      }));
    }
    stateBox.append(links);

    if (doc.status === 'draft' && doc.me.canDraft) {
      const slots = [...doc.requiredSigners.filter((s) => s.startsWith('representative_')), ...PARTY_SLOTS];
      const boxes = slots.map((slot) => {
        const box = h('input', { attrs: { type: 'checkbox', value: slot, checked: doc.requiredSigners.includes(slot) } });
        return { slot, box, label: h('label', { class: 'check-row small' }, box, h('span', { i18n: k(`slot.${slot}` as DocumentsKey) })) };
      });
      const send = h('button', { id: 'agr-send', class: 'btn btn-primary', attrs: { type: 'button' }, i18n: k('agr.send') });
      send.addEventListener('click', async () => {
        send.disabled = true;
        try {
          await save();
          const signers = boxes.filter((b) => b.box.checked).map((b) => b.slot);
          accept(await sendForSignature(ctx.token(), doc.id, localRevision, [...signers, 'host']));
        } catch (err) {
          fail(err);
        } finally {
          send.disabled = false;
        }
      });
      stateBox.append(h('div', {}, h('span', { class: 'field-label', i18n: k('agr.signers') }), h('div', { class: 'agr-signers' }, ...boxes.map((b) => b.label))), send);
    }

    if (doc.status === 'signing' && doc.version) {
      stateBox.append(h('p', { class: 'muted small', i18n: k('agr.resendHint') }));
      for (const slot of doc.version.signers) {
        const signature = doc.signatures.find((s) => s.slot === slot);
        const row = h(
          'div',
          { class: 'agr-sig-row', dataset: { slot } },
          h('span', { text: `${ts(`slot.${slot}` as DocumentsKey)} · ${doc.content.signatures.find((p) => p.slot === slot)?.name ?? ''}` }),
          h('span', { class: signature ? 'ok-text' : 'muted', text: signature ? `✓ ${formatDate(signature.signedAt)}` : ts('sign.pending') }),
        );
        if (!signature && slot !== 'host' && doc.me.canDraft) {
          row.append(linkButton(`agr-link-${slot}`, ts('agr.signLink'), () => showSignLink(doc, slot)));
        }
        stateBox.append(row);
      }
      if (doc.me.slot === 'host') stateBox.append(hostPad(doc));
    }

    if (doc.status === 'final' && doc.final) {
      stateBox.append(
        h('p', { class: 'ok-text', text: `✓ ${ts('docstatus.final')} · ${formatDate(doc.final.finalisedAt)}` }),
        h('p', { class: 'mono small', text: `SHA-256 ${doc.final.sha256}` }),
        h(
          'div',
          { class: 'agr-links' },
          linkButton('agr-download', ts('agr.download'), async () => saveBlob(await fetchBlob(`/api/documents/${doc.id}/final.pdf`, ctx.token()), `${doc.serialNumber}-${doc.kind}.pdf`)),
          linkButton('agr-package', ts('agr.package'), async () => saveBlob(await fetchBlob(`/api/documents/${doc.id}/package.zip`, ctx.token()), `${doc.serialNumber}-judicial-confirmation.zip`)),
          h('a', { class: 'btn btn-ghost btn-small', attrs: { href: '/verify', target: '_blank', rel: 'noopener' }, i18n: k('agr.verify') }),
        ),
      );
    }
  }

  function select(id: string): void {
    selectedId = id;
    const doc = docs.get(id);
    renderList();
    if (!doc) return;
    buildForm(doc);
    renderSide(doc);
  }

  /** A document from the server (a push, or an answer): redraw; rebuild the form only when someone else changed the terms. */
  function accept(view: DocumentView): void {
    docs.set(view.id, view);
    renderList();
    if (view.id !== selectedId) return;
    const foreignEdit = view.revision > localRevision && !dirty && !saveTimer;
    if (foreignEdit || view.status === 'final') buildForm(view);
    else localRevision = Math.max(localRevision, view.status === 'signing' ? view.revision : localRevision);
    renderSide(view);
  }

  async function refresh(): Promise<void> {
    const { documents } = await listCaseDocuments(ctx.token(), caseId);
    for (const doc of documents) docs.set(doc.id, doc);
    renderList();
  }

  create.addEventListener('click', async () => {
    create.disabled = true;
    try {
      const doc = await createDocument(ctx.token(), caseId, kind.value as DocumentKind, detail?.sessions.at(-1)?.id);
      docs.set(doc.id, doc);
      select(doc.id);
    } catch (err) {
      fail(err);
    } finally {
      create.disabled = false;
    }
  });

  const connect = () => {
    socket = io('/documents', { auth: { token: ctx.token(), caseId }, transports: ['websocket', 'polling'] });
    socket.on('document:draft', (view: DocumentView) => accept(view));
  };

  void refresh()
    .then(() => {
      const first = [...docs.values()].find((d) => d.status !== 'final') ?? [...docs.values()].at(-1);
      if (first && !selectedId) select(first.id);
    })
    .catch(fail);
  connect();

  return {
    el,
    update(next) {
      detail = next;
      create.hidden = !['assigned', 'scheduled', 'in_session', 'agreement_signed', 'ruled'].includes(next.status);
      kind.hidden = create.hidden;
    },
    destroy() {
      if (saveTimer) clearTimeout(saveTimer);
      socket?.removeAllListeners();
      socket?.disconnect();
    },
  };
}

