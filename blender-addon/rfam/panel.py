# Layer 3 (ui): the RFAM tab of the 3D viewport's sidebar; draws, never asks the server.
"""The RFAM tab of the 3D viewport's sidebar: log-in, the open file's asset, and rendering.

draw_* functions only read state.cache and the WindowManager fields: they never talk to the
server or walk the file, so drawing stays instant. They take any `layout`, so tests can pass a
recording one (Blender draws nothing in background mode).
"""

import bpy

from . import login_picker, render, render_stats
from .asset_ops import can_edit
from .preferences import prefs
from .state import cache, edited_fields, priority_name, state_name, type_info, type_name, ui, user_name
from .words import sentence, tr, warning_text
from .panel_text import line_chars, wrapped
from .note_panel import draw_latest_note, draw_notifications

LEVEL_ICONS = {'INFO': 'INFO', 'WARNING': 'ERROR', 'ERROR': 'CANCEL'}
# The share of the sidebar's width for a field's name ("State", "Zuständig") beside its value.
LABEL_COLUMN = 0.42


# ---------------------------------------------------------------------------------------------
# Log-in (also drawn in the add-on's preferences)

def draw_login(layout, context, in_preferences=False):
    p = prefs(context)
    if p is None:
        layout.label(text=tr("addon:not-enabled"), icon='ERROR')
        return
    if p.token:
        row = layout.row(align=True)
        # Names, as the server gave them: "Mia Chen", then "The Cake Heist" on a line of its own (side
        # by side they were cut off at the sidebar's default width).
        row.label(text=p.logged_in_as or p.user, icon='USER')
        row.operator("rfam.refresh", text="", icon='FILE_REFRESH')
        row.operator("rfam.logout", text="", icon='UNLINKED')
        wrapped(layout, context, p.project_name or p.project, 'FILE_FOLDER')
        if in_preferences:
            layout.prop(p, "server_url", text=tr("addon:server"))
    else:
        draw_connect(layout, context, p)
    if cache.version_warning:
        wrapped(layout.box(), context, cache.version_warning, 'ERROR')
    if cache.message:
        wrapped(layout, context, cache.message, LEVEL_ICONS.get(cache.message_level, 'INFO'))


def draw_connect(layout, context, p):
    """Not logged in: the connect code from the website (one field, one button); by name is folded away."""
    col = layout.column()
    wrapped(col, context, tr("addon:connect-hint"), 'INFO')
    col.prop(p, "connect_code", text=tr("addon:connect-code"))
    row = col.row()
    row.enabled = "login" not in cache.busy
    row.operator("rfam.connect", icon='LINKED', text=tr("addon:connect"))
    wrapped(col, context, tr("addon:server-is", server=p.server_url))
    layout.prop(p, "by_name", text=tr("addon:by-name"), icon='TRIA_DOWN' if p.by_name else 'TRIA_RIGHT', emboss=False)
    if p.by_name:
        col = layout.column()
        row = col.row(align=True)
        row.prop(p, "server_url", text=tr("addon:server"))
        row.operator("rfam.find_people", text="", icon='FILE_REFRESH')
        if login_picker.offered() is not None:
            # By their names, as on the website's log-in page: "The Cake Heist", "Mia Chen".
            pick = login_picker.picker(context)
            col.prop(pick, "project", text=tr("addon:project"))
            col.prop(pick, "person", text=tr("addon:person"))
        else:
            wrapped(col, context, tr("addon:find-people-hint"))
        col.prop(p, "secret", text=tr("addon:secret"))
        row = col.row()
        row.enabled = "login" not in cache.busy and bool(p.project and p.user)
        row.operator("rfam.login", icon='LINKED', text=tr("login:button"))


class _RfamTab:
    """Where every RFAM panel sits: the RFAM tab of the 3D viewport's sidebar."""
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "RFAM"


class VIEW3D_PT_rfam(_RfamTab, bpy.types.Panel):
    bl_label = "RFAM"

    def draw(self, context):
        draw_login(self.layout, context)


# ---------------------------------------------------------------------------------------------
# The open file's asset

FILE_STATUS_TEXT = {
    'unsaved': ("addon:file-unsaved", 'FILE'),
    'outside': ("addon:file-outside", 'ERROR'),
    'logged_out': ("addon:file-logged-out", 'LOCKED'),
    'loading': ("addon:file-loading", 'SORTTIME'),
}


