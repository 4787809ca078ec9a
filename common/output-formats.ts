// Blender's output formats as the student sees them in Output Properties, by their Python names
// (FFMPEG, OPEN_EXR…): the server's warnings and the web UI's render facts name formats the same way.
// Plain data with no imports, so the web bundle takes it as it is.

const FORMAT_NAMES: Record<string, string> = {
  FFMPEG: 'FFmpeg Video',
  AVI_JPEG: 'AVI JPEG',
  AVI_RAW: 'AVI Raw',
  OPEN_EXR: 'OpenEXR',
  OPEN_EXR_MULTILAYER: 'OpenEXR MultiLayer',
  TARGA_RAW: 'Targa Raw',
  JPEG2000: 'JPEG 2000',
  HDR: 'Radiance HDR',
}

/** A format's name in Blender's menu; one not listed is its Python name with spaces (PNG, TIFF, JPEG). */
export function formatName (format: string): string {
  return FORMAT_NAMES[format] ?? format.replace(/_/g, ' ')
}
