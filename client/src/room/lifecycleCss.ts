/** Styles of the end screen, the leave/end dialogs and the in-room signing sheet (injected once, like the sign page's). */
import { contentCss } from '../sign/contentView.ts';

const css = `
.life-overlay{z-index:120}
.life-dialog{display:flex;flex-direction:column;gap:10px}
.life-dialog-body{margin:0;color:var(--muted,#475569);line-height:1.6}
.life-dialog-actions{flex-wrap:wrap;gap:8px}
.life-dialog .field{display:flex;flex-direction:column;gap:4px}
.life-dialog textarea{width:100%;font:inherit;padding:8px;border:1px solid var(--line,#cbd5e1);border-radius:8px}
.life-reasons{display:flex;flex-direction:column;gap:6px;border:0;padding:0;margin:0}
.life-warn{margin:0;padding:8px 10px;border-radius:8px;background:#fef3c7;color:#78350f;font-size:14px}
.life-error{margin:0;color:#b91c1c;font-size:14px}
.btn-danger{background:#b91c1c;color:#fff;border-color:#b91c1c}
.sign-prompt{position:absolute;left:10px;right:10px;top:10px;z-index:40;display:flex;flex-direction:column;gap:8px;padding:12px 14px;border-radius:12px;background:#fff;color:#0f172a;box-shadow:0 10px 30px rgba(2,6,23,.35)}
.sign-prompt-title{margin:0;font-size:17px;font-weight:700}
.sign-prompt-body{margin:0;font-size:14px;color:#475569}
.sign-prompt-actions{display:flex;gap:8px;justify-content:flex-end}
.room-sign{position:fixed;inset:0;z-index:90;display:flex;flex-direction:column;background:#f1f5f9;color:#0f172a}
.room-sign-head{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:10px 12px;background:#0f2a4a;color:#fff}
.room-sign-head h2{margin:0;font-size:17px}
.room-sign-body{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px}
.room-sign-foot{padding:10px 12px calc(10px + env(safe-area-inset-bottom));background:#fff;border-top:1px solid #e2e8f0;display:flex;flex-direction:column;gap:8px}
.room-sign .doc-text{font-size:16px}
.room-sign-end{height:1px}
.room-sign-pad-frame{position:relative;border:2px dashed #94a3b8;border-radius:10px;background:#fff;height:min(40vh,260px)}
.room-sign-pad{position:absolute;inset:0;width:100%;height:100%;touch-action:none}
.room-sign-pad-actions{display:grid;grid-template-columns:1fr 2fr;gap:10px}
.life-docs{list-style:none;margin:6px 0 0;padding:0;display:flex;flex-direction:column;gap:8px}
.life-doc{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:10px 12px;border:1px solid #e2e8f0;border-radius:10px;background:#fff}
.life-doc-title{font-weight:600}
.life-doc-sign{flex:none;white-space:nowrap}
.life-doc-state{font-size:13px;color:#64748b}
.life-doc.is-signed .life-doc-state{color:#15803d}
.life-end .message-card{text-align:left}
.life-end-outcome{margin:4px 0;font-size:17px;font-weight:700}
.life-end-note{margin:0 0 6px;padding:8px 10px;border-radius:8px;background:#f1f5f9;white-space:pre-wrap}
.life-end-next{margin:10px 0 0}
.life-end-next h2{font-size:16px;margin:0 0 6px}
.life-end-steps{margin:0;padding-left:20px;display:flex;flex-direction:column;gap:6px;line-height:1.6}
.life-lobby-docs{margin:8px 0 0;pointer-events:auto}
.consent-status{list-style:none;margin:6px 0 0;padding:0;font-size:14px}
.consent-status li{display:flex;justify-content:space-between;padding:4px 0;border-top:1px solid #e2e8f0}
.consent-status .is-signed{color:#15803d}
.consent-status .is-pending{color:#b45309}
.life-ctl-end .ctl-icon{color:#fca5a5}
`;

let injected = false;
export function injectLifecycleCss(): void {
  if (injected) return;
  injected = true;
  const style = document.createElement('style');
  style.textContent = contentCss + css;
  document.head.append(style);
}
