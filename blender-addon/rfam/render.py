# Layer 2 (features): render jobs of the open file: submit, follow, cancel, the log, the last frame.
"""Rendering the open file on the farm: submit (saving first, after asking), follow the job's
progress live, show failures with the end of Blender's log, cancel, and show the last frame.

A finished job has new render statistics for the asset; looking the asset up again is asset_ops'
job, a module above this one, so it comes in as a callback: set_on_job_finished(), which asset_ops
sets when it registers.
"""

import bpy
from bpy.props import BoolProperty

from . import api, preflight
from .picture_slot import PictureSlot
from .preferences import logged_in
from .session import call, call_for_file, project
from .state import DEVICES, cache, redraw, say, ui, unless_refused
from .words import sentence, tr, warning_text

ACTIVE = {"queued", "active", "paused"}
POLL_SECONDS = 2.0

_picture = PictureSlot("rfam-preview-")   # the last frame's picture, as an icon
_preview_url = ""         # the URL shown now, so one picture is fetched once
_on_job_finished = None   # called when a followed job ends: asset_ops.refresh, once registered


def is_active(job):
    return bool(job) and job["status"] in ACTIVE


def may_change(job):
    """The server says in each job view whether the person asking may change the job (servers
    older than that field let everyone)."""
    return bool(job) and job.get("canChange", True)


def status_name(status):
    """A job's status in the person's language ('Waiting', 'Rendering', ...), as the web pages name it."""
    key = {"queued": "job:queued", "active": "job:active", "paused": "job:paused", "completed": "job:completed",
           "failed": "job:failed", "cancelled": "job:cancelled"}.get(status)
    return tr(key) if key else status


def device_name(device):
    """What a job asked to render on, as the panel's choice names it ('GPU only')."""
    return next((tr(name) for ident, name, _tip in DEVICES if ident == device), device)


def cannot_render(job):
    """Why no render node of the farm can render the job now ('Saved with Blender 4.2; the farm has 3.4
    and 3.6. ...'), in the person's language; '' when one can."""
    said = job.get("cannotRender")
    return sentence(said.get("sentence"), said.get("message", "")) if said else ""


def job_message(job):
    """Why the job stands where it is, in the person's language; its last error as the failure says it."""
    said = job.get("sentence")
    failure = job.get("lastFailure") or {}
    if isinstance(said, dict) and "error" in (said.get("params") or {}) and failure.get("sentence"):
        said = dict(said, params=dict(said["params"], error=sentence(failure["sentence"], failure.get("message", ""))))
    return sentence(said, job.get("message", ""))


def set_on_job_finished(then):
    """`then()` runs when a followed job stops running (None: nothing)."""
    global _on_job_finished
    _on_job_finished = then


# ---------------------------------------------------------------------------------------------
# This file's jobs

def find_jobs():
    """Asks for the project's jobs and keeps this file's, newest first."""
    call_for_file(api.list_jobs(project()), _got_jobs)


def _got_jobs(reply):
    if not reply.ok or cache.location is None:
        return
    mine = [j for j in reply.data["jobs"] if j["path"] == cache.location.path]
    cache.jobs = mine
    if mine and (cache.job is None or cache.job["id"] not in {j["id"] for j in mine}):
        follow(mine[0])
    redraw()


def follow(job):
    """Shows `job` in the panel and keeps it fresh while it runs."""
    cache.job = job
    fetch_preview(job)
    if is_active(job) and not bpy.app.timers.is_registered(_poll_timer):
        bpy.app.timers.register(_poll_timer, first_interval=POLL_SECONDS)
    redraw()


def _poll_timer():
    if not logged_in() or not is_active(cache.job):
        return None
    poll_job_now()
    return POLL_SECONDS


def poll_job_now():
    """Asks for the followed job once (the timer does this every few seconds; tests call it)."""
    job = cache.job
    if not job or "poll" in cache.busy:
        return
    cache.busy.add("poll")
    generation = cache.generation
    call(api.get_job(project(), job["id"]), lambda reply: _got_job(reply, generation, job["status"]))


