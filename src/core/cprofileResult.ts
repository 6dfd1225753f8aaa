import { parseBuildFlags, parseCommandLine, parseMachine } from './runEnvironment';
import { frameKindOf, resolveFrameFile } from './frameFiles';
import {
  asArray, asObject, JsonObject, numberField, Where, optionalBoolean, optionalNumber, optionalString, parseResultRoot, stringField,
} from './jsonFields';
import { ProfileFormatError } from './profileErrors';
import type {
  CallEdgeStats, Frame, FunctionStats, Profile, PythonBuild, RunMetadata, TargetException,
} from './profileModel';

export const CPROFILE_SCHEMA = 'pyrometer.cprofile/1';

/** Parses the runner's cProfile result (docs/runner-protocol.md) into the profile model. */
export function parseCProfileResult(text: string): Profile {
  const root = parseResultRoot(text, CPROFILE_SCHEMA, 'cProfile');
  const metadata = parseRunMetadata(asObject(root.metadata, 'metadata'));
  const frames: Frame[] = [];
  // file → line → name → frame index: three lookups of values JSON.parse made, instead of a key string built and
  // hashed for every function and caller edge (a third of the time past JSON.parse).
  const frameIndexByFile = new Map<string, Map<number, Map<string, number>>>();
  const frameIndexOf = (o: JsonObject, where: Where): number => {
    const file = stringField(o, 'file', where);
    const line = numberField(o, 'line', where);
    const name = stringField(o, 'name', where);
    let byLine = frameIndexByFile.get(file);
    if (byLine === undefined) frameIndexByFile.set(file, byLine = new Map());
    let byName = byLine.get(line);
    if (byName === undefined) byLine.set(line, byName = new Map());
    let index = byName.get(name);
    if (index === undefined) {
      const kind = frameKindOf(file, name);
      index = frames.length;
      frames.push({ name, file: resolveFrameFile(file, kind, metadata.cwd), line, kind });
      byName.set(name, index);
    }
    return index;
  };

  const functions: FunctionStats[] = asArray(root.functions, 'functions').map((entry, i) => {
    const where = () => `functions[${i}]`;
    const o = asObject(entry, where);
    const callers: CallEdgeStats[] = asArray(o.callers ?? [], () => `functions[${i}].callers`).map((c, j) => {
      const cw = () => `functions[${i}].callers[${j}]`;
      const co = asObject(c, cw);
      return {
        callerIndex: frameIndexOf(co, cw),
        totalCalls: numberField(co, 'totalCalls', cw),
        primitiveCalls: numberField(co, 'primitiveCalls', cw),
        selfSeconds: numberField(co, 'selfSeconds', cw),
        cumulativeSeconds: numberField(co, 'cumulativeSeconds', cw),
      };
    });
    return {
      frameIndex: frameIndexOf(o, where),
      primitiveCalls: numberField(o, 'primitiveCalls', where),
      totalCalls: numberField(o, 'totalCalls', where),
      selfSeconds: numberField(o, 'selfSeconds', where),
      cumulativeSeconds: numberField(o, 'cumulativeSeconds', where),
      callers,
    };
  });
  return { source: 'cProfile', metadata, frames, functions, totalSeconds: numberField(root, 'totalSeconds', 'result') };
}

/** The `metadata` block every runner result carries (cprofile and plain run). */
export function parseRunMetadata(m: JsonObject): RunMetadata {
  const py = asObject(m.python, 'metadata.python');
  const python: PythonBuild = {
    version: stringField(py, 'version', 'metadata.python'),
    implementation: optionalString(py, 'implementation') ?? 'unknown',
    executable: optionalString(py, 'executable') ?? '',
    compiler: optionalString(py, 'compiler'),
    debugBuild: optionalBoolean(py, 'debugBuild'),
    optimizeLevel: optionalNumber(py, 'optimizeLevel'),
    gilDisabled: optionalBoolean(py, 'gilDisabled'),
    freeThreadingBuild: optionalBoolean(py, 'freeThreadingBuild'),
    buildFlags: parseBuildFlags(py.buildFlags),
  };
  const capabilities: Record<string, boolean> = {};
  if (typeof m.capabilities === 'object' && m.capabilities !== null) {
    for (const [k, v] of Object.entries(m.capabilities)) if (typeof v === 'boolean') capabilities[k] = v;
  }
  return {
    tool: optionalString(m, 'tool') ?? 'cProfile',
    python,
    platform: optionalString(m, 'platform') ?? '',
    argv: asArray(m.argv ?? [], 'metadata.argv').map((a, i) => {
      // Not String(a): an object with a non-callable toString (forged JSON) would throw a TypeError.
      if (typeof a !== 'string') throw new ProfileFormatError(`metadata.argv[${i}] should be a string`);
      return a;
    }),
    cwd: stringField(m, 'cwd', 'metadata'),
    script: optionalString(m, 'script') ?? '',
    startedAt: optionalString(m, 'startedAt') ?? '',
    wallSeconds: optionalNumber(m, 'wallSeconds') ?? 0,
    cpuSeconds: optionalNumber(m, 'cpuSeconds') ?? 0,
    exitCode: optionalNumber(m, 'exitCode') ?? 0,
    exception: m.exception ? parseException(asObject(m.exception, 'metadata.exception')) : null,
    threadsSeen: optionalNumber(m, 'threadsSeen') ?? 0,
    capabilities,
    commandLine: parseCommandLine(m.commandLine),
    machine: parseMachine(m.machine),
  };
}

function parseException(e: JsonObject): TargetException {
  const phase = optionalString(e, 'phase');
  return {
    type: optionalString(e, 'type') ?? 'Exception',
    message: optionalString(e, 'message') ?? '',
    traceback: optionalString(e, 'traceback') ?? '',
    phase: phase === 'start' || phase === 'compile' ? phase : 'run',
  };
}
