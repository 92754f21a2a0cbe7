/** Turning zod issues into SpecIssues with readable paths, messages and hints. */
import type { z } from 'zod';
import { closestName } from './suggest';
import { SpecIssueCode, type SpecIssue } from './types';

/** `["spec","job","args",0]` → `spec.job.args[0]`; keys with dots or slashes in brackets. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `["${String(segment)}"]`;
  }
  return out;
}

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
}

function def(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const d = def(current);
    if ((d.type === 'optional' || d.type === 'nullable' || d.type === 'default') && d.innerType) current = d.innerType;
    else if (d.type === 'pipe' && d.in) current = d.in;
    else return current;
  }
}

/** The field names the schema knows at `path` (for "did you mean"). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (!current) return [];
    const d = def(current);
    if (d.type === 'object' && d.shape) current = d.shape[String(segment)];
    else if (d.type === 'array' && d.element) current = d.element;
    else if (d.type === 'record' && d.valueType) current = d.valueType;
    else return [];
    if (current) current = unwrap(current);
  }
  if (!current) return [];
  const d = def(current);
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}

function describeReceived(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  // JSON has no Infinity or NaN (YAML has: 1e400, .inf, .nan): said as what they are, not as "null".
  if (typeof input === 'number' && !Number.isFinite(input)) return String(input);
  return `${typeof input} ${JSON.stringify(input)}`;
}

/**
 * The issues, with only the tightest of several bounds a value breaks at one path: `1e20` for an integer at most
 * 32768 is over both the safe-integer bound and 32768, and 32768 is the field's own.
 */
function tightestBounds(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const tightest = new Map<string, z.core.$ZodIssue>();
  const bound = (issue: z.core.$ZodIssue) =>
    Number(issue.code === 'too_big' ? issue.maximum : issue.code === 'too_small' ? issue.minimum : NaN);
  for (const issue of issues) {
    if (issue.code !== 'too_big' && issue.code !== 'too_small') continue;
    const key = `${issue.code} ${JSON.stringify(issue.path)}`;
    const seen = tightest.get(key);
    const tighter =
      issue.code === 'too_big' ? bound(issue) < bound(seen ?? issue) : bound(issue) > bound(seen ?? issue);
    if (!seen || tighter) tightest.set(key, issue);
  }
  return issues.filter(
    (issue) =>
      (issue.code !== 'too_big' && issue.code !== 'too_small') ||
      tightest.get(`${issue.code} ${JSON.stringify(issue.path)}`) === issue,
  );
}

/** Converts zod issues (parsed with `reportInput: true`) into SpecIssues. */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  basePath: readonly PropertyKey[] = [],
): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const issue of tightestBounds(issues)) {
    const fullPath = [...basePath, ...issue.path];
    const path = formatPath(fullPath);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(schema, issue.path);
        for (const key of issue.keys) {
          const suggestion = closestName(key, known);
          out.push({
            code: SpecIssueCode.UnknownField,
            path: formatPath([...fullPath, key]),
            message: `unknown field "${key}"${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
            hint: suggestion ? `Rename it to ${suggestion}.` : `Remove it; known fields here: ${known.join(', ')}.`,
          });
        }
        break;
      }
      case 'invalid_type':
        if (issue.input === undefined) {
          out.push({
            code: SpecIssueCode.Required,
            path,
            message: `${path} is required`,
            hint: `Add ${path.split('.').pop() ?? path} (${issue.expected}).`,
          });
        } else {
          out.push({
            code: SpecIssueCode.InvalidType,
            path,
            message: `must be ${article(issue.expected)}, not ${describeReceived(issue.input)}`,
            hint: `Give ${path} as ${article(issue.expected)}.`,
          });
        }
        break;
      case 'invalid_value': {
        const values = issue.values.map((v) => String(v));
        const suggestion = typeof issue.input === 'string' ? closestName(issue.input, values) : undefined;
        out.push({
          code: SpecIssueCode.InvalidValue,
          path,
          message:
            (issue.input === undefined
              ? 'is required and must be'
              : `"${String(issue.input)}" is not allowed; must be`) +
            ' ' +
            `${values.length === 1 ? `"${values[0]}"` : `one of: ${values.join(', ')}`}`,
          hint: suggestion ? `Did you mean ${suggestion}?` : `Use ${values.join(' or ')}.`,
        });
        break;
      }
      case 'too_small':
      case 'too_big': {
        const [bound, most, more] =
          issue.code === 'too_small' ? [issue.minimum, 'least', 'more'] : [issue.maximum, 'most', 'less'];
        out.push({
          code: SpecIssueCode.InvalidValue,
          path,
          message: `must be at ${most} ${String(bound)} (it is ${String(issue.input)})`,
          hint: `Set ${path} to ${String(bound)} or ${more}.`,
        });
        break;
      }
      case 'invalid_union':
        out.push({
          code: SpecIssueCode.InvalidType,
          path,
          message: `must be a number or a string, not ${describeReceived(issue.input)}`,
          hint: 'Use e.g. 1, 0.5, "500m" for CPU, "2048m" or "2Gi" for memory.',
        });
        break;
      case 'custom': {
        const params = (issue.params ?? {}) as { hint?: string; code?: SpecIssue['code'] };
        out.push({
          code: params.code ?? SpecIssueCode.InvalidValue,
          path,
          message: issue.message,
          ...(params.hint ? { hint: params.hint } : {}),
        });
        break;
      }
      default:
        out.push({ code: SpecIssueCode.InvalidValue, path, message: issue.message });
    }
  }
  return out;
}

function article(expected: string): string {
  const readable =
    expected === 'object' || expected === 'record'
      ? 'mapping'
      : expected === 'array'
        ? 'list'
        : expected === 'int'
          ? 'integer'
          : expected;
  return /^[aeiou]/.test(readable) ? `an ${readable}` : `a ${readable}`;
}
