/** The episode title from show.episodeTitle ("AN #{number}: {title}"): every placeholder, taken literally. */
export function episodeTitle(pattern: string, episode: { number: number; title: string }): string {
  return pattern.replace(/\{(number|title)\}/g, (_, name: string) => (name === 'number' ? String(episode.number) : episode.title));
}
