# Layer 2 (features): checks of the open file before it goes to the farm, and the Check file operator.
"""Checks before a render is sent to the farm: anything a render node would trip over.

Each problem is one plain sentence plus how to fix it. Blocking problems stop the submission
(the node would fail or render the wrong thing); warnings are shown and submission can go on.
"""

import os
import re

import bpy

from . import location, outside_paths
from .state import cache, redraw
from .words import tr

MOVIE_FORMATS = {'FFMPEG', 'AVI_JPEG', 'AVI_RAW'}


class Problem:
    """blocking: True stops the submission. fix: what to do. operator: a button that does it (or '')."""

    def __init__(self, blocking, message, fix, operator=""):
        self.blocking = blocking
        self.message = message
        self.fix = fix
        self.operator = operator

    def __repr__(self):
        return "Problem(%s, %r)" % ("blocking" if self.blocking else "warning", self.message)

    def sentence(self):
        return "%s %s" % (self.message, self.fix)


def blocking(problems):
    return [p for p in problems or [] if p.blocking]


def check(context, video=None):
    """Runs every check on the open file, keeps the result for the panel and returns it."""
    s = context.window_manager.rfam
    problems = scan(context.scene, bpy.data.filepath, bpy.data.is_dirty,
                    s.render_video if video is None else video)
    cache.preflight = problems
    redraw()
    return problems


def scan(scene, filepath, dirty, video):
    problems = []
    loc = location.locate(filepath) if filepath else None
    if not filepath:
        problems.append(Problem(True, tr("check:never-saved"), tr("check:never-saved-fix"), "wm.save_as_mainfile"))
    elif loc is None:
        problems.append(Problem(True, tr("check:outside"), tr("check:outside-fix")))
    elif dirty:
        problems.append(Problem(True, tr("check:unsaved"), tr("check:unsaved-fix"), "wm.save_mainfile"))
    if loc is not None:
        reported = set()
        problems += file_problems(loc.root, reported)
        problems += outside_problems(loc, reported)
    problems += scene_problems(scene, video)
    return problems


# ---------------------------------------------------------------------------------------------
# The scene: camera, frames, output format, engine features.

def scene_problems(scene, video):
    problems = []
    render = scene.render
    if scene.camera is None:
        problems.append(Problem(True, tr("check:no-camera", scene=scene.name), tr("check:no-camera-fix")))
    if scene.frame_end < scene.frame_start:
        problems.append(Problem(True, tr("check:frames", end=scene.frame_end, start=scene.frame_start),
                                tr("check:frames-fix")))
    movie = render.image_settings.file_format in MOVIE_FORMATS
    if movie and not video:
        # Rendered as it is, every frame would become its own one-frame movie; RFAM's nodes write
        # PNG pictures instead, which is probably still not what was meant.
        problems.append(Problem(False, tr("check:movie", format=_format_name(render)), tr("check:movie-fix")))
    if video and not movie:
        problems.append(Problem(False, tr("check:pictures", format=_format_name(render)), tr("check:pictures-fix")))
    if scene.render.engine == 'CYCLES':
        problems += cycles_problems(scene)
    if scene.use_nodes and scene.node_tree:
        for node in scene.node_tree.nodes:
            if node.type == 'DENOISE' and not node.mute:
                problems.append(Problem(False, tr("check:denoise-node"), tr("check:denoise-node-fix")))
                break
    return problems


def cycles_problems(scene):
    problems = []
    cycles = getattr(scene, "cycles", None)
    if cycles is None:
        return problems
    if getattr(cycles, "use_denoising", False):
        problems.append(Problem(False, tr("check:denoise"), tr("check:denoise-fix")))
    if getattr(cycles, "device", "CPU") == 'GPU':
        problems.append(Problem(False, tr("check:gpu"), tr("check:gpu-fix")))
    return problems


def _format_name(render):
    fmt = render.image_settings.file_format
    if fmt == 'FFMPEG':
        return "FFmpeg video"
    return fmt.replace("_", " ").title().replace("Png", "PNG").replace("Jpeg", "JPEG").replace("Exr", "EXR")


# ---------------------------------------------------------------------------------------------
# External files: everything the .blend loads from disk must exist, be inside the project and be
# reached by a relative path (render nodes mount the share somewhere else).


