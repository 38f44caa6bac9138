/**
 * The espeak-ng voice that reads a text in a given language (BCP 47: "en", "en-GB",
 * "de-DE", "es"). The reference must be synthesized in the text's language: German read
 * by an English voice shares few sounds with the narrator's German.
 */
import { execFileSync } from 'node:child_process';
import { espeakPath } from './espeak.js';

/** English defaults to American English, the voice the aligner was first tuned with. */
const PREFERRED: Record<string, string> = { en: 'en-us', 'en-us': 'en-us', 'en-gb': 'en-gb', es: 'es', 'es-es': 'es', fr: 'fr-fr', pt: 'pt', 'pt-br': 'pt-br' };

let installed: Set<string> | undefined;

/** Language codes of the installed espeak-ng voices (lower case), read once. */
export function espeakLanguages(): Set<string> {
  if (installed) return installed;
  const out = new Set<string>();
  try {
    const text = execFileSync(espeakPath(), ['--voices'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    for (const line of text.split('\n').slice(1)) {
      const lang = line.trim().split(/\s+/)[1];
      if (lang) out.add(lang.toLowerCase());
    }
  } catch {
    // espeak-ng missing: synthesis reports that, with its fix
  }
  installed = out;
  return out;
}

/**
 * The voice for `language`, or undefined when espeak-ng has none for it (the caller
 * says so). No language: American English.
 */
export function espeakVoiceFor(language: string | undefined, available: Set<string> = espeakLanguages()): string | undefined {
  if (!language || !language.trim()) return 'en-us';
  const tag = language.trim().toLowerCase().replace(/_/g, '-');
  const primary = tag.split('-')[0];
  for (const candidate of [PREFERRED[tag], tag, PREFERRED[primary], primary]) {
    if (candidate && (available.size === 0 || available.has(candidate))) return candidate;
  }
  // e.g. "fr" when only "fr-fr" is listed
  for (const lang of available) if (lang.split('-')[0] === primary) return lang;
  return undefined;
}
