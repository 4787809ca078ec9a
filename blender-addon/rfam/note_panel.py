# Layer 3 (ui): the newest note on the open file's asset and my notifications about it, drawn in the asset panel.
"""The latest note, as the web's Home card shows it: who, when (this computer's time), what; always as
text. Then the logged-in person's notifications about the file, as the web's bell lists them."""

from datetime import datetime

from .panel_text import wrapped
from .state import user_name
from .words import sentence, tr


def draw_latest_note(layout, context, note):
    """The newest note on the asset (as the web's Home card shows it): who, when, what; always as text."""
    if not note:
        return
    box = layout.box()
    box.label(text=tr("notes:latest"), icon='TEXT')
    wrapped(box, context, "%s, %s" % (user_name(note.get("by")), _local_time(note.get("at", ""))), 'USER')
    for paragraph in (note.get("text") or "").splitlines()[:12]:
        wrapped(box, context, paragraph)
    if note.get("picture"):
        wrapped(box, context, tr("addon:note-picture"), 'IMAGE_DATA')
    frame = note.get("frame")
    if frame:
        key = "notes:frame-gone" if frame.get("gone") else "notes:frame-of"
        wrapped(box, context, tr(key, frame=frame["frame"], render=frame.get("render", "")), 'RENDER_RESULT')


def draw_notifications(layout, context, notifications, unread):
    """My newest notifications about this file: unread ones marked, each in plain words with when."""
    if not notifications:
        return
    box = layout.box()
    row = box.row()
    row.label(text=tr("addon:notifications") + (" (%d)" % unread if unread else ""), icon='INFO')
    if unread:
        row.operator("rfam.notifications_read", text=tr("notify:mark-all-read"), icon='CHECKMARK')
    for n in notifications:
        icon = 'RADIOBUT_ON' if not n.get("read") else 'RADIOBUT_OFF'
        wrapped(box, context, sentence(n.get("sentence"), n.get("message", "")), icon)
        wrapped(box, context, _local_time(n.get("at", "")))


def _local_time(at):
    """'2026-07-01T08:27:00.000Z' as this computer's time, '2026-07-01 10:27' (Python 3.10 reads no 'Z')."""
    try:
        return datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return at
