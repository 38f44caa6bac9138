/**
 * Which issue is this recording? Its name or tags say so, or — when they carry no
 * number — listening decides: its opening is compared with every issue in newsletters/
 * that is not published yet, and the best one is taken only when it wins clearly.
 */
import { identifyRecording, type Identification } from '../intake/identify.js';
import type { LoadedConfig } from '../config/config.js';
import { LetterpodError } from '../errors.js';
import { indexIssues, matchRecording, recordingIssueNumber, type IssueIndex, type Match } from '../intake/match.js';
import type { AudioInfo } from '../media/probe.js';
import { readManifest } from '../store/manifest.js';
import { openStore } from '../store/open.js';

/** Issue numbers already in the store's manifest. */
export async function publishedIssueNumbers(config: LoadedConfig): Promise<Set<number>> {
  const loaded = await readManifest(openStore(config));
  return new Set((loaded?.manifest.episodes ?? []).map((e) => e.number));
}

function describeScores(id: Identification): string {
  return id.scores
    .slice(0, 4)
    .map((s) => `${s.label} ${s.score.toFixed(2)}`)
    .join(', ');
}

export async function identifyByListening(recording: string, index: IssueIndex, exclude: ReadonlySet<number>): Promise<Match> {
  const unpublished = [...index.byNumber.values()].filter((i) => !exclude.has(i.number));
  if (unpublished.length === 0) {
    throw new LetterpodError({
      file: recording,
      problem: 'no issue number in the file name or tags, and every issue in newsletters/ is already published',
      fix: 'Rename it after its issue, e.g. an-102.wav, or add the issue text to newsletters/',
    });
  }
  const id = await identifyRecording(
    recording,
    unpublished.map((i) => ({
      key: String(i.number),
      label: `AN #${i.number}`,
      sections: i.sections.filter((s) => s.text.trim()).map((s) => ({ id: s.id, text: s.text })),
    })),
  );
  const best = id.best ? index.byNumber.get(Number(id.best.key)) : undefined;
  if (!best) {
    throw new LetterpodError({
      file: recording,
      problem: `no issue number in the file name or tags, and listening found no clear match (scores: ${describeScores(id)})`,
      fix: 'Rename it after its issue, e.g. an-102.wav, or add its issue text to newsletters/',
    });
  }
  return { recording, issue: best, by: 'listening' };
}

/** The issue for a recording: by name or tags, else by listening among unpublished issues. */
export async function findIssueFor(
  recording: string,
  info: Pick<AudioInfo, 'tags'>,
  config: LoadedConfig,
  index?: IssueIndex,
  published?: ReadonlySet<number>,
): Promise<Match> {
  const issues = index ?? (await indexIssues(config.resolved.newsletters));
  if (recordingIssueNumber(recording, info) !== undefined) return matchRecording(recording, info, issues);
  return identifyByListening(recording, issues, published ?? (await publishedIssueNumbers(config)));
}
