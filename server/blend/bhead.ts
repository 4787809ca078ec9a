import type { BlendHeader } from './blend-header.ts'

/**
 * A block header ("BHead"): what follows it, how long it is, and which DNA struct it holds.
 * Three layouts exist, chosen by the file header:
 * - BHead4 (4-byte pointers), 20 bytes:     code, len i32, old u32, sdna i32, count i32
 * - SmallBHead8 (8-byte pointers), 24 bytes: code, len i32, old u64, sdna i32, count i32
 * - LargeBHead8 (format 1, Blender 5), 32 bytes: code, sdna i32, old u64, len i64, count i64
 */
export interface BHead {
  /** Four characters with trailing NULs removed: 'LI', 'DNA1', 'ENDB', 'DATA', 'OB', ... */
  code: string;
  /** Bytes of data after the header. */
  length: number;
  /** The block's address in memory when saved; pointers in other blocks refer to it. */
  oldPointer: bigint;
  /** Index into the file's SDNA structs of the struct the data holds. */
  sdnaIndex: number;
  /** How many of that struct the data holds. */
  count: number;
}

export function bheadSize (header: BlendHeader): number {
  if (header.formatVersion === 1) return 32
  return header.pointerSize === 4 ? 20 : 24
}

/** Decodes one block header from exactly bheadSize(header) bytes. */
export function parseBHead (bytes: Uint8Array, header: BlendHeader): BHead {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const le = header.littleEndian
  const code = readCode(bytes)
  if (header.formatVersion === 1) {
    return {
      code,
      sdnaIndex: view.getInt32(4, le),
      oldPointer: view.getBigUint64(8, le),
      length: toNumber(view.getBigInt64(16, le)),
      count: toNumber(view.getBigInt64(24, le)),
    }
  }
  if (header.pointerSize === 4) {
    return {
      code,
      length: view.getInt32(4, le),
      oldPointer: BigInt(view.getUint32(8, le)),
      sdnaIndex: view.getInt32(12, le),
      count: view.getInt32(16, le),
    }
  }
  return {
    code,
    length: view.getInt32(4, le),
    oldPointer: view.getBigUint64(8, le),
    sdnaIndex: view.getInt32(16, le),
    count: view.getInt32(20, le),
  }
}

function readCode (bytes: Uint8Array): string {
  let code = ''
  for (let i = 0; i < 4 && bytes[i] !== 0; i++) code += String.fromCharCode(bytes[i]!)
  return code
}

/** Out-of-range 64-bit values become -1, which the walker rejects as corrupt. */
function toNumber (n: bigint): number {
  return n >= 0n && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : -1
}
