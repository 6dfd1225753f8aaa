/**
 * A value made the first time it is asked for. For module-level regular expressions with Unicode property classes
 * (`\p{L}`, `\p{ID_Start}`): V8 builds their character sets when the module is evaluated, ~0.5–1 ms each, and the
 * extension's modules are evaluated on every activation whether or not those patterns are ever used.
 */
export function onFirstUse<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}
