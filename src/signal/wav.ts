/** Minimal 16-bit PCM WAV reading (what espeak-ng and flite write) and streaming writing. */
import { open, type FileHandle } from 'node:fs/promises';

export interface Pcm16 {
  sampleRate: number;
  channels: number;
  samples: Int16Array;
}

/**
 * Parse a 16-bit PCM WAV from memory (mono data is a view on `buf` when aligned). Tolerates the placeholder sizes of a WAV written to
 * a pipe (data size 0 or 0x7fffffff): the data runs to the end of the buffer.
 */
export function parseWav(buf: Buffer): Pcm16 {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE stream');
  }
  let pos = 12;
  let sampleRate = 0;
  let channels = 0;
  let bits = 0;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('ascii', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'fmt ') {
      const format = buf.readUInt16LE(body);
      channels = buf.readUInt16LE(body + 2);
      sampleRate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
      if (format !== 1 && format !== 0xfffe) throw new Error(`unsupported WAV format ${format}`);
      if (bits !== 16) throw new Error(`unsupported WAV bit depth ${bits}`);
    } else if (id === 'data') {
      if (!sampleRate) throw new Error('WAV data before fmt chunk');
      const end = size === 0 || body + size > buf.length ? buf.length : body + size;
      const bytes = (end - body) & ~1;
      let samples: Int16Array;
      if ((buf.byteOffset + body) % 2 === 0) samples = new Int16Array(buf.buffer, buf.byteOffset + body, bytes / 2);
      else {
        samples = new Int16Array(bytes / 2);
        Buffer.from(samples.buffer).set(buf.subarray(body, body + bytes));
      }
      if (channels === 1) return { sampleRate, channels, samples };
      const frames = Math.floor(samples.length / channels);
      const mono = new Int16Array(frames);
      for (let f = 0; f < frames; f++) {
        let s = 0;
        for (let c = 0; c < channels; c++) s += samples[f * channels + c];
        mono[f] = Math.round(s / channels);
      }
      return { sampleRate, channels: 1, samples: mono };
    }
    pos = body + size + (size & 1);
  }
  throw new Error('WAV stream has no data chunk');
}

/** Sample encodings the writer produces: 16-bit PCM (clipped to [−1, 1]) or 32-bit IEEE float (as is). */
export type WavEncoding = 'int16' | 'float32';

function header(sampleRate: number, dataBytes: number, encoding: WavEncoding): Buffer {
  const bytesPerSample = encoding === 'float32' ? 4 : 2;
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(encoding === 'float32' ? 3 : 1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * bytesPerSample, 28);
  h.writeUInt16LE(bytesPerSample, 32);
  h.writeUInt16LE(8 * bytesPerSample, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** Writes a mono WAV incrementally (16-bit by default, or 32-bit float); the header is patched on close. */
export class WavWriter {
  private bytes = 0;
  private constructor(
    private readonly fh: FileHandle,
    readonly sampleRate: number,
    readonly encoding: WavEncoding,
  ) {}

  static async create(path: string, sampleRate: number, encoding: WavEncoding = 'int16'): Promise<WavWriter> {
    const fh = await open(path, 'w');
    await fh.write(header(sampleRate, 0, encoding), 0, 44, 0);
    return new WavWriter(fh, sampleRate, encoding);
  }

  get samplesWritten(): number {
    return this.bytes / (this.encoding === 'float32' ? 4 : 2);
  }

  /** Append float samples (in [−1, 1] for 16-bit, where they are clipped). */
  async write(samples: Float32Array): Promise<void> {
    let data: Float32Array | Int16Array = samples;
    if (this.encoding === 'int16') {
      const pcm = new Int16Array(samples.length);
      for (let i = 0; i < samples.length; i++) {
        const v = samples[i];
        pcm[i] = Math.round((v > 1 ? 1 : v < -1 ? -1 : v) * 32767);
      }
      data = pcm;
    }
    await this.append(data);
  }

  /** Append 16-bit samples as they are (a 16-bit writer only). */
  async writeInt16(pcm: Int16Array): Promise<void> {
    if (this.encoding !== 'int16') throw new Error('writeInt16 on a float WAV writer');
    await this.append(pcm);
  }

  private async append(data: Float32Array | Int16Array): Promise<void> {
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    await this.fh.write(buf, 0, buf.length, 44 + this.bytes);
    this.bytes += buf.length;
  }

  async close(): Promise<void> {
    await this.fh.write(header(this.sampleRate, this.bytes, this.encoding), 0, 44, 0);
    await this.fh.close();
  }
}
