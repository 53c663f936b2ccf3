/**
 * The publication groups of one scan, by union-find: names whose changes
 * must be published in one swap, and how many of each group are still
 * unresolved. Every name starts alone; a group is published when its last
 * member resolves.
 */
export class Groups {
  readonly #parent = new Map<string, string>();
  readonly #pending = new Map<string, number>();
  readonly #members = new Map<string, string[]>();
  readonly #changed = new Set<string>();
  readonly #published = new Set<string>();

  /** @param names - every name of the scan */
  constructor(names: Iterable<string>) {
    for (const name of names) {
      this.#parent.set(name, name);
      this.#pending.set(name, 1);
      this.#members.set(name, [name]);
    }
  }

  #root(name: string): string {
    let root = name;
    for (let up = this.#parent.get(root); up !== undefined && up !== root;) {
      root = up;
      up = this.#parent.get(root);
    }
    // path compression
    for (let at = name; at !== root;) {
      const up = this.#parent.get(at) as string;
      this.#parent.set(at, root);
      at = up;
    }
    return root;
  }

  /** Puts two names in one group (a group already published stays as it is). */
  union(a: string, b: string): void {
    const ra = this.#root(a);
    const rb = this.#root(b);
    if (ra === rb || this.#published.has(ra) || this.#published.has(rb)) return;
    const ma = this.#members.get(ra) as string[];
    const mb = this.#members.get(rb) as string[];
    const [big, small, bigRoot, smallRoot] =
      ma.length >= mb.length ? [ma, mb, ra, rb] : [mb, ma, rb, ra];
    for (const member of small) big.push(member);
    this.#parent.set(smallRoot, bigRoot);
    this.#pending.set(
      bigRoot,
      (this.#pending.get(bigRoot) as number) + (this.#pending.get(smallRoot) as number),
    );
    this.#members.delete(smallRoot);
    this.#pending.delete(smallRoot);
  }

  /** Records that a name's entry changes in this scan. */
  markChanged(name: string): void {
    this.#changed.add(name);
  }

  /** Whether a name's entry changes in this scan and that change is not published yet. */
  pendingChange(name: string): boolean {
    return this.#changed.has(name) && !this.#published.has(this.#root(name));
  }

  /**
   * Records that a name resolved.
   *
   * @returns the members of its group when that was the group's last unresolved member
   */
  resolve(name: string): readonly string[] | undefined {
    const root = this.#root(name);
    const left = (this.#pending.get(root) as number) - 1;
    this.#pending.set(root, left);
    if (left > 0) return undefined;
    this.#published.add(root);
    return this.#members.get(root);
  }
}