def file_problems(root, reported=None):
    """Problems of each external file; the raw paths they are about are added to `reported`."""
    problems = []
    seen = set()
    reported = set() if reported is None else reported

    def add(found, raw):
        if found:
            reported.add(raw)
        problems.extend(found)

    for collection, kind in outside_paths.EXTERNAL_KINDS:
        for block in getattr(bpy.data, collection, []):
            for raw in _paths_of(block, collection):
                absolute = os.path.normpath(bpy.path.abspath(raw, library=block.library))
                seen.add(absolute)
                add(_path_problems(kind, block.name, raw, absolute, root, block.library), raw)
    for modifier_path, what in _simulation_caches():
        absolute = os.path.normpath(bpy.path.abspath(modifier_path))
        seen.add(absolute)
        add(_path_problems(what, "", modifier_path, absolute, root, None, folder=True), modifier_path)
    # Anything else Blender knows reads from disk (sequencer strips, IES lights, scripts…).
    for absolute in bpy.utils.blend_paths(absolute=True, packed=False, local=False):
        absolute = os.path.normpath(absolute)
        if absolute in seen or "<UDIM>" in absolute or "<UVTILE>" in absolute:
            continue
        seen.add(absolute)
        add(_path_problems("file", "", absolute, absolute, root, None, check_absolute=False), absolute)
    return problems


def outside_problems(loc, reported):
    """What a render node refuses before rendering (outside_paths.py, which nodes run too), in the
    node's words, less the files said above already: File Output nodes writing outside the output
    folder a job sent from here gets (renders/<its path in the project without .blend>/, as the
    server makes it)."""
    name = re.sub(r"\.blend$", "", loc.path, flags=re.IGNORECASE)
    output = os.path.join(loc.root, "renders", *name.split("/"))
    found = [(what, shown) for what, shown in outside_paths.find(loc.root, output) if shown not in reported]
    if not found:
        return []
    fix = outside_paths.advice(found, "renders/%s/" % name)
    return [Problem(True, "The farm does not render this file: it uses paths outside its project (%s)."
                    % outside_paths.listing(found), fix[:1].upper() + fix[1:] + ".")]


def _paths_of(block, collection):
    # An image nobody uses is not saved with the file, so the farm never reads it.
    if collection == "images" and block.users == 0:
        return []
    return outside_paths.external_paths(block, collection)


def _simulation_caches():
    """Baked caches that live in folders: fluid domains and disk point caches."""
    for obj in bpy.data.objects:
        for mod in obj.modifiers:
            if mod.type == 'FLUID' and mod.fluid_type == 'DOMAIN':
                settings = mod.domain_settings
                if settings.cache_type in {'ALL', 'MODULAR'} and settings.cache_directory:
                    yield settings.cache_directory, "fluid cache of '%s'" % obj.name
        for system in obj.particle_systems:
            cache_ = system.point_cache
            if cache_.use_disk_cache and cache_.use_external and cache_.filepath:
                yield cache_.filepath, "particle cache of '%s'" % obj.name


def _path_problems(kind, name, raw, absolute, root, library, folder=False, check_absolute=True):
    label = ("the %s '%s'" % (kind, name)) if name else ("the %s" % kind)
    label = label[:1].upper() + label[1:]
    source = " (used by the linked library %s)" % library.filepath if library else ""
    shown = raw if raw.startswith("//") else absolute
    present = os.path.isdir(absolute) if folder else os.path.exists(absolute)
    if not present:
        return [Problem(True, "%s is missing: %s is not there%s." % (label, shown, source),
                        "Find it (File > External Data > Find Missing Files), or remove what uses it.")]
    if not location.inside(root, absolute):
        return [Problem(True, "%s is outside the project folder (%s)%s: render nodes cannot see it."
                        % (label, absolute, source),
                        "Copy it into the project folder and load it from there, or pack it into the .blend "
                        "(File > External Data > Pack Resources).")]
    if check_absolute and library is None and not raw.startswith("//"):
        return [Problem(True, "%s is loaded by an absolute path (%s), which render nodes do not have." % (label, raw),
                        "Make the paths relative (File > External Data > Make Paths Relative).",
                        "file.make_paths_relative")]
    return []


class RFAM_OT_preflight(bpy.types.Operator):
    """Check the open file for anything that would stop a render on the farm"""
    bl_idname = "rfam.preflight"
    bl_label = "Check file"

    def execute(self, context):
        problems = check(context)
        stops = blocking(problems)
        if stops:
            self.report({'WARNING'}, "%d problem(s) to fix before rendering: %s" % (len(stops), stops[0].message))
        else:
            self.report({'INFO'}, "Ready for the farm" + (" (%d warning(s))" % len(problems) if problems else "."))
        return {'FINISHED'}


classes = (RFAM_OT_preflight,)

register, unregister = bpy.utils.register_classes_factory(classes)
