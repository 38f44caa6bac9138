/** Podcasting 2.0 JSON chapters (version 1.2.0). */
import type { ChapterReport } from './report.js';

export interface JsonChapters {
  version: '1.2.0';
  chapters: Array<{ startTime: number; endTime?: number; title: string; url?: string }>;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function renderJsonChapters(chapters: ChapterReport[]): string {
  const doc: JsonChapters = {
    version: '1.2.0',
    chapters: chapters.map((c) => ({
      startTime: round3(c.startSeconds),
      endTime: round3(c.endSeconds),
      title: c.title,
      ...(c.url ? { url: c.url } : {}),
    })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
