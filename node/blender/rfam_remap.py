"""Absolute paths of a .blend laid out away from the share, made to point at the job folder.

A node without the share renders a job's files in a job folder of its own (node/shipped-files.ts),
laid out as the project is on the server. A .blend saved with "Relative Paths" off stores the
server's project folder in its paths (/srv/rfam/data/red/textures/wood.png): before the path check
and the first frame, every such path of the file's own libraries, images, movie clips, sounds,
fonts, caches and volumes is made relative to the loaded file, into the job folder, and libraries are
loaded again from there. Paths elsewhere are left as they are (the path check refuses them).
"""
import os

import bpy

# The datablocks with a filepath of their own (data linked from a library keep their library's).
KINDS = ("libraries", "images", "movieclips", "sounds", "fonts", "cache_files", "volumes")


def _inside(path, root):
    return path == root or path.startswith(root.rstrip("/") + "/")


def remap(place):
    """Remaps paths under place["serverProject"] into place["project"]; returns the old paths."""
    server = (place or {}).get("serverProject")
    project = (place or {}).get("project")
    if not server or not project or os.path.normpath(server) == os.path.normpath(project):
        return []
    server = os.path.normpath(server)
    changed = []
    # A library loaded again may bring libraries of its own (absolute too): a few passes.
    for _ in range(4):
        found = False
        for kind in KINDS:
            for item in getattr(bpy.data, kind, []):
                path = getattr(item, "filepath", "")
                if not path or path.startswith("//") or getattr(item, "library", None) is not None:
                    continue
                if getattr(item, "packed_file", None) is not None:
                    continue
                normal = os.path.normpath(path)
                if not _inside(normal, server):
                    continue
                here = os.path.join(project, os.path.relpath(normal, server))
                item.filepath = bpy.path.relpath(here)
                if kind == "libraries":
                    item.reload()
                changed.append(path)
                found = True
        if not found:
            break
    if changed:
        print("RFAM: %d absolute paths of the server's project now point into the job folder"
              % len(changed), flush=True)
    return changed
