/**
 * S3 errors, translated: what the SDK throws (an error code, an HTTP status, a network
 * error somewhere in its causes) becomes a LetterpodError with the problem and its fix —
 * bucket missing, credentials refused, permission denied, ACLs not accepted, server
 * unreachable — and never carries a credential.
 */
import { LetterpodError } from '../errors.js';

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

export function errorCodeOf(error: unknown): string {
  const e = (error ?? {}) as SdkError;
  return e.Code ?? e.name ?? '';
}

export function statusOf(error: unknown): number | undefined {
  return ((error ?? {}) as SdkError).$metadata?.httpStatusCode;
}

/** The network error code of an error or of one of its causes. */
export function networkCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; e && depth < 6; depth++) {
    const code = (e as SdkError).code;
    if (code && NETWORK_CODES.has(code)) return code;
    if ((e as SdkError).name === 'TimeoutError') return 'timeout';
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isNotFound(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code === 'NoSuchKey' || code === 'NotFound' || (statusOf(error) === 404 && code !== 'NoSuchBucket');
}

export function isPreconditionFailure(error: unknown): boolean {
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

export function attemptsOf(error: unknown): number {
  return ((error ?? {}) as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
}

/** What an error message may say about the store. */
export interface S3ErrorContext {
description: string;
/** "endpoint https://…" or "AWS S3 (region)". */
where: string;
bucket: string;
region?: string;
publicRead?: boolean;
}

/** A LetterpodError for an SDK failure; never includes credentials (nor the SDK's raw message for auth errors). */
export function translateS3Error(error: unknown, op: string, key: string, store: S3ErrorContext): Error {
  if (error instanceof LetterpodError) return error;
  const code = errorCodeOf(error);
  const status = statusOf(error);
  const file = key ? `${store.description}: ${key}` : store.description;
  if (code === 'NoSuchBucket') {
    return new LetterpodError({
      file: store.description,
      problem: `bucket "${store.bucket}" does not exist at ${store.where}`,
      fix: `Create the bucket, or fix store.bucket / store.endpoint${store.region ? ' / store.region' : ''} in the config`,
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
      problem: `${op} refused by ${store.where}: ${why}`,
      fix: `Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: ${chain}`,
    });
  }
  if (status === 403 && code !== 'AccessDenied' && code !== 'AccessControlListNotSupported') {
    // A HEAD's 403 has no body to say whether the credentials or the permissions are wrong.
    return new LetterpodError({
      file,
      problem: `${op} refused by ${store.where} (HTTP 403: wrong credentials, or no permission)`,
      fix: `Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (${chain}) and that they may read and write bucket "${store.bucket}"`,
    });
  }
  if (code === 'AccessDenied') {
    return new LetterpodError({
      file,
      problem: `${op} denied by ${store.where} (AccessDenied)`,
      fix: `Give these credentials s3:GetObject, s3:PutObject${store.publicRead ? ', s3:PutObjectAcl' : ''}, s3:DeleteObject and s3:ListBucket on bucket "${store.bucket}"`,
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
      problem: `${op} failed: cannot reach ${store.where} (${net}, after retries)`,
      fix: 'Check the network and store.endpoint, then publish again; objects already uploaded are reused',
      cause: error,
    });
  }
  const message = redact(((error ?? {}) as SdkError).message ?? String(error));
  return new LetterpodError({
    file,
    problem: `${op} failed at ${store.where} (${code || 'error'}${status ? `, HTTP ${status}` : ''}: ${message})`,
    fix: status !== undefined && status >= 500 ? 'The server kept failing; try again later' : 'Check the store settings in the config',
    cause: error,
  });
}

/** Remove any credential from the environment that a server's message might echo back. */
export function redact(text: string): string {
  let out = text;
  for (const name of ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID']) {
    const value = process.env[name];
    if (value && value.length >= 4) out = out.split(value).join('***');
  }
  return out;
}

