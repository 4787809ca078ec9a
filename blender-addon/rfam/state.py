# Layer 1 (base): the reply cache and the fields people edit in the panel.
"""What the panel shows: replies from the server (a plain Python cache) and the fields people edit
(a PropertyGroup on the WindowManager, which Blender never writes into the .blend).

Replies are applied on the main thread (client.drain_results), then the sidebar is redrawn.
"""

import functools

import bpy
from bpy.props import BoolProperty, EnumProperty, IntProperty, PointerProperty, StringProperty

from .words import optional, tr


class Cache:
    def __init__(self):
        self.reset_file()
        self.defaults = None         # DefaultsSetView of the logged-in project
        self.users = {}              # ident -> PublicUser
        self.session = None          # Session
        self.version_warning = ""
        self.message = ""
        self.message_level = 'INFO'  # 'INFO', 'WARNING' or 'ERROR'
        self.busy = set()            # what is being asked of the server now ('asset', 'login', ...)

    def reset_file(self):
        """Forgets everything about the previously open file."""
        self.generation = getattr(self, "generation", 0) + 1   # late replies for another file are dropped
        self.filepath = ""           # the open file as last looked up
        self.location = None         # location.Location of the open file, None when outside a project
        self.file_status = 'unsaved'  # 'unsaved' 'outside' 'loading' 'asset' 'not_asset' 'error'
        self.file_error = ""
        self.asset = None            # AssetView of the open file
        self.latest_note = None      # HistoryEvent: the newest note on it, None when it has none
        self.notifications = None    # [Notification] of mine about it, newest first; None until asked
        self.notifications_unread = 0
        self.notified = set()        # ids already shown: only others are reported as new
        self.preflight = None        # [preflight.Problem] from the last check, None when not run
        self.jobs = []               # JobView of this file's recent jobs, newest first
        self.job = None              # JobView being followed (the last one submitted or found)
        self.preview_icon = 0        # icon_id of the last frame's picture, 0 when none
        self.preview_size = (0, 0)   # its size in pixels
        self.thumbnail_tag = ""      # the asset's picture shown (or asked for) now: its `thumbnail` tag
        self.thumbnail_icon = 0      # icon_id of that picture, 0 when none
        self.thumbnail_size = (0, 0)  # its size in pixels


cache = Cache()


def say(message, level='INFO'):
    cache.message = message
    cache.message_level = level
    redraw()


def unless_refused(handle):
    """For a reply handler that has nothing to do with a refused (or failed) request but say why:
    the reason is said as an error, and `handle(reply)` only ever sees replies that are ok."""
    @functools.wraps(handle)
    def handler(reply):
        if not reply.ok:
            say(reply.error.text(), 'ERROR')
            return
        handle(reply)
    return handler


def clear_message():
    cache.message = ""
    cache.message_level = 'INFO'


def redraw():
    wm = getattr(bpy.context, "window_manager", None)
    if wm is None:
        return
    for window in wm.windows:
        for area in window.screen.areas:
            if area.type in {'VIEW_3D', 'PREFERENCES'}:
                area.tag_redraw()


def user_name(ident):
    if not ident:
        return tr("user:nobody")
    user = cache.users.get(ident)
    return user["name"] if user else ident


def state_name(ident):
    """A state's name in the person's language (the defaults set's own name when no language file has it)."""
    for s in (cache.defaults or {}).get("states", []):
        if s["ident"] == ident:
            return optional("state:" + ident, s["name"])
    return ident


def type_name(ident):
    kind = type_info(ident)
    return optional("type:" + ident, kind["name"]) if kind else ident


def type_info(ident):
    for t in (cache.defaults or {}).get("types", []):
        if t["ident"] == ident:
            return t
    return None


def priority_name(value):
    """The name of the priority level nearest to `value` ('High'), or '' when the scheme has none."""
    scheme = (cache.defaults or {}).get("priority")
    if not scheme or not scheme.get("names"):
        return ""
    names, low, high = scheme["names"], scheme["low"], scheme["high"]
    if len(names) == 1 or high <= low:
        return optional("priority:" + names[0], names[0])
    step = (high - low) / (len(names) - 1)
    name = names[int(round((min(max(value, low), high) - low) / step))]
    return optional("priority:" + name, name)


