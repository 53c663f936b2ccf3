/**
 * The publication groups of one scan, by union-find: names whose changes
 * must be published in one swap, and how many of each group are still
 * unresolved. Every name starts alone (and takes no room until it joins
 * another, so a scan of thousands of names without dependencies sets up
 * nothing); a group is published when its last member resolves.
 */
export class Groups {
  readonly #parent = new Map<string, string>();
  readonly #pending = new Map<string, number>();
  readonly #members = new Map<string, string[]>();
  readonly #changed = new Set<string>();
  readonly #published = new Set<string>();

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
    const ma = this.#membersOf(ra);
    const mb = this.#membersOf(rb);
    const [big, small, bigRoot, smallRoot] =
      ma.length >= mb.length ? [ma, mb, ra, rb] : [mb, ma, rb, ra];
    for (const member of small) big.push(member);
    this.#parent.set(smallRoot, bigRoot);
    this.#pending.set(bigRoot, this.#pendingOf(bigRoot) + this.#pendingOf(smallRoot));
    this.#members.set(bigRoot, big);
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
    const left = this.#pendingOf(root) - 1;
    this.#pending.set(root, left);
    if (left > 0) return undefined;
    this.#published.add(root);
    return this.#membersOf(root);
  }

  /** A root's members: itself alone until it joined another. */
  #membersOf(root: string): string[] {
    return this.#members.get(root) ?? [root];
  }

  /** A root's unresolved members: 1 (itself) until it joined another. */
  #pendingOf(root: string): number {
    return this.#pending.get(root) ?? 1;
  }
}
