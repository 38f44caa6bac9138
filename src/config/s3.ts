/**
 * The `"store": {"type": "s3", …}` section of letterpod.config.json: an S3 (or
 * S3-compatible: R2, MinIO, Ceph radosgw) bucket. Credentials are deliberately not part of
 * it: they come from the standard AWS chain (environment, profile), so the config file can
 * be committed. A field that looks like a credential is rejected with a message saying so.
 */
import { z } from 'zod';
import { keyProblem, normalizePrefix } from '../spec/object-keys.js';

export { normalizePrefix };

/** Field names that look like credentials (accessKeyId, secret_access_key, sessionToken, …). */
const CREDENTIAL_FIELD = /access.?key|secret|session.?token|credential|password|passwd|^token$|^auth/i;

const CREDENTIALS_MESSAGE =
  'credentials are never read from the config file; they come from the environment ' +
  '(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE / ~/.aws/credentials): remove the field';

/** S3 bucket naming rules (the DNS-compatible ones every provider accepts). */
const BUCKET = /^(?!xn--)(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function httpUrl(what: string) {
  return z.url({ protocol: /^https?$/, error: `${what} must be an http:// or https:// URL` });
}

export const s3StoreSchema = z.strictObject(
  {
    type: z.literal('s3'),
    bucket: z.string().regex(BUCKET, 'a bucket name: 3–63 lowercase letters, digits, "." and "-"'),
    /** A folder inside the bucket for every object ("podcast" → podcast/feed.xml). */
    prefix: z
      .string()
      .optional()
      .refine((p) => normalizePrefix(p) === '' || keyProblem(normalizePrefix(p)) === undefined, {
        error: 'a key prefix: "/"-separated segments of A-Z a-z 0-9 . _ - (none starting with ".")',
      }),
    /** Default: AWS_REGION from the environment, else us-east-1. */
    region: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'a region name like "eu-west-1" (or "auto" for R2)')
      .optional(),
    /** For S3-compatible services (R2, MinIO, radosgw); default: AWS S3 itself. */
    endpoint: httpUrl('endpoint')
      .refine((u) => {
        const url = new URL(u);
        return url.username === '' && url.password === '';
      }, CREDENTIALS_MESSAGE)
      .optional(),
    /** Path-style URLs (endpoint/bucket/key); default: true with an endpoint, false on AWS. */
    forcePathStyle: z.boolean().optional(),
    /** The URL prefix podcast apps see (a CDN or the bucket's public URL). */
    publicBaseUrl: httpUrl('publicBaseUrl'),
    /** Give every object but manifest.json the public-read ACL (for buckets without a public policy). */
    publicRead: z.boolean().default(false),
  },
  {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const credentials = issue.keys.filter((k) => CREDENTIAL_FIELD.test(k));
      if (credentials.length === 0) return undefined;
      return `${credentials.map((k) => JSON.stringify(k)).join(', ')}: ${CREDENTIALS_MESSAGE}`;
    },
  },
);

export type S3StoreConfig = z.infer<typeof s3StoreSchema>;
