/** Keeps a phone's screen on during a session; silently does nothing where unsupported. */
export function keepScreenAwake(): () => void {
  let lock: WakeLockSentinel | undefined;
  let active = true;
  const acquire = async () => {
    if (!active || document.visibilityState !== 'visible' || !('wakeLock' in navigator)) return;
    try {
      lock = await navigator.wakeLock.request('screen');
    } catch {
      // Denied (battery saver, iframe): the session works without it.
    }
  };
  // The lock is dropped whenever the page is hidden; take it again on return.
  const onVisibility = () => void acquire();
  document.addEventListener('visibilitychange', onVisibility);
  void acquire();
  return () => {
    active = false;
    document.removeEventListener('visibilitychange', onVisibility);
    void lock?.release().catch(() => undefined);
  };
}
