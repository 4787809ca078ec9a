# Layer 3 (ui): the RFAM tab of the 3D viewport's sidebar; draws, never asks the server.
"""The RFAM tab of the 3D viewport's sidebar: log-in, the open file's asset, and rendering.

draw_* functions only read state.cache and the WindowManager fields: they never talk to the
server or walk the file, so drawing stays instant. They take any `layout`, so tests can pass a
recording one (Blender draws nothing in background mode).
"""

import re
import textwrap

import bpy

from . import login_picker, render, render_stats
from .asset_ops import can_edit
from .preferences import prefs
from .state import cache, edited_fields, priority_name, state_name, type_info, ui, user_name

LEVEL_ICONS = {'INFO': 'INFO', 'WARNING': 'ERROR', 'ERROR': 'CANCEL'}


def _chars(context):
    """About how many characters fit on one line of the sidebar (after margins and an icon)."""
    region = getattr(context, "region", None)
    width = region.width if region is not None and region.width > 1 else 300
    scale = (context.preferences.system.ui_scale if context.preferences else 0) or 1.0   # 0 in background mode
    return max(16, int((width - 56 * scale) / (7.0 * scale)))


_UNIT = re.compile(r"(\d) (s|min|h)\b")


def wrapped(layout, context, text, icon='NONE'):
    """A paragraph as several labels (Blender's labels do not wrap); the icon goes on the first."""
    col = layout.column(align=True)
    keep = _UNIT.sub("\\1\u00a0\\2", text)          # '33 s' stays on one line
    lines = textwrap.wrap(keep, _chars(context)) or [""]
    for n, line in enumerate(lines):
        col.label(text=line.replace("\u00a0", " "), icon=icon if n == 0 else 'BLANK1' if icon != 'NONE' else 'NONE')
    return col


# ---------------------------------------------------------------------------------------------
# Log-in (also drawn in the add-on's preferences)

def draw_login(layout, context, in_preferences=False):
    p = prefs(context)
    if p is None:
        layout.label(text="The RFAM add-on is not enabled.", icon='ERROR')
        return
    if p.token:
        row = layout.row(align=True)
        # Names, as the server gave them: "Mia Chen · The Cake Heist".
        row.label(text="%s · %s" % (p.logged_in_as or p.user, p.project_name or p.project), icon='USER')
        row.operator("rfam.refresh", text="", icon='FILE_REFRESH')
        row.operator("rfam.logout", text="", icon='UNLINKED')
        if in_preferences:
            layout.prop(p, "server_url")
    else:
        draw_connect(layout, context, p)
    if cache.version_warning:
        wrapped(layout.box(), context, cache.version_warning, 'ERROR')
    if cache.message:
        wrapped(layout, context, cache.message, LEVEL_ICONS.get(cache.message_level, 'INFO'))


def draw_connect(layout, context, p):
    """Not logged in: the connect code from the website (one field, one button); by name is folded away."""
    col = layout.column()
    wrapped(col, context, "Get a connect code on RFAM's website (your profile, \"Use RFAM in Blender\") "
            "and type it here.", 'INFO')
    col.prop(p, "connect_code")
    row = col.row()
    row.enabled = "login" not in cache.busy
    row.operator("rfam.connect", icon='LINKED')
    wrapped(col, context, "Server: %s" % p.server_url)
    layout.prop(p, "by_name", icon='TRIA_DOWN' if p.by_name else 'TRIA_RIGHT', emboss=False)
    if p.by_name:
        col = layout.column()
        row = col.row(align=True)
        row.prop(p, "server_url")
        row.operator("rfam.find_people", text="", icon='FILE_REFRESH')
        if login_picker.offered() is not None:
            # By their names, as on the website's log-in page: "The Cake Heist", "Mia Chen".
            pick = login_picker.picker(context)
            col.prop(pick, "project")
            col.prop(pick, "person")
        else:
            wrapped(col, context, "Press the arrows next to the server to list its projects and people.")
        col.prop(p, "secret")
        row = col.row()
        row.enabled = "login" not in cache.busy and bool(p.project and p.user)
        row.operator("rfam.login", icon='LINKED')


class VIEW3D_PT_rfam(bpy.types.Panel):
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "RFAM"
    bl_label = "RFAM"

    def draw(self, context):
        draw_login(self.layout, context)


# ---------------------------------------------------------------------------------------------
# The open file's asset

FILE_STATUS_TEXT = {
    'unsaved': ("This file has not been saved yet. Save it inside your project's folder to use RFAM with it.", 'FILE'),
    'outside': ("This file is not inside a project folder (no project.json in any folder above it). Save it inside "
                "your project's folder to use RFAM with it.", 'ERROR'),
    'logged_out': ("Log in to see this file's asset.", 'LOCKED'),
    'loading': ("Asking the server about this file…", 'SORTTIME'),
}


