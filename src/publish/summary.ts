/**
 * The closing summary of a publish: per recording the episode, its duration, loudness and
 * true peak, chapters, warnings, what became of it (published, unchanged, held, would be
 * built, failed) and where listeners get it. Figures come from each build's episode.json,
 * so `publish --json` stays the document it was.
 */
import { join } from 'node:path';
import type { LoadedConfig } from '../config/config.js';
import { episodeSlug } from '../episode/build.js';
import { readBuildReport, type PublishAllResult } from './pipeline.js';

export type SummaryStatus = 'published' | 'updated' | 'unchanged' | 'held' | 'would build' | 'would publish' | 'failed';

export interface SummaryRow {
  recording: string;
  issue: number | undefined;
  durationSeconds: number | undefined;
  integratedLufs: number | undefined;
  truePeakDbtp: number | undefined;
  chapters: number | undefined;
  warnings: number;
  status: SummaryStatus;
  /** The episode's audio in the store (published), or the built file to listen to (held). */
  url: string | undefined;
}

export async function publishSummary(result: PublishAllResult, config: LoadedConfig): Promise<SummaryRow[]> {
  const rows: SummaryRow[] = [];
  for (const r of result.recordings) {
    const issue = r.issue;
    const report = issue !== undefined && r.status !== 'failed' ? await readBuildReport(join(config.resolved.build, episodeSlug({ number: issue }))) : undefined;
    const figures = {
      durationSeconds: report?.audio.durationSeconds,
      integratedLufs: report?.loudness.output.integratedLufs,
      truePeakDbtp: report?.loudness.output.truePeakDbtp,
      chapters: report?.chapters.length,
    };
    const published = result.publish?.episodes.find((e) => e.number === issue);
    let status: SummaryStatus;
    let url: string | undefined;
    switch (r.status) {
      case 'failed':
        status = 'failed';
        break;
      case 'held':
        status = 'held';
        url = report?.files.audio;
        break;
      case 'would-build':
        status = 'would build';
        break;
      case 'ready':
        if (result.publish?.dryRun) status = 'would publish';
        else status = !published ? 'published' : published.isNew ? 'published' : published.changed ? 'updated' : 'unchanged';
        url = published?.audioUrl;
        break;
    }
    const warnings = r.status === 'ready' || r.status === 'held' ? r.warnings.length : 0;
    rows.push({ recording: r.recording, issue, ...figures, warnings, status, url });
  }
  return rows;
}
