/** The store a config names (issue #5 adds S3 here). */
import type { LoadedConfig } from '../config.js';
import { LocalStore } from './local.js';
import type { ObjectStore } from './store.js';

export function openStore(config: LoadedConfig): ObjectStore {
  switch (config.store.type) {
    case 'local':
      return new LocalStore(config.resolved.store);
  }
}
