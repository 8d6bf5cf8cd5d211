import type { z } from 'zod';

// The keys a schema allows at a path of the fleet file, for "did you mean …" hints on unknown
// keys. Walks zod's own definitions (objects, records, arrays, unions, optional and default
// wrappers, pipes, lazies), so the hint follows the schema with no list of keys kept beside it.

/** Every key the objects at `path` allow (the union of the alternatives where there are several). */

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def | null => (schema as { _zod?: { def?: Def } })?._zod?.def ?? null;

export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  for (const node of schemasAt(schema, path, 0)) {
    for (const def of [node, ...unwrapAll(node)].map(defOf)) if (def?.type === 'object') for (const key of Object.keys(def.shape as object)) keys.add(key);
  }
  return [...keys];
}

/** The schemas at a path: a key of an object, any key of a record, any item of an array. */
function schemasAt(schema: unknown, path: readonly PropertyKey[], depth: number): unknown[] {
  if (path.length === 0) return [schema];
  const [step, ...rest] = path;
  const next: unknown[] = [];
  for (const candidate of [schema, ...unwrapAll(schema)]) {
    const def = defOf(candidate);
    if (!def) continue;
    if (def.type === 'object' && typeof step === 'string' && Object.hasOwn(def.shape as object, step)) next.push((def.shape as Record<string, unknown>)[step]);
    if (def.type === 'record') next.push(def.valueType);
    if (def.type === 'array' && typeof step === 'number') next.push(def.element);
  }
  return depth > 40 ? [] : next.flatMap((s) => schemasAt(s, rest, depth + 1));
}

/** Every schema a wrapper or union stands for (not only objects): records and arrays too. */
function unwrapAll(schema: unknown, depth = 0): unknown[] {
  const def = defOf(schema);
  if (!def || depth > 20) return [];
  if (def.type === 'pipe') return [def.in, def.out, ...unwrapAll(def.in, depth + 1), ...unwrapAll(def.out, depth + 1)];
  // optional, nullable, default, readonly, catch …: one schema inside.
  const inner = def.innerType ?? (def.type === 'lazy' ? (def.getter as () => unknown)() : undefined);
  if (inner !== undefined) return [inner, ...unwrapAll(inner, depth + 1)];
  if (def.type === 'union') return (def.options as unknown[]).flatMap((o) => [o, ...unwrapAll(o, depth + 1)]);
  if (def.type === 'intersection') return [def.left, def.right, ...unwrapAll(def.left, depth + 1), ...unwrapAll(def.right, depth + 1)];
  return [];
}
