/**
 * Finding the S3 server for the integration tests, and helpers around it.
 *
 * The server is found through the environment (LETTERPOD_S3_ENDPOINT with AWS_ACCESS_KEY_ID
 * and AWS_SECRET_ACCESS_KEY, as .ci/run exports them), else through the env file
 * `scripts/s3-server.sh start` writes (`$LETTERPOD_CEPH_DIR/s3.env`, default
 * /tmp/letterpod-ceph/s3.env). Without either the suites are skipped with the reason in
 * their name; an endpoint named in the environment that does not answer is an error.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  AbortMultipartUploadCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createS3Client } from '../../src/store/s3.js';
import type { S3StoreConfig } from '../../src/config/s3.js';

export interface S3Server {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Where it was found, for messages. */
  source: string;
}

function parseEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  }
}

/** The server, or the reason there is none. */
export async function findS3Server(): Promise<{ server?: S3Server; reason: string }> {
  const env = process.env;
  if (env.LETTERPOD_S3_ENDPOINT) {
    if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
      throw new Error('LETTERPOD_S3_ENDPOINT is set but AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not');
    }
    if (!(await answers(env.LETTERPOD_S3_ENDPOINT))) {
      throw new Error(`LETTERPOD_S3_ENDPOINT=${env.LETTERPOD_S3_ENDPOINT} does not answer (start it: scripts/s3-server.sh start)`);
    }
    return {
      server: {
        endpoint: env.LETTERPOD_S3_ENDPOINT,
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        source: 'LETTERPOD_S3_ENDPOINT',
      },
      reason: '',
    };
  }
  const file = join(env.LETTERPOD_CEPH_DIR ?? '/tmp/letterpod-ceph', 's3.env');
  if (!existsSync(file)) {
    return { reason: `no S3 server: LETTERPOD_S3_ENDPOINT is not set and ${file} does not exist (run scripts/s3-server.sh start)` };
  }
  const vars = parseEnvFile(file);
  const endpoint = vars.LETTERPOD_S3_ENDPOINT;
  if (!endpoint || !vars.AWS_ACCESS_KEY_ID || !vars.AWS_SECRET_ACCESS_KEY) return { reason: `no S3 server: ${file} is incomplete` };
  if (!(await answers(endpoint))) return { reason: `no S3 server: ${endpoint} from ${file} does not answer` };
  // The standard AWS chain (which the store uses) reads the environment.
  env.AWS_ACCESS_KEY_ID = vars.AWS_ACCESS_KEY_ID;
  env.AWS_SECRET_ACCESS_KEY = vars.AWS_SECRET_ACCESS_KEY;
  env.AWS_REGION ??= vars.AWS_REGION ?? 'us-east-1';
  return {
    server: { endpoint, accessKeyId: vars.AWS_ACCESS_KEY_ID, secretAccessKey: vars.AWS_SECRET_ACCESS_KEY, source: file },
    reason: '',
  };
}

/** A fresh bucket name (lowercase, unique per call). */
export function bucketName(label: string): string {
  return `lp-${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`.slice(0, 63);
}

export function storeConfig(server: S3Server, bucket: string, extra: Partial<S3StoreConfig> = {}): S3StoreConfig {
  return {
    type: 's3',
    bucket,
    endpoint: server.endpoint,
    publicBaseUrl: `${server.endpoint}/${bucket}/`,
    publicRead: false,
    ...extra,
  };
}

export function adminClient(server: S3Server): S3Client {
  return createS3Client(storeConfig(server, 'admin'), {
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
}

export async function createBucket(admin: S3Client, bucket: string): Promise<void> {
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** Every key in the bucket, as S3 has it (no prefix stripping, no filtering). */
export async function rawKeys(admin: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await admin.send(new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }));
    for (const o of page.Contents ?? []) keys.push(o.Key!);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

export async function pendingUploads(admin: S3Client, bucket: string): Promise<number> {
  const out = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return out.Uploads?.length ?? 0;
}

/** Empty and remove a bucket (the OSD keeps objects in memory). */
export async function removeBucket(admin: S3Client, bucket: string): Promise<void> {
  try {
    const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    for (const u of uploads.Uploads ?? []) {
      await admin.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key!, UploadId: u.UploadId! }));
    }
    for (const key of await rawKeys(admin, bucket)) await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    await admin.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if ((error as { name?: string }).name !== 'NoSuchBucket') throw error;
  }
}
