/**
 * The object store interface: what publishing needs from a local folder or an S3 bucket.
 * Keys follow `keys.ts`; ETags are opaque strings, only ever compared for equality and
 * passed back in `ifMatch` (the local store uses the content's sha256, S3 its own ETag).
 */
import { LetterpodError } from '../errors.js';

/** A body to upload: bytes in memory, or a file on disk streamed with its known size. */
export type PutBody = Buffer | { path: string };

export interface PutOptions {
  contentType: string;
  cacheControl: string;
  /** Write only if the object's current ETag is this one (it must exist). */
  ifMatch?: string;
  /** `'*'`: write only if no object exists under the key. */
  ifNoneMatch?: '*';
}

export interface ObjectInfo {
  bytes: number;
  etag: string;
  /** As given to `put`, when the backend knows it. */
  contentType?: string;
  cacheControl?: string;
}

export interface StoredObject extends ObjectInfo {
  /** The object's bytes; `etag` is the ETag of exactly these bytes. */
  body: Buffer;
}

export interface ListedObject {
  key: string;
  bytes: number;
}

export interface ObjectStore {
  /** A short description for messages ("local folder /srv/feed", "s3://bucket/prefix"). */
  readonly description: string;
  /** Store an object atomically. Throws PreconditionFailedError when a condition fails. */
  put(key: string, body: PutBody, options: PutOptions): Promise<ObjectInfo>;
  /** Size and ETag, or undefined when there is no object under the key. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** The object with the ETag of the bytes returned (so a read-modify-write can be conditional). */
  get(key: string): Promise<StoredObject | undefined>;
  /** Objects whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<ListedObject[]>;
  /** Remove an object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
}

/** A conditional write found the object changed (HTTP 412 on S3). */
export class PreconditionFailedError extends LetterpodError {
  readonly key: string;
  readonly condition: string;
  constructor(store: string, key: string, condition: string, actual: string) {
    super({
      file: `${store}: ${key}`,
      problem: `conditional write failed (${condition}, but ${actual})`,
      fix: 'Another publish changed it meanwhile; run publish again',
    });
    this.name = 'PreconditionFailedError';
    this.key = key;
    this.condition = condition;
  }
}
