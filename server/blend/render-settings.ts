// The render settings of a .blend's scene, read without Blender: what `blender -b file -a` would
// render (frame range and step, frame rate, resolution and percentage, engine, camera, output format,
// Cycles denoising). The block walker (read-blend-links.ts) hands every block to a SceneCollector,
// which keeps the few that matter: FileGlobal (which scene is current), the scenes, the data blocks
// written right after a scene (its ID properties, where Cycles keeps its settings) and the start of
// each object (its name, for the camera). Field offsets come from the file's own SDNA, by the names
// DNA keeps across versions (files store the old names: 'sfra', 'xsch', 'size'), so Blender 2.8 to 5
// layouts all read the same way.
import type { RenderSettings } from '../../schemas/generated/types.ts'
import type { BHead } from './bhead.ts'
import type { Sdna, SdnaField } from './sdna.ts'

export type { RenderSettings }

interface Kept { oldPointer: bigint, sdnaIndex: number, data: Uint8Array }

/** Bytes kept of each object: enough for its ID and name in every Blender so far. */
const NAME_PREFIX = 256
/** A scene's own data blocks larger than this are not ID properties: skipped. */
const MAX_SCENE_DATA = 4096
const MAX_SCENE = 1024 * 1024

/** Blender's image types (ImageFormatData.imtype) by their Python name (scene.render.image_settings.file_format). */
const FORMATS: Record<number, string> = {
  0: 'TARGA',
  1: 'IRIS',
  4: 'JPEG',
  14: 'TARGA_RAW',
  15: 'AVI_RAW',
  16: 'AVI_JPEG',
  17: 'PNG',
  20: 'BMP',
  21: 'HDR',
  22: 'TIFF',
  23: 'OPEN_EXR',
  24: 'FFMPEG',
  26: 'CINEON',
  27: 'DPX',
  28: 'OPEN_EXR_MULTILAYER',
  29: 'DDS',
  30: 'JPEG2000',
  31: 'H264',
  32: 'XVID',
  33: 'THEORA',
  34: 'PSD',
  35: 'WEBP',
  36: 'AVIF',
}
/** Image types that write one movie rather than a picture per frame. */
const MOVIES = new Set([15, 16, 24, 31, 32, 33])

const IDP_INT = 1
const IDP_GROUP = 6
const IDP_BOOLEAN = 10

/** What to do with a block: keep all of it, keep its first bytes, or skip it. */
export type Take = { keep: number } | null

export class SceneCollector {
  private glob?: Uint8Array
  private readonly scenes: Kept[] = []
  private readonly sceneData = new Map<bigint, Kept>()
  private readonly objects = new Map<bigint, Uint8Array>()
  private afterScene = false

  /** How many bytes of this block to keep (the rest is skipped); null for none. */
  wants (block: BHead): Take {
    const { code, length } = block
    if (code !== 'DATA') this.afterScene = code === 'SC'
    if (code === 'GLOB') return { keep: Math.min(length, 64 * 1024) }
    if (code === 'SC') return length <= MAX_SCENE ? { keep: length } : null
    if (code === 'DATA') return this.afterScene && length <= MAX_SCENE_DATA ? { keep: length } : null
    if (code === 'OB' || code === 'ID') return { keep: Math.min(length, NAME_PREFIX) }
    return null
  }

  take (block: BHead, data: Uint8Array): void {
    const kept = { oldPointer: block.oldPointer, sdnaIndex: block.sdnaIndex, data }
    if (block.code === 'GLOB') this.glob = data
    else if (block.code === 'SC') this.scenes.push(kept)
    else if (block.code === 'DATA') this.sceneData.set(block.oldPointer, kept)
    else this.objects.set(block.oldPointer, data)
  }

  get hasScene (): boolean { return this.scenes.length > 0 }

  /** The current scene's settings (FileGlobal's scene, else the first); null when there is none or the DNA lacks what is needed. */
  settings (sdna: Sdna, littleEndian: boolean, pointerSize: 4 | 8): RenderSettings | null {
    const r = new Fields(sdna, littleEndian, pointerSize)
    const current = this.glob ? r.pointer(this.glob, 'FileGlobal', 'curscene') : undefined
    const scene = this.scenes.find((s) => s.oldPointer === current && current !== 0n) ?? this.scenes[0]
    if (!scene) return null
    const d = scene.data
    const int = (...path: string[]) => r.number(d, 'Scene', ...path)
    const frameStart = int('r', 'sfra')
    const frameEnd = int('r', 'efra')
    const x = int('r', 'xsch')
    const y = int('r', 'ysch')
    const engine = r.text(d, 'Scene', 'r', 'engine')
    if (frameStart === undefined || frameEnd === undefined || x === undefined || y === undefined || engine === undefined) return null
    const fpsBase = int('r', 'frs_sec_base') || 1
    const imtype = int('r', 'im_format', 'imtype') ?? 17
    const cameraAt = r.pointer(d, 'Scene', 'camera') ?? 0n
    const settings: RenderSettings = {
      scene: r.idName(d, 'Scene'),
      frameStart,
      frameEnd,
      frameStep: int('r', 'frame_step') || 1,
      fps: Math.round(((int('r', 'frs_sec') ?? 24) / fpsBase) * 1000) / 1000,
      resolution: [x, y],
      resolutionPercentage: int('r', 'size') ?? 100,
      engine,
      camera: cameraAt === 0n ? null : this.objectName(r, cameraAt),
      fileFormat: FORMATS[imtype] ?? `UNKNOWN_${imtype}`,
      movie: MOVIES.has(imtype),
      denoising: engine === 'CYCLES' && this.cyclesDenoising(r, d),
    }
    return settings
  }

