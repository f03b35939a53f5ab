// How an edge is named, everywhere: in the display graph, in the renderer, in the URL.

/** An edge's id: its source and target joined by '>' (service names never contain one). */
export function edgeId(source: string, target: string): string {
  return `${source}>${target}`;
}

/** The ends of an edge id, or null when it is not one. */
export function parseEdgeId(id: string): { source: string; target: string } | null {
  const i = id.indexOf('>');
  if (i <= 0 || i === id.length - 1) return null;
  return { source: id.slice(0, i), target: id.slice(i + 1) };
}
