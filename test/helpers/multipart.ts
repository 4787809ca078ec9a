// multipart/form-data bodies for upload tests (pictures, a class's CSV, note pictures), as a browser
// sends them: each file in the named field with its file name and type.

export interface UploadFile { name: string, data: Buffer, type?: string }

/** A body of several files, each in `field`. */
export function multipartFiles (files: UploadFile[], field = 'file'): { payload: Buffer, headers: Record<string, string> } {
  const boundary = '----rfamtest' + Math.random().toString(16).slice(2)
  const parts = files.flatMap((f) => [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`),
    f.data,
    Buffer.from('\r\n'),
  ])
  return { payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

/** A body of one file. */
export function multipart (data: Buffer, filename: string, type: string, field = 'file') {
  return multipartFiles([{ name: filename, data, type }], field)
}
