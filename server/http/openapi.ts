import { z } from 'zod';
import { VERSION } from '../version.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ApiOperation {
  method: HttpMethod;
  /** Express-style path, e.g. /api/cases/:id (rendered as /api/cases/{id}). */
  path: string;
  summary: string;
  tags: string[];
  auth: boolean;
  body?: z.ZodType;
  /** For multipart endpoints: the JSON part's schema and the file fields. */
  multipart?: { json?: { field: string; schema: z.ZodType }; files: string[] };
  query?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

/**
 * Routes describe themselves here with the same zod schemas they validate
 * with, so GET /api/openapi.json cannot drift from what the server accepts.
 */
export class ApiRegistry {
  private readonly operations: ApiOperation[] = [];

  add(op: ApiOperation): void {
    this.operations.push(op);
  }

  list(): readonly ApiOperation[] {
    return this.operations;
  }

  document(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    const errorSchema = {
      type: 'object',
      properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } },
      required: ['error'],
    };
    for (const op of this.operations) {
      const openPath = op.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const params = [...op.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      }));
      const queryParams = op.query ? queryParameters(op.query) : [];
      const operation: Record<string, unknown> = {
        summary: op.summary,
        tags: op.tags,
        parameters: [...params, ...queryParams],
        responses: Object.fromEntries(
          Object.entries(op.responses).map(([status, r]) => [
            status,
            {
              description: r.description,
              content: { 'application/json': { schema: r.schema ? jsonSchema(r.schema, 'output') : Number(status) >= 400 ? errorSchema : {} } },
            },
          ]),
        ),
      };
      if (op.auth) operation.security = [{ bearer: [] }];
      if (op.body) operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } };
      if (op.multipart) {
        const properties: Record<string, unknown> = {};
        if (op.multipart.json) properties[op.multipart.json.field] = { type: 'string', description: `JSON: ${JSON.stringify(jsonSchema(op.multipart.json.schema, 'input'))}` };
        for (const f of op.multipart.files) properties[f] = { type: 'array', items: { type: 'string', format: 'binary' } };
        operation.requestBody = { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties } } } };
      }
      (paths[openPath] ??= {})[op.method] = operation;
    }
    return {
      openapi: '3.1.0',
      info: { title: 'microcourt API', version: VERSION, description: 'Online court platform (线上微法庭). Errors are { "error": { "code", "message" } }.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      paths,
    };
  }
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
}

function queryParameters(schema: z.ZodType): Record<string, unknown>[] {
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: s,
  }));
}
