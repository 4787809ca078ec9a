# Layer 2 (features): the open file's asset: look-up, edits, registering, its picture; the load and save handlers.
"""The open file's asset: find it on the server, change its state, priority and description, or
register a file that is not an asset yet; show its picture (the preview in the .blend as the server
reads it, or a shot's latest rendered frame). Replies arrive later, on the main thread.

Every member of the project may change its assets (docs/security.md, "Who may do what"): the
server allows it, so the panel offers it to whoever is logged in.

This module sits above session and render: it asks render for the file's jobs once its asset
arrives, and gives both its refresh() to call after a log-in and after a followed job ends
(register()), so neither imports this module.
"""

import os

import bpy
from bpy.app.handlers import persistent
from bpy.props import IntProperty, StringProperty

from . import api, location, notify, preflight, render, session
from .picture_slot import PictureSlot
from .preferences import logged_in
from .session import call_for_file, project, simple_operator
from .state import cache, edited_fields, load_edit_fields, redraw, say, state_name, ui, unless_refused
from .words import tr


def refresh():
    """Finds out where the open file sits and asks the server for its asset."""
    filepath = bpy.data.filepath
    cache.filepath = filepath
    cache.location = location.locate(filepath) if filepath else None
    if not filepath:
        cache.file_status = 'unsaved'
    elif cache.location is None:
        cache.file_status = 'outside'
    elif not logged_in():
        cache.file_status = 'logged_out'
    else:
        cache.file_status = 'loading'
        call_for_file(api.get_asset(project(), cache.location.path), _got_asset, busy="asset")
    redraw()


def _got_asset(reply):
    if reply.ok:
        show_asset(reply.data)
        render.find_jobs()
        call_for_file(api.get_history(project(), cache.location.path, kind="note", limit="1"), _got_note)
        notify.poll()
    elif reply.error.status == 404 and reply.error.code == "RFAM_NO_ASSET":
        cache.asset = None
        cache.file_status = 'not_asset'
        s = ui()
        if not s.new_name:
            s.new_name = suggested_name(cache.location.path)
    elif reply.error.kind == 'login':
        cache.file_status = 'logged_out'     # session.call has said why
    else:
        cache.file_status = 'error'
        cache.file_error = reply.error.text()
    redraw()


def _got_note(reply):
    # The latest note is extra: without it (an older server, a damaged history) the panel shows none.
    events = reply.data.get("events") if reply.ok else None
    cache.latest_note = events[0] if events else None
    redraw()


def show_asset(view):
    cache.asset = view
    cache.file_status = 'asset'
    load_edit_fields()
    fetch_thumbnail(view)
    redraw()


# ---------------------------------------------------------------------------------------------
# The asset's picture

_picture = PictureSlot("rfam-thumbnail-")   # the asset's picture, as an icon


def fetch_thumbnail(view):
    """Asks for the asset's picture when it has one not shown yet: its tag changes with the picture."""
    tag = view.get("thumbnail") or ""
    if tag == cache.thumbnail_tag:
        return
    cache.thumbnail_tag = tag
    cache.thumbnail_icon = 0
    cache.thumbnail_size = (0, 0)
    if tag:
        call_for_file(api.get_thumbnail(project(), view["path"], tag), lambda reply: _got_thumbnail(reply, tag))


def _got_thumbnail(reply, tag):
    if tag != cache.thumbnail_tag or not _picture.is_open():
        return
    if not reply.ok:
        cache.thumbnail_tag = ""     # asked again at the next look-up
        return
    cache.thumbnail_size, cache.thumbnail_icon = _picture.show(tag, reply.data)
    redraw()


def suggested_name(path):
    """'shots/shot_010-intro.blend' -> 'Shot 010 intro'."""
    stem = os.path.splitext(os.path.basename(path))[0]
    words = stem.replace("_", " ").replace("-", " ").split()
    text = " ".join(words) or stem
    return text[:1].upper() + text[1:]


def can_edit():
    """Whoever is logged in may change the asset shown: the server shows a project's assets only to
    its members (and staff), and lets every one of them change any of them."""
    meta = (cache.asset or {}).get("meta")
    return bool(meta) and logged_in()


@persistent
def on_file_loaded(_dummy=None):
    cache.reset_file()
    ui().new_name = ""
    refresh()