def draw_asset(layout, context):
    status = cache.file_status
    if status in FILE_STATUS_TEXT:
        key, icon = FILE_STATUS_TEXT[status]
        wrapped(layout, context, tr(key), icon)
    elif status == 'error':
        wrapped(layout, context, cache.file_error, 'ERROR')
        layout.operator("rfam.refresh", icon='FILE_REFRESH', text=tr("action:retry"))
    elif status == 'not_asset':
        draw_register(layout, context)
    elif status == 'asset':
        draw_asset_view(layout, context, cache.asset)


def draw_register(layout, context):
    wrapped(layout, context, tr("addon:not-asset", path=cache.location.path), 'QUESTION')
    s = ui(context)
    col = layout.column()
    col.prop(s, "new_type", text=tr("asset:type"))
    col.prop(s, "new_name", text=tr("asset:name"))
    col.operator("rfam.register_asset", icon='ADD', text=tr("addon:register"))


def draw_asset_view(layout, context, view):
    meta = view.get("meta")
    if meta is None:
        wrapped(layout, context, tr("addon:broken", path=view["path"], reason=view.get("broken", "")), 'ERROR')
        return
    s = ui(context)
    editable = can_edit()
    kind = type_info(meta["type"])
    box = layout.box()
    wrapped(box, context, meta["name"], 'ASSET_MANAGER')
    wrapped(box, context, view["path"], 'FILE_BLEND')
    if cache.thumbnail_icon:
        box.template_icon(icon_value=cache.thumbnail_icon, scale=5.0)
    grid = layout.column(align=True)
    _pair(grid, tr("asset:type"), type_name(meta["type"]) if kind else meta["type"])
    _pair(grid, tr("asset:owner"), user_name(meta.get("owner")))
    if meta.get("support"):
        _pair(grid, tr("asset:supporters"), ", ".join(user_name(u) for u in meta["support"]))
    if editable:
        col = layout.column(align=True)
        row = col.split(factor=LABEL_COLUMN)
        row.label(text=tr("asset:state"))
        row.prop(s, "edit_state", text="")
        row = col.split(factor=LABEL_COLUMN)
        row.label(text=tr("asset:priority"))
        value = row.row(align=True)
        value.prop(s, "edit_priority", text="")
        level = priority_name(s.edit_priority)
        if level:
            value.label(text=level)
        layout.label(text=tr("asset:description"))
        layout.prop(s, "edit_description", text="")
        row = layout.row()
        changed = edited_fields(context)
        row.enabled = bool(changed) and "update" not in cache.busy
        row.operator("rfam.update_asset", icon='CHECKMARK',
                     text=tr("addon:save-changes") if changed else tr("addon:no-changes"))
    else:
        _pair(grid, tr("asset:state"), state_name(meta["state"]))
        level = priority_name(meta["priority"])
        _pair(grid, tr("asset:priority"), "%d%s" % (meta["priority"], " (%s)" % level if level else ""))
        if meta.get("description"):
            wrapped(layout, context, meta["description"])
        wrapped(layout, context, tr("addon:login-to-change"), 'LOCKED')
    if view["truePriority"] != meta["priority"]:
        wrapped(layout, context, tr("priority:boosted", value=view["truePriority"]), 'SORT_DESC')
    draw_latest_note(layout, context, cache.latest_note)
    draw_notifications(layout, context, cache.notifications, cache.notifications_unread)
    draw_dependencies(layout, context, view)
    if meta.get("renderWarnings"):
        box = layout.box()
        box.label(text="Its latest render was missing something:", icon='ERROR')
        for warning in meta["renderWarnings"]:
            wrapped(box, context, warning_text(warning))
    draw_render_stats(layout, context, meta)


def _pair(layout, name, value):
    row = layout.split(factor=LABEL_COLUMN)
    row.label(text=name)
    row.label(text=str(value))


def draw_dependencies(layout, context, view):
    needs = view.get("dependencies") or []
    missing = set(view.get("missingLinks") or [])
    if not needs and not view.get("dependents"):
        return
    col = layout.column(align=True)
    if needs:
        col.label(text=tr("asset:dependencies"))
        for path in needs:
            col.label(text=path, icon='ERROR' if path in missing else 'LINKED')
    if view.get("dependents"):
        col.label(text=tr("asset:dependents"))
        for path in view["dependents"]:
            col.label(text=path, icon='BACK')


