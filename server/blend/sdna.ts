/**
 * The SDNA held by a file's DNA1 block: the names, types and layouts of every struct Blender
 * wrote, so a field's offset is looked up instead of hard-coded per Blender version.
 *
 * Layout (all counts int32, lengths and indices int16, in the file's byte order; each section
 * starts 4-byte aligned from the block start):
 *   'SDNA' 'NAME' n  n NUL-terminated field names ('*next', 'filepath[1024]', '(*func)()')
 *          'TYPE' n  n NUL-terminated type names ('char', 'ID', 'Library')
 *          'TLEN'    n int16 type sizes
 *          'STRC' n  n structs: type index, field count, then (type index, name index) per field
 */
export interface SdnaField {
  /** The name without pointer stars, parentheses or array sizes: 'filepath'. */
  name: string;
  /** The name as stored: 'filepath[1024]', '*parent'. */
  storedName: string;
  type: string;
  offset: number;
  size: number;
  isPointer: boolean;
}

export interface SdnaStruct {
  type: string;
  size: number;
  fields: SdnaField[];
}

export interface Sdna {
  structCount: number;
  /** The struct at an index, as block headers refer to them. */
  structAt(index: number): SdnaStruct | undefined;
  findStruct(type: string): SdnaStruct | undefined;
}

/** Thrown for a malformed DNA block; the caller turns it into a BlendFileError naming the file. */
export class SdnaError extends Error {}

export function parseSdna (data: Uint8Array, littleEndian: boolean, pointerSize: 4 | 8): Sdna {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  let pos = 0
  const need = (n: number) => {
    if (pos + n > data.length) throw new SdnaError('the DNA block ends too early')
  }
  const tag = (expected: string) => {
    need(4)
    const got = text.toString('latin1', pos, pos + 4)
    if (got !== expected) throw new SdnaError(`the DNA block has "${got}" where "${expected}" belongs`)
    pos += 4
  }
  const int32 = () => {
    need(4)
    const v = view.getInt32(pos, littleEndian)
    pos += 4
    if (v < 0 || v > 1_000_000) throw new SdnaError('the DNA block has an impossible count')
    return v
  }
  const int16 = () => {
    need(2)
    const v = view.getInt16(pos, littleEndian)
    pos += 2
    return v
  }
  // Only where each string starts is noted; a handful of them are ever decoded (see text below).
  const strings = (n: number) => {
    const starts = new Int32Array(n + 1)
    for (let i = 0; i < n; i++) {
      starts[i] = pos
      const end = data.indexOf(0, pos)
      if (end < 0) throw new SdnaError('the DNA block ends inside a name')
      pos = end + 1
    }
    starts[n] = pos
    return starts
  }
  const align4 = () => {
    pos = (pos + 3) & ~3
  }

  tag('SDNA')
  tag('NAME')
  const nameStarts = strings(int32())
  const nameCount = nameStarts.length - 1
  align4()
  tag('TYPE')
  const typeStarts = strings(int32())
  const typeCount = typeStarts.length - 1
  align4()
  tag('TLEN')
  const typeSizesAt = pos
  need(typeCount * 2)
  pos += typeCount * 2
  align4()
  tag('STRC')
  const structCount = int32()
  // Where each struct's field list starts; fields are decoded only for the structs asked for.
  const structStarts = new Int32Array(structCount)
  const structTypes = new Int32Array(structCount)
  for (let i = 0; i < structCount; i++) {
    structStarts[i] = pos
    const type = int16()
    const fieldCount = int16()
    if (type < 0 || type >= typeCount || fieldCount < 0) throw new SdnaError(`DNA struct ${i} is malformed`)
    structTypes[i] = type
    need(fieldCount * 4)
    pos += fieldCount * 4
  }

  const stringAt = (starts: Int32Array, i: number) => text.toString('latin1', starts[i]!, starts[i + 1]! - 1)
  const typeName = (i: number) => stringAt(typeStarts, i)
  const typeSize = (i: number) => view.getInt16(typeSizesAt + 2 * i, littleEndian)
  const decoded = new Map<number, SdnaStruct>()
  let byType: Map<string, number> | undefined

  const structAt = (index: number): SdnaStruct | undefined => {
    if (index < 0 || index >= structCount) return undefined
    let s = decoded.get(index)
    if (s) return s
    const type = typeName(structTypes[index]!)
    let p = structStarts[index]! + 2
    const fieldCount = view.getInt16(p, littleEndian)
    p += 2
    const fields: SdnaField[] = []
    let offset = 0
    for (let f = 0; f < fieldCount; f++, p += 4) {
      const typeIndex = view.getInt16(p, littleEndian)
      const nameIndex = view.getInt16(p + 2, littleEndian)
      if (typeIndex < 0 || typeIndex >= typeCount || nameIndex < 0 || nameIndex >= nameCount) {
        throw new SdnaError(`DNA struct ${type} has a field out of range`)
      }
      const storedName = stringAt(nameStarts, nameIndex)
      const isPointer = storedName.startsWith('*') || storedName.startsWith('(')
      const size = (isPointer ? pointerSize : typeSize(typeIndex)) * arrayLength(storedName)
      fields.push({ name: bareName(storedName), storedName, type: typeName(typeIndex), offset, size, isPointer })
      offset += size
    }
    const size = typeSize(structTypes[index]!)
    // makesdna guarantees fields fill a struct exactly; anything else means a damaged DNA block.
    if (offset !== size) throw new SdnaError(`DNA struct ${type} is ${size} bytes but its fields add up to ${offset}`)
    s = { type, size, fields }
    decoded.set(index, s)
    return s
  }

  return {
    structCount,
    structAt,
    findStruct: (type) => {
      byType ??= new Map(Array.from(structTypes, (t, i) => [typeName(t), i]))
      const i = byType.get(type)
      return i === undefined ? undefined : structAt(i)
    },
  }
}

/** 'filepath[1024]' → 1024, 'mat[4][4]' → 16, 'id' → 1. */
function arrayLength (storedName: string): number {
  let n = 1
  for (const m of storedName.matchAll(/\[(\d+)\]/g)) n *= Number(m[1])
  return n
}

/** '*next' → 'next', '(*func)()' → 'func', 'filepath[1024]' → 'filepath'. */
function bareName (storedName: string): string {
  return /\w+/.exec(storedName)?.[0] ?? storedName
}
