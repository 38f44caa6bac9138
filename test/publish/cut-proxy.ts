/**
 * A TCP proxy in front of the real radosgw that goes down in the middle of a request: once
 * `cutAfter(n)` more request bytes have passed through it, every connection is reset and the
 * port stops listening (connections are refused, as from a stopped server) until
 * `restore()` listens on the same port again. Bytes are piped untouched otherwise.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface CutProxy {
  endpoint: string;
  /** Request bytes forwarded to the server so far. */
  readonly forwarded: number;
  /** Whether the proxy is down. */
  readonly down: boolean;
  /** Go down once `bytes` more request bytes have been forwarded. */
  cutAfter(bytes: number): void;
  /** Listen again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startCutProxy(upstream: string): Promise<CutProxy> {
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  const state = { forwarded: 0, limit: Infinity, down: false };

  const goDown = () => {
    if (state.down) return;
    state.down = true;
    server.close();
    for (const s of sockets) s.resetAndDestroy();
    sockets.clear();
  };

  const server: Server = createServer((client) => {
    if (state.down) {
      client.resetAndDestroy();
      return;
    }
    const up = connect(Number(target.port), target.hostname);
    for (const s of [client, up]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    up.on('close', () => client.destroy());
    client.on('close', () => up.destroy());
    client.on('data', (chunk: Buffer) => {
      if (state.down) return;
      if (state.forwarded + chunk.length > state.limit) {
        // Forward what fits, then go away mid-request.
        const fits = Math.max(0, state.limit - state.forwarded);
        up.write(chunk.subarray(0, fits));
        state.forwarded += fits;
        goDown();
        return;
      }
      state.forwarded += chunk.length;
      up.write(chunk);
    });
    up.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('end', () => up.end());
    up.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    get forwarded() {
      return state.forwarded;
    },
    get down() {
      return state.down;
    },
    cutAfter(bytes: number) {
      state.limit = state.forwarded + bytes;
    },
    restore: () =>
      new Promise<void>((resolve, reject) => {
        state.limit = Infinity;
        state.down = false;
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}
