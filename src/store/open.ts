/** The store a config names: the local folder (default) or an S3-compatible bucket. */
import { resolve } from 'node:path';
import type { LoadedConfig } from '../config.js';
import { LocalStore } from './local.js';
import { openS3Store } from './s3.js';
import type { ObjectStore } from './store.js';

export function openStore(config: LoadedConfig): ObjectStore {
  switch (config.store.type) {
    case 'local':
      return new LocalStore(resolve(config.root, config.store.path));
    case 's3':
      return openS3Store(config.store);
  }
}