def draw_render_stats(layout, context, meta):
    summary = render_stats.summarise(meta.get("renderStats"))
    col = layout.column(align=True)
    col.label(text=tr("asset:stats"), icon='RENDER_STILL')
    if summary is None:
        col.label(text=tr("stats:never"))
        return
    scene = context.scene
    count = render_stats.frame_count(scene.frame_start, scene.frame_end, scene.frame_step)
    if summary.mean is not None:
        # "Name: value" lines, wrapped: the names are too long for a column of their own in a narrow sidebar.
        wrapped(col, context, "%s: %s" % (tr("stats:mean"), render_stats.duration(summary.mean)))
        for key, (frame, seconds) in (("stats:fastest", summary.fastest), ("stats:slowest", summary.slowest)):
            when = tr("stats:at-frame", time=render_stats.duration(seconds), frame=frame)
            wrapped(col, context, "%s: %s" % (tr(key), when))
        estimate = render_stats.duration(summary.estimate(count))
        wrapped(col, context, tr("addon:estimate", count=count, time=estimate))
    if summary.video is not None:
        wrapped(col, context, "%s: %s" % (tr("stats:video"), render_stats.duration(summary.video)))


class VIEW3D_PT_rfam_asset(_RfamTab, bpy.types.Panel):
    bl_label = "Asset"
    bl_parent_id = "VIEW3D_PT_rfam"

    def draw(self, context):
        draw_asset(self.layout, context)


# ---------------------------------------------------------------------------------------------
# Rendering: options, preflight, submit, the job's progress, the last picture

def draw_render(layout, context):
    if cache.file_status not in {'asset', 'not_asset'}:
        wrapped(layout, context, tr("addon:open-saved"))
        return
    s = ui(context)
    scene = context.scene
    col = layout.column(align=True)
    frames = dict(start=scene.frame_start, end=scene.frame_end, scene=scene.name, step=scene.frame_step)
    wrapped(col, context, tr("addon:frames-step" if scene.frame_step != 1 else "addon:frames", **frames))
    wrapped(col, context, settings_summary(scene), 'RENDER_STILL')
    col.prop(s, "render_video", text=tr("render:video"))
    # "Render on" beside a drop-down of Any / GPU only / CPU only; each says what it does as its tooltip.
    row = col.split(factor=LABEL_COLUMN)
    row.label(text=tr("render:device"))
    row.prop(s, "render_device", text="")
    # The tick on a line of its own: beside the number its words were cut off in a narrow sidebar.
    col.prop(s, "render_own_priority", text=tr("addon:own-priority"))
    sub = col.row()
    sub.enabled = s.render_own_priority
    sub.prop(s, "render_priority", text=tr("asset:priority"))
    go = layout.row()
    go.scale_y = 1.4
    go.enabled = "submit" not in cache.busy and not (cache.preflight and any(p.blocking for p in cache.preflight))
    go.operator("rfam.submit_render", icon='RENDER_ANIMATION', text=tr("addon:render"))
    # The job's progress right under the button: both in sight without scrolling; the checks below.
    if cache.job:
        draw_job(layout, context, cache.job, render.is_active(cache.job))
    draw_preflight(layout, context)
    layout.operator("rfam.preflight", icon='VIEWZOOM', text=tr("addon:check"))
    if cache.preview_icon:
        layout.label(text=tr("addon:last-frame"))
        layout.template_icon(icon_value=cache.preview_icon, scale=6.0)


ENGINES = {"CYCLES": "Cycles", "BLENDER_EEVEE": "Eevee", "BLENDER_EEVEE_NEXT": "Eevee",
           "BLENDER_WORKBENCH": "Workbench"}


