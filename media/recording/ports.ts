import dgram from 'node:dgram';

/**
 * A pair of free local UDP ports (RTP, RTP+1 for RTCP) for ffmpeg to listen on.
 * Probed by binding and releasing; the tiny window before ffmpeg binds is
 * acceptable on a host that runs only this service's recorders.
 */
export async function freeUdpPortPair(): Promise<{ rtp: number; rtcp: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20000 + 2 * Math.floor(Math.random() * 5000);
    if ((await bindable(port)) && (await bindable(port + 1))) return { rtp: port, rtcp: port + 1 };
  }
  throw new Error('no free UDP port pair for a recorder');
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}
