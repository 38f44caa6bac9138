/**
 * A TCP proxy in front of the real radosgw that makes the first N connections fail, to
 * check the store's retries: `reset` drops the connection as soon as the request starts
 * (a network error), `slowdown` answers 503 SlowDown (S3 throttling) after reading the
 * request head. Every later connection is piped to the server untouched.
 * `lose-response` instead lets the first N PUT requests reach the server and drops the
 * connection when the answer comes back (the write happened; the client cannot know).
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export type Fault = 'reset' | 'slowdown' | 'lose-response';

export interface FaultProxy {
  endpoint: string;
  /** Connections accepted so far. */
  connections: number;
  /** Connections that were failed on purpose. */
  failed: number;
  close(): Promise<void>;
}

const SLOWDOWN_BODY =
  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';

export async function startFaultProxy(upstream: string, fault: Fault, failFirst: number): Promise<FaultProxy> {
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  const state = { connections: 0, failed: 0 };
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    const n = state.connections++;
    if (fault === 'lose-response') {
      const up = connect(Number(target.port), target.hostname);
      sockets.add(up);
      up.on('close', () => sockets.delete(up));
      up.on('error', () => client.destroy());
      let doomed = false;
      client.on('data', (chunk: Buffer) => {
        if (!doomed && state.failed < failFirst && chunk.subarray(0, 4).toString('latin1') === 'PUT ') {
          doomed = true;
          state.failed++;
        }
        up.write(chunk);
      });
      up.on('data', (chunk: Buffer) => {
        if (doomed) {
          client.resetAndDestroy();
          up.destroy();
        } else client.write(chunk);
      });
      client.on('end', () => up.end());
      up.on('end', () => client.end());
      return;
    }
    if (n < failFirst) {
      state.failed++;
      let head = '';
      client.on('data', (chunk: Buffer) => {
        if (fault === 'reset') {
          client.resetAndDestroy();
          return;
        }
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        client.end(
          'HTTP/1.1 503 Slow Down\r\n' +
            'Content-Type: application/xml\r\n' +
            `Content-Length: ${Buffer.byteLength(SLOWDOWN_BODY)}\r\n` +
            'Connection: close\r\n\r\n' +
            SLOWDOWN_BODY,
        );
      });
      return;
    }
    const up = connect(Number(target.port), target.hostname);
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
    client.pipe(up).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get connections() {
      return state.connections;
    },
    get failed() {
      return state.failed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
