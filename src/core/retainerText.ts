import path = require('path');
import { byteSize } from './byteSize';
import { escapeMarkdown } from './markdownText';
import { placeOf } from './memoryPlace';
import type { MemoryResult } from './memoryResult';
import { rootsHolding, RetainedType, RetainerRoot } from './memoryRetainers';
import { groupThousands } from './pstatsNumbers';

/** Where the sampled objects of each type were allocated: `line 7 (dict, list, str), line 23 (tuple)`. */
function allocatedAt(root: RetainerRoot, filePath: string): string {
  const typesBySite = new Map<string, string[]>();
  for (const t of root.types) {
    const site = t.sites[0];
    if (!site) continue;
    const place = site.file === filePath ? `line ${site.line}` : `${path.basename(site.file)}:${site.line}`;
    typesBySite.set(place, [...(typesBySite.get(place) ?? []), t.type]);
  }
  return [...typesBySite].map(([place, types]) => `${place} (${types.join(', ')})`).join(', ');
}

function objectsPhrase(n: number): string {
  return `${groupThousands(n)} ${n === 1 ? 'object' : 'objects'}`;
}

/**
 * The CodeLens on the line that binds a root:
 * `memory: _cache keeps 43.0 MiB alive at the end (498,973 objects, the most of any global) · allocated at line 7 (dict, list)`.
 */
export function retainerLens(root: RetainerRoot, rank: number, filePath: string): string {
  const where = allocatedAt(root, filePath);
  return `memory: ${root.name} keeps ${byteSize(root.bytes)} alive at the end (${objectsPhrase(root.objects)}` +
    (rank === 0 ? ', the most of any global)' : `, #${rank + 1} among globals)`) +
    (where ? ` · allocated at ${where}` : '');
}

function typeRow(result: MemoryResult, t: RetainedType): string {
  const sites = t.sites.map(s => `\`${placeOf(result, s.file, s.line)}\` (${groupThousands(s.sampled)} of ${groupThousands(t.sampled)} sampled)`);
  return `| ${escapeMarkdown(t.type)} | ${groupThousands(t.objects)} | ${byteSize(t.bytes)} | ${sites.join(', ') || '—'} |`;
}

/** The hover of a root's line: what it keeps alive, by type, and where those objects were allocated. */
export function retainerHoverMarkdown(result: MemoryResult, root: RetainerRoot, filePath: string): string {
  const parts = [`**${escapeMarkdown(root.name)}** (${escapeMarkdown(root.type)}) keeps ${byteSize(root.bytes)} alive at the end ` +
    `in ${objectsPhrase(root.objects)} (${groupThousands(root.bytes)} bytes, \`sys.getsizeof\`)`, '',
    '| type | objects | size | allocated at (sampled) |', '|:--|--:|--:|:--|', ...root.types.map(t => typeRow(result, t))];
  if (root.typesOmitted > 0) parts.push('', `${root.typesOmitted} smaller ${root.typesOmitted === 1 ? 'type' : 'types'} not listed.`);
  parts.push('', '_Everything reachable from the name at the end of the run. tracemalloc charges memory to the line that ' +
    'allocated it; this is who holds it. An object reached from two globals counts in both._');
  if (!allocatedAt(root, filePath)) parts.push('', '_No sampled object has a tracemalloc traceback (allocated before tracing started)._');
  return parts.join('\n');
}

/** For an allocating line's hover: the globals whose objects were allocated there. Undefined when none. */
export function rootsHoldingMarkdown(result: MemoryResult, filePath: string, line1: number): string | undefined {
  const holders = rootsHolding(result.retainers, filePath, line1);
  if (holders.length === 0) return undefined;
  const items = holders.map(root => {
    const types = root.types.filter(t => t.sites.some(s => s.file === filePath && s.line === line1)).map(t => t.type);
    return `- **${escapeMarkdown(root.name)}** (\`${placeOf(result, root.file, root.line)}\`) keeps ${byteSize(root.bytes)} alive: ` +
      `its ${types.map(escapeMarkdown).join(', ')} objects were allocated here (sampled)`;
  });
  return ['**Kept alive at the end by**', '', ...items].join('\n');
}
