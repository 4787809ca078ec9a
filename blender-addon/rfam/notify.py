# Layer 2 (features): the open file's notifications: asked for now and then, reported when new, marked read.
"""The notifications of the logged-in person about the open file (its asset, or an asset it needs),
as the web's bell shows them: the newest few for the panel, and a Blender report (and the panel's
message) for each one that arrives while Blender is connected. Those already there when the file
was opened are shown, not reported, and so is the end of a render the panel follows (it says so itself).

The server has no push channel to Blender, so a timer asks every POLL_SECONDS; asking costs one small
GET of at most SHOWN notifications. Replies for a file no longer open are dropped (call_for_file).
"""

import bpy
from bpy.props import StringProperty

from . import api
from .preferences import logged_in
from .session import call_for_file, project, simple_operator
from .state import cache, redraw, say
from .words import sentence, tr

POLL_SECONDS = 20.0
SHOWN = 5


def poll():
    """Asks for the open file's notifications, when logged in and the file is an asset."""
    if not logged_in() or cache.location is None or cache.file_status != 'asset':
        return
    call_for_file(api.list_notifications(project(), asset=cache.location.path, limit=str(SHOWN)), _got)


def text_of(notification):
    """The notification's sentence in the person's language."""
    return sentence(notification.get("sentence"), notification.get("message", ""))


def _got(reply):
    # Extra, like the latest note: a refusal or an older server leaves the panel without them.
    if not reply.ok:
        return
    listed = reply.data["notifications"]
    first = cache.notifications is None
    fresh = [n for n in listed if not n.get("read") and n["id"] not in cache.notified]
    cache.notifications = listed
    cache.notifications_unread = reply.data["unread"]
    cache.notified.update(n["id"] for n in listed)
    if not first:
        for n in reversed(fresh):
            if not _followed(n):
                _report(tr("addon:notify-new", message=text_of(n)))
    redraw()


def _followed(notification):
    """A render this panel follows itself: its own message says how it ended, so it is not reported twice."""
    jobs = {j.get("id") for j in cache.jobs} | ({cache.job.get("id")} if cache.job else set())
    return notification.get("job") in jobs


def _report(message):
    say(message)
    try:
        bpy.ops.rfam.notify_report(message=message)
    except RuntimeError:
        pass      # no context to report in (Blender is closing): the panel's message says it


class RFAM_OT_notify_report(bpy.types.Operator):
    """Shows a new RFAM notification in Blender's status bar and Info log"""
    bl_idname = "rfam.notify_report"
    bl_label = "RFAM notification"
    bl_options = {'INTERNAL'}

    message: StringProperty()

    def execute(self, context):
        self.report({'INFO'}, self.message)
        return {'FINISHED'}


def mark_read():
    """Marks the notifications shown for this file read."""
    ids = [n["id"] for n in cache.notifications or [] if not n.get("read")]
    if ids:
        call_for_file(api.mark_notifications_read(project(), {"ids": ids}), lambda reply: poll() if reply.ok else None)


def _every_while():
    poll()
    return POLL_SECONDS


RFAM_OT_notifications_read = simple_operator("rfam.notifications_read", "Mark read",
                                             "Mark these notifications read (on the website too)", mark_read)

classes = (RFAM_OT_notify_report, RFAM_OT_notifications_read)

_register_classes, _unregister_classes = bpy.utils.register_classes_factory(classes)


def register():
    _register_classes()
    bpy.app.timers.register(_every_while, first_interval=POLL_SECONDS, persistent=True)


def unregister():
    if bpy.app.timers.is_registered(_every_while):
        bpy.app.timers.unregister(_every_while)
    _unregister_classes()
