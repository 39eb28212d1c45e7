/** A TCP port on 127.0.0.1 that was free a moment ago (for servers started as their own process). */
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