def _got_job(reply, generation, status_before):
    cache.busy.discard("poll")
    # Unlike call_for_file, a failure is said even for another file's job: the server may be down.
    if generation != cache.generation or not reply.ok:
        if not reply.ok and reply.error.kind != 'login':
            say(reply.error.text(), 'WARNING')
        return
    job = reply.data
    job.pop("tasks", None)           # the panel shows the job, not every task
    cache.job = job
    finished = status_before in ACTIVE and not is_active(job)
    fetch_preview(job, again=finished)   # the last frame may have changed under the same URL
    if finished:
        missed = [w for w in job.get("warnings") or [] if w["code"] in ("missing-library", "missing-file")]
        ended = tr("addon:job-ended", name=job["name"], status=status_name(job["status"]))
        if job["status"] == "completed" and missed:
            # "Rendered, but props/cake.blend is missing: Cake is not in the picture."
            said = job_message(job) if job.get("message") else warning_text(missed[0])
            say(ended + " " + said, 'WARNING')
        else:
            say(ended, 'INFO' if job["status"] == "completed" else 'WARNING')
        if _on_job_finished is not None:
            _on_job_finished()        # new render statistics
    redraw()


# ---------------------------------------------------------------------------------------------
# The last frame's picture

def fetch_preview(job, again=False):
    global _preview_url
    url = (job or {}).get("preview")
    if not url or (url == _preview_url and not again):
        return
    _preview_url = url
    generation = cache.generation
    # The URL the server gives changes with each new picture; the request itself is the contract's.
    call(api.get_job_preview(job["project"], job["id"]), lambda reply: _got_preview(reply, generation, url))


def _got_preview(reply, generation, url):
    global _preview_url
    # A failure, even a late one, lets the next poll ask for the picture again.
    if generation != cache.generation or not reply.ok or not _picture.is_open():
        if not reply.ok:
            _preview_url = ""        # try again on the next poll
            print("RFAM: the last frame's picture is not available yet (%s)" % reply.error.message)
        return
    cache.preview_size, cache.preview_icon = _picture.show(url, reply.data)
    redraw()


# ---------------------------------------------------------------------------------------------
# Operators

class RFAM_OT_submit_render(bpy.types.Operator):
    """Render the open file on the farm: its scene's frame range, as frames or one video"""
    bl_idname = "rfam.submit_render"
    bl_label = "Render on the farm"

    save: BoolProperty(name="Save first", default=False, options={'SKIP_SAVE'},
                       description="Save the file before submitting (the farm renders the saved file)")

    @classmethod
    def poll(cls, context):
        if not logged_in(context):
            cls.poll_message_set("Log in first.")
            return False
        if cache.file_status not in {'asset', 'not_asset'}:
            cls.poll_message_set("Open a saved file of your project first.")
            return False
        return "submit" not in cache.busy

    def invoke(self, context, event):
        if bpy.data.is_dirty:
            self.save = True
            return context.window_manager.invoke_props_dialog(self, width=360)
        return self.execute(context)

    def draw(self, context):
        col = self.layout.column()
        col.label(text=tr("addon:unsaved"), icon='QUESTION')
        col.label(text=tr("addon:save-now"))
        col.prop(self, "save", text=tr("addon:save-first"))

    def execute(self, context):
        if self.save and bpy.data.filepath:
            # Not only when is_dirty: edits made by scripts do not always set it.
            bpy.ops.wm.save_mainfile()
        s = ui(context)
        problems = preflight.check(context, s.render_video)
        stops = preflight.blocking(problems)
        if stops:
            more = tr("addon:more-problems", count=len(stops) - 1) if len(stops) > 1 else ""
            self.report({'ERROR'}, tr("addon:not-sent", problem=stops[0].sentence(), more=more).strip())
            return {'CANCELLED'}
        scene = context.scene
        body = {"file": cache.location.path, "frameStart": scene.frame_start, "frameEnd": scene.frame_end,
                "frameStep": scene.frame_step, "video": s.render_video}
        if s.render_own_priority:
            body["priority"] = s.render_priority
        if s.render_device != "any":
            # Left out for 'any', the server's default: a server older than the choice refuses fields it does not know.
            body["device"] = s.render_device
        say(tr("addon:sending"))
        call_for_file(api.create_job(project(), body), _submitted, busy="submit")
        return {'FINISHED'}


