import * as assert from 'assert';
import { readFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { durationText } from '../../src/core/durationText';
import { groupThousands } from '../../src/core/pstatsNumbers';
import type { LineTimingCommandArgs } from '../../src/extension/lineTimingCommand';
import type { ProfileCommandResult } from '../../src/extension/profileRun';
import { hoverText, lensTitles, workspaceRoot, writeScript } from './workspaceFixtures';

interface RecordedLine { line: number; hits: number; totalNs: number }
interface RecordedFunction { name: string; file: string; firstLine: number; calls: number; totalNs: number; lines: RecordedLine[] }

function profileLines(file: string, args: LineTimingCommandArgs): Thenable<ProfileCommandResult | undefined> {
  return vscode.commands.executeCommand<ProfileCommandResult | undefined>('pyrometer.profileLines', vscode.Uri.file(file), args);
}

let pythonVersion: number[] | undefined;

function recorded(result: ProfileCommandResult | undefined): RecordedFunction[] {
  assert.ok(result?.runId, `no run: ${result?.verdict.message}`);
  const data = JSON.parse(readFileSync(result!.resultPath!, 'utf8'));
  pythonVersion = String(data.metadata.python.version).split('.').map(Number);
  return data.functions as RecordedFunction[];
}

const LOOPS = [
  'def loops(n):',               // 1
  '    total = 0',               // 2
  '    for i in range(n):',      // 3
  '        if i % 2:',           // 4
  '            total += i',      // 5
  '    if total < 0:',           // 6
  '        raise ValueError()',  // 7
  '    return total',            // 8
  '',                            // 9
  'for _ in range(3):',          // 10
  '    loops(10)',               // 11
  '',
].join('\n');

describe('Profile lines, in the real editor', function () {
  this.timeout(180000);

  it('shows exact hit counts on the lines, marks the line that never ran, and the hover has the runner\'s nanoseconds', async () => {
    const script = await writeScript('lines/loops.py', LOOPS);
    const result = await profileLines(script, { scope: 'file' });
    const fn = recorded(result).find(f => f.name === 'loops')!;
    assert.deepStrictEqual(fn.lines.filter(l => l.line === 4 || l.line === 5 || l.line === 7).map(l => [l.line, l.hits]),
      [[4, 30], [5, 15], [7, 0]]);
    const lenses = await lensTitles(script);
    const lens = lenses.find(l => l.line === 0 && l.title.startsWith('lines:'));
    assert.ok(lens, JSON.stringify(lenses));
    assert.strictEqual(lens!.title.split(' | ')[0], `lines: ${durationText(fn.totalNs)} in 3 calls`);

    const line5 = fn.lines.find(l => l.line === 5)!;
    const hover = await hoverText(script, 4);
    assert.match(hover, /Line 5\*\* of `loops`/);
    assert.ok(hover.includes(`| 15 | ${durationText(line5.totalNs)} |`), hover);
    assert.ok(hover.includes(`${groupThousands(line5.totalNs)} ns in all`), hover);
    assert.match(await hoverText(script, 6), /Never executed in this run/);
  });

  it('times only the function at a line of mixed_app.py, with the KeyError path counted', async () => {
    const app = path.join(workspaceRoot(), 'mixed_app.py');
    const result = await profileLines(app, { scope: { files: [], functions: [{ file: app, line: 29 }] } });
    const functions = recorded(result);
    assert.deepStrictEqual(functions.map(f => f.name), ['count_codes']);
    const countCodes = functions[0];
    const handler = countCodes.lines.find(l => l.line === 31)!;
    assert.ok(handler.hits > 0 && handler.hits < countCodes.lines.find(l => l.line === 29)!.hits,
      `the except body runs once per new code: ${JSON.stringify(countCodes.lines)}`);
    const lenses = await lensTitles(app);
    assert.deepStrictEqual(lenses.filter(l => l.title.startsWith('lines:')).map(l => l.line), [24]);
    assert.match(await hoverText(app, 30), new RegExp(`\\| ${groupThousands(handler.hits)} \\| ${durationText(handler.totalNs).replace('.', '\\.')} \\|`));
  });

  it('refuses the sys.monitoring engine on a Python older than 3.12 with the fix', async () => {
    const script = await writeScript('lines/tiny.py', 'x = 1\n');
    const r = await profileLines(script, { scope: 'file', engine: 'monitoring' });
    const version = pythonVersion;
    assert.ok(version, 'an earlier test records the interpreter version');
    if (version[0] === 3 && version[1] >= 12) {
      assert.ok(r?.runId, r?.verdict.message);
    } else {
      assert.strictEqual(r?.verdict.showResults, false);
      assert.match(r!.verdict.message, /needs Python 3\.12\+/);
    }
  });
});
