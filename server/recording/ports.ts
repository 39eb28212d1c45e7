/** UDP port pairs for ffmpeg (RTP on an even port, RTCP on the next), fresh for every part. */
import dgram from 'node:dgram';

function tryBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
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