@unless_refused
def _submitted(reply):
    job = reply.data
    job.pop("tasks", None)
    cache.jobs.insert(0, job)
    follow(job)
    warnings = job.get("warnings") or []
    sent = tr("addon:sent", name=job["name"], frames=job["counts"]["frames"], status=status_name(job["status"]))
    if job.get("cannotRender"):
        sent += " " + cannot_render(job)
    elif warnings:
        sent += " " + tr("addon:watch-out", warning=warning_text(warnings[0]))
    say(sent, 'WARNING' if warnings or job.get("cannotRender") else 'INFO')


class RFAM_OT_cancel_render(bpy.types.Operator):
    """Stop the render job: queued frames are dropped, running ones are stopped"""
    bl_idname = "rfam.cancel_render"
    bl_label = "Cancel the render"

    @classmethod
    def poll(cls, context):
        if is_active(cache.job) and not may_change(cache.job):
            cls.poll_message_set("Only the person who started this job, the people working on its asset, "
                                 "or a teacher can cancel it.")
            return False
        return is_active(cache.job) and "cancel" not in cache.busy

    def invoke(self, context, event):
        # Cancelling drops the frames not rendered yet: ask first, saying how many are done.
        return context.window_manager.invoke_props_dialog(self, width=400)

    def draw(self, context):
        counts = (cache.job or {}).get("counts", {})
        done, frames = counts.get("done", 0), counts.get("frames", 0)
        col = self.layout.column()
        col.label(text=tr("job:cancel-title"), icon='QUESTION')
        for line in tr("addon:cancel-confirm", name=(cache.job or {}).get("name", ""), done=done, frames=frames,
                       left=max(0, frames - done)).split("\n"):
            col.label(text=line)

    def execute(self, context):
        call_for_file(api.update_job(project(), cache.job["id"], {"action": "cancel"}), _cancelled, busy="cancel")
        return {'FINISHED'}


def _cancelled(reply):
    if not reply.ok:
        # The server's sentence says why (someone else's job: who may cancel it); the fresh view
        # then hides the button.
        say(reply.error.text(), 'ERROR')
        poll_job_now()
        return
    reply.data.pop("tasks", None)
    cache.job = reply.data
    say(tr("addon:cancelled", name=reply.data["name"]))


class RFAM_OT_copy_log(bpy.types.Operator):
    """Copy the end of the failed render's log, to paste it for whoever helps you"""
    bl_idname = "rfam.copy_log"
    bl_label = "Copy the log"

    @classmethod
    def poll(cls, context):
        return bool(((cache.job or {}).get("lastFailure") or {}).get("logTail"))

    def execute(self, context):
        context.window_manager.clipboard = cache.job["lastFailure"]["logTail"]
        self.report({'INFO'}, tr("addon:log-copied"))
        return {'FINISHED'}


classes = (RFAM_OT_submit_render, RFAM_OT_cancel_render, RFAM_OT_copy_log)

_register_classes, _unregister_classes = bpy.utils.register_classes_factory(classes)


def register():
    _picture.open()
    _register_classes()


def unregister():
    global _preview_url
    if bpy.app.timers.is_registered(_poll_timer):
        bpy.app.timers.unregister(_poll_timer)
    _unregister_classes()
    _picture.close()
    _preview_url = ""
