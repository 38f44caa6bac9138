/**
 * The mastering input matrix: short, speech-like recordings (espeak-ng and flite voices)
 * rendered with ffmpeg into a scratch folder in the shapes real narrations arrive in —
 * very quiet, hot and hard-clipped, mono and stereo, 48 kHz, 96 kHz/24-bit, 8 kHz
 * telephone μ-law, long digital silence at head and tail, and a big level drop mid-way.
 * Each level is calibrated by measuring the rendered file, so the inputs are what their
 * names say whatever the synthesizers' own levels are.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ff } from '../helpers/audio.js';

const run = promisify(execFile);

export interface InputCase {
  name: string;
  /** What the case is about, for test names. */
  what: string;
  file: string;
  channels: 1 | 2;
  sampleRate: number;
  /** The integrated loudness the fixture rendered (measured, ebur128). */
  lufs: number;
  /** True peak of the input (dBTP, measured). */
  truePeakDbtp: number;
  /** Whether a correct plan must limit peaks before the gain (undefined: either is fine). */
  limiter?: boolean;
}

const TEXT_A =
  'Welcome back to the newsletter podcast. This week we look at three papers about learning from human feedback, ' +
  'and one about how language models generalize when the training data is small. ' +
  'The first paper asks a simple question: what happens when the people giving feedback disagree with each other?';
const TEXT_B =
  'The second paper is more technical. The authors train a reward model on comparisons, then measure how often ' +
  'the policy finds loopholes in it. Their answer is: more often than you would think, and mostly late in training.';

