# Layer 1 (base): paths in the .blend that leave the project (also run by render nodes, alone).
"""Paths in the open .blend that reach outside its project: what a render node refuses to render.

Runs in two places, so a student sees before submitting exactly what a node would refuse: the
add-on's preflight, and a render node's Blender before it renders a frame (node/blender/rfam_run.py
loads this file by path, outside the add-on: it imports only os and bpy).

Listed:
  * every compositor File Output node (in any scene, inside node groups too) whose base path is
    absolute, or whose files land outside the job's output folder (a node's Blender may write only
    there);
  * every external file (image, linked library, movie clip, sound, font, cache file, volume, and
    anything else Blender reads from disk) loaded by an absolute path, or found outside the
    project folder (after resolving '..' and links).
Packed files are inside the .blend and never listed.
"""

import os

import bpy

RFAM_OP_SHOWN = 5

# The bpy.data collections holding external files, with what a person calls one (the preflight's
# per-file checks walk the same list).
EXTERNAL_KINDS = (
    ("libraries", "linked library"),
    ("images", "image"),
    ("movieclips", "movie clip"),
    ("sounds", "sound"),
    ("fonts", "font"),
    ("cache_files", "cache file"),
    ("volumes", "volume"),
)


def _rfam_op_inside(root, path):
    try:
        real_root = os.path.realpath(root)
        return os.path.commonpath([real_root, os.path.realpath(path)]) == real_root
    except ValueError:
        return False


def _rfam_op_absolute(raw):
    return bool(raw) and not raw.startswith("//")


def _rfam_op_file_outputs(tree, seen):
    """Every File Output node of a node tree, inside its groups too (each group once)."""
    if tree is None or tree in seen:
        return
    seen.add(tree)
    for node in tree.nodes:
        if node.type == 'OUTPUT_FILE':
            yield node
        elif node.type == 'GROUP':
            yield from _rfam_op_file_outputs(node.node_tree, seen)


def _rfam_op_file_output_problems(node, root):
    """The paths a File Output node writes that are absolute or land outside `root`, as shown."""
    base = node.base_path
    absolute_base = os.path.normpath(bpy.path.abspath(base))
    if _rfam_op_absolute(base) or not _rfam_op_inside(root, absolute_base):
        return [base]
    if node.format.file_format == 'OPEN_EXR_MULTILAYER':
        return []
    shown = []
    for slot in node.file_slots:
        # Blender joins the slot's path under the base path, even a path starting with '/'.
        written = os.path.normpath(os.path.join(absolute_base, slot.path.lstrip("/\\")))
        if not _rfam_op_inside(root, written):
            shown.append(base.rstrip("/") + "/" + slot.path)
    return shown


def external_paths(block, collection):
    """The raw paths a data-block of `collection` (one of EXTERNAL_KINDS) reads: none for packed and
    generated ones. The preflight lists the same files one by one."""
    if getattr(block, "packed_file", None) is not None:
        return []
    if collection == "images":
        if block.source not in {'FILE', 'SEQUENCE', 'MOVIE', 'TILED'}:
            return []
        if block.source == 'TILED':
            return [block.filepath.replace("<UDIM>", str(tile.number)) for tile in block.tiles]
    if collection == "fonts" and block.filepath == "<builtin>":
        return []
    return [block.filepath] if block.filepath else []


