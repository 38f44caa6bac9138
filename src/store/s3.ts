/**
 * The S3 object store: AWS S3 or an S3-compatible service (Cloudflare R2, MinIO, Ceph
 * radosgw), with `@aws-sdk/client-s3` and `@aws-sdk/lib-storage`.
 *
 * - Keys are validated (`keys.ts`) and put under the config's `prefix`.
 * - Bodies up to `multipartThresholdBytes` (16 MiB) and every conditional put go up as one
 *   PutObject from memory, so the SDK can retry them; larger files are streamed as a
 *   multipart upload (8 MiB parts, 4 at a time, each retried; aborted on failure).
 * - ifMatch / ifNoneMatch '*' become `If-Match` / `If-None-Match: *`; a 412 (or a 409
 *   ConditionalRequestConflict) is a PreconditionFailedError.
 * - `publicRead` puts every object except manifest.json with the public-read ACL.
 * - Throttling (503 SlowDown, 429), 5xx and network errors are retried with capped,
 *   jittered exponential backoff (honouring Retry-After).
 * - Credentials come only from the standard AWS chain (environment, shared profile, SSO,
 *   container/instance roles) — never from the config — and never appear in messages:
 *   errors are rewritten into LetterpodErrors built from the error code and status.
 * - ETags are S3's, without the surrounding quotes (for a multipart object, "<md5>-<parts>").
 *
 * The retry policy is s3-retry.ts, the translation of SDK errors into one-line
 * LetterpodErrors s3-errors.ts; this module is the store.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type ObjectCannedACL,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { LetterpodError } from '../errors.js';
import { MANIFEST_KEY, assertValidKey, keyProblem } from './keys.js';
import { normalizePrefix } from '../spec/object-keys.js';
import { attemptsOf, errorCodeOf, isNotFound, isPreconditionFailure, translateS3Error } from './s3-errors.js';
import { BackoffRetryStrategy } from './s3-retry.js';

/** What the S3 store reads of the config's `store` section (config/s3.ts validates it). */
export interface S3StoreConfig {
  bucket: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  publicRead?: boolean;
}
import {
  PreconditionFailedError,
  type ListedObject,
  type ObjectInfo,
  type ObjectStore,
  type PutBody,
  type PutOptions,
  type StoredObject,
} from './store.js';

const MiB = 1024 * 1024;

export interface S3StoreOptions {
  /**
   * Credentials for tests and benchmarks. The CLI never passes them: without them the
   * standard AWS chain is used (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, …).
   */
  credentials?: S3ClientConfig['credentials'];
  /** Files larger than this go up as a multipart upload. Default 16 MiB. */
  multipartThresholdBytes?: number;
  /** Multipart part size (at least 5 MiB). Default 8 MiB. */
  partSizeBytes?: number;
  /** Parts uploaded at once. Default 4. */
  partConcurrency?: number;
  /** Attempts per request, the first included. Default 6. */
  maxAttempts?: number;
  /** First backoff delay (ms; throttling waits 4× longer). Default 200. */
  retryBaseDelayMs?: number;
  /** The longest single backoff delay (ms). Default 10 000. */
  retryMaxDelayMs?: number;
  /** Keys per ListObjectsV2 page. Default 1000. */
  listPageSize?: number;
  /** Give up on a connection that does not open within this time (ms). Default 10 000. */
  connectionTimeoutMs?: number;
  /** Give up on a request (one attempt) that has not completed within this time (ms); it is retried. Default 60 000. */
  requestTimeoutMs?: number;
}

export function createS3Client(config: S3StoreConfig, options: S3StoreOptions = {}): S3Client {
  // The SDK warns on every run under Node < 22 that future versions will need 22; not the user's concern.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const endpoint = config.endpoint;
  return new S3Client({
    region: config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: config.forcePathStyle ?? endpoint !== undefined,
    // Non-AWS servers refuse (radosgw: 411) or mangle the SDK's default CRC32 aws-chunked bodies.
    ...(endpoint ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: options.maxAttempts ?? 6,
    retryStrategy: new BackoffRetryStrategy(options.maxAttempts ?? 6, options.retryBaseDelayMs ?? 200, options.retryMaxDelayMs ?? 10_000),
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 60_000,
      // without this the SDK only logs a warning and the request hangs for ever
      throwOnRequestTimeout: true,
    },
  });
}