# Blender keeps only pointers to the strings of dynamic enum items: they must stay referenced.
_state_items = []
_type_items = []
_device_items = []


def _states_for_asset(_self, _context):
    global _state_items
    asset = cache.asset or {}
    meta = asset.get("meta") or {}
    kind = type_info(meta.get("type"))
    idents = list(kind["states"]) if kind else []
    if meta.get("state") and meta["state"] not in idents:
        idents.append(meta["state"])
    _state_items = [(i, state_name(i), "") for i in idents] or [("none", tr("addon:no-states"), "")]
    return _state_items


def _types_of_project(_self, _context):
    global _type_items
    types = (cache.defaults or {}).get("types", [])
    _type_items = ([(t["ident"], type_name(t["ident"]), t.get("directory", "")) for t in types]
                   or [("none", tr("addon:log-in-first"), "")])
    return _type_items


# What a render job may ask to render on (JobDevice): its words, and a tooltip saying what it does.
DEVICES = (("any", "render:device-any", "addon:device-any-tip"),
           ("gpu", "render:device-gpu", "addon:device-gpu-tip"),
           ("cpu", "render:device-cpu", "addon:device-cpu-tip"))


def _devices(_self, _context):
    """The choices, with the web page's short names in the person's language; 'any' first: the default."""
    global _device_items
    _device_items = [(ident, tr(name), tr(tip)) for ident, name, tip in DEVICES]
    return _device_items


class RFAM_State(bpy.types.PropertyGroup):
    edit_state: EnumProperty(name="State", items=_states_for_asset, description="Stage of work of this asset")
    edit_priority: IntProperty(name="Priority", description="How urgent this asset is")
    edit_description: StringProperty(name="Description", description="What it is and what still has to be done")
    new_type: EnumProperty(name="Type", items=_types_of_project, description="What kind of asset this file is")
    new_name: StringProperty(name="Name", description="Name of the new asset, shown to your team")
    render_video: BoolProperty(
        name="Video", description="Render the frame range as one video file (else: one picture per frame)")
    render_own_priority: BoolProperty(
        name="Set priority", description="Give the job this priority rather than the asset's")
    render_priority: IntProperty(name="Priority", default=50, description="Priority of the render job")
    render_device: EnumProperty(
        name="Render on", items=_devices,
        description="What the farm renders on: a graphics card (GPU), the processor (CPU), or whatever a node has")


def ui(context=None):
    return (context or bpy.context).window_manager.rfam


def load_edit_fields(context=None):
    """Puts the asset's current values into the editable fields."""
    meta = (cache.asset or {}).get("meta")
    if not meta:
        return
    s = ui(context)
    s.edit_state = meta["state"]
    s.edit_priority = meta["priority"]
    s.edit_description = meta.get("description", "")
    s.render_video = bool(meta.get("video", False))
    s.render_priority = meta["priority"]


def edited_fields(context=None):
    """The fields (AssetUpdate) the person changed in the panel."""
    meta = (cache.asset or {}).get("meta")
    if not meta:
        return {}
    s = ui(context)
    changed = {}
    if s.edit_state and s.edit_state != "none" and s.edit_state != meta["state"]:
        changed["state"] = s.edit_state
    if s.edit_priority != meta["priority"]:
        changed["priority"] = s.edit_priority
    if s.edit_description != meta.get("description", ""):
        changed["description"] = s.edit_description
    return changed


def register_with_field(classes, field, group):
    """register() and unregister() for a module's classes, as bpy.utils.register_classes_factory
    makes them, that also keep one of them, the PropertyGroup `group`, on every window manager as
    bpy.types.WindowManager.<field> (not saved in the .blend)."""
    register_classes, unregister_classes = bpy.utils.register_classes_factory(classes)

    def register():
        register_classes()
        setattr(bpy.types.WindowManager, field, PointerProperty(type=group))

    def unregister():
        delattr(bpy.types.WindowManager, field)
        unregister_classes()

    return register, unregister


classes = (RFAM_State,)

register, unregister = register_with_field(classes, "rfam", RFAM_State)
