"""Previews of frames a browser cannot show as they are written, for the job's page: at most one
every few seconds, saved beside the frames (`.rfam-preview.jpg` / `.rfam-preview.png`, written whole
then renamed) and announced as `RFAM_PREVIEW <path>`; and a proxy of each such frame for the frames
viewer (`.proxies/<frame>.jpg`, `RFAM_PROXY <path>`). A failure only prints `RFAM_NO_PREVIEW
<reason>` / `RFAM_NO_PROXY <reason>`: the frame is what counts.

Imported by session.py (frames in formats a browser cannot show) and video_setup.py (a movie
frame), which the node runs with --python (node/blender-args.ts).
"""

import os
import shutil
import time

import bpy

# Output formats the server's picture library reads as they are (no job preview needed).
VIEWABLE_FORMATS = ("PNG", "JPEG", "WEBP", "TIFF")
# Output formats a browser shows as they are (no proxy needed).
BROWSER_FORMATS = ("PNG", "JPEG", "WEBP")
# Proxies: at most this wide, in this folder beside the frames.
PROXY_WIDTH = 960
PROXY_FOLDER = ".proxies"
# The fewest seconds between two previews.
EVERY = 3


class Throttle:
    """Says when the next preview is due: the first at once, then after EVERY seconds."""

    def __init__(self, every=EVERY):
        self.every = every
        self.last = -1e9

    def due(self, now=None):
        now = time.perf_counter() if now is None else now
        if now - self.last < self.every:
            return False
        self.last = now
        return True


def _saved(out, save, said="RFAM_PREVIEW", failed="RFAM_NO_PREVIEW"):
    """Saves through save(temporary path), then renames to out and announces it; whether it did."""
    tmp = out + ".part" + os.path.splitext(out)[1]
    try:
        save(tmp)
        os.replace(tmp, out)
        print("%s %s" % (said, out), flush=True)
        return True
    except Exception as e:
        print("%s %s" % (failed, e), flush=True)
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


def proxy_path(path):
    """Where the proxy of a frame file goes: `.proxies/<its name>.jpg` in its folder (the server
    looks for it there: server/farm/frame-proxies.ts)."""
    folder, name = os.path.split(path)
    return os.path.join(folder, PROXY_FOLDER, os.path.splitext(name)[0] + ".jpg")


def proxy_size(width, height):
    """The proxy's size: at most PROXY_WIDTH wide, the frame's shape kept; None when it is small enough."""
    if width <= PROXY_WIDTH or height <= 0:
        return None
    return PROXY_WIDTH, max(1, round(height * PROXY_WIDTH / width))


class FramePreviews:
    """For a session: the frame just written in a format a browser cannot show (OpenEXR, HDR, DPX,
    TIFF …) loaded back once and saved as its proxy, a JPEG at most PROXY_WIDTH wide in `.proxies/`
    beside it, through the file's own view transform, so a linear EXR looks as it does in Blender;
    and, at most every few seconds, that proxy copied as the job's `.rfam-preview.jpg` (for formats
    the server's picture library cannot read either). (Saving the Render Result through the preview
    scene finds no pixels, so the written file is loaded back.) A proxy that fails only prints
    `RFAM_NO_PROXY <reason>` (the server then makes one itself when it is asked for)."""

    def __init__(self):
        self.throttle = Throttle()
        self.scene = None

    def forget_scene(self):
        """A file was loaded: the preview scene went with the old one."""
        self.scene = None

    def _jpeg_scene(self, scene):
        if self.scene is None:
            self.scene = bpy.data.scenes.new("rfam-preview")
            self.scene.render.image_settings.file_format = "JPEG"
            self.scene.render.image_settings.quality = 80
        p = self.scene
        p.display_settings.display_device = scene.display_settings.display_device
        for a in ("view_transform", "look", "exposure", "gamma"):
            setattr(p.view_settings, a, getattr(scene.view_settings, a))
        return p

    def after_frame(self, scene, path, preview=True):
        proxy = proxy_path(path)

        def save(tmp):
            p = self._jpeg_scene(scene)
            img = bpy.data.images.load(path)
            try:
                size = proxy_size(*img.size)
                if size:
                    img.scale(*size)
                img.save_render(filepath=tmp, scene=p)
            finally:
                bpy.data.images.remove(img)

        try:
            os.makedirs(os.path.dirname(proxy), exist_ok=True)
        except OSError as e:
            print("RFAM_NO_PROXY %s" % e, flush=True)
            return
        if not _saved(proxy, save, "RFAM_PROXY", "RFAM_NO_PROXY") or not (preview and self.throttle.due()):
            return
        _saved(os.path.join(os.path.dirname(path), ".rfam-preview.jpg"), lambda tmp: shutil.copyfile(proxy, tmp))


def save_render_result(path):
    """For a movie: the frame just written saved as `.rfam-preview.png` beside it, from the Render
    Result (a movie frame cannot be read back), through the scene's own view transform, as in the
    movie. (Saving the Render Result through another scene finds no pixels; a movie format saves as
    PNG.)"""
    def save(tmp):
        bpy.data.images["Render Result"].save_render(filepath=tmp)

    _saved(os.path.join(os.path.dirname(path), ".rfam-preview.png"), save)