def settings_summary(scene):
    """What the farm will render, in the words the web UI uses: "96 frames, 24 fps, 1920×1080, Cycles"."""
    r = scene.render
    frames = render_stats.frame_count(scene.frame_start, scene.frame_end, scene.frame_step)
    fps = r.fps / r.fps_base
    size = "%d×%d" % (r.resolution_x, r.resolution_y)
    if r.resolution_percentage != 100:
        size += " at %d %% (%d×%d)" % (r.resolution_percentage, r.resolution_x * r.resolution_percentage // 100,
                                       r.resolution_y * r.resolution_percentage // 100)
    rate = ("%.3f" % fps).rstrip("0").rstrip(".")
    engine = ENGINES.get(r.engine, r.engine.title())
    return "%d frame%s, %s fps, %s, %s" % (frames, "" if frames == 1 else "s", rate, size, engine)


def draw_preflight(layout, context):
    problems = cache.preflight
    if problems is None:
        return
    if not problems:
        layout.label(text=tr("addon:ready"), icon='CHECKMARK')
        return
    for problem in problems:
        box = layout.box()
        wrapped(box, context, problem.message, 'CANCEL' if problem.blocking else 'ERROR')
        wrapped(box, context, problem.fix, 'BLANK1')
        if problem.operator:
            box.operator(problem.operator, text=_operator_label(problem.operator))


def _operator_label(idname):
    key = {"file.make_paths_relative": "addon:fix-relative", "wm.save_mainfile": "addon:fix-save",
           "wm.save_as_mainfile": "addon:fix-save-as"}.get(idname)
    return tr(key) if key else idname


def draw_job(layout, context, job, active):
    box = layout.box()
    counts = job["counts"]
    status = render.status_name(job["status"])
    line = "%s: %s" % (job["name"], status)
    if job.get("device") in ("gpu", "cpu"):     # "Cake: Waiting (GPU only)": why it may wait for one node
        line += " (%s)" % render.device_name(job["device"])
    wrapped(box, context, line, 'RENDER_ANIMATION' if active else 'INFO')
    col = box.column(align=True)
    done = tr("job:done-of", done=counts["done"], frames=counts["frames"])
    if hasattr(col, "progress"):            # Blender 4.0+: a bar, filled only by the frames done
        col.progress(factor=job["progress"], text=done)
    else:
        col.label(text="%s (%d%%)" % (done, round(job["progress"] * 100)))
    if counts["failed"]:
        col.label(text=tr("job:failed-frames", count=counts["failed"]), icon='ERROR')
    if job.get("nodes"):
        wrapped(col, context, tr("addon:rendering-on", nodes=", ".join(job["nodes"])))
    if job.get("meanFrameSeconds") is not None:
        col.label(text=tr("addon:per-frame", time=render_stats.duration(job["meanFrameSeconds"])))
    if active and job.get("estimatedSecondsLeft") is not None:
        col.label(text=tr("job:left", time=render_stats.duration(job["estimatedSecondsLeft"])))
    warnings = job.get("warnings") or []
    if job.get("cannotRender"):            # no render node has the Blender (or the GPU) it needs
        wrapped(box, context, render.cannot_render(job), 'ERROR')
    if job.get("message"):
        wrapped(box, context, render.job_message(job), 'ERROR' if warnings else 'INFO')
    # What spoils it: found in the file when sent, and what the nodes rendered without.
    for warning in warnings:
        if warning["message"] != job.get("message"):
            wrapped(box, context, warning_text(warning), 'ERROR')
    failure = job.get("lastFailure")
    if failure:
        why = sentence(failure.get("sentence"), failure["message"])
        if failure.get("frame") is not None:
            where = tr("addon:failed-frame", frame=failure["frame"], node=failure["node"], message=why)
        else:
            where = tr("addon:failed-somewhere", node=failure["node"], message=why)
        wrapped(box, context, where, 'ERROR')
        tail = (failure.get("logTail") or "").strip().splitlines()[-8:]
        if tail:
            log = box.column(align=True)
            for line in tail:
                log.label(text=line[-line_chars(context):])
            box.operator("rfam.copy_log", icon='COPYDOWN', text=tr("addon:copy-log"))
    if active and render.may_change(job):
        box.operator("rfam.cancel_render", icon='CANCEL', text=tr("job:cancel"))
    elif active:
        wrapped(box, context, tr("job:not-yours"), 'LOCKED')


class VIEW3D_PT_rfam_render(_RfamTab, bpy.types.Panel):
    bl_label = ""                # drawn by draw_header, in the person's language
    bl_parent_id = "VIEW3D_PT_rfam"

    @classmethod
    def poll(cls, context):
        p = prefs(context)
        return bool(p and p.token)

    def draw_header(self, context):
        self.layout.label(text=tr("addon:render"))

    def draw(self, context):
        draw_render(self.layout, context)


# The render panel before the asset's: its button and the job's progress stay in sight without scrolling.
classes = (VIEW3D_PT_rfam, VIEW3D_PT_rfam_render, VIEW3D_PT_rfam_asset)

register, unregister = bpy.utils.register_classes_factory(classes)
