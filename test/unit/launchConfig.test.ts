import * as assert from 'assert';
import { LaunchConfigError, mergedEnv, pythonLaunchConfigs, resolveLaunchConfig } from '../../src/core/launchConfig';
import { LaunchVariableError, splitArgs, substituteVariables, VariableContext } from '../../src/core/launchVariables';
import { parseEnvFile } from '../../src/core/envFile';

const ctx: VariableContext = {
  workspaceFolder: '/ws/proj', workspaceFolderName: 'proj', folders: new Map([['proj', '/ws/proj'], ['lib', '/ws/lib']]),
  file: '/ws/proj/pkg/tool.py', fileWorkspaceFolder: '/ws/proj', lineNumber: 7, cwd: '/ws/proj', userHome: '/home/u',
  env: { HOME: '/home/u', GREETING: 'hi' }, pathSeparator: '/',
};

describe('launch configurations', () => {
  it('offers Python and debugpy launch configurations only, in file order', () => {
    const found = pythonLaunchConfigs([
      { name: 'a', type: 'python', request: 'launch', program: 'a.py' },
      { name: 'b', type: 'debugpy', request: 'attach', connect: { port: 5678 } },
      { name: 'c', type: 'node', request: 'launch', program: 'c.js' },
      { name: 'd', type: 'debugpy', request: 'launch', module: 'd' },
      'not an object', null,
    ]);
    assert.deepStrictEqual(found.map(f => f.name), ['a', 'd']);
    assert.deepStrictEqual(pythonLaunchConfigs(undefined), []);
  });

  it('substitutes the common variables', () => {
    const text = '${workspaceFolder}|${workspaceFolderBasename}|${file}|${fileDirname}|${fileBasename}|${fileBasenameNoExtension}|'
      + '${fileExtname}|${relativeFile}|${relativeFileDirname}|${env:GREETING}|${env:UNSET}|${userHome}|${workspaceFolder:lib}|${lineNumber}';
    assert.strictEqual(substituteVariables(text, ctx),
      '/ws/proj|proj|/ws/proj/pkg/tool.py|/ws/proj/pkg|tool.py|tool|.py|pkg/tool.py|pkg|hi||/home/u|/ws/lib|7');
  });

  it('refuses variables it cannot resolve, naming them', () => {
    assert.throws(() => substituteVariables('${command:pickArgs}', ctx), (e: Error) => e instanceof LaunchVariableError && /\$\{command:pickArgs\} is not supported/.test(e.message));
    assert.throws(() => substituteVariables('${input:x}', ctx), /\$\{input:x\} is not supported/);
    assert.throws(() => substituteVariables('${file}', { ...ctx, file: undefined }), /needs an open file/);
    assert.throws(() => substituteVariables('${workspaceFolder:nope}', ctx), /no workspace folder is named "nope"/);
  });

  it('splits string args like a shell splits words, and refuses shell syntax', () => {
    assert.deepStrictEqual(splitArgs(`--n 3 'two words' "a \\"q\\"" back\\ slash  ""`), ['--n', '3', 'two words', 'a "q"', 'back slash', '']);
    assert.throws(() => splitArgs('a | b'), /needs a shell/);
    assert.throws(() => splitArgs('$HOME'), /needs a shell/);
    assert.throws(() => splitArgs('"unclosed'), /unclosed quote/);
  });

  it('resolves a module configuration with args, env, envFile and cwd', () => {
    const r = resolveLaunchConfig({ name: 'm', config: {
      name: 'm', type: 'debugpy', request: 'launch', module: 'pkg.tool', args: ['--n', '${env:GREETING}', 3],
      cwd: '${workspaceFolder}/sub', env: { MODE: 'fast', LEVEL: 2 }, envFile: '${workspaceFolder}/conf/.env',
      console: 'integratedTerminal', justMyCode: false, python: '/opt/py/bin/python',
    } }, ctx);
    assert.deepStrictEqual(r.target, { kind: 'module', module: 'pkg.tool' });
    assert.deepStrictEqual(r.args, ['--n', 'hi', '3']);
    assert.strictEqual(r.cwd, '/ws/proj/sub');
    assert.deepStrictEqual(r.env, { MODE: 'fast', LEVEL: '2' });
    assert.deepStrictEqual(r.envFile, { path: '/ws/proj/conf/.env', explicit: true });
    assert.strictEqual(r.python, '/opt/py/bin/python');
  });

  it('keeps preLaunchTask and postDebugTask as labels to run, and refuses one that is not a string', () => {
    const config = { name: 't', type: 'debugpy', request: 'launch', program: 'run.py' };
    const r = resolveLaunchConfig({ name: 't', config: { ...config, preLaunchTask: 'build ${file}', postDebugTask: '${defaultBuildTask}' } }, ctx);
    // no substitution: VS Code looks tasks up by the label as written
    assert.strictEqual(r.preLaunchTask, 'build ${file}');
    assert.strictEqual(r.postDebugTask, '${defaultBuildTask}');
    assert.deepStrictEqual(r.notes, []);
    const none = resolveLaunchConfig({ name: 't', config: { ...config, preLaunchTask: '' } }, ctx);
    assert.ok(!('preLaunchTask' in none) && !('postDebugTask' in none));
    assert.throws(() => resolveLaunchConfig({ name: 't', config: { ...config, preLaunchTask: { task: 'build' } } }, ctx),
      /Launch configuration "t": "preLaunchTask" must be the label of a task/);
  });

  it('resolves a program relative to the cwd, with string args and the default .env', () => {
    const r = resolveLaunchConfig({ name: 'p', config: { name: 'p', type: 'python', request: 'launch', program: '${file}', args: '-v --out "x y"', pythonPath: '/usr/bin/python3' } }, ctx);
    assert.deepStrictEqual(r.target, { kind: 'script', script: '/ws/proj/pkg/tool.py' });
    assert.deepStrictEqual(r.args, ['-v', '--out', 'x y']);
    assert.strictEqual(r.cwd, '/ws/proj');
    assert.deepStrictEqual(r.envFile, { path: '/ws/proj/.env', explicit: false });
    assert.strictEqual(r.python, '/usr/bin/python3');
    const rel = resolveLaunchConfig({ name: 'r', config: { name: 'r', type: 'python', request: 'launch', program: '../other/run.py', cwd: 'sub' } }, ctx);
    assert.deepStrictEqual(rel.target, { kind: 'script', script: '/ws/proj/other/run.py' });
  });

  it('explains what it cannot run', () => {
    const bad = (config: Record<string, unknown>) => () => resolveLaunchConfig({ name: 'x', config: { name: 'x', type: 'python', request: 'launch', ...config } }, ctx);
    assert.throws(bad({}), (e: Error) => e instanceof LaunchConfigError && /Launch configuration "x": it has neither "program" nor "module"/.test(e.message));
    assert.throws(bad({ program: 'a.py', module: 'a' }), /both "program" and "module"/);
    assert.throws(bad({ code: 'print(1)' }), /runs "code"/);
    assert.throws(bad({ module: 'a-b' }), /dotted module name/);
    assert.throws(bad({ program: 'a.py', args: '${command:pickArgs}' }), /Launch configuration "x": \$\{command:pickArgs\} is not supported/);
    assert.throws(bad({ program: 'a.py', args: [{}] }), /"args"\[0\] must be a string/);
    assert.throws(bad({ program: 'a.py', env: ['A=1'] }), /"env" must be an object/);
  });

  it('merges the environment: extension < envFile < env', () => {
    assert.deepStrictEqual(mergedEnv({ A: '1', B: '1', C: '1', D: undefined }, { B: '2', C: '2' }, { C: '3' }), { A: '1', B: '2', C: '3' });
  });
});

describe('envFile', () => {
  it('reads NAME=VALUE lines with quotes, export, comments and ${NAME} references', () => {
    const text = [
      '# comment', '', 'export A=one', 'B = two words  # trailing comment', "C='${A} literal'", 'D="line\\nnext ${A}"',
      'E=${A}-${HOME}-${MISSING}', 'not an assignment', 'F="unclosed',
    ].join('\n');
    const { values, problems } = parseEnvFile(text, { HOME: '/home/u' });
    assert.deepStrictEqual(values, { A: 'one', B: 'two words', C: '${A} literal', D: 'line\nnext one', E: 'one-/home/u-' });
    assert.deepStrictEqual(problems, ['line 8: not NAME=VALUE', 'line 9: unclosed quote (multi-line values are not supported)']);
  });
});
