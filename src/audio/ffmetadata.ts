/** ffmpeg's FFMETADATA1 format: global tags and [CHAPTER] sections for ID3 CHAP/CTOC. */

export interface MetadataChapter {
  startSeconds: number;
  endSeconds: number;
  title: string;
}

/** Escape per ffmpeg's metadata format: '=', ';', '#', '\' and newlines take a backslash. */
export function escapeMetadata(value: string): string {
  return value.replace(/[\\=;#\n]/g, (c) => `\\${c}`);
}

export function renderFfmetadata(tags: Record<string, string | undefined>, chapters: MetadataChapter[]): string {
  const lines = [';FFMETADATA1'];
  for (const [k, v] of Object.entries(tags)) if (v !== undefined && v !== '') lines.push(`${k}=${escapeMetadata(v)}`);
  for (const c of chapters) {
    lines.push(
      '[CHAPTER]',
      'TIMEBASE=1/1000',
      `START=${Math.round(c.startSeconds * 1000)}`,
      `END=${Math.round(c.endSeconds * 1000)}`,
      `title=${escapeMetadata(c.title)}`,
    );
  }
  return lines.join('\n') + '\n';
}