function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

function stripQuotes(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

export class S3Store implements ObjectStore {
  readonly description: string;
  readonly bucket: string;
  /** Without leading or trailing "/" ("" for the bucket's root). */
  readonly prefix: string;
  readonly client: S3Client;
  private readonly config: S3StoreConfig;
  private readonly where: string;
  private readonly multipartThreshold: number;
  private readonly partSize: number;
  private readonly partConcurrency: number;
  private readonly listPageSize: number;
  private bucketChecked: Promise<void> | undefined;

  constructor(config: S3StoreConfig, options: S3StoreOptions = {}) {
    this.config = config;
    this.bucket = config.bucket;
    this.prefix = normalizePrefix(config.prefix);
    this.description = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
    this.where = config.endpoint ? `endpoint ${config.endpoint}` : `AWS S3 (${config.region ?? process.env.AWS_REGION ?? 'us-east-1'})`;
    this.multipartThreshold = options.multipartThresholdBytes ?? 16 * MiB;
    this.partSize = Math.max(5 * MiB, options.partSizeBytes ?? 8 * MiB);
    this.partConcurrency = options.partConcurrency ?? 4;
    this.listPageSize = options.listPageSize ?? 1000;
    this.client = createS3Client(config, options);
  }

  /** The bucket key of a store key. */
  objectKey(key: string): string {
    assertValidKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  async put(key: string, body: PutBody, options: PutOptions): Promise<ObjectInfo> {
    const objectKey = this.objectKey(key);
    await this.checkBucket();
    const acl: ObjectCannedACL | undefined = this.config.publicRead && key !== MANIFEST_KEY ? 'public-read' : undefined;
    const common = {
      Bucket: this.bucket,
      Key: objectKey,
      ContentType: options.contentType,
      CacheControl: options.cacheControl,
      ...(acl ? { ACL: acl } : {}),
    };
    const conditional = options.ifMatch !== undefined || options.ifNoneMatch !== undefined;
    let data: Buffer | undefined;
    let size: number;
    if (Buffer.isBuffer(body)) {
      data = body;
      size = body.length;
    } else {
      size = await fileSize(body.path);
      // Conditional puts (small: the manifest, the feed) stay one request, so the condition holds.
      if (conditional || size <= this.multipartThreshold) data = await readBody(body.path);
    }

    if (data) {
      const bytes = data.length;
      const done = (etag: string): ObjectInfo => ({ bytes, etag, contentType: options.contentType, cacheControl: options.cacheControl });
      const send = async (ifMatch: string | undefined) => {
        try {
          const out = await this.client.send(
            new PutObjectCommand({
              ...common,
              Body: data,
              ContentLength: bytes,
              ...(ifMatch !== undefined ? { IfMatch: ifMatch } : {}),
              ...(options.ifNoneMatch !== undefined ? { IfNoneMatch: options.ifNoneMatch } : {}),
            }),
          );
          return stripQuotes(out.ETag);
        } catch (error) {
          const failed = isPreconditionFailure(error) || (options.ifMatch !== undefined && isNotFound(error));
          if (!conditional || !failed) throw this.translate(error, 'upload', key);
          return { error, current: await this.head(key).catch(() => undefined) };
        }
      };
      // The bare ETag first: radosgw compares If-Match on PUT without unquoting; AWS takes either.
      let result = await send(options.ifMatch);
      if (typeof result === 'string') return done(result);
      const ours = md5(data);
      // A retry after an attempt that did land (its response lost) finds our own bytes there.
      if (attemptsOf(result.error) > 1 && result.current?.etag === ours) return done(ours);
      if (options.ifMatch !== undefined && result.current?.etag === options.ifMatch && isPreconditionFailure(result.error)) {
        // The ETag did match: a server that wants the quoted (RFC 9110) form.
        result = await send(`"${options.ifMatch}"`);
        if (typeof result === 'string') return done(result);
      }
      throw this.preconditionFailed(key, options, result.error, result.current);
    }

    const path = (body as { path: string }).path;
    const upload = new Upload({
      client: this.client,
      params: { ...common, Body: createReadStream(path), ContentLength: size },
      partSize: this.partSize,
      queueSize: this.partConcurrency,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      throw this.translate(error, 'multipart upload', key);
    }
    // CompleteMultipartUpload's ETag is not reliable everywhere (radosgw returns none): ask.
    const info = await this.head(key);
    if (!info || info.bytes !== size) {
      throw new LetterpodError({
        file: `${this.description}: ${key}`,
        problem: `multipart upload not verified (HEAD says ${info ? `${info.bytes} bytes` : 'missing'}, expected ${size})`,
        fix: `Check the bucket and the ${this.where}, then publish again`,
      });
    }
    return { bytes: size, etag: info.etag, contentType: options.contentType, cacheControl: options.cacheControl };
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const objectKey = this.objectKey(key);
    await this.checkBucket();
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return {
        bytes: out.ContentLength ?? 0,
        etag: stripQuotes(out.ETag),
        ...(out.ContentType !== undefined ? { contentType: out.ContentType } : {}),
        ...(out.CacheControl !== undefined ? { cacheControl: out.CacheControl } : {}),
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw this.translate(error, 'HEAD', key);
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const objectKey = this.objectKey(key);
    await this.checkBucket();
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      const body = Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
      return {
        body,
        bytes: body.length,
        etag: stripQuotes(out.ETag),
        ...(out.ContentType !== undefined ? { contentType: out.ContentType } : {}),
        ...(out.CacheControl !== undefined ? { cacheControl: out.CacheControl } : {}),
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw this.translate(error, 'download', key);
    }
  }

  async list(prefix: string): Promise<ListedObject[]> {
    await this.checkBucket();
    const base = this.prefix ? `${this.prefix}/` : '';
    const out: ListedObject[] = [];
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: base + prefix,
            MaxKeys: this.listPageSize,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
      } catch (error) {
        throw this.translate(error, 'list', prefix || '(all keys)');
      }
      for (const object of page.Contents ?? []) {
        if (!object.Key?.startsWith(base)) continue;
        const key = object.Key.slice(base.length);
        // Folder markers and objects letterpod could not have written are not store objects.
        if (keyProblem(key) !== undefined) continue;
        out.push({ key, bytes: object.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    await this.checkBucket();
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (error) {
      if (isNotFound(error)) return;
      throw this.translate(error, 'delete', key);
    }
  }

  /**
   * Once per store: a one-key listing, which tells a missing bucket and bad credentials
   * apart (a HEAD's 404 or 403 has no body to say which). Access denied to listing is left
   * for the real requests to report.
   */
  private checkBucket(): Promise<void> {
    this.bucketChecked ??= (async () => {
      try {
        await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, MaxKeys: 1, Prefix: this.prefix ? `${this.prefix}/` : undefined }));
      } catch (error) {
        if (errorCodeOf(error) === 'AccessDenied') return;
        throw this.translate(error, 'open', '');
      }
    })().catch((error: unknown) => {
      this.bucketChecked = undefined; // a network failure now should not stick
      throw error;
    });
    return this.bucketChecked;
  }

  private preconditionFailed(key: string, options: PutOptions, error: unknown, current: ObjectInfo | undefined): PreconditionFailedError {
    if (options.ifNoneMatch === '*') {
      return new PreconditionFailedError(this.description, key, 'If-None-Match: *', 'the object exists');
    }
    const actual =
      errorCodeOf(error) === 'ConditionalRequestConflict'
        ? 'another write to it was in progress'
        : current
          ? `its ETag is ${current.etag}`
          : 'there is no such object';
    return new PreconditionFailedError(this.description, key, `If-Match: ${options.ifMatch}`, actual);
  }

  /** A LetterpodError for an SDK failure (s3-errors.ts); never includes credentials. */
  translate(error: unknown, op: string, key: string): Error {
    return translateS3Error(error, op, key, { description: this.description, where: this.where, bucket: this.bucket, region: this.config.region, publicRead: this.config.publicRead });
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (cause) {
    throw new LetterpodError({ file: path, problem: 'file to upload not found or unreadable', fix: 'Run letterpod build again, then publish', cause });
  }
}

async function readBody(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new LetterpodError({ file: path, problem: 'file to upload not found or unreadable', fix: 'Run letterpod build again, then publish', cause });
  }
}

/** The S3 store a `"type": "s3"` config section describes. */
export function openS3Store(config: S3StoreConfig, options: S3StoreOptions = {}): S3Store {
  return new S3Store(config, options);
}
