/** UDP port pairs for ffmpeg (RTP on an even port, RTCP on the next), fresh for every part. */
import dgram from 'node:dgram';

/**
 * Everything between the SFU and a recorder stays on loopback: the
 * PlainTransport listens and sends here, and ffmpeg binds its RTP and RTCP
 * sockets here only (never 0.0.0.0), so nobody off this machine can feed
 * media into a recording.
 */
export const RECORDER_IP = '127.0.0.1';

function tryBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, RECORDER_IP, () => socket.close(() => resolve(true)));
  });
}

export async function freePortPair(min = 20000, max = 29998): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = min + 2 * Math.floor(Math.random() * ((max - min) / 2));
    if ((await tryBind(port)) && (await tryBind(port + 1))) return port;
  }
  throw new Error('no free UDP port pair for a recorder');
}

/** True once another process (ffmpeg) holds the port. */
export async function isTaken(port: number): Promise<boolean> {
  return !(await tryBind(port));
}
