#!/usr/bin/env node
/**
 * npm run bench:s3 [-- rounds]: upload throughput of a 100 MB file to the same S3 server
 * with S3Store (multipart, 8 MiB parts, 4 at a time) and with `aws s3 cp` (Debian's
 * awscli, `--endpoint-url`), alternating, in the same run. The server comes from
 * LETTERPOD_S3_ENDPOINT + AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else from the env file
 * of `scripts/s3-server.sh start` ($LETTERPOD_CEPH_DIR/s3.env, default /tmp/letterpod-ceph).
 */
import { randomBytes } from 'node:crypto';
import { ProcessError, runProcess } from '../process/run.js';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { CACHE_IMMUTABLE, CONTENT_TYPES } from '../store/content-types.js';
import { createS3Client, openS3Store } from '../store/s3.js';
import type { S3StoreConfig } from '../config/s3.js';

const BYTES = 100_000_000; // 100 MB
const rounds = Math.max(1, Number(process.argv[2] ?? 3) || 3);

function loadServer(): string {
  if (process.env.LETTERPOD_S3_ENDPOINT) return process.env.LETTERPOD_S3_ENDPOINT;
  const file = join(process.env.LETTERPOD_CEPH_DIR ?? '/tmp/letterpod-ceph', 's3.env');
  if (!existsSync(file)) {
    console.error(`bench:s3: no S3 server (set LETTERPOD_S3_ENDPOINT and AWS_*, or run scripts/s3-server.sh start)`);
    process.exit(1);
  }
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m && process.env[m[1]!] === undefined) process.env[m[1]!] = m[2]!;
  }
  return process.env.LETTERPOD_S3_ENDPOINT!;
}

async function testFile(path: string): Promise<void> {
  if (existsSync(path) && (await stat(path)).size === BYTES) return;
  await mkdir(resolve(path, '..'), { recursive: true });
  const handle = await open(path, 'w');
  try {
    // Random bytes: nothing on the way can compress them.
    for (let written = 0; written < BYTES; ) {
      const chunk = randomBytes(Math.min(4 * 1024 * 1024, BYTES - written));
      await handle.write(chunk);
      written += chunk.length;
    }
  } finally {
    await handle.close();
  }
}

/** A command through the process runner; a failure is a result (its exit code), not an exception. */
async function run(cmd: string, args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  try {
    const r = await runProcess(cmd, args);
    return { code: 0, stderr: r.stderr, stdout: r.stdout.toString() };
  } catch (e) {
    if (e instanceof ProcessError) return { code: e.exitCode, stderr: e.stderrTail, stdout: '' };
    throw e;
  }
}

const endpoint = loadServer();
const aws = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';
const file = resolve('.cache', 'bench', 's3-100mb.bin');
await testFile(file);

const bucket = `letterpod-bench-${Date.now().toString(36)}`;
const config: S3StoreConfig = { type: 's3', bucket, endpoint, publicBaseUrl: `${endpoint}/${bucket}/`, publicRead: false };
const admin = createS3Client(config);
await admin.send(new CreateBucketCommand({ Bucket: bucket }));

const awsVersion = await run(aws, ['--version']).then(
  (r) => r.stdout.trim().split(' ')[0] || 'aws',
  () => 'aws (not found)',
);
// The CLI's own start-up time, to read its figures fairly.
const startupStart = performance.now();
await run(aws, ['--version']);
const awsStartup = (performance.now() - startupStart) / 1000;

async function verify(key: string): Promise<void> {
  const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  if (head.ContentLength !== BYTES) throw new Error(`${key}: ${head.ContentLength} bytes on the server, expected ${BYTES}`);
}

const results: { tool: string; seconds: number[] }[] = [
  { tool: 'S3Store (lib-storage, 8 MiB parts × 4)', seconds: [] },
  { tool: `aws s3 cp (${awsVersion}, defaults: 8 MiB parts × 10)`, seconds: [] },
];
try {
  const store = openS3Store(config);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order) {
      const key = `round-${round}-${which === 0 ? 'store' : 'awscli'}.bin`;
      const t0 = performance.now();
      if (which === 0) {
        await store.put(key, { path: file }, { contentType: CONTENT_TYPES.audio, cacheControl: CACHE_IMMUTABLE });
      } else {
        const r = await run(aws, ['--endpoint-url', endpoint, '--only-show-errors', 's3', 'cp', file, `s3://${bucket}/${key}`]);
        if (r.code !== 0) throw new Error(`aws s3 cp failed (${r.code}): ${r.stderr.slice(-500)}`);
      }
      results[which]!.seconds.push((performance.now() - t0) / 1000);
      await verify(key);
      await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    }
  }
} finally {
  const left = await admin.send(new ListObjectsV2Command({ Bucket: bucket }));
  for (const o of left.Contents ?? []) await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key! }));
  await admin.send(new DeleteBucketCommand({ Bucket: bucket }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mbps = (s: number) => BYTES / 1e6 / s;
console.log(`Upload of a ${BYTES / 1e6} MB file to ${endpoint}, ${rounds} rounds (alternating order); MB = 10^6 bytes`);
console.log('| uploader | median | MB/s (median) | runs (s) |');
console.log('|---|---|---|---|');
for (const r of results) {
  const m = median(r.seconds);
  console.log(`| ${r.tool} | ${m.toFixed(2)} s | ${mbps(m).toFixed(1)} | ${r.seconds.map((s) => s.toFixed(2)).join(', ')} |`);
}
console.log(`(aws s3 cp times include the CLI's start-up: ${awsStartup.toFixed(2)} s for "aws --version")`);
