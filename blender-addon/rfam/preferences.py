"""The add-on's preferences: where the server is and who is logged in.

The password or PIN is used only to log in and is cleared right after; the session token the
server gives back lives here, in Blender's preferences, and never in a .blend (add-on preferences
are saved with userpref.blend, not with the open file).
"""

import bpy
from bpy.props import StringProperty


def addon_id():
    # 'rfam' as a legacy add-on; 'bl_ext.<repository>.rfam' as a 4.2+ extension.
    return __package__


def prefs(context=None):
    context = context or bpy.context
    addon = context.preferences.addons.get(addon_id())
    return addon.preferences if addon else None


class RFAM_AddonPreferences(bpy.types.AddonPreferences):
    bl_idname = __package__

    server_url: StringProperty(
        name="Server", default="http://localhost:8080",
        description="Address of the RFAM server, as your teacher or admin gave it (for example http://192.168.1.10:8080)")
    project: StringProperty(name="Project", description="Short name of your team's project, for example 'demo'")
    user: StringProperty(name="User", description="Your short user name, for example 'alex'")
    secret: StringProperty(
        name="Password or PIN", subtype='PASSWORD',
        description="Only needed when your account has one; used to log in and then forgotten")
    token: StringProperty(name="Session", subtype='PASSWORD', description="Log-in session given by the server")
    logged_in_as: StringProperty(name="Logged in as", description="Name of the logged-in person, as the server said")
    expires: StringProperty(name="Expires", description="When the log-in session ends")

    def draw(self, context):
        from . import panel       # late: panel imports this module
        panel.draw_login(self.layout, context, in_preferences=True)


def logged_in(context=None):
    p = prefs(context)
    return bool(p and p.token)


classes = (RFAM_AddonPreferences,)


def register():
    for cls in classes:
        bpy.utils.register_class(cls)


def unregister():
    for cls in reversed(classes):
        bpy.utils.unregister_class(cls)
