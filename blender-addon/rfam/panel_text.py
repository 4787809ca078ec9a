# Layer 3 (ui): text in the sidebar, which Blender's labels do not wrap.
"""Paragraphs for the sidebar: split into labels that fit its width, units kept with their numbers."""

import re
import textwrap


def line_chars(context):
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
    lines = textwrap.wrap(keep, line_chars(context)) or [""]
    for n, line in enumerate(lines):
        col.label(text=line.replace("\u00a0", " "), icon=icon if n == 0 else 'BLANK1' if icon != 'NONE' else 'NONE')
    return col