  private objectName (r: Fields, at: bigint): string {
    const prefix = this.objects.get(at)
    return prefix ? r.idName(prefix, 'ID', true) : ''
  }

  /** Cycles' 'use_denoising', an ID property of the scene ('cycles' group); Blender's default (on) when the file has none. */
  private cyclesDenoising (r: Fields, scene: Uint8Array): boolean {
    for (const field of ['properties', 'system_properties']) {
      const root = this.sceneData.get(r.pointer(scene, 'Scene', 'id', field) ?? 0n)
      const cycles = root && this.child(r, root, 'cycles', IDP_GROUP)
      const use = cycles && this.child(r, cycles, 'use_denoising')
      if (use) return (r.number(use.data, 'IDProperty', 'data', 'val') ?? 1) !== 0
      if (cycles) return true
    }
    return true
  }

  /** The member of an ID property group with this name (and type, when given). */
  private child (r: Fields, group: Kept, name: string, type?: number): Kept | undefined {
    if (r.number(group.data, 'IDProperty', 'type') !== IDP_GROUP) return undefined
    let at = r.pointer(group.data, 'IDProperty', 'data', 'group', 'first')
    for (let guard = 0; at && guard < 10_000; guard++) {
      const prop = this.sceneData.get(at)
      if (!prop) return undefined
      const t = r.number(prop.data, 'IDProperty', 'type')
      if (r.text(prop.data, 'IDProperty', 'name') === name && (type === undefined || t === type || (type === IDP_INT && t === IDP_BOOLEAN))) return prop
      at = r.pointer(prop.data, 'IDProperty', 'next')
    }
    return undefined
  }
}

/** Reads fields of kept blocks by their DNA path ('Scene', 'r', 'sfra'), wherever this file's DNA put them. */
export class Fields {
  private readonly cache = new Map<string, SdnaField & { at: number } | null>()

  constructor (private readonly sdna: Sdna, private readonly le: boolean, private readonly pointerSize: 4 | 8) {}

  /** The field at the end of the path, with its offset from the start of the outer struct. */
  private locate (struct: string, path: string[]): (SdnaField & { at: number }) | undefined {
    const key = [struct, ...path].join('.')
    const known = this.cache.get(key)
    if (known !== undefined) return known ?? undefined
    let type = struct
    let at = 0
    let found: (SdnaField & { at: number }) | null = null
    for (let i = 0; i < path.length; i++) {
      const field = this.sdna.findStruct(type)?.fields.find((f) => f.name === path[i])
      if (!field || (i < path.length - 1 && field.isPointer)) { found = null; break }
      at += field.offset
      type = field.type
      found = { ...field, at }
    }
    this.cache.set(key, found)
    return found ?? undefined
  }

  number (data: Uint8Array, struct: string, ...path: string[]): number | undefined {
    const f = this.locate(struct, path)
    if (!f || f.isPointer || f.at + f.size > data.length) return undefined
    const view = new DataView(data.buffer, data.byteOffset + f.at, f.size)
    switch (f.type) {
      case 'char': case 'uchar': case 'int8_t': case 'uint8_t': return view.getUint8(0)
      case 'short': case 'int16_t': return view.getInt16(0, this.le)
      case 'ushort': case 'uint16_t': return view.getUint16(0, this.le)
      case 'int': case 'int32_t': return view.getInt32(0, this.le)
      case 'uint': case 'uint32_t': return view.getUint32(0, this.le)
      case 'float': return view.getFloat32(0, this.le)
      case 'double': return view.getFloat64(0, this.le)
      default: return undefined
    }
  }

  pointer (data: Uint8Array, struct: string, ...path: string[]): bigint | undefined {
    const f = this.locate(struct, path)
    if (!f || !f.isPointer || f.at + this.pointerSize > data.length) return undefined
    const view = new DataView(data.buffer, data.byteOffset + f.at, this.pointerSize)
    return this.pointerSize === 8 ? view.getBigUint64(0, this.le) : BigInt(view.getUint32(0, this.le))
  }

  text (data: Uint8Array, struct: string, ...path: string[]): string | undefined {
    const f = this.locate(struct, path)
    if (!f || f.type !== 'char' || f.isPointer || f.at + f.size > data.length) return undefined
    const bytes = data.subarray(f.at, f.at + f.size)
    const end = bytes.indexOf(0)
    return new TextDecoder('utf-8').decode(end < 0 ? bytes : bytes.subarray(0, end))
  }

  /** An ID's name without its two-letter type code ('SCScene' → 'Scene'); `direct` when data starts with the ID itself. */
  idName (data: Uint8Array, struct: string, direct = false): string {
    const name = direct ? this.text(data, 'ID', 'name') : this.text(data, struct, 'id', 'name')
    return (name ?? '').slice(2)
  }
}
