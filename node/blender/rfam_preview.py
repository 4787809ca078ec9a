"""Previews of frames a browser cannot show as they are written, for the job's page: at most one
every few seconds, saved beside the frames (`.rfam-preview.jpg` / `.rfam-preview.png`, written whole
then renamed) and announced as `RFAM_PREVIEW <path>`. A failure only prints `RFAM_NO_PREVIEW
<reason>`: the frame is what counts.

Imported by session.py (frames in formats a browser cannot show) and video_setup.py (a movie
frame), which the node runs with --python (node/blender-args.ts).
"""

import os
import time

import bpy

# Output formats a browser shows (and the server's picture library reads) as they are.
VIEWABLE_FORMATS = ("PNG", "JPEG", "WEBP", "TIFF")
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


def _saved(out, save):
    """Saves through save(temporary path), then renames to out and announces it."""
    try:
        tmp = out + ".part" + os.path.splitext(out)[1]
        save(tmp)
        os.replace(tmp, out)
        print("RFAM_PREVIEW %s" % out, flush=True)
    except Exception as e:
        print("RFAM_NO_PREVIEW %s" % e, flush=True)


class FramePreviews:
    """For a session: the frame just written (OpenEXR, HDR, DPX …) saved as `.rfam-preview.jpg` in
    its folder, through the file's own view transform, so a linear EXR looks as it does in Blender.
    (Saving the Render Result through the preview scene finds no pixels, so the written file is
    loaded back.)"""

    def __init__(self):
        self.throttle = Throttle()
        self.scene = None

    def forget_scene(self):
        """A file was loaded: the preview scene went with the old one."""
        self.scene = None

    def after_frame(self, scene, path):
        if not self.throttle.due():
            return

        def save(tmp):
            if self.scene is None:
                self.scene = bpy.data.scenes.new("rfam-preview")
                self.scene.render.image_settings.file_format = "JPEG"
                self.scene.render.image_settings.quality = 80
            p = self.scene
            p.display_settings.display_device = scene.display_settings.display_device
            for a in ("view_transform", "look", "exposure", "gamma"):
                setattr(p.view_settings, a, getattr(scene.view_settings, a))
            img = bpy.data.images.load(path)
            try:
                img.save_render(filepath=tmp, scene=p)
            finally:
                bpy.data.images.remove(img)

        _saved(os.path.join(os.path.dirname(path), ".rfam-preview.jpg"), save)


def save_render_result(path):
    """For a movie: the frame just written saved as `.rfam-preview.png` beside it, from the Render
    Result (a movie frame cannot be read back), through the scene's own view transform, as in the
    movie. (Saving the Render Result through another scene finds no pixels; a movie format saves as
    PNG.)"""
    def save(tmp):
        bpy.data.images["Render Result"].save_render(filepath=tmp)

    _saved(os.path.join(os.path.dirname(path), ".rfam-preview.png"), save)