def draw_asset(layout, context):
    status = cache.file_status
    if status in FILE_STATUS_TEXT:
        text, icon = FILE_STATUS_TEXT[status]
        wrapped(layout, context, text, icon)
    elif status == 'error':
        wrapped(layout, context, cache.file_error, 'ERROR')
        layout.operator("rfam.refresh", icon='FILE_REFRESH', text="Try again")
    elif status == 'not_asset':
        draw_register(layout, context)
    elif status == 'asset':
        draw_asset_view(layout, context, cache.asset)


def draw_register(layout, context):
    wrapped(layout, context, "%s is not an asset of your project yet." % cache.location.path, 'QUESTION')
    s = ui(context)
    col = layout.column()
    col.prop(s, "new_type")
    col.prop(s, "new_name")
    col.operator("rfam.register_asset", icon='ADD')


def draw_asset_view(layout, context, view):
    meta = view.get("meta")
    if meta is None:
        wrapped(layout, context,
                "%s is an asset, but its sidecar file is broken: %s" % (view["path"], view.get("broken", "")), 'ERROR')
        return
    s = ui(context)
    editable = can_edit()
    kind = type_info(meta["type"])
    box = layout.box()
    wrapped(box, context, meta["name"], 'ASSET_MANAGER')
    wrapped(box, context, view["path"], 'FILE_BLEND')
    grid = layout.column(align=True)
    _pair(grid, "Type", kind["name"] if kind else meta["type"])
    _pair(grid, "Owner", user_name(meta.get("owner")))
    if meta.get("support"):
        _pair(grid, "Helping", ", ".join(user_name(u) for u in meta["support"]))
    if editable:
        col = layout.column(align=True)
        row = col.split(factor=0.35)
        row.label(text="State")
        row.prop(s, "edit_state", text="")
        row = col.split(factor=0.35)
        row.label(text="Priority")
        value = row.row(align=True)
        value.prop(s, "edit_priority", text="")
        level = priority_name(s.edit_priority)
        if level:
            value.label(text=level)
        layout.prop(s, "edit_description", text="")
        row = layout.row()
        changed = edited_fields(context)
        row.enabled = bool(changed) and "update" not in cache.busy
        row.operator("rfam.update_asset", icon='CHECKMARK',
                     text="Save changes" if changed else "No changes to save")
    else:
        _pair(grid, "State", state_name(meta["state"]))
        level = priority_name(meta["priority"])
        _pair(grid, "Priority", "%d%s" % (meta["priority"], " (%s)" % level if level else ""))
        if meta.get("description"):
            wrapped(layout, context, meta["description"])
        wrapped(layout, context, "Log in to change this asset.", 'LOCKED')
    if view["truePriority"] != meta["priority"]:
        wrapped(layout, context,
                "Others are waiting for it: it counts as priority %d." % view["truePriority"], 'SORT_DESC')
    draw_dependencies(layout, context, view)
    draw_render_stats(layout, context, meta)


def _pair(layout, name, value):
    row = layout.split(factor=0.35)
    row.label(text=name)
    row.label(text=str(value))


def draw_dependencies(layout, context, view):
    needs = view.get("dependencies") or []
    missing = set(view.get("missingLinks") or [])
    if not needs and not view.get("dependents"):
        return
    col = layout.column(align=True)
    if needs:
        col.label(text="Needs:")
        for path in needs:
            col.label(text=path, icon='ERROR' if path in missing else 'LINKED')
    if view.get("dependents"):
        col.label(text="Needed by:")
        for path in view["dependents"]:
            col.label(text=path, icon='BACK')


def draw_render_stats(layout, context, meta):
    summary = render_stats.summarise(meta.get("renderStats"))
    col = layout.column(align=True)
    col.label(text="Render times", icon='RENDER_STILL')
    if summary is None:
        col.label(text="Not rendered on the farm yet.")
        return
    scene = context.scene
    count = render_stats.frame_count(scene.frame_start, scene.frame_end, scene.frame_step)
    if summary.mean is not None:
        _pair(col, "Mean", "%s a frame" % render_stats.duration(summary.mean))
        _pair(col, "Fastest", "%s (frame %d)" % (render_stats.duration(summary.fastest[1]), summary.fastest[0]))
        _pair(col, "Slowest", "%s (frame %d)" % (render_stats.duration(summary.slowest[1]), summary.slowest[0]))
        estimate = render_stats.duration(summary.estimate(count))
        wrapped(col, context, "All %d frames: about %s on one node." % (count, estimate))
    if summary.video is not None:
        _pair(col, "Last video", render_stats.duration(summary.video))


