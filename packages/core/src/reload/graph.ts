/**
 * The plugins of one scan as a graph: each name's edges to the names it
 * depends on (required and optional alike, for ordering). Only edges to
 * names in the graph count.
 */
export type DependencyGraph = ReadonlyMap<string, readonly string[]>;

/**
 * The cycles of a dependency graph: each strongly connected component with
 * more than one member, or one member depending on itself. Tarjan's
 * algorithm without recursion, so a chain of 100,000 plugins cannot overflow
 * the stack; linear in names + edges.
 *
 * @returns each cycle's members, sorted by name; cycles in no set order
 */
export function findCycles(graph: DependencyGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    // each frame: the node and the position of the next edge to follow
    const frames: [string, number][] = [[root, 0]];
    index.set(root, next);
    low.set(root, next);
    next += 1;
    stack.push(root);
    onStack.add(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as [string, number];
      const [node, position] = frame;
      const edges = graph.get(node) ?? [];
      if (position < edges.length) {
        frame[1] = position + 1;
        const target = edges[position] as string;
        if (!graph.has(target)) continue;
        if (!index.has(target)) {
          index.set(target, next);
          low.set(target, next);
          next += 1;
          stack.push(target);
          onStack.add(target);
          frames.push([target, 0]);
        } else if (onStack.has(target)) {
          low.set(node, Math.min(low.get(node) as number, index.get(target) as number));
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) {
        low.set(parent[0], Math.min(low.get(parent[0]) as number, low.get(node) as number));
      }
      if (low.get(node) !== index.get(node)) continue;
      const members: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        members.push(member);
      } while (member !== node);
      if (members.length > 1 || edges.includes(node)) cycles.push(members.sort());
    }
  }
  return cycles;
}

/**
 * One way around a cycle, for a message: from its first member back to it,
 * e.g. `["a", "b", "c", "a"]`. Breadth-first inside the cycle, so the path
 * is a shortest one.
 *
 * @param cycle - the members of one cycle found by {@link findCycles}
 */
export function cyclePath(graph: DependencyGraph, cycle: readonly string[]): string[] {
  const start = cycle[0] as string;
  const members = new Set(cycle);
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i += 1) {
    const node = queue[i] as string;
    for (const target of graph.get(node) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== undefined; at = cameFrom.get(at)) {
          path.push(at);
        }
        return path.reverse();
      }
      if (!cameFrom.has(target) && target !== start) {
        cameFrom.set(target, node);
        queue.push(target);
      }
    }
  }
  return [...cycle, start];
}
