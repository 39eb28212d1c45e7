/** CPU time of a process and all its descendants, read from /proc (Linux). */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function stat(pid: string): { ppid: string; cpuSeconds: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces; fields after the closing parenthesis are fixed.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: fields[1]!, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** Seconds of CPU used so far by `root` and every living descendant. */
export function treeCpuSeconds(root: number): number {
  const all = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  const info = new Map(all.map((pid) => [pid, stat(pid)] as const));
  const included = new Set([String(root)]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, s] of info) {
      if (s && !included.has(pid) && included.has(s.ppid)) {
        included.add(pid);
        grew = true;
      }
    }
  }
  let total = 0;
  for (const pid of included) total += info.get(pid)?.cpuSeconds ?? 0;
  return total;
}
