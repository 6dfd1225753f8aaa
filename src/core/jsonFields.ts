import { ProfileFormatError } from './profileErrors';

/** Typed accessors for parsed JSON, so nothing untyped flows from a file into the model. */
export type JsonObject = { readonly [key: string]: unknown };

/** Where a value sits, for the error message: a thunk, because building paths for every valid value is costly. */
export type Where = string | (() => string);

const describe = (where: Where): string => (typeof where === 'string' ? where : where());

export function asObject(value: unknown, where: Where): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProfileFormatError(`${describe(where)} should be an object`);
  }
  return value as JsonObject;
}

export function asArray(value: unknown, where: Where): readonly unknown[] {
  if (!Array.isArray(value)) throw new ProfileFormatError(`${describe(where)} should be a list`);
  return value;
}

export function stringField(o: JsonObject, key: string, where: Where): string {
  const v = o[key];
  if (typeof v !== 'string') throw new ProfileFormatError(`${describe(where)}.${key} should be a string`);
  return v;
}

export function numberField(o: JsonObject, key: string, where: Where): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ProfileFormatError(`${describe(where)}.${key} should be a number`);
  return v;
}

export function optionalString(o: JsonObject, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

export function optionalNumber(o: JsonObject, key: string): number | undefined {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function optionalBoolean(o: JsonObject, key: string): boolean | undefined {
  const v = o[key];
  return typeof v === 'boolean' ? v : undefined;
}

/** The parsed top-level object of a runner result, after checking it is JSON with the expected schema. */
export function parseResultRoot(text: string, schema: string, what: string): JsonObject {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ProfileFormatError(`The ${what} result is not valid JSON (the run may have been cut short).`,
      (e as Error).message);
  }
  const root = asObject(raw, 'result');
  if (root.schema !== schema) {
    throw new ProfileFormatError(`Unknown result schema ${JSON.stringify(root.schema)}; expected ${schema}.`);
  }
  return root;
}
