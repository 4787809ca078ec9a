/**
 * The file header at the start of every (decompressed) .blend file.
 *
 * Format 0 (every Blender up to 4.x), 12 bytes:  'BLENDER' + pointer size ('_' 4, '-' 8)
 *   + endianness ('v' little, 'V' big) + 3 version digits, e.g. `BLENDER-v304`.
 * Format 1 (Blender 5.0 on), 17 bytes: 'BLENDER' + header size '17' + '-' + format '01'
 *   + 'v' + 4 version digits, e.g. `BLENDER17-01v0500`; always 8-byte pointers, little endian,
 *   and larger block headers (see bhead.ts).
 */
export interface BlendHeader {
  /** Bytes the header takes; block headers start right after it. */
  headerSize: 12 | 17;
  /** 0 = classic block headers, 1 = the 64-bit-length block headers of Blender 5. */
  formatVersion: 0 | 1;
  pointerSize: 4 | 8;
  littleEndian: boolean;
  /** The version number as stored, e.g. 304 for Blender 3.4. */
  versionNumber: number;
  /** Human form of versionNumber: '3.4', '2.79', '5.0'. */
  version: string;
}

export const BLEND_MAGIC = 'BLENDER'
/** Read at least this many bytes before calling parseBlendHeader (the longest header). */
export const BLEND_HEADER_MAX_SIZE = 17

/** What is wrong with a header, as a phrase the caller puts after the file name. */
export interface BlendHeaderProblem {
  problem: string;
  /** 'unsupported' for a well-formed header of a format newer than this reader. */
  kind: 'corrupt' | 'unsupported';
}

/** Parses the header, or says what is wrong with it. */
export function parseBlendHeader (bytes: Uint8Array): BlendHeader | BlendHeaderProblem {
  const text = String.fromCharCode(...bytes.subarray(0, BLEND_HEADER_MAX_SIZE))
  if (!text.startsWith(BLEND_MAGIC)) return { kind: 'corrupt', problem: `it does not start with "${BLEND_MAGIC}"` }
  const pointerChar = text[7]
  if (pointerChar === '_' || pointerChar === '-') {
    const m = /^BLENDER[_-]([vV])(\d{3})/.exec(text)
    if (!m) return { kind: 'corrupt', problem: `its header "${printable(text.slice(0, 12))}" is malformed` }
    const versionNumber = Number(m[2])
    return {
      headerSize: 12,
      formatVersion: 0,
      pointerSize: pointerChar === '_' ? 4 : 8,
      littleEndian: m[1] === 'v',
      versionNumber,
      version: versionString(versionNumber),
    }
  }
  const m = /^BLENDER(\d\d)-(\d\d)([vV])(\d{4})/.exec(text)
  if (!m) return { kind: 'corrupt', problem: `its header "${printable(text.slice(0, 17))}" is malformed` }
  if (m[1] !== '17' || m[2] !== '01' || m[3] !== 'v') {
    return { kind: 'unsupported', problem: `its header "${m[0]}" is from a newer Blender file format than this reader knows` }
  }
  const versionNumber = Number(m[4])
  return {
    headerSize: 17,
    formatVersion: 1,
    pointerSize: 8,
    littleEndian: true,
    versionNumber,
    version: versionString(versionNumber),
  }
}

function versionString (n: number): string {
  return `${Math.floor(n / 100)}.${n % 100}`
}

function printable (s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?')
}
