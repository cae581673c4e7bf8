// A tag's label is its most frequent spelling, counted per spelling and switched when overtaken.
// An ingest sums the spellings it adds and removes, and the store counts them once per tag and
// spelling at the end: a chunk of a feed repeats the same few tags.
export class Spellings {
  private readonly deltas = new Map<string, Map<string, number>>();

  add(tag: string, label: string, delta: number): void {
    const labels = this.deltas.get(tag) ?? new Map<string, number>();
    this.deltas.set(tag, labels.set(label, (labels.get(label) ?? 0) + delta));
  }

  has(tag: string): boolean {
    return this.deltas.has(tag);
  }

  /** Every (tag, label, change) that changes a count. */
  changes(): [tag: string, label: string, delta: number][] {
    const out: [string, string, number][] = [];
    for (const [tag, labels] of this.deltas)
      for (const [label, delta] of labels) if (delta) out.push([tag, label, delta]);
    return out;
  }
}
