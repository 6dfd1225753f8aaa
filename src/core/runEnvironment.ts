import { asArray, JsonObject, optionalNumber, optionalString } from './jsonFields';
import type { GitHead, MachineInfo, PythonBuildFlags } from './profileModel';

/**
 * Reads the parts of a run's metadata that say where and on what it was measured (docs/runner-protocol.md).
 * Every field is optional: results written before they were recorded must still load.
 */

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const boolOrNull = (o: JsonObject, key: string): boolean | null => (typeof o[key] === 'boolean' ? o[key] as boolean : null);
const stringOrNull = (o: JsonObject, key: string): string | null => optionalString(o, key) ?? null;

export function parseBuildFlags(value: unknown): PythonBuildFlags | undefined {
  if (!isObject(value)) return undefined;
  return {
    pgo: boolOrNull(value, 'pgo'),
    lto: boolOrNull(value, 'lto'),
    cOptimization: stringOrNull(value, 'cOptimization'),
    assertions: boolOrNull(value, 'assertions'),
    jitBuild: boolOrNull(value, 'jitBuild'),
    jitEnabled: boolOrNull(value, 'jitEnabled'),
    configureArgs: stringOrNull(value, 'configureArgs'),
  };
}

function parseGit(value: unknown): GitHead | null {
  if (!isObject(value)) return null;
  const commit = optionalString(value, 'commit');
  if (!commit) return null;
  return { commit, branch: stringOrNull(value, 'branch'), root: optionalString(value, 'root') ?? '' };
}

export function parseMachine(value: unknown): MachineInfo | undefined {
  if (!isObject(value)) return undefined;
  const pythonEnv: Record<string, string> = {};
  if (isObject(value.pythonEnv)) for (const [k, v] of Object.entries(value.pythonEnv)) if (typeof v === 'string') pythonEnv[k] = v;
  const cpuCount = optionalNumber(value, 'cpuCount') ?? 0;
  return {
    cpuModel: optionalString(value, 'cpuModel') ?? '',
    cpuCount,
    cpusUsable: optionalNumber(value, 'cpusUsable') ?? cpuCount,
    pythonEnv,
    git: parseGit(value.git),
  };
}

export function parseCommandLine(value: unknown): readonly string[] | undefined {
  return Array.isArray(value) ? asArray(value, 'metadata.commandLine').map(String) : undefined;
}
