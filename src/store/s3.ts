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

// ---------------------------------------------------------------------------------------
// Retries: the SDK classifies each failure (THROTTLING, TRANSIENT = network errors and
// 500/502/503/504, SERVER_ERROR = other 5xx, CLIENT_ERROR); this strategy decides.

type RetryStrategyV2 = Extract<NonNullable<S3ClientConfig['retryStrategy']>, { acquireInitialRetryToken: unknown }>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2['acquireInitialRetryToken']>>;
type RetryErrorInfo = Parameters<RetryStrategyV2['refreshRetryTokenForRetry']>[1];

class BackoffRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'standard';
  constructor(
    private readonly attempts: number,
    private readonly baseDelayMs: number,
    private readonly maxDelayMs: number,
  ) {}

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return token(0, 0);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const retries = previous.getRetryCount() + 1;
    if (info.errorType === 'CLIENT_ERROR' || retries >= this.attempts) {
      throw new Error('not retried');
    }
    const base = info.errorType === 'THROTTLING' ? this.baseDelayMs * 4 : this.baseDelayMs;
    const ceiling = Math.min(this.maxDelayMs, base * 2 ** (retries - 1));
    // "Equal jitter": at least half the exponential delay, so waits really grow.
    let delay = ceiling / 2 + Math.random() * (ceiling / 2);
    const hint = info.retryAfterHint;
    if (hint instanceof Date) delay = Math.max(delay, Math.min(hint.getTime() - Date.now(), this.maxDelayMs));
    return token(retries, Math.round(delay));
  }

  recordSuccess(_token: RetryToken): void {}
}

function token(retryCount: number, delayMs: number): RetryToken {
  return { getRetryCount: () => retryCount, getRetryDelay: () => delayMs };
}

// ---------------------------------------------------------------------------------------
// Errors.

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

function errorCodeOf(error: unknown): string {
  const e = (error ?? {}) as SdkError;
  return e.Code ?? e.name ?? '';
}

function statusOf(error: unknown): number | undefined {
  return ((error ?? {}) as SdkError).$metadata?.httpStatusCode;
}

/** The network error code of an error or of one of its causes. */
function networkCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; e && depth < 6; depth++) {
    const code = (e as SdkError).code;
    if (code && NETWORK_CODES.has(code)) return code;
    if ((e as SdkError).name === 'TimeoutError') return 'timeout';
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function isNotFound(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code === 'NoSuchKey' || code === 'NotFound' || (statusOf(error) === 404 && code !== 'NoSuchBucket');
}

function isPreconditionFailure(error: unknown): boolean {
  const code = errorCodeOf(error);
  return statusOf(error) === 412 || code === 'PreconditionFailed' || code === 'ConditionalRequestConflict';
}

const CREDENTIAL_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'InvalidClientTokenId',
  'AuthorizationHeaderMalformed',
]);

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

function attemptsOf(error: unknown): number {
  return ((error ?? {}) as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
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

  /** A LetterpodError for an SDK failure; never includes credentials (nor the SDK's raw message for auth errors). */
  translate(error: unknown, op: string, key: string): Error {
    if (error instanceof LetterpodError) return error;
    const code = errorCodeOf(error);
    const status = statusOf(error);
    const file = key ? `${this.description}: ${key}` : this.description;
    if (code === 'NoSuchBucket') {
      return new LetterpodError({
        file: this.description,
        problem: `bucket "${this.bucket}" does not exist at ${this.where}`,
        fix: `Create the bucket, or fix store.bucket / store.endpoint${this.config.region ? ' / store.region' : ''} in the config`,
      });
    }
    const chain =
      'credentials come from the standard AWS chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, ' +
      'or AWS_PROFILE and ~/.aws/credentials), never from the config file';
    if (CREDENTIAL_CODES.has(code) || code === 'CredentialsProviderError') {
      const why =
        code === 'CredentialsProviderError'
          ? 'no AWS credentials found'
          : code === 'InvalidAccessKeyId'
            ? 'the access key id is not known to the server'
            : code === 'SignatureDoesNotMatch'
              ? 'the request signature does not match (wrong secret access key)'
              : code === 'ExpiredToken' || code === 'TokenRefreshRequired'
                ? 'the session token has expired'
                : `the server refused the credentials (${code})`;
      return new LetterpodError({
        file,
        problem: `${op} refused by ${this.where}: ${why}`,
        fix: `Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: ${chain}`,
      });
    }
    if (status === 403 && code !== 'AccessDenied' && code !== 'AccessControlListNotSupported') {
      // A HEAD's 403 has no body to say whether the credentials or the permissions are wrong.
      return new LetterpodError({
        file,
        problem: `${op} refused by ${this.where} (HTTP 403: wrong credentials, or no permission)`,
        fix: `Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (${chain}) and that they may read and write bucket "${this.bucket}"`,
      });
    }
    if (code === 'AccessDenied') {
      return new LetterpodError({
        file,
        problem: `${op} denied by ${this.where} (AccessDenied)`,
        fix: `Give these credentials s3:GetObject, s3:PutObject${this.config.publicRead ? ', s3:PutObjectAcl' : ''}, s3:DeleteObject and s3:ListBucket on bucket "${this.bucket}"`,
      });
    }
    if (code === 'AccessControlListNotSupported') {
      return new LetterpodError({
        file,
        problem: 'the bucket does not accept ACLs (object ownership is "bucket owner enforced")',
        fix: 'Set store.publicRead to false and make the objects public with a bucket policy or a CDN',
      });
    }
    const net = networkCode(error);
    if (net) {
      return new LetterpodError({
        file,
        problem: `${op} failed: cannot reach ${this.where} (${net}, after retries)`,
        fix: 'Check the network and store.endpoint, then publish again; objects already uploaded are reused',
        cause: error,
      });
    }
    const message = redact(((error ?? {}) as SdkError).message ?? String(error));
    return new LetterpodError({
      file,
      problem: `${op} failed at ${this.where} (${code || 'error'}${status ? `, HTTP ${status}` : ''}: ${message})`,
      fix: status !== undefined && status >= 500 ? 'The server kept failing; try again later' : 'Check the store settings in the config',
      cause: error,
    });
  }
}

/** Remove any credential from the environment that a server's message might echo back. */
function redact(text: string): string {
  let out = text;
  for (const name of ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID']) {
    const value = process.env[name];
    if (value && value.length >= 4) out = out.split(value).join('***');
  }
  return out;
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