/** Integrated loudness and true peak of a file, from ffmpeg's ebur128 filter. */
export async function loudnessOf(file: string): Promise<{ lufs: number; truePeakDbtp: number; lra: number }> {
  const { stderr } = await run('ffmpeg', ['-nostdin', '-hide_banner', '-nostats', '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-'], {
    maxBuffer: 64 << 20,
  });
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const pick = (re: RegExp): number => {
    const m = re.exec(summary);
    if (!m) throw new Error(`no ${String(re)} in ebur128 summary of ${file}`);
    return m[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(m[1]);
  };
  return {
    lufs: pick(/I:\s+(-?[\d.]+|-inf) LUFS/),
    lra: pick(/LRA:\s+(-?[\d.]+) LU/),
    truePeakDbtp: pick(/True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS/),
  };
}

/** Render `source` through `filters` into `out` (codec/rate/channels in `outArgs`). */
async function render(source: string, filters: string, out: string, outArgs: string[]): Promise<void> {
  await ff('-i', source, '-af', filters, ...outArgs, out);
}

/**
 * Render with a gain chosen so the result measures `lufs`: the gain goes first in the
 * chain (before any clipping), so it is corrected from the measurement up to 4 times.
 */
async function renderAt(source: string, lufs: number, after: string, out: string, outArgs: string[], sourceLufs: number): Promise<void> {
  let gain = lufs - sourceLufs;
  for (let i = 0; i < 4; i++) {
    await render(source, [`volume=${gain.toFixed(2)}dB`, after].filter(Boolean).join(','), out, outArgs);
    const got = (await loudnessOf(out)).lufs;
    if (Math.abs(got - lufs) <= 0.3) return;
    // clipping flattens the gain curve: step further than the error
    gain += (lufs - got) * (after.includes('asoftclip') ? 2 : 1);
  }
  throw new Error(`fixture ${out} did not reach ${lufs} LUFS`);
}

/** Build every input of the matrix in `dir`. About 10 s of ffmpeg on two cores. */
export async function makeInputMatrix(dir: string): Promise<InputCase[]> {
  const a = join(dir, 'voice-a.wav');
  const b = join(dir, 'voice-b.wav');
  await Promise.all([run('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', a, TEXT_A]), run('flite', ['-voice', 'slt', '-t', TEXT_B, '-o', b])]);
  const [la, lb, durA] = await Promise.all([loudnessOf(a), loudnessOf(b), durationOf(a)]);
  // one ~32 s narration at 48 kHz float: two voices at the same loudness, a breath-length pause between
  const speech = join(dir, 'speech.wav');
  const level = (l: { lufs: number }): string => `volume=${(-23 - l.lufs).toFixed(2)}dB`;
  await ff(
    '-i', a, '-i', b,
    '-filter_complex', `[0:a]aresample=48000,${level(la)},apad=pad_dur=0.7[a];[1:a]aresample=48000,${level(lb)}[b];[a][b]concat=n=2:v=0:a=1,apad=pad_dur=0.5`,
    '-c:a', 'pcm_f32le', speech,
  );
  /** Where the second voice starts (mid-pause). */
  const secondVoiceAt = durA + 0.35;
  // a stereo image: the right channel a little quieter and 0.35 ms late, as with a spaced pair
  const stereo = join(dir, 'speech-stereo.wav');
  await ff('-i', speech, '-af', 'pan=stereo|c0=c0|c1=0.85*c0,adelay=delays=0S|17S:all=0', '-c:a', 'pcm_f32le', stereo);
  const [monoLufs, stereoLufs] = await Promise.all([loudnessOf(speech).then((l) => l.lufs), loudnessOf(stereo).then((l) => l.lufs)]);

  const wav48 = ['-ar', '48000', '-c:a', 'pcm_s16le'];
  const cases: Array<Omit<InputCase, 'lufs' | 'truePeakDbtp'>> = [];
  const jobs: Array<() => Promise<void>> = [];
  const add = (c: Omit<InputCase, 'lufs' | 'truePeakDbtp'>, make: () => Promise<void>): void => {
    cases.push(c);
    jobs.push(make);
  };

  const quiet = join(dir, 'quiet-mono-48k.wav');
  add({ name: 'quiet', what: 'very quiet mono 48 kHz (≈ −40 LUFS)', file: quiet, channels: 1, sampleRate: 48000, limiter: true }, () =>
    renderAt(speech, -40, '', quiet, [...wav48, '-ac', '1'], monoLufs),
  );

  const hot = join(dir, 'hot-clipped-stereo-48k.wav');
  add({ name: 'hot-clipped', what: 'hot, hard-clipped stereo 48 kHz (≈ −8 LUFS)', file: hot, channels: 2, sampleRate: 48000, limiter: false }, () =>
    renderAt(stereo, -8, 'asoftclip=type=hard', hot, [...wav48, '-ac', '2'], stereoLufs),
  );

  const st = join(dir, 'stereo-48k.wav');
  add({ name: 'stereo-48k', what: 'ordinary stereo 48 kHz (≈ −20 LUFS)', file: st, channels: 2, sampleRate: 48000 }, () =>
    renderAt(stereo, -20, '', st, [...wav48, '-ac', '2'], stereoLufs),
  );

  const mono = join(dir, 'mono-48k.wav');
  add({ name: 'mono-48k', what: 'ordinary mono 48 kHz (≈ −19 LUFS)', file: mono, channels: 1, sampleRate: 48000 }, () =>
    renderAt(speech, -19, '', mono, [...wav48, '-ac', '1'], monoLufs),
  );

  const hires = join(dir, 'stereo-96k-24bit.wav');
  add({ name: '96k-24bit', what: 'stereo 96 kHz / 24-bit (≈ −24 LUFS)', file: hires, channels: 2, sampleRate: 96000 }, () =>
    renderAt(stereo, -24, 'aresample=96000', hires, ['-ar', '96000', '-c:a', 'pcm_s24le', '-ac', '2'], stereoLufs),
  );

  // telephone: band-limited 300–3400 Hz, 8 kHz, G.711 μ-law in a WAV
  const phone = join(dir, 'telephone-8k.wav');
  add({ name: 'telephone-8k', what: '8 kHz μ-law telephone quality, 300–3400 Hz (≈ −22 LUFS)', file: phone, channels: 1, sampleRate: 8000 }, async () => {
    const band = join(dir, 'band.wav');
    await render(speech, 'highpass=f=300:poles=2,highpass=f=300:poles=2,lowpass=f=3400:poles=2,lowpass=f=3400:poles=2', band, ['-c:a', 'pcm_f32le']);
    const bandLufs = (await loudnessOf(band)).lufs;
    await renderAt(band, -22, 'aresample=8000', phone, ['-ar', '8000', '-c:a', 'pcm_mulaw', '-ac', '1'], bandLufs);
  });

  // 30 s of digital silence before and after the speech
  const silence = join(dir, 'silence-head-tail.wav');
  add({ name: 'silence-head-tail', what: '30 s of silence at head and tail, mono 48 kHz (≈ −21 LUFS speech)', file: silence, channels: 1, sampleRate: 48000 }, () =>
    renderAt(speech, -21, 'adelay=delays=30000:all=1,apad=pad_dur=30', silence, [...wav48, '-ac', '1'], monoLufs),
  );

  // a 13 dB drop half-way through (the narrator moved away from the microphone)
  const lra = join(dir, 'large-lra-stereo-48k.wav');
  add({ name: 'large-lra', what: 'a 13 dB level drop mid-recording, stereo 48 kHz', file: lra, channels: 2, sampleRate: 48000 }, async () => {
    // the drop comes with the second voice; before it the narration is at about −20 LUFS
    await render(stereo, `volume='if(lt(t,${secondVoiceAt.toFixed(2)}),1,0.2239)':eval=frame,volume=${(-20 - stereoLufs).toFixed(2)}dB`, lra, [...wav48, '-ac', '2']);
  });

  // two at a time: the machine has two cores
  for (let i = 0; i < jobs.length; i += 2) await Promise.all(jobs.slice(i, i + 2).map((j) => j()));
  const measured = await Promise.all(cases.map((c) => loudnessOf(c.file)));
  return cases.map((c, i) => ({ ...c, lufs: measured[i]!.lufs, truePeakDbtp: measured[i]!.truePeakDbtp }));
}

/** Recordings master() must refuse: digital silence, 2 s of speech, 1.5 s of speech in a minute of silence. */
export async function makeRefusalInputs(dir: string): Promise<{ silent: string; short: string; almostSilent: string }> {
  const phrase = join(dir, 'phrase.wav');
  await run('espeak-ng', ['-v', 'en-us', '-w', phrase, 'Hello, and welcome.']);
  const silent = join(dir, 'silent.wav');
  const short = join(dir, 'short.wav');
  const almostSilent = join(dir, 'almost-silent.wav');
  await Promise.all([
    ff('-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono', '-t', '20', '-c:a', 'pcm_s16le', silent),
    ff('-i', phrase, '-af', 'apad=whole_dur=2', '-ar', '48000', '-c:a', 'pcm_s16le', short),
    ff('-i', phrase, '-af', 'atrim=end=1.5,apad=whole_dur=61.5', '-ar', '48000', '-c:a', 'pcm_s16le', almostSilent),
  ]);
  return { silent, short, almostSilent };
}

/** Duration of a file in seconds (ffprobe). */
export async function durationOf(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}
