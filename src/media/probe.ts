/** What an audio file is, from ffprobe; and the checks that turn bad input into clear errors. */
import { stat } from 'node:fs/promises';
import { LetterpodError } from '../errors.js';
import { FfmpegError, ffprobe, fileArg } from './ffmpeg.js';

export interface AudioInfo {
  file: string;
  bytes: number;
  formatName: string;
  codec: string;
  durationSeconds: number;
  /** The audio stream's own duration when the container states it (a video's audio may be shorter than the video). */
  audioSeconds?: number;
  sampleRate: number;
  channels: number;
  bitsPerSample?: number;
  bitrateKbps?: number;
  tags: Record<string, string>;
}

interface ProbeJson {
  format?: { format_name?: string; duration?: string; bit_rate?: string; tags?: Record<string, string> };
  streams?: Array<{
    codec_type?: string;
    codec_name?: string;
    sample_rate?: string;
    channels?: number;
    bits_per_raw_sample?: string;
    bits_per_sample?: number;
    duration?: string;
    tags?: Record<string, string>;
  }>;
}

/** Probe a recording. Missing, empty, non-audio or unreadable files give a LetterpodError. */
export async function probeAudio(file: string): Promise<AudioInfo> {
  let bytes: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new Error('not a file');
    bytes = st.size;
  } catch (cause) {
    throw new LetterpodError({ file, problem: 'no such recording', fix: 'Check the path, or drop the recording into recordings/', cause });
  }
  if (bytes === 0) {
    throw new LetterpodError({ file, problem: 'the file is empty (0 bytes)', fix: 'Export the recording again and copy the whole file' });
  }
  let json: ProbeJson;
  try {
    const { stdout } = await ffprobe(['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', fileArg(file)]);
    json = JSON.parse(stdout.toString('utf8')) as ProbeJson;
  } catch (cause) {
    if (cause instanceof LetterpodError) throw cause;
    const detail = cause instanceof FfmpegError ? cause.stderrTail.trim().split('\n').pop() ?? '' : String(cause);
    throw new LetterpodError({
      file,
      problem: `not an audio file ffmpeg can read (${detail.replace(/^.*?: /, '')})`,
      fix: 'Export it again as WAV, FLAC, MP3, M4A or OGG',
      cause,
    });
  }
  const stream = json.streams?.find((s) => s.codec_type === 'audio');
  if (!stream) {
    throw new LetterpodError({ file, problem: 'the file has no audio stream', fix: 'Export the narration as WAV, FLAC, MP3, M4A or OGG' });
  }
  const duration = Number(json.format?.duration ?? stream.duration ?? NaN);
  if (!Number.isFinite(duration) || duration <= 0) {
    throw new LetterpodError({ file, problem: 'the audio has no measurable duration', fix: 'Export the recording again; it may be truncated' });
  }
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...(json.format?.tags ?? {}), ...(stream.tags ?? {}) })) tags[k.toLowerCase()] = v;
  const bits = Number(stream.bits_per_raw_sample ?? stream.bits_per_sample ?? NaN);
  const rate = Number(json.format?.bit_rate ?? NaN);
  return {
    file,
    bytes,
    formatName: json.format?.format_name ?? 'unknown',
    codec: stream.codec_name ?? 'unknown',
    durationSeconds: duration,
    ...(Number.isFinite(Number(stream.duration)) && Number(stream.duration) > 0 ? { audioSeconds: Number(stream.duration) } : {}),
    sampleRate: Number(stream.sample_rate ?? 0),
    channels: stream.channels ?? 0,
    bitsPerSample: Number.isFinite(bits) && bits > 0 ? bits : undefined,
    bitrateKbps: Number.isFinite(rate) ? Math.round(rate / 1000) : undefined,
    tags,
  };
}