@persistent
def on_file_saved(_dummy=None):
    # A first save (or a save-as) may put the file into a project folder, or into another one.
    if bpy.data.filepath != cache.filepath:
        cache.reset_file()
        ui().new_name = ""             # the name typed was for the file before: suggest this one's
        refresh()
    elif cache.preflight is not None:
        preflight.check(bpy.context)


RFAM_OT_refresh = simple_operator("rfam.refresh", "Refresh", "Ask the server again about the open file", refresh)


class RFAM_OT_update_asset(bpy.types.Operator):
    """Save the changed state, priority and description of this asset on the server"""
    bl_idname = "rfam.update_asset"
    bl_label = "Save changes"

    state: StringProperty(name="State", options={'SKIP_SAVE'})
    priority: IntProperty(name="Priority", options={'SKIP_SAVE'})
    description: StringProperty(name="Description", options={'SKIP_SAVE'})

    @classmethod
    def poll(cls, context):
        if can_edit():
            return True
        cls.poll_message_set("Log in to change this asset." if not logged_in(context)
                             else "This file's asset cannot be changed here "
                                  "(it is not loaded, or its sidecar is broken).")
        return False

    def execute(self, context):
        fields = {name: getattr(self, name) for name in ("state", "priority", "description")
                  if self.properties.is_property_set(name)}
        if not fields:
            fields = edited_fields(context)
        if not fields:
            self.report({'INFO'}, tr("addon:nothing-changed"))
            return {'CANCELLED'}
        say(tr("save:saving"))
        call_for_file(api.update_asset(project(), cache.location.path, fields), lambda reply: _updated(reply, fields),
                      busy="update")
        return {'FINISHED'}


def _updated(reply, fields):
    if not reply.ok:
        say(reply.error.text(), 'ERROR')
        load_edit_fields()          # show what the server still has
        return
    show_asset(reply.data)
    meta = reply.data["meta"]
    said = []
    if "state" in fields:
        said.append(tr("addon:saved-state", state=state_name(meta["state"])))
    if "priority" in fields:
        said.append(tr("addon:saved-priority", priority=meta["priority"]))
    if "description" in fields:
        said.append(tr("addon:saved-description"))
    say(tr("addon:saved", what=", ".join(said)))


class RFAM_OT_register_asset(bpy.types.Operator):
    """Make this file an RFAM asset of the chosen type, where it is now"""
    bl_idname = "rfam.register_asset"
    bl_label = "Make it an asset"

    type: StringProperty(name="Type", options={'SKIP_SAVE'})
    name: StringProperty(name="Name", options={'SKIP_SAVE'})

    @classmethod
    def poll(cls, context):
        return cache.file_status == 'not_asset'

    def execute(self, context):
        s = ui(context)
        kind = self.type or s.new_type
        name = (self.name or s.new_name).strip()
        if not name:
            self.report({'ERROR'}, tr("addon:need-name"))
            return {'CANCELLED'}
        if not kind or kind == "none":
            self.report({'ERROR'}, tr("addon:need-type"))
            return {'CANCELLED'}
        body = {"name": name, "type": kind, "path": cache.location.path, "register": True}
        say(tr("addon:registering"))
        call_for_file(api.create_asset(project(), body), _registered, busy="register")
        return {'FINISHED'}


@unless_refused
def _registered(reply):
    show_asset(reply.data)
    say(tr("addon:registered", name=reply.data["meta"]["name"]))


classes = (RFAM_OT_refresh, RFAM_OT_update_asset, RFAM_OT_register_asset)

_register_classes, _unregister_classes = bpy.utils.register_classes_factory(classes)


def register():
    _picture.open()
    _register_classes()
    bpy.app.handlers.load_post.append(on_file_loaded)
    bpy.app.handlers.save_post.append(on_file_saved)
    session.set_after_login(refresh)         # a log-in: look the open file up
    render.set_on_job_finished(refresh)      # a job ended: its render statistics are new


def unregister():
    render.set_on_job_finished(None)
    session.set_after_login(None)
    for handlers, fn in ((bpy.app.handlers.load_post, on_file_loaded), (bpy.app.handlers.save_post, on_file_saved)):
        if fn in handlers:
            handlers.remove(fn)
    _unregister_classes()
    _picture.close()
