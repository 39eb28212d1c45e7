/**
 * A page's parameters: the query and the fragment together. Credentials
 * (invitation and party tokens, tracking and respondent codes) travel in the
 * fragment (`/join#token=…`), which the browser never sends to the server, so
 * they appear in no request log and no Referer. An old link with the
 * credential in the query (`/join?token=…`) still works: the credential is
 * moved into the fragment at once, so a reload does not send it again.
 */
export function pageParams(credentials: readonly string[]): URLSearchParams {
  const query = new URLSearchParams(location.search);
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  let moved = false;
  for (const name of credentials) {
    const value = query.get(name);
    if (value === null) continue;
    query.delete(name);
    if (!fragment.has(name)) fragment.set(name, value);
    moved = true;
  }
  if (moved) {
    const rest = query.toString();
    history.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}#${fragment.toString()}`);
  }
  const merged = new URLSearchParams(query);
  for (const [name, value] of fragment) merged.set(name, value);
  return merged;
}

/** A same-origin address with its credentials in the fragment: `credentialUrl('/sign', { token })` → `/sign#token=…`. */
export function credentialUrl(path: string, credentials: Record<string, string>): string {
  return `${path}#${new URLSearchParams(credentials).toString()}`;
}
