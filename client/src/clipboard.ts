/** Copy to the clipboard, falling back to a selection copy where the Clipboard API is unavailable (http, old WebViews). */
export async function copyText(text: string, fallbackInput?: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API needs a secure context and focus; fall back to a selection copy.
    const input = fallbackInput ?? temporaryInput(text);
    try {
      input.focus();
      input.select();
      input.setSelectionRange(0, text.length);
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      if (!fallbackInput) input.remove();
    }
  }
}

function temporaryInput(text: string): HTMLInputElement {
  const input = document.createElement('input');
  input.value = text;
  input.readOnly = true;
  input.style.position = 'fixed';
  input.style.opacity = '0';
  input.style.top = '0';
  document.body.append(input);
  return input;
}
