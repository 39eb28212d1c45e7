/** A document's content as HTML: the live draft on the phone and the console's preview read the same blocks the PDF is drawn from. */
import type { DocumentView } from './documentsApi.ts';
import { h } from '../dom.ts';

type Content = DocumentView['content'];

export function contentView(content: Content): HTMLElement {
  const body = h('article', { class: 'doc-text', attrs: { lang: 'zh-CN' } });
  body.append(
    h('h2', { class: 'doc-text-title', text: content.title }),
    h('p', { class: 'doc-text-meta', text: content.meta.map(([label, value]) => `${label}：${value}`).join('　') }),
  );
  for (const block of content.blocks) {
    switch (block.type) {
      case 'heading':
        body.append(h('h3', { class: 'doc-text-heading', text: block.text }));
        break;
      case 'paragraph':
        body.append(h('p', { class: block.indent ? 'doc-text-p doc-text-indent' : 'doc-text-p', text: block.text }));
        break;
      case 'note':
        body.append(h('p', { class: 'doc-text-note', text: block.text }));
        break;
      case 'fields':
        body.append(h('dl', { class: 'doc-text-fields' }, ...block.rows.flatMap(([label, value]) => [h('dt', { text: label }), h('dd', { text: value })])));
        break;
      case 'table':
        body.append(
          h(
            'div',
            { class: 'doc-text-table-wrap' },
            h(
              'table',
              { class: 'doc-text-table' },
              h('thead', {}, h('tr', {}, ...block.columns.map((c) => h('th', { text: c.title })))),
              h('tbody', {}, ...block.rows.map((row) => h('tr', {}, ...row.map((cell) => h('td', { text: cell }))))),
            ),
          ),
        );
        break;
    }
  }
  body.append(h('p', { class: 'doc-text-p doc-text-indent', text: content.closing }));
  body.append(h('ul', { class: 'doc-text-signers' }, ...content.signatures.map((s) => h('li', { text: `${s.label}：${s.name}` }))));
  return body;
}

/** Styles for the text rendition, shared by the phone page and the console. */
export const contentCss = `
.doc-text{background:#fff;color:#111827;border:1px solid var(--line,#e2e8f0);border-radius:10px;padding:18px 16px;line-height:1.75;font-size:15px}
.doc-text-title{text-align:center;font-size:19px;margin:0 0 4px}
.doc-text-meta{text-align:center;color:#4b5563;font-size:13px;margin:0 0 12px}
.doc-text-heading{font-size:16px;margin:14px 0 4px}
.doc-text-p{margin:0 0 6px}
.doc-text-indent{text-indent:2em}
.doc-text-note{color:#6b7280;margin:0 0 6px}
.doc-text-fields{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:0 0 8px}
.doc-text-fields dt{color:#4b5563;white-space:nowrap}
.doc-text-fields dd{margin:0;word-break:break-all}
.doc-text-table-wrap{overflow-x:auto;margin:0 0 8px}
.doc-text-table{border-collapse:collapse;width:100%;font-size:14px}
.doc-text-table th,.doc-text-table td{border:1px solid #d1d5db;padding:4px 6px;text-align:left;vertical-align:top}
.doc-text-table th{background:#f3f4f6}
.doc-text-signers{list-style:none;padding:0;margin:10px 0 0;color:#374151}
`;
