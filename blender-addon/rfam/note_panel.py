# Layer 3 (ui): the newest note on the open file's asset, drawn in the asset panel.
"""The latest note, as the web's Home card shows it: who, when (this computer's time), what; always as text."""

from datetime import datetime

from .panel_text import wrapped
from .state import user_name
from .words import tr


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


def _local_time(at):
    """'2026-07-01T08:27:00.000Z' as this computer's time, '2026-07-01 10:27' (Python 3.10 reads no 'Z')."""
    try:
        return datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return at