class VIEW3D_PT_rfam_asset(bpy.types.Panel):
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "RFAM"
    bl_label = "Asset"
    bl_parent_id = "VIEW3D_PT_rfam"

    def draw(self, context):
        draw_asset(self.layout, context)


# ---------------------------------------------------------------------------------------------
# Rendering: options, preflight, submit, the job's progress, the last picture

def draw_render(layout, context):
    if cache.file_status not in {'asset', 'not_asset'}:
        wrapped(layout, context, "Open a saved file of your project to render it.")
        return
    s = ui(context)
    scene = context.scene
    col = layout.column(align=True)
    step = " (every %d)" % scene.frame_step if scene.frame_step != 1 else ""
    wrapped(col, context, "Frames %d–%d%s of the scene '%s'" % (scene.frame_start, scene.frame_end, step, scene.name))
    col.prop(s, "render_video")
    row = col.split(factor=0.62, align=True)
    row.prop(s, "render_own_priority")
    sub = row.row()
    sub.enabled = s.render_own_priority
    sub.prop(s, "render_priority", text="")
    draw_preflight(layout, context)
    layout.operator("rfam.preflight", icon='VIEWZOOM')
    go = layout.row()
    go.scale_y = 1.4
    go.enabled = "submit" not in cache.busy and not (cache.preflight and any(p.blocking for p in cache.preflight))
    go.operator("rfam.submit_render", icon='RENDER_ANIMATION')
    if cache.job:
        draw_job(layout, context, cache.job, render.is_active(cache.job))
    if cache.preview_icon:
        layout.label(text="Last frame:")
        layout.template_icon(icon_value=cache.preview_icon, scale=6.0)


def draw_preflight(layout, context):
    problems = cache.preflight
    if problems is None:
        return
    if not problems:
        layout.label(text="Ready for the farm.", icon='CHECKMARK')
        return
    for problem in problems:
        box = layout.box()
        wrapped(box, context, problem.message, 'CANCEL' if problem.blocking else 'ERROR')
        wrapped(box, context, problem.fix, 'BLANK1')
        if problem.operator:
            box.operator(problem.operator, text="Fix it: " + _operator_label(problem.operator))


def _operator_label(idname):
    return {"file.make_paths_relative": "make paths relative", "wm.save_mainfile": "save",
            "wm.save_as_mainfile": "save as"}.get(idname, idname)


def draw_job(layout, context, job, active):
    box = layout.box()
    counts = job["counts"]
    wrapped(box, context, "%s: %s" % (job["name"], job["status"]), 'RENDER_ANIMATION' if active else 'INFO')
    col = box.column(align=True)
    col.label(text="%d of %d frames done (%d%%)%s" % (
        counts["done"], counts["frames"], round(job["progress"] * 100),
        ", %d failed" % counts["failed"] if counts["failed"] else ""))
    if job.get("nodes"):
        wrapped(col, context, "Rendering on " + ", ".join(job["nodes"]))
    if job.get("meanFrameSeconds") is not None:
        col.label(text="%s a frame" % render_stats.duration(job["meanFrameSeconds"]))
    if active and job.get("estimatedSecondsLeft") is not None:
        col.label(text="About %s left" % render_stats.duration(job["estimatedSecondsLeft"]))
    if job.get("message"):
        wrapped(box, context, job["message"], 'INFO')
    failure = job.get("lastFailure")
    if failure:
        where = "A frame" if failure.get("frame") is None else "Frame %d" % failure["frame"]
        wrapped(box, context, "%s failed on %s: %s" % (where, failure["node"], failure["message"]), 'ERROR')
        tail = (failure.get("logTail") or "").strip().splitlines()[-8:]
        if tail:
            log = box.column(align=True)
            for line in tail:
                log.label(text=line[-_chars(context):])
            box.operator("rfam.copy_log", icon='COPYDOWN')
    if active and render.may_change(job):
        box.operator("rfam.cancel_render", icon='CANCEL')
    elif active:
        wrapped(box, context, "Only the person who started this job, the people working on its asset, "
                "or a teacher can cancel it.", 'LOCKED')


class VIEW3D_PT_rfam_render(bpy.types.Panel):
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "RFAM"
    bl_label = "Render on the farm"
    bl_parent_id = "VIEW3D_PT_rfam"

    @classmethod
    def poll(cls, context):
        p = prefs(context)
        return bool(p and p.token)

    def draw(self, context):
        draw_render(self.layout, context)


classes = (VIEW3D_PT_rfam, VIEW3D_PT_rfam_asset, VIEW3D_PT_rfam_render)

register, unregister = bpy.utils.register_classes_factory(classes)
