// The numbers of the .zip container (PKWARE's APPNOTE.TXT) that RFAM reads and writes: one place for
// the reader of uploaded pictures (pictures/zip-reader.ts) and the writer of the add-on's zip
// (addon/zip-writer.ts), so both speak the same format.

/** Signatures: the first four bytes of a local header, a central directory entry and the end record. */
export const LOCAL_HEADER = 0x04034b50
export const DIRECTORY_ENTRY = 0x02014b50
export const END_OF_DIRECTORY = 0x06054b50

/** Fixed lengths in bytes, before a name (and extra field, and comment) that follow. */
export const LOCAL_HEADER_SIZE = 30
export const DIRECTORY_ENTRY_SIZE = 46
export const END_SIZE = 22

/** General purpose flags. */
export const ENCRYPTED = 0x1
export const UTF8_NAMES = 0x800

/** Compression methods. */
export const STORED = 0
export const DEFLATED = 8
