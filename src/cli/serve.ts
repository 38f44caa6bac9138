/** `letterpod serve [--port 8080] [--host 0.0.0.0]`: the local store over HTTP for the LAN. */
import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { LoadedConfig } from '../config/config.js';
import { loadProject } from './project.js';
import { LetterpodError, UsageError } from '../errors.js';
import { lanBaseUrl, listenUrls, publicBaseUrlNote } from '../serve/addresses.js';
import { createStoreServer } from '../serve/server.js';
import { FEED_KEY } from '../store/keys.js';
import { info } from './output.js';

/** In-flight downloads get this long to finish after SIGINT/SIGTERM. */
const SHUTDOWN_GRACE_MS = 2000;

function storeFolder(config: LoadedConfig): string {
  const where = config.file ?? 'config';
  if (config.store.type !== 'local' || config.resolved.store === undefined) {
    throw new LetterpodError({
      file: where,
      problem: `store.type is "${config.store.type}": letterpod serve serves only a local store folder`,
      fix: `Podcast apps fetch this store from ${config.store.publicBaseUrl} (S3 or its CDN); to serve a folder on the LAN, use a config with "store": {"type": "local"}`,
    });
  }
  return config.resolved.store;
}

export function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`--port must be a TCP port number (0–65535, 0 for any free port), not ${JSON.stringify(value)}`);
  return Number(value);
}

async function assertFolder(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new LetterpodError({ file: path, problem: 'the store folder does not exist', fix: 'Run letterpod publish first, or check store.path in the config' });
  }
}

export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      const what = `${host}:${port}`;
      const reasons: Record<string, [string, string]> = {
        EADDRINUSE: [`port ${port} is already in use`, 'Stop the other server or choose another port with --port'],
        EACCES: [`not allowed to listen on ${what}`, 'Ports below 1024 need privileges: choose a port like 8080 with --port'],
        EADDRNOTAVAIL: [`${host} is not an address of this machine`, 'Use --host 0.0.0.0 (every interface) or one of this machine\'s addresses'],
        ENOTFOUND: [`${host} is not an address of this machine`, 'Use --host 0.0.0.0 (every interface) or one of this machine\'s addresses'],
      };
      const [problem, fix] = reasons[error.code ?? ''] ?? [`cannot listen on ${what} (${error.code ?? error.message})`, 'Check --host and --port'];
      reject(new LetterpodError({ problem, fix, cause: error }));
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function shutdown(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  force.unref();
  await closed;
  clearTimeout(force);
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the local store (feed.xml and episodes) over HTTP to podcast apps on the local network')
    .option('--port <port>', 'TCP port (0: any free port)', '8080')
    .option('--host <address>', 'address to listen on (0.0.0.0: every IPv4 interface)', '0.0.0.0')
    .action(async (flags: { port: string; host: string }, cmd: Command) => {
      const config = await loadProject(cmd);
      const root = storeFolder(config);
      const port = parsePort(flags.port);
      await assertFolder(root);
      const server = createStoreServer(root, { redirects: config.serve.redirects });
      const stopped = untilStopped();
      const address = await listen(server, port, flags.host);

      const urls = listenUrls(address.address, address.port, networkInterfaces());
      console.log(`serving ${root} at:`);
      for (const url of urls) console.log(`  ${url}`);
      console.log(`feed: ${lanBaseUrl(urls)}${FEED_KEY}`);
      if (!(await stat(join(root, FEED_KEY)).catch(() => undefined))) info(`note: ${root} has no ${FEED_KEY} yet; run letterpod publish`);
      const note = publicBaseUrlNote(config.store.publicBaseUrl, urls, [hostname(), `${hostname()}.local`]);
      if (note) info(note);

      const signal = await stopped;
      info(`${signal}: stopping`);
      await shutdown(server);
    });
}