def find(project, output_dir=None):
    """What reaches outside: a list of (what, path shown) pairs, in the order found.

    project: the project folder; output_dir: the job's output folder (File Output nodes must
    write inside it), or None to require only the project folder.
    """
    found = []
    known = set()

    def add(what, shown):
        if (what, shown) not in known:
            known.add((what, shown))
            found.append((what, shown))

    write_root = output_dir or project
    trees = set()
    for scene in bpy.data.scenes:
        for node in _rfam_op_file_outputs(scene.node_tree, trees):
            for shown in _rfam_op_file_output_problems(node, write_root):
                add("File Output node '%s' writes to" % node.name, shown)
    seen = set()
    for collection, kind in EXTERNAL_KINDS:
        for block in getattr(bpy.data, collection, []):
            for raw in external_paths(block, collection):
                absolute = os.path.normpath(bpy.path.abspath(raw, library=block.library))
                seen.add(absolute)
                if (block.library is None and _rfam_op_absolute(raw)) or not _rfam_op_inside(project, absolute):
                    add("%s '%s' reads" % (kind, block.name), raw)
    # Anything else Blender reads from disk (sequencer strips, IES lights, caches, scripts...).
    for absolute in bpy.utils.blend_paths(absolute=True, packed=False, local=False):
        absolute = os.path.normpath(absolute)
        if absolute in seen or "<UDIM>" in absolute or "<UVTILE>" in absolute:
            continue
        seen.add(absolute)
        if not _rfam_op_inside(project, absolute):
            add("Blender reads", absolute)
    return found


def _rfam_op_shown(project, absolute, raw):
    """A path as the student knows it: inside the project relative to it ('props/cake.blend'),
    elsewhere as the .blend stores it."""
    if _rfam_op_inside(project, absolute):
        return os.path.relpath(os.path.realpath(absolute), os.path.realpath(project)).replace(os.sep, "/")
    return raw


def _rfam_op_linked_from(library):
    """Names of what a library should have brought: its collections, else its objects (at most 5)."""
    for collection in (bpy.data.collections, bpy.data.objects):
        names = [block.name for block in collection if block.library == library]
        if names:
            return names[:5]
    return []


def find_missing(project):
    """External files the open .blend uses that are not there (Blender renders without them, and
    says little): a list of {"kind", "path", "users"}. kind: "library", "image", "font", "sound",
    "movie clip", "cache file", "volume" or "file"; path: inside the project relative to it, elsewhere
    as stored; users: what needs it (a library: the linked collections or objects it should have
    brought; anything else: the data-block that loads it)."""
    found = []
    seen = set()
    for collection, kind in EXTERNAL_KINDS:
        for block in getattr(bpy.data, collection, []):
            if collection == "images" and block.users == 0:
                continue
            for raw in external_paths(block, collection):
                absolute = os.path.normpath(bpy.path.abspath(raw, library=block.library))
                if absolute in seen:
                    continue
                seen.add(absolute)
                if os.path.exists(absolute):
                    continue
                library = collection == "libraries"
                found.append({"kind": "library" if library else kind, "path": _rfam_op_shown(project, absolute, raw),
                              "users": _rfam_op_linked_from(block) if library else [block.name]})
    for absolute in bpy.utils.blend_paths(absolute=True, packed=False, local=False):
        absolute = os.path.normpath(absolute)
        if absolute in seen or "<UDIM>" in absolute or "<UVTILE>" in absolute or "#" in os.path.basename(absolute):
            continue
        seen.add(absolute)
        if not os.path.exists(absolute):
            found.append({"kind": "file", "path": _rfam_op_shown(project, absolute, absolute), "users": []})
    return found


def listing(found):
    """What reaches outside, for a sentence: at most RFAM_OP_SHOWN, then how many more."""
    items = ["%s %s" % (what, shown) for what, shown in found[:RFAM_OP_SHOWN]]
    more = len(found) - len(items)
    if more:
        items.append("%d more" % more)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def advice(found, output_folder="the job's output folder"):
    """How to fix what was found (starts in lower case)."""
    fix = ("keep every file it uses inside the project folder and make the paths relative "
           "(File > External Data > Make Paths Relative)")
    if any(what.startswith("File Output node") for what, _ in found):
        fix += ", and set each File Output node's base path to a folder inside %s" % output_folder
    return fix


def sentence(found, output_folder="the job's output folder"):
    """One sentence for a student: what reaches outside, and how to fix it."""
    return "The farm does not render this file: it uses paths outside its project (%s); %s." % (
        listing(found), advice(found, output_folder))
