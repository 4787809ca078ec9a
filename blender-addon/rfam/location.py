# Layer 1 (base): where the open file sits in its project (no bpy, no other rfam module).
"""Where the open file sits in its project, without asking the server.

Every RFAM project folder holds a project.json at its top, so the project folder is the nearest
folder above the .blend that has one; the asset's id is the file's path inside that folder, with
'/' separators. This works whatever the share is mounted as on this machine.
"""

import os

PROJECT_FILE = "project.json"


class Location:
    """`root`: the project folder (absolute); `path`: the file's path inside it ('props/cake.blend')."""

    def __init__(self, root, path):
        self.root = root
        self.path = path

    def __eq__(self, other):
        return isinstance(other, Location) and (self.root, self.path) == (other.root, other.path)

    def __repr__(self):
        return "Location(%r, %r)" % (self.root, self.path)


def project_root_of(filepath):
    """The nearest folder above `filepath` holding project.json, or None."""
    folder = os.path.dirname(os.path.abspath(filepath))
    while True:
        if os.path.isfile(os.path.join(folder, PROJECT_FILE)):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def locate(filepath):
    """The Location of a saved file, or None when it is not inside a project folder."""
    if not filepath:
        return None
    root = project_root_of(filepath)
    if root is None:
        return None
    rel = os.path.relpath(os.path.abspath(filepath), root)
    return Location(root, rel.replace(os.sep, "/"))


def inside(root, path):
    """Whether the absolute `path` is inside the folder `root` (after resolving '..' and links)."""
    try:
        real_root = os.path.realpath(root)
        real = os.path.realpath(path)
        return os.path.commonpath([real_root, real]) == real_root
    except ValueError:       # different drives on Windows
        return False
