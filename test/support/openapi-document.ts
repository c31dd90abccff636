/**
 * Reading the published /openapi.json the way a generated client would: operations, parameters, body schemas
 * ($ref resolved) and every `pattern`. Shared by the fuzz test and the pattern test, so both see exactly what
 * clients see rather than the zod source.
 */

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  example?: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}

export interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface OperationEntry {
  method: string;
  path: string;
  operation: Operation;
  /** The security scheme the route takes, or 'none'. */
  scheme: string;
}

export function operationsOf(doc: OpenApiDocument): OperationEntry[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      operation,
      scheme: Object.keys(operation.security?.[0] ?? {})[0] ?? 'none',
    })),
  );
}

/** Follows `#/components/schemas/X` references (transitively). */
export function resolve(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; current.$ref && depth < 20; depth++) {
    const name = current.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`unresolved $ref ${current.$ref}`);
    current = target;
  }
  return current;
}

export interface PublishedPattern {
  /** Where it is published, as a JSON path into the document (e.g. `components.schemas.Foo.properties.bar`). */
  where: string;
  /** The property or parameter the pattern constrains, for finding an example. */
  field: string;
  pattern: string;
}

/** Every string schema's `pattern` in the document, with the field it belongs to. */
export function patternsOf(doc: unknown): PublishedPattern[] {
  const found: PublishedPattern[] = [];
  const walk = (node: unknown, path: string[], field: string) => {
    if (Array.isArray(node)) {
      node.forEach((child, index) => walk(child, [...path, String(index)], field));
      return;
    }
    if (!node || typeof node !== 'object') return;
    const object = node as Record<string, unknown>;
    // A parameter names its field beside its schema; a property names it as its key.
    const here = typeof object.name === 'string' && 'in' in object ? object.name : field;
    if (typeof object.pattern === 'string') found.push({ where: path.join('.'), field: here, pattern: object.pattern });
    // Inside `properties`, each key is a field name; anywhere else the field carries down unchanged.
    const naming = path.at(-1) === 'properties';
    for (const [key, child] of Object.entries(object)) walk(child, [...path, key], naming ? key : here);
  };
  walk(doc, [], '');
  return found;
}
