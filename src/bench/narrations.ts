/**
 * Where ../shared is, for the evaluation corpus modules that still import it from here
 * (src/eval/corpus.ts and src/eval/fragments.ts are being changed by the aligner work;
 * their import moves to ../devkit/narrations.js with it). The long narrations themselves
 * are src/devkit/narrations.ts.
 */
export { sharedDir } from '../devkit/narrations.js';
