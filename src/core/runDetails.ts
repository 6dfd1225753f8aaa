import { escapeMarkdown } from './markdownText';
import type { RunMetadata } from './profileModel';
import type { RunWarning } from './runWarnings';

/** A run's details as a Markdown document: what was measured, on what, and what to beware of. */

export interface RunDetailsHeader {
  readonly label: string;
  readonly source: string;
  /** e.g. "total_tt 0.987 s" or "1,234 samples". */
  readonly figures: string;
}

const yesNo = (v: boolean | null | undefined) => (v === true ? 'yes' : v === false ? 'no' : 'unknown');
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** One argument as a POSIX shell would need it quoted, so the line can be pasted. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function runDetailsMarkdown(header: RunDetailsHeader, m: RunMetadata, warnings: readonly RunWarning[]): string {
  const p = m.python;
  const flags = p.buildFlags;
  const rows: [string, string][] = [
    ['Tool', escapeMarkdown(`${m.tool} (${header.source})`)],
    ['Figures', escapeMarkdown(header.figures)],
    ['Started', m.startedAt ? escapeMarkdown(m.startedAt) : 'unknown'],
    ['Wall / CPU time', m.wallSeconds > 0 ? `${m.wallSeconds.toFixed(3)} s / ${m.cpuSeconds.toFixed(3)} s` : 'not recorded'],
    ['Exit code', m.exception ? `${m.exitCode} (${escapeMarkdown(m.exception.type)})` : String(m.exitCode)],
    ['Command line', m.commandLine ? code(m.commandLine.map(shellWord).join(' ')) : m.argv.length ? code(m.argv.map(shellWord).join(' ')) : 'not recorded'],
    ['Working directory', m.cwd ? code(m.cwd) : 'unknown'],
    ['Python', escapeMarkdown(`${p.implementation} ${p.version}`) + (p.executable ? ` — ${code(p.executable)}` : '')],
    ['Compiler', p.compiler ? escapeMarkdown(p.compiler) : 'unknown'],
    ['Debug build', yesNo(p.debugBuild)],
    ['-O level (sys.flags.optimize)', p.optimizeLevel === undefined ? 'unknown' : String(p.optimizeLevel)],
    ['PGO / LTO', flags ? `${yesNo(flags.pgo)} / ${yesNo(flags.lto)}` : 'unknown'],
    ['C optimisation, C asserts', flags ? `${flags.cOptimization ?? 'unknown'}, ${yesNo(flags.assertions)}` : 'unknown'],
    ['JIT (built / on)', flags ? `${yesNo(flags.jitBuild)} / ${yesNo(flags.jitEnabled)}` : 'unknown'],
    ['Free-threading build / GIL off', `${yesNo(p.freeThreadingBuild)} / ${yesNo(p.gilDisabled)}`],
    ['Platform', m.platform ? escapeMarkdown(m.platform) : 'unknown'],
    ['CPU', m.machine?.cpuModel ? escapeMarkdown(m.machine.cpuModel) : 'unknown'],
    ['Cores (machine / usable)', m.machine ? `${m.machine.cpuCount} / ${m.machine.cpusUsable}` : 'unknown'],
    ['Git commit', m.machine?.git ? `${code(m.machine.git.commit)}${m.machine.git.branch ? ` on ${escapeMarkdown(m.machine.git.branch)}` : ' (detached)'}` : m.machine ? 'not a git checkout' : 'unknown'],
  ];
  const env = Object.entries(m.machine?.pythonEnv ?? {});
  rows.push(['PYTHON* variables', !m.machine ? 'unknown' : env.length ? env.map(([k, v]) => code(`${k}=${v}`)).join(', ') : 'none']);
  const lines = [`# Pyrometer run: ${escapeMarkdown(header.label)}`, ''];
  for (const w of warnings) lines.push(`> **Warning:** ${escapeMarkdown(w.message)}`, '');
  lines.push('| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`));
  if (flags?.configureArgs) lines.push('', '<details><summary>configure arguments</summary>', '', code(flags.configureArgs), '', '</details>');
  return lines.join('\n') + '\n';
}
