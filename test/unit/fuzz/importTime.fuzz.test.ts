import * as assert from 'assert';
import { parseImportTime, ImportTree } from '../../../src/core/importTime';
import { describeParserFuzz, readFixture } from './parserProperties';

/** Parent/child links and start orders a tree view follows without checking. */
function assertTreeLinks(tree: ImportTree): void {
  const n = tree.nodes.length;
  const orders = new Set<number>();
  for (const node of tree.nodes) {
    assert.ok(node.parent >= -1 && node.parent < n, `parent ${node.parent} of ${n}`);
    for (const c of node.children) assert.strictEqual(tree.nodes[c].parent, node.index);
    orders.add(node.startOrder);
  }
  assert.strictEqual(orders.size, n, 'every node has its own start order');
  for (const r of tree.roots) assert.strictEqual(tree.nodes[r].parent, -1);
}

describeParserFuzz({
  name: 'parseImportTime (python -X importtime)',
  parse: parseImportTime,
  seeds: ['asyncio-3.12.txt', 'asyncio-3.8.txt', 'interleaved-3.12.txt'].map((f) => readFixture(`importtime/${f}`)),
  json: false,
  checkModel: assertTreeLinks,
}, { random: 2000, mutated: 4000 });
