import { LaunchVariableError, splitArgs, substituteVariables, VariableContext } from './launchVariables';

/**
 * A `launch.json` Python configuration (type `python` or `debugpy`, request `launch`) turned into what to run:
 * the target (`program` or `module`), `args` (an array, or a string split like a shell splits words), `cwd`,
 * `env`, `envFile`, `python`/`pythonPath`. Debugger-only keys (`console`, `justMyCode`, `stopOnEntry`,
 * `subProcess`, …) are ignored; `code`, `pid`/`processId` and attach configurations are not profilable launches.
 */

export type RunTargetSpec =
  | { readonly kind: 'script'; readonly script: string }
  | { readonly kind: 'module'; readonly module: string };

export interface LaunchChoice {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
}

export interface ResolvedLaunch {
  readonly name: string;
  readonly target: RunTargetSpec;
  readonly args: readonly string[];
  /** Absolute. */
  readonly cwd: string;
  /** The configuration's own `env` (substituted), to merge over the envFile and the extension's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Absolute path of the envFile to read, and whether the configuration named it (else it is the default .env). */
  readonly envFile: { readonly path: string; readonly explicit: boolean };
  /** The configuration's interpreter (`python`, or the older `pythonPath`), substituted; undefined: the usual choice. */
  readonly python?: string;
  /** The task to run before the program (a label, or `${defaultBuildTask}`), as the debugger does. */
  readonly preLaunchTask?: string;
  /** The task to run after it. */
  readonly postDebugTask?: string;
  /** Things the user should know: keys that were not honoured. */
  readonly notes: readonly string[];
}

export class LaunchConfigError extends Error {}

const PYTHON_TYPES = new Set(['python', 'debugpy']);

/** The configurations Pyrometer can profile: Python launch configurations with a name, in file order. */
export function pythonLaunchConfigs(configurations: unknown): LaunchChoice[] {
  if (!Array.isArray(configurations)) return [];
  return configurations.filter((c): c is Record<string, unknown> =>
    typeof c === 'object' && c !== null && PYTHON_TYPES.has(String((c as Record<string, unknown>).type))
    && (c as Record<string, unknown>).request === 'launch' && typeof (c as Record<string, unknown>).name === 'string')
    .map(config => ({ name: config.name as string, config }));
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

function join(base: string, rel: string, sep: string): string {
  if (isAbsolute(rel)) return rel;
  const parts = (base.replace(/[\\/]+$/, '') + sep + rel).split(/[\\/]/);
  const out: string[] = [];
  for (const part of parts) {
    if (part === '.' || (part === '' && out.length > 0)) continue;
    if (part === '..' && out.length > 1) out.pop();
    else out.push(part);
  }
  return out.join(sep) || sep;
}

function stringOf(config: Readonly<Record<string, unknown>>, key: string, ctx: VariableContext): string | undefined {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new LaunchConfigError(`"${key}" must be a string, not ${JSON.stringify(value)}.`);
  return substituteVariables(value, ctx);
}

function argsOf(config: Readonly<Record<string, unknown>>, ctx: VariableContext): string[] {
  const value = config.args;
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return splitArgs(substituteVariables(value, ctx));
  if (Array.isArray(value)) {
    return value.map((a, i) => {
      if (typeof a === 'string') return substituteVariables(a, ctx);
      if (typeof a === 'number' || typeof a === 'boolean') return String(a);
      throw new LaunchConfigError(`"args"[${i}] must be a string, not ${JSON.stringify(a)}.`);
    });
  }
  throw new LaunchConfigError(`"args" must be an array of strings or a string, not ${JSON.stringify(value)}.`);
}

function envOf(config: Readonly<Record<string, unknown>>, ctx: VariableContext): Record<string, string> {
  const value = config.env;
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new LaunchConfigError(`"env" must be an object of NAME: "value", not ${JSON.stringify(value)}.`);
  const env: Record<string, string> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string') env[name] = substituteVariables(v, ctx);
    else if (typeof v === 'number' || typeof v === 'boolean') env[name] = String(v);
    else throw new LaunchConfigError(`"env"."${name}" must be a string, not ${JSON.stringify(v)}.`);
  }
  return env;
}

/** What to run for one configuration; throws LaunchConfigError / LaunchVariableError with the reason. */
export function resolveLaunchConfig(choice: LaunchChoice, ctx: VariableContext): ResolvedLaunch {
  const { config, name } = choice;
  const sep = ctx.pathSeparator;
  try {
    const notes: string[] = [];
    if (config.request !== 'launch') throw new LaunchConfigError('it is not a "launch" configuration (attach to a running process with "Pyrometer: Attach py-spy" instead).');
    const cwd = join(ctx.workspaceFolder, stringOf(config, 'cwd', ctx) || ctx.workspaceFolder, sep);
    const program = stringOf(config, 'program', ctx);
    const module = stringOf(config, 'module', ctx);
    if (program && module) throw new LaunchConfigError('it has both "program" and "module": keep one.');
    let target: RunTargetSpec;
    if (module) {
      if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/u.test(module)) throw new LaunchConfigError(`"module" must be a dotted module name, not "${module}".`);
      target = { kind: 'module', module };
    } else if (program) {
      target = { kind: 'script', script: join(cwd, program, sep) };
    } else if (config.code !== undefined) {
      throw new LaunchConfigError('it runs "code" (python -c), which Pyrometer does not profile: use "program" or "module".');
    } else {
      throw new LaunchConfigError('it has neither "program" nor "module": add the script or module to run.');
    }
    const envFileText = stringOf(config, 'envFile', ctx);
    const python = stringOf(config, 'python', ctx) ?? stringOf(config, 'pythonPath', ctx);
    if (Array.isArray(config.python)) throw new LaunchConfigError('"python" with interpreter options (an array) is not supported: give the interpreter path as a string.');
    const preLaunchTask = taskLabelOf(config, 'preLaunchTask');
    const postDebugTask = taskLabelOf(config, 'postDebugTask');
    if (config.pythonArgs !== undefined) notes.push('"pythonArgs" (interpreter options) are not passed: the profiler starts the interpreter.');
    return {
      name, target, args: argsOf(config, ctx), cwd, env: envOf(config, ctx),
      envFile: envFileText ? { path: join(ctx.workspaceFolder, envFileText, sep), explicit: true }
        : { path: join(ctx.workspaceFolder, '.env', sep), explicit: false },
      ...(python ? { python } : {}),
      ...(preLaunchTask ? { preLaunchTask } : {}),
      ...(postDebugTask ? { postDebugTask } : {}),
      notes,
    };
  } catch (e) {
    if (e instanceof LaunchConfigError || e instanceof LaunchVariableError) {
      throw new LaunchConfigError(`Launch configuration "${name}": ${e.message}`);
    }
    throw e;
  }
}

/** A task label key: a non-empty string (variables are not substituted in it, as in VS Code), else an error. */
function taskLabelOf(config: Readonly<Record<string, unknown>>, key: 'preLaunchTask' | 'postDebugTask'): string | undefined {
  const value = config[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new LaunchConfigError(`"${key}" must be the label of a task (a string).`);
  return value;
}

/** The environment a launch runs with: the extension's, then the envFile's, then the configuration's `env`. */
export function mergedEnv(base: Readonly<Record<string, string | undefined>>, envFile: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string>>): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) merged[k] = v;
  return Object.assign(merged, envFile, env);
}
