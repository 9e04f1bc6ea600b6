/**
 * The project's import graph, read from the source with the TypeScript
 * pre-processor (imports, re-exports and dynamic imports, type-only ones too:
 * a type import ties two modules together as much as a value import does).
 * The layer rules it checks are the ones ARCHITECTURE.md draws.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Repository-relative path (with forward slashes) → the repository files it imports. */
export type ImportGraph = Map<string, string[]>;

const SOURCE_ROOTS = ['server', 'client/src', 'state-machines', 'media', 'protocol'];

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

function toRepoPath(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}

/** Resolves a relative specifier the way the project writes them (`./x.js` names `./x.ts`). */
function resolveSpecifier(fromFile: string, spec: string): string | undefined {
  const base = resolve(dirname(fromFile), spec);
  const stem = base.replace(/\.(js|jsx|ts|tsx)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

export function readImportGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of SOURCE_ROOTS.flatMap((r) => sourceFiles(join(root, r)))) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((f) => f.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolveSpecifier(file, spec))
      .filter((t): t is string => t !== undefined)
      .map((t) => toRepoPath(root, t));
    graph.set(toRepoPath(root, file), [...new Set(targets)]);
  }
  return graph;
}

const under = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

/** Which folders each layer may import from (besides npm packages). */
function allowedTargets(from: string): ((to: string) => boolean) | undefined {
  if (under(from, 'state-machines')) return (to) => under(to, 'state-machines');
  if (under(from, 'media')) return (to) => under(to, 'media');
  if (under(from, 'protocol')) return (to) => under(to, 'protocol') || under(to, 'state-machines');
  if (under(from, 'client'))
    return (to) => under(to, 'client') || under(to, 'protocol') || under(to, 'state-machines/rules');
  return undefined;
}

export function layerViolations(graph: ImportGraph): string[] {
  const found: string[] = [];
  for (const [from, targets] of graph) {
    const allowed = allowedTargets(from);
    if (!allowed) continue;
    for (const to of targets) if (!allowed(to)) found.push(`${from} -> ${to}`);
  }
  return found.sort();
}

/** The unit of the "no cycles" rule: a folder directly under server/, or a file at server/'s top. */
function serverUnit(path: string): string | undefined {
  if (!under(path, 'server')) return undefined;
  const parts = path.split('/');
  return parts.length > 2 ? `server/${parts[1]}` : path;
}

/**
 * Cycles between server folders, as strongly connected components of the
 * folder graph (Tarjan), each with the file imports that close it.
 */
export function serverFolderCycles(graph: ImportGraph): string[] {
  const edges = new Map<string, Map<string, string>>();
  for (const [from, targets] of graph) {
    const a = serverUnit(from);
    if (!a) continue;
    for (const to of targets) {
      const b = serverUnit(to);
      if (!b || a === b) continue;
      if (!edges.has(a)) edges.set(a, new Map());
      if (!edges.get(a)!.has(b)) edges.get(a)!.set(b, `${from} -> ${to}`);
    }
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return components.map((c) => {
    const inside = new Set(c);
    const ties = c.flatMap((a) => [...(edges.get(a) ?? [])].filter(([b]) => inside.has(b)).map(([, via]) => via));
    return `${c.join(' ↔ ')}: ${ties.join('; ')}`;
  });
}

/** Source files (tests aside) longer than the limit, with their line counts. */
export function longFiles(root: string, limit: number): string[] {
  return SOURCE_ROOTS.flatMap((r) => sourceFiles(join(root, r)))
    .map((f) => ({ path: toRepoPath(root, f), lines: readFileSync(f, 'utf8').split('\n').length }))
    .filter((f) => f.lines > limit)
    .map((f) => `${f.path} (${f.lines} lines)`);
}
