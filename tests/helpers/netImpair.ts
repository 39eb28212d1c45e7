/**
 * A weak network on loopback, for tests and the weak-network benchmark:
 * iptables hands every packet to or from the server's HTTP and WebRTC ports
 * (on `lo` OUTPUT) to NFQUEUE, where `scripts/netimpair/netimpair.c` drops
 * or delays it. Only inside a loopback-only namespace as root
 * (`scripts/loopback-only.sh`): it refuses to touch a real machine's firewall.
 *
 * A profile applies per pass through the queue. On loopback a packet from a
 * phone to the SFU passes once, so the phone's round trip to the server is
 * 2 × delay, and phone → SFU → phone media passes twice (loss compounds).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NetProfile {
  /** Drop probability per pass, 0…1 (1 = blackout). */
  loss: number;
  /** Delay per pass, ms (half the round trip to the server). */
  delayMs: number;
  /** Uniform ± jitter per pass, ms. */
  jitterMs: number;
}

export const clean: NetProfile = { loss: 0, delayMs: 0, jitterMs: 0 };

/** The networks of issue 16, as named there (loss, round trip, jitter). */
export const weakNetworks: { name: string; profile: NetProfile }[] = [
  { name: 'clean', profile: clean },
  { name: '3% loss, 100 ms RTT', profile: { loss: 0.03, delayMs: 50, jitterMs: 0 } },
  { name: '10% loss, 300 ms RTT, 20 ms jitter', profile: { loss: 0.1, delayMs: 150, jitterMs: 20 } },
  { name: '20% loss, 400 ms RTT', profile: { loss: 0.2, delayMs: 200, jitterMs: 0 } },
];

export const blackout: NetProfile = { loss: 1, delayMs: 0, jitterMs: 0 };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Why impairment cannot run here, or undefined when it can. */
export function netImpairUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  try {
    const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(':')[1]?.trim());
    if (links.some((name) => name !== 'lo')) return 'not in a loopback-only namespace (run through scripts/loopback-only.sh)';
    execFileSync('iptables', ['-L', 'OUTPUT', '-n'], { stdio: 'ignore' });
    execFileSync('bash', [path.join(root, 'scripts/netimpair/build.sh')], { stdio: 'ignore' });
  } catch (error) {
    return `iptables or netimpair missing (npm run setup -- --test): ${(error as Error).message}`;
  }
  return undefined;
}

export class NetImpair {
  private constructor(
    private readonly child: ChildProcess,
    private readonly controlFile: string,
    private readonly dir: string,
    private readonly rules: string[][],
  ) {}

  /** Impairs traffic to and from `ports` (TCP and UDP) on lo; starts clean. */
  static async start(ports: number[], queue = 7): Promise<NetImpair> {
    const why = netImpairUnavailable();
    if (why) throw new Error(`netImpair: ${why}`);
    const binary = execFileSync('bash', [path.join(root, 'scripts/netimpair/build.sh')], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'netimpair-'));
    const controlFile = path.join(dir, 'profile');
    writeFileSync(controlFile, '');
    const child = spawn(path.resolve(root, binary), [String(queue), controlFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (chunk: Buffer) => {
      if (process.env.NETIMPAIR_DEBUG) process.stderr.write(chunk);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('netimpair did not start')), 5_000);
      child.once('exit', (code) => reject(new Error(`netimpair exited with ${code}`)));
      child.stdout!.once('data', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const list = ports.join(',');
    const rules = ['udp', 'tcp'].map((protocol) => [
      'OUTPUT', '-o', 'lo', '-p', protocol, '-m', 'multiport', '--ports', list, '-j', 'NFQUEUE', '--queue-num', String(queue), '--queue-bypass',
    ]);
    const impair = new NetImpair(child, controlFile, dir, rules);
    try {
      for (const rule of rules) execFileSync('iptables', ['-A', ...rule]);
    } catch (error) {
      impair.stop();
      throw error;
    }
    return impair;
  }

  /** Changes the profile at once (the program re-reads the file within 50 ms). */
  async set(profile: NetProfile): Promise<void> {
    const temp = `${this.controlFile}.tmp`;
    writeFileSync(temp, `loss=${profile.loss} delay=${profile.delayMs} jitter=${profile.jitterMs}\n`);
    renameSync(temp, this.controlFile);
    await new Promise((resolve) => setTimeout(resolve, 120));
  }

  stop(): void {
    for (const rule of this.rules) {
      try {
        execFileSync('iptables', ['-D', ...rule], { stdio: 'ignore' });
      } catch {
        // Not added (start failed half-way).
      }
    }
    this.child.kill('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
