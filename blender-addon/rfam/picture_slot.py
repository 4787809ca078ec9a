# Layer 1 (base): one picture from the server (bytes) kept as a Blender icon the panel can draw.
"""A picture the panel shows from bytes the server sent: the asset's thumbnail (asset_ops) and the
last frame of a job (render). Both take the same steps, so they live here once: Blender loads icons
only from files, so the bytes go to a temporary file, which is loaded into a bpy.utils.previews
collection of the slot's own; the picture before and its file are forgotten.

    slot = PictureSlot("rfam-preview-")
    slot.open()                      # in the owner's register()
    size, icon = slot.show(key, data)
    slot.close()                     # in its unregister(): the collection and the file go
"""

import os
import tempfile

import bpy
import bpy.utils.previews   # a submodule `import bpy` does not load


class PictureSlot:
    def __init__(self, prefix):
        self.prefix = prefix      # of the temporary file's name: 'rfam-thumbnail-', 'rfam-preview-'
        self.file = ""            # the temporary copy on disk of the picture shown, '' when none
        self._previews = None     # the bpy.utils.previews collection, None while closed

    def open(self):
        self._previews = bpy.utils.previews.new()

    def is_open(self):
        return self._previews is not None

    def show(self, key, data):
        """Shows `data` (a PNG or JPEG file's bytes) in place of the picture before; returns its size in
        pixels and its icon_id (0 in background mode: Blender makes no icons there)."""
        suffix = ".jpg" if data[:3] == b"\xff\xd8\xff" else ".png"
        handle, filename = tempfile.mkstemp(prefix=self.prefix, suffix=suffix)
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        self._previews.clear()
        self._forget_file()
        self.file = filename
        picture = self._previews.load(key, filename, 'IMAGE', force_reload=True)
        return tuple(picture.image_size), picture.icon_id   # reading the size loads the picture now

    def close(self):
        if self._previews is not None:
            bpy.utils.previews.remove(self._previews)
        self._previews = None
        self._forget_file()

    def _forget_file(self):
        if self.file:
            try:
                os.remove(self.file)
            except OSError:
                pass
        self.file = ""
