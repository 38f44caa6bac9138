import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { normalizePrefix, s3StoreSchema } from '../../src/config/s3.js';

const base = { type: 's3', bucket: 'my-podcast', publicBaseUrl: 'https://cdn.example.org/podcast/' };

function messages(value: unknown): string[] {
  const result = s3StoreSchema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
}

describe('s3 store config', () => {
  it('accepts the documented fields, with defaults', () => {
    expect(s3StoreSchema.parse(base)).toEqual({ ...base, publicRead: false });
    const full = {
      ...base,
      prefix: 'shows/an',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:7480',
      forcePathStyle: true,
      publicRead: true,
    };
    expect(s3StoreSchema.parse(full)).toEqual(full);
  });

  it.each(['accessKeyId', 'secretAccessKey', 'sessionToken', 'aws_secret_access_key', 'credentials', 'secretKey'])(
    'rejects a credential field %j, saying credentials come from the environment',
    (field) => {
      const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
      const out = messages({ ...base, [field]: secret });
      expect(out).toHaveLength(1);
      expect(out[0]).toContain(`"${field}"`);
      expect(out[0]).toMatch(/credentials are never read from the config file; they come from the environment/);
      expect(out[0]).not.toContain(secret);
    },
  );

  it('rejects other unknown fields with the usual message', () => {
    const out = messages({ ...base, bukket: 'x' });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/bukket/);
    expect(out[0]).not.toMatch(/credentials/);
  });

  it('validates URLs, the bucket name and the prefix', () => {
    expect(messages({ ...base, publicBaseUrl: 'ftp://cdn.example.org/' })).toEqual([
      'publicBaseUrl: publicBaseUrl must be an http:// or https:// URL',
    ]);
    expect(messages({ ...base, publicBaseUrl: 'not a url' })).toEqual(['publicBaseUrl: publicBaseUrl must be an http:// or https:// URL']);
    expect(messages({ type: 's3', bucket: 'b-1' })[0]).toMatch(/^publicBaseUrl:/);
    expect(messages({ ...base, endpoint: 'https://key:secret@s3.example.org' })[0]).toMatch(/^endpoint: credentials are never read/);
    expect(messages({ ...base, endpoint: 'https://key:secret@s3.example.org' })[0]).not.toContain('secret@');
    expect(messages({ ...base, bucket: 'My_Bucket' })[0]).toMatch(/^bucket: a bucket name/);
    expect(messages({ ...base, prefix: '../up' })[0]).toMatch(/^prefix: a key prefix/);
    expect(messages({ ...base, region: 'EU West' })[0]).toMatch(/^region:/);
  });

  it('normalizes the prefix', () => {
    expect(normalizePrefix(undefined)).toBe('');
    expect(normalizePrefix('/a/b/')).toBe('a/b');
    expect(normalizePrefix('podcast')).toBe('podcast');
  });

  it('works as a member of a discriminated union (how config.ts wires it in)', () => {
    const local = z.strictObject({ type: z.literal('local'), path: z.string().default('feed') });
    const store = z.discriminatedUnion('type', [local, s3StoreSchema]);
    expect(store.parse({ type: 'local' })).toEqual({ type: 'local', path: 'feed' });
    expect(store.parse(base)).toEqual({ ...base, publicRead: false });
    const result = store.safeParse({ ...base, accessKeyId: 'AKIA…' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/credentials are never read/);
  });
});
