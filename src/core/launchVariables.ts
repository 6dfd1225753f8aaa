/**
 * VS Code's `${...}` variables in a launch configuration, substituted the way the debugger would before it starts.
 * Supported: workspaceFolder, workspaceFolderBasename, workspaceFolder:NAME (another folder of the workspace),
 * file, fileBasename, fileBasenameNoExtension, fileExtname, fileDirname, fileDirnameBasename, relativeFile,
 * relativeFileDirname, fileWorkspaceFolder, lineNumber, selectedText, cwd, userHome, pathSeparator, `/`,
 * env:NAME (empty when unset, as in VS Code). Anything else (command:…, input:…, config:…, defaultBuildTask, an
 * unknown name) is an error naming the variable: passing `${command:pickArgs}` on literally would profile a
 * different command line than the user's.
 */

export interface VariableContext {
  /** The launch configuration's workspace folder (absolute) and its name. */
  readonly workspaceFolder: string;
  readonly workspaceFolderName: string;
  /** Other folders of a multi-root workspace, by name. */
  readonly folders: ReadonlyMap<string, string>;
  /** The active editor's file, absolute (undefined: no file open). */
  readonly file?: string;
  /** The workspace folder holding `file`. */
  readonly fileWorkspaceFolder?: string;
  readonly lineNumber?: number;
  readonly selectedText?: string;
  readonly cwd: string;
  readonly userHome: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly pathSeparator: string;
}

export class LaunchVariableError extends Error {}

function basename(p: string): string {
  return p.replace(/[\\/]+$/, '').replace(/^.*[\\/]/, '');
}

function dirname(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i <= 0 ? (i === 0 ? p.slice(0, 1) : '.') : p.slice(0, i);
}

function relative(from: string, to: string, sep: string): string {
  const prefix = from.endsWith(sep) ? from : from + sep;
  return to.startsWith(prefix) ? to.slice(prefix.length) : to;
}

function fileVariable(name: string, ctx: VariableContext): string {
  const file = ctx.file;
  if (file === undefined) {
    throw new LaunchVariableError(`\${${name}} needs an open file: open the file the configuration is for, then run the command again.`);
  }
  const base = basename(file);
  const dot = base.lastIndexOf('.');
  const root = ctx.fileWorkspaceFolder ?? ctx.workspaceFolder;
  switch (name) {
    case 'file': return file;
    case 'fileBasename': return base;
    case 'fileBasenameNoExtension': return dot > 0 ? base.slice(0, dot) : base;
    case 'fileExtname': return dot > 0 ? base.slice(dot) : '';
    case 'fileDirname': return dirname(file);
    case 'fileDirnameBasename': return basename(dirname(file));
    case 'relativeFile': return relative(root, file, ctx.pathSeparator);
    case 'relativeFileDirname': return relative(root, dirname(file), ctx.pathSeparator);
    case 'fileWorkspaceFolder': return root;
    default: throw new Error(name);
  }
}

const FILE_VARIABLES = new Set(['file', 'fileBasename', 'fileBasenameNoExtension', 'fileExtname', 'fileDirname',
  'fileDirnameBasename', 'relativeFile', 'relativeFileDirname', 'fileWorkspaceFolder']);

function variable(name: string, ctx: VariableContext): string {
  if (name.startsWith('env:')) return ctx.env[name.slice(4)] ?? '';
  if (name.startsWith('workspaceFolder:')) {
    const folder = ctx.folders.get(name.slice('workspaceFolder:'.length));
    if (folder === undefined) throw new LaunchVariableError(`\${${name}}: no workspace folder is named "${name.slice(16)}".`);
    return folder;
  }
  if (FILE_VARIABLES.has(name)) return fileVariable(name, ctx);
  switch (name) {
    case 'workspaceFolder':
    case 'workspaceRoot': return ctx.workspaceFolder;
    case 'workspaceFolderBasename': return ctx.workspaceFolderName;
    case 'lineNumber': return ctx.lineNumber === undefined ? '' : String(ctx.lineNumber);
    case 'selectedText': return ctx.selectedText ?? '';
    case 'cwd': return ctx.cwd;
    case 'userHome': return ctx.userHome;
    case 'pathSeparator':
    case '/': return ctx.pathSeparator;
  }
  const kind = /^(command|input|config):/.exec(name)?.[1];
  const why = kind === 'command' ? 'it runs a command (often a prompt) that only the debugger can answer'
    : kind === 'input' ? "it asks for input defined in the launch.json's inputs"
      : kind === 'config' ? 'settings are not substituted by Pyrometer'
        : 'it is not a variable Pyrometer knows';
  throw new LaunchVariableError(`\${${name}} is not supported by Pyrometer (${why}): replace it with its value in a copy of the configuration.`);
}

/** text with every `${...}` substituted; throws LaunchVariableError naming an unsupported one. */
export function substituteVariables(text: string, ctx: VariableContext): string {
  return text.replace(/\$\{([^}]+)\}/g, (_m, name: string) => variable(name, ctx));
}

/**
 * A command line string split into arguments the way a POSIX shell splits words: blanks separate, '…' is literal,
 * "…" keeps blanks and takes \\ \" \$ \` escapes, a backslash outside quotes escapes the next character. Shell
 * syntax that is not plain words ($VAR, globs, pipes, redirections, `;`, backticks) is refused: the debugger would
 * hand such a string to a shell, and Pyrometer never runs one.
 */
export function splitArgs(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inWord = false;
  let i = 0;
  const refuse = (what: string) => {
    throw new LaunchVariableError(`"args" as a string contains ${what}, which needs a shell; Pyrometer runs no shell. Write "args" as an array of strings.`);
  };
  while (i < line.length) {
    const ch = line[i];
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (inWord) args.push(current);
      current = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) refuse('an unclosed quote');
      current += line.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '\\"$`\n'.includes(line[i + 1])) {
          current += line[i + 1];
          i += 2;
        } else {
          if (line[i] === '$' || line[i] === '`') refuse(`"${line[i]}" inside double quotes`);
          current += line[i++];
        }
      }
      if (i >= line.length) refuse('an unclosed quote');
      i++;
    } else if (ch === '\\') {
      if (i + 1 < line.length) current += line[i + 1];
      i += 2;
    } else if ('$`|&;<>()*?[]{}'.includes(ch) || (ch === '~' && current === '')) {
      refuse(`"${ch}"`);
    } else {
      current += ch;
      i++;
    }
  }
  if (inWord) args.push(current);
  return args;
}
