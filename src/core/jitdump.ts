import { ProfileFormatError } from './profileErrors';
import type { CodeSymbol } from './perfMap';

/**
 * A jitdump file (`/tmp/jit-PID.dump`, written by `python -X perf_jit`, 3.13+), as the perf jitdump specification
 * (tools/perf/Documentation/jitdump-specification.txt) describes it:
 * - header: magic u32 (0x4A695444 "JiTD" in the writer's byte order), version u32, header size u32, ELF machine u32,
 *   pad u32, pid u32, timestamp u64, flags u64;
 * - records: id u32, total size u32, timestamp u64, then the body. JIT_CODE_LOAD (id 0): pid u32, tid u32, vma u64,
 *   code address u64, code size u64, code index u64, NUL-terminated name, then the code bytes.
 *   Other records (MOVE 1, DEBUG_INFO 2, CLOSE 3, UNWINDING_INFO 4) are skipped by their size.
 * Only the code loads matter here: they name the code at each address (`py::qualname:/abs/file.py`).
 * A file cut short (the process killed while writing) keeps the records before the cut.
 */
export interface JitDump {
  readonly pid: number;
  readonly version: number;
  readonly elfMachine: number;
  readonly symbols: CodeSymbol[];
  /** The last record was incomplete (cut short); the ones before it are kept. */
  readonly truncated: boolean;
}

const MAGIC = 0x4a695444;
const CODE_LOAD = 0;

export function parseJitDump(data: Uint8Array, fileName = 'jitdump'): JitDump {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.byteLength < 40) throw new ProfileFormatError(`${fileName} is not a jitdump file: ${data.byteLength} bytes, shorter than its 40-byte header.`);
  let little: boolean;
  if (view.getUint32(0, true) === MAGIC) little = true;
  else if (view.getUint32(0, false) === MAGIC) little = false;
  else throw new ProfileFormatError(`${fileName} is not a jitdump file (no "JiTD" magic at its start).`);
  const u32 = (o: number) => view.getUint32(o, little);
  const u64 = (o: number) => {
    const v = view.getBigUint64(o, little);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProfileFormatError(`${fileName}: a 64-bit field at byte ${o} is beyond what an address can be (${v}).`);
    return Number(v);
  };
  const version = u32(4);
  const headerSize = u32(8);
  if (headerSize < 40 || headerSize > data.byteLength) throw new ProfileFormatError(`${fileName}: header size ${headerSize} is out of range.`);
  const elfMachine = u32(12);
  const pid = u32(20);
  const symbols: CodeSymbol[] = [];
  let offset = headerSize;
  let truncated = false;
  while (offset < data.byteLength) {
    if (offset + 16 > data.byteLength) { truncated = true; break; }
    const id = u32(offset);
    const size = u32(offset + 4);
    if (size < 16) throw new ProfileFormatError(`${fileName}: record at byte ${offset} has size ${size}, smaller than a record header.`);
    if (offset + size > data.byteLength) { truncated = true; break; }
    if (id === CODE_LOAD) {
      const body = offset + 16;
      if (size < 16 + 40 + 1) throw new ProfileFormatError(`${fileName}: code load record at byte ${offset} is too short (${size} bytes).`);
      const codeAddress = u64(body + 16);
      const codeSize = u64(body + 24);
      const nameStart = body + 40;
      let nameEnd = nameStart;
      while (nameEnd < offset + size && data[nameEnd] !== 0) nameEnd++;
      if (nameEnd >= offset + size) throw new ProfileFormatError(`${fileName}: code load record at byte ${offset} has no NUL-terminated name.`);
      const name = new TextDecoder('utf-8').decode(data.subarray(nameStart, nameEnd));
      symbols.push({ start: codeAddress, size: codeSize, name, order: symbols.length });
    }
    offset += size;
  }
  return { pid, version, elfMachine, symbols, truncated };
}
