/**
 * A launch configuration's `envFile` (a dotenv file), read with the rules of the Python extension's parser as far
 * as they matter for a command line: one `NAME=VALUE` per line, optional `export ` before NAME, blank lines and
 * `#` comment lines skipped; a value in '…' is literal; in "…" the escapes \n and \\ \" are decoded; an unquoted
 * value is trimmed and loses a ` #comment` at its end; `${NAME}` in an unquoted or "…" value is the value of NAME
 * defined earlier in the file, else in the base environment, else empty. Lines that are not assignments are
 * reported (with their line number) rather than guessed at. Multi-line values are not supported.
 */

export interface EnvFileContent {
  readonly values: Record<string, string>;
  /** "line 3: …" for each line that was not understood (the rest is still used). */
  readonly problems: string[];
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$/;

function expand(value: string, defined: Record<string, string>, base: Readonly<Record<string, string | undefined>>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => defined[name] ?? base[name] ?? '');
}

export function parseEnvFile(text: string, base: Readonly<Record<string, string | undefined>>): EnvFileContent {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((line, index) => {
    if (!line.trim() || /^\s*#/.test(line)) return;
    const m = ASSIGNMENT.exec(line);
    if (!m) {
      problems.push(`line ${index + 1}: not NAME=VALUE`);
      return;
    }
    const [, name, raw] = m;
    let value: string;
    if (raw.startsWith("'") && raw.length >= 2 && raw.endsWith("'")) {
      value = raw.slice(1, -1);
    } else if (raw.startsWith('"') && raw.length >= 2 && raw.endsWith('"')) {
      value = expand(raw.slice(1, -1).replace(/\\(n|\\|")/g, (_m, c: string) => (c === 'n' ? '\n' : c)), values, base);
    } else if (raw.startsWith('"') || raw.startsWith("'")) {
      problems.push(`line ${index + 1}: unclosed quote (multi-line values are not supported)`);
      return;
    } else {
      value = expand(raw.replace(/\s+#.*$/, '').trim(), values, base);
    }
    values[name] = value;
  });
  return { values, problems };
}
