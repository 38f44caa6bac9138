/** The store a config names: the local folder (default) or an S3-compatible bucket. */
import { resolve } from 'node:path';
import { LocalStore } from './local.js';
import { openS3Store, type S3StoreConfig } from './s3.js';
import type { ObjectStore } from './store.js';

/** The config's `store` section as the stores need it; paths are relative to `root` (the config file's folder). */
export type StoreSettings = { type: 'local'; path: string } | ({ type: 's3' } & S3StoreConfig);

export function openStore(config: { root: string; store: StoreSettings }): ObjectStore {
  switch (config.store.type) {
    case 'local':
      return new LocalStore(resolve(config.root, config.store.path));
    case 's3':
      return openS3Store(config.store);
  }
}
