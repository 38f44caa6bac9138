/**
 * The S3 store's retry policy: the SDK classifies each failure (THROTTLING, TRANSIENT =
 * network errors and 500/502/503/504, SERVER_ERROR = other 5xx, CLIENT_ERROR); this
 * strategy retries all but client errors a bounded number of times with capped, jittered
 * exponential backoff (four times longer for throttling), honouring Retry-After.
 */
import type { S3ClientConfig } from '@aws-sdk/client-s3';

type RetryStrategyV2 = Extract<NonNullable<S3ClientConfig['retryStrategy']>, { acquireInitialRetryToken: unknown }>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2['acquireInitialRetryToken']>>;
type RetryErrorInfo = Parameters<RetryStrategyV2['refreshRetryTokenForRetry']>[1];

export class BackoffRetryStrategy implements RetryStrategyV2 {
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

