import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';

/**
 * Renders the Ablak chart's templates with the subset of Helm's Go templates the chart uses, and
 * refuses anything else (so a template that grows past it fails here instead of being half-rendered):
 *   {{ .Values.a.b }} {{ .Release.Name }} {{ .Release.Namespace }} {{ .Chart.Version }}
 *   {{ .Files.Get "files/x" }}, {{ toYaml .Values.x }}, pipes to `quote` and `indent N`,
 *   {{ if X }} … {{ else }} … {{ end }}, and the trim markers {{- and -}}.
 * A missing value throws (Helm's --strict behaviour), unlike Helm's default empty string.
 * This is not Helm: README "Deployment" says so.
 */
export interface RenderContext {
  readonly chartDir: string;
  readonly values: Record<string, unknown>;
  readonly release: { name: string; namespace: string };
  readonly chart: Record<string, unknown>;
}

type Node = { kind: 'text'; text: string } | { kind: 'action'; expr: string } | { kind: 'if'; cond: string; then: Node[]; else: Node[] };

function tokenize(source: string): ({ kind: 'text'; text: string } | { kind: 'tag'; body: string })[] {
  const out: ({ kind: 'text'; text: string } | { kind: 'tag'; body: string })[] = [];
  const re = /\{\{(-?)\s*(.*?)\s*(-?)\}\}/gs;
  let last = 0;
  let trimNext = false;
  for (let m = re.exec(source); m !== null; m = re.exec(source)) {
    let text = source.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1] === '-') text = text.replace(/\s+$/, '');
    out.push({ kind: 'text', text });
    out.push({ kind: 'tag', body: m[2] ?? '' });
    trimNext = m[3] === '-';
    last = re.lastIndex;
  }
  let rest = source.slice(last);
  if (trimNext) rest = rest.replace(/^\s+/, '');
  out.push({ kind: 'text', text: rest });
  return out;
}

function parse(source: string): Node[] {
  const root: Node[] = [];
  const stack: { nodes: Node[]; node?: Extract<Node, { kind: 'if' }>; inElse: boolean }[] = [{ nodes: root, inElse: false }];
  const top = () => stack[stack.length - 1]!;
  for (const token of tokenize(source)) {
    if (token.kind === 'text') {
      top().nodes.push(token);
      continue;
    }
    const body = token.body;
    if (body.startsWith('if ')) {
      const node: Extract<Node, { kind: 'if' }> = { kind: 'if', cond: body.slice(3).trim(), then: [], else: [] };
      top().nodes.push(node);
      stack.push({ nodes: node.then, node, inElse: false });
    } else if (body === 'else') {
      const frame = top();
      if (!frame.node || frame.inElse) throw new Error('else without if');
      frame.inElse = true;
      frame.nodes = frame.node.else;
    } else if (body === 'end') {
      if (stack.length === 1) throw new Error('end without if');
      stack.pop();
    } else if (body.startsWith('/*')) {
      continue;
    } else {
      top().nodes.push({ kind: 'action', expr: body });
    }
  }
  if (stack.length !== 1) throw new Error('if without end');
  return root;
}

function lookup(ctx: RenderContext, ref: string): unknown {
  const [scope, ...keys] = ref.slice(1).split('.');
  let value: unknown =
    scope === 'Values' ? ctx.values : scope === 'Release' ? { Name: ctx.release.name, Namespace: ctx.release.namespace } : scope === 'Chart' ? ctx.chart : undefined;
  if (value === undefined) throw new Error(`unsupported scope in ${ref}`);
  for (const key of keys) {
    if (value === null || typeof value !== 'object' || !(key in value)) throw new Error(`no value for ${ref}`);
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function words(segment: string): string[] {
  return segment.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
}

function term(ctx: RenderContext, segment: string): unknown {
  const [head, ...args] = words(segment);
  if (head === undefined) throw new Error('empty expression');
  if (head === '.Files.Get' && args.length === 1) return readFileSync(path.join(ctx.chartDir, JSON.parse(args[0]!) as string), 'utf8');
  if (head === 'toYaml' && args.length === 1) return stringify(term(ctx, args[0]!)).replace(/\n$/, '');
  if (head.startsWith('"') && args.length === 0) return JSON.parse(head) as string;
  if (head.startsWith('.') && args.length === 0) return lookup(ctx, head);
  throw new Error(`unsupported expression: ${segment}`);
}

function pipe(value: unknown, segment: string): unknown {
  const [fn, ...args] = words(segment);
  if (fn === 'quote' && args.length === 0) return JSON.stringify(String(value));
  if (fn === 'indent' && args.length === 1) {
    const pad = ' '.repeat(Number(args[0]));
    return String(value)
      .split('\n')
      .map((line) => pad + line)
      .join('\n');
  }
  throw new Error(`unsupported function: ${segment}`);
}

function evaluate(ctx: RenderContext, expr: string): unknown {
  const [first, ...rest] = expr.split('|').map((s) => s.trim());
  return rest.reduce<unknown>((value, segment) => pipe(value, segment), term(ctx, first ?? ''));
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

function show(value: unknown): string {
  if (value === null || typeof value === 'object') throw new Error('printing a map or list needs toYaml');
  return String(value);
}

function run(ctx: RenderContext, nodes: Node[]): string {
  return nodes
    .map((node) => {
      if (node.kind === 'text') return node.text;
      if (node.kind === 'action') return show(evaluate(ctx, node.expr));
      return run(ctx, truthy(evaluate(ctx, node.cond)) ? node.then : node.else);
    })
    .join('');
}

/** Renders one template file of the chart. */
export function renderTemplate(ctx: RenderContext, file: string): string {
  return run(ctx, parse(readFileSync(path.join(ctx.chartDir, 'templates', file), 'utf8')));
}
