// Drawing the frames viewer's picture: one render, or two renders of the same asset compared side by
// side or with a wipe (the second render shown right of a line that can be dragged). Zoom and pan
// apply to both alike, so the same pixels sit under each other.

export type CompareMode = 'side' | 'wipe'

export interface View {
  zoom: number
  /** Pan in picture-area pixels. */
  panX: number
  panY: number
  /** The wipe line, 0 (left edge) to 1 (right edge). */
  wipe: number
}

/** Where a picture of w×h goes in a box of bw×bh: fitted whole, centred, then zoomed and panned. */
function placement (w: number, h: number, bx: number, bw: number, bh: number, view: View) {
  const scale = Math.min(bw / w, bh / h) * view.zoom
  const dw = w * scale
  const dh = h * scale
  return { x: bx + (bw - dw) / 2 + view.panX, y: (bh - dh) / 2 + view.panY, w: dw, h: dh }
}

/**
 * Draws `a` (and `b` to compare, when given) on the canvas; a missing picture leaves its part dark
 * (the player says why in words). Sizes are the canvas's own pixels.
 */
export function drawFrames (ctx: CanvasRenderingContext2D, a: ImageBitmap | undefined, b: ImageBitmap | undefined | null, mode: CompareMode, view: View): void {
  const { width, height } = ctx.canvas
  ctx.fillStyle = '#111'
  ctx.fillRect(0, 0, width, height)
  const draw = (bitmap: ImageBitmap | undefined, bx: number, bw: number) => {
    if (!bitmap) return
    const p = placement(bitmap.width, bitmap.height, bx, bw, height, view)
    ctx.drawImage(bitmap, p.x, p.y, p.w, p.h)
  }
  if (b === null) {
    draw(a, 0, width)
    return
  }
  if (mode === 'side') {
    const half = Math.floor(width / 2)
    ctx.save()
    ctx.beginPath(); ctx.rect(0, 0, half, height); ctx.clip()
    draw(a, 0, half)
    ctx.restore()
    ctx.save()
    ctx.beginPath(); ctx.rect(half, 0, width - half, height); ctx.clip()
    draw(b, half, width - half)
    ctx.restore()
    return
  }
  // Wipe: both in the same place; the second one right of the line.
  const line = Math.round(width * view.wipe)
  draw(a, 0, width)
  ctx.save()
  ctx.beginPath(); ctx.rect(line, 0, width - line, height); ctx.clip()
  ctx.fillStyle = '#111'
  ctx.fillRect(line, 0, width - line, height)
  draw(b ?? undefined, 0, width)
  ctx.restore()
  ctx.fillStyle = '#fff'
  ctx.fillRect(line - 1, 0, 2, height)
}
