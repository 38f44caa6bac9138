/**
 * The recordings waiting to be processed, in arrival order: each name carries its
 * arrival time (a burst of files dropped together is handled in the order they arrived,
 * however their settle windows end; names break ties), and a name is in the queue at
 * most once.
 */
export class ArrivalQueue {
  private readonly items = new Map<string, number>();

  /** Add or re-position `name` at arrival time `seq` (any number that orders arrivals). */
  push(name: string, seq: number): void {
    this.items.set(name, seq);
  }

  /** The earliest arrival and its time, left in the queue. */
  peek(): { name: string; seq: number } | undefined {
    const name = this.list()[0];
    return name === undefined ? undefined : { name, seq: this.items.get(name)! };
  }

  /** The earliest arrival, removed from the queue. */
  shift(): string | undefined {
    let best: string | undefined;
    let bestSeq = Infinity;
    for (const [name, seq] of this.items) {
      if (seq < bestSeq || (seq === bestSeq && best !== undefined && compareNames(name, best) < 0)) {
        best = name;
        bestSeq = seq;
      }
    }
    if (best !== undefined) this.items.delete(best);
    return best;
  }

  /** The arrival time of `name`, when it is queued. */
  seqOf(name: string): number | undefined {
    return this.items.get(name);
  }

  remove(name: string): boolean {
    return this.items.delete(name);
  }

  has(name: string): boolean {
    return this.items.has(name);
  }

  get size(): number {
    return this.items.size;
  }

  /** Names in the order they will be taken. */
  list(): string[] {
    return [...this.items.entries()].sort((a, b) => a[1] - b[1] || compareNames(a[0], b[0])).map(([name]) => name);
  }
}

/** Natural order of file names (an-9 before an-10), as listRecordings sorts them. */
export function compareNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
