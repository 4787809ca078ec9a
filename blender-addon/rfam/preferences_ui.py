# Layer 3 (ui): the add-on's preferences, their fields and how Edit > Preferences draws them.
"""The add-on's preferences: where the server is and who is logged in.

The password or PIN is used only to log in and is cleared right after; the session token the
server gives back lives here, in Blender's preferences, and never in a .blend (add-on preferences
are saved with userpref.blend, not with the open file). Other modules read these fields through
preferences.prefs().
"""

import bpy
from bpy.props import BoolProperty, StringProperty

from . import login_picker, panel
from .preferences import addon_id, shipped_server


def _by_name_opened(self, _context):
    if self.by_name:
        login_picker.fetch()       # what the server offers, to pick from at once


class RFAM_AddonPreferences(bpy.types.AddonPreferences):
    bl_idname = addon_id()

    server_url: StringProperty(
        name="Server", default=shipped_server() or "http://localhost:8080",
        description="Address of the RFAM server, as your teacher or admin gave it "
                    "(for example http://192.168.1.10:8080)")
    project: StringProperty(name="Project", description="Short name of your team's project, for example 'demo'")
    user: StringProperty(name="User", description="Your short user name, for example 'alex'")
    connect_code: StringProperty(
        name="Connect code",
        description="The code from RFAM's website (your profile, \"Use RFAM in Blender\"), for example K7PM-Q2XD")
    by_name: BoolProperty(
        name="Log in by name instead", update=_by_name_opened,
        description="Pick the server's project and yourself by name, without a connect code (for staff)")
    secret: StringProperty(
        name="Password or PIN", subtype='PASSWORD',
        description="Only needed when your account has one; used to log in and then forgotten")
    token: StringProperty(name="Session", subtype='PASSWORD', description="Log-in session given by the server")
    logged_in_as: StringProperty(name="Logged in as", description="Name of the logged-in person, as the server said")
    project_name: StringProperty(name="Project title",
                                 description="Title of the project logged in to, as the server said")
    expires: StringProperty(name="Expires", description="When the log-in session ends")

    def draw(self, context):
        # Looked up on the module at each draw, so a wrapped panel.draw_login (tools/screenshot_ui.py) is used.
        panel.draw_login(self.layout, context, in_preferences=True)


classes = (RFAM_AddonPreferences,)

register, unregister = bpy.utils.register_classes_factory(classes)
