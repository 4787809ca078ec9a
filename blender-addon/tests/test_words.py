"""The add-on speaks the person's language, from the web pages' own language files; run by
test/addon/words.blender.test.ts:

    BLENDER_USER_SCRIPTS=<temp> blender -b <project>/props/cake.blend --factory-startup \\
        --python-exit-code 1 --python blender-addon/tests/test_words.py -- '<json>'

The JSON names: zip (the built add-on), server, project, user (whose RFAM language is German),
languages (config/languages, to compare with) and jobName (a render job of the open file, paused by
a teacher). Prints a last line 'N passed, N failed'.
"""

import json
import os
import re
import sys
import unittest

import bpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from in_blender import ARGS, cache, drawn, install, prefs, settle  # noqa: E402
from unittest_run import run_and_summarise  # noqa: E402

rfam = None          # the add-on's package, once installed from the zip


def load(code):
    with open(os.path.join(ARGS["languages"], code + ".json"), encoding="utf-8") as f:
        return json.load(f)["strings"]


EN, DE = load("en"), load("de")


def words_of(draw):
    """Every text `draw` draws, in order: labels, and the words of fields and buttons."""
    return drawn(draw).words()


# ---------------------------------------------------------------------------------------------
# Whether every text fits the sidebar at its default width, measured with Blender's own font.

SIDEBAR_WIDTH = 229       # the 3D viewport's sidebar as Blender 3.4 opens it (tools/screenshot_ui.py logs it)
MARGINS = 56              # the panel's margins and the tab column, as panel_text.line_chars counts them
ICON = 20


class Sized:
    """A layout that knows how wide each part is: a column gives each item its width, a row shares it,
    a split gives the first item `factor` of it."""

    def __init__(self, kind="column", factor=0.5):
        self.kind, self.factor, self.items = kind, factor, []
        self.enabled = self.active = True
        self.alert = False
        self.scale_y = 1.0

    def _add(self, kind, factor=0.5):
        child = Sized(kind, factor)
        self.items.append(child)
        return child

    def column(self, *_a, **_k):
        return self._add("column")

    def row(self, *_a, **_k):
        return self._add("row")

    def box(self, *_a, **_k):
        return self._add("box")

    def split(self, factor=0.5, **_k):
        return self._add("split", factor)

    def label(self, text="", icon='NONE', **_k):
        self.items.append(("label", text, icon != 'NONE'))

    def prop(self, data, name, text=None, **_k):
        self.items.append(("prop", text or "", False))

    def operator(self, idname, text=None, icon='NONE', **_k):
        self.items.append(("operator", text or "", icon != 'NONE'))
        return type("OperatorProperties", (), {})()

    def template_icon(self, icon_value=0, scale=1.0):
        pass

    def separator(self, **_k):
        pass

    def too_wide(self, width, out):
        """Texts wider than the room they get, as (text, needs, has)."""
        import blf
        blf.size(0, 11)
        # Icon-only buttons and fields without words take an icon's width; the rest share what is left.
        fixed = [i for i in self.items if isinstance(i, tuple) and not i[1]]
        rest = [i for i in self.items if i not in fixed]
        for n, item in enumerate(self.items):
            if self.kind == "split":
                room = width * self.factor if n == 0 else width * (1 - self.factor) / max(1, len(self.items) - 1)
            elif self.kind == "row":
                room = (width - ICON * len(fixed)) / max(1, len(rest)) if item in rest else ICON
            else:
                room = width - (8 if self.kind == "box" else 0)
            if isinstance(item, Sized):
                item.too_wide(room, out)
                continue
            what, text, icon = item
            if not text:
                continue
            needs = blf.dimensions(0, text)[0] + (ICON if icon else 0) + (ICON if what == "prop" else 0) + 6
            if needs > room + 0.5:
                out.append((text, round(needs), round(room)))
        return out


class SidebarContext:
    """bpy.context, with a sidebar region of a given width (background mode has none)."""

    def __init__(self, width):
        self.region = type("Region", (), {"width": width})()

    def __getattr__(self, name):
        return getattr(bpy.context, name)


def cut_off(draw, width=SIDEBAR_WIDTH):
    layout = Sized()
    draw(layout, SidebarContext(width))
    return layout.too_wide(width - MARGINS, [])


def english_in(texts):
    """English of the language files that shows where German was due (data such as names excepted)."""
    found = []
    joined = " | ".join(texts)
    for key, en in EN.items():
        de = DE.get(key)
        if not de or de == en:
            continue
        literal = [part.strip(" .,:;()'\"") for part in re.split(r"\{\w+\}", en)]
        for part in literal:
            if len(part.split()) >= 2 and len(part) >= 8 and part in joined and part not in de:
                found.append("%s (%s)" % (part, key))
            elif len(part.split()) == 1 and len(part) > 2 and part in texts and part not in de.split():
                found.append("%s (%s)" % (part, key))
    return found


class WordsTest(unittest.TestCase):

    def test_01_installs(self):
        global rfam
        rfam = install(self)
        self.assertEqual(rfam.words.available(), sorted(n[:-5] for n in os.listdir(ARGS["languages"])),
                         "the add-on ships every language of the server")
        for code in rfam.words.available():
            self.assertEqual(rfam.words._strings(code), load(code), "%s: the add-on's words are the pages'" % code)

    def test_02_before_log_in_english_like_blender(self):
        rfam.asset_ops.on_file_loaded()
        self.assertEqual(rfam.words.current(), "en", "Blender speaks English here, and nobody is logged in")
        texts = words_of(rfam.panel.draw_login)
        self.assertIn(EN["addon:connect-code"], texts, "the connect code first, in words")
        self.assertIn(EN["addon:connect"], texts)
        p = prefs()
        p.by_name = True               # folded out: log in by name
        texts = words_of(rfam.panel.draw_login)
        p.by_name = False
        self.assertIn(EN["login:button"], texts)
        self.assertIn(EN["addon:server"], texts)

    def test_03_after_log_in_the_person_s_language(self):
        p = prefs()
        p.server_url, p.project, p.user = ARGS["server"], ARGS["project"], ARGS["user"]
        bpy.ops.rfam.login()
        settle(lambda: cache().file_status == 'asset' and cache().defaults is not None)
        settle(lambda: cache().job is not None)
        self.assertEqual(rfam.words.current(), "de", "the person chose German on RFAM")
        said = DE["addon:logged-in"].format(name="Alex Rivera", project="The Cake Heist")
        self.assertEqual(cache().message, said)

    def test_04_every_panel_in_german(self):
        login = words_of(rfam.panel.draw_login)
        asset = words_of(rfam.panel.draw_asset)
        rfam.preflight.check(bpy.context)
        render = words_of(rfam.panel.draw_render)
        texts = login + asset + render
        print("RFAM drew: %s" % json.dumps(texts, ensure_ascii=False), flush=True)
        for key in ("asset:type", "asset:owner", "asset:state", "asset:priority", "asset:description", "asset:stats",
                    "addon:render", "addon:check", "addon:own-priority", "render:video", "render:device"):
            self.assertIn(DE[key], texts, "%s is drawn as the German file says" % key)
        self.assertIn(DE["addon:no-changes"], texts)
        self.assertIn("%s: %s" % (ARGS["jobName"], DE["job:paused"]), texts, "the job's status in German")
        self.assertTrue(any(DE["job:msg-paused-by"].split("{who}")[0] in t for t in texts),
                        "what the server said about the job, in German")
        state = cache().asset["meta"]["state"]
        names = [name for ident, name, _tip in rfam.state._states_for_asset(None, bpy.context)]
        self.assertIn(DE["state:" + state], names, "the states to choose from have their German names")
        devices = rfam.state._devices(None, bpy.context)
        self.assertEqual([(name, tip) for _ident, name, tip in devices],
                         [(DE[name], DE[tip]) for _ident, name, tip in rfam.state.DEVICES],
                         "Any / GPU only / CPU only and what each does, in German")
        self.assertEqual(english_in(texts), [], "no English where German was due")
        self.assertFalse([t for t in texts if t.startswith("<")], "every field and button has words of its own")

    def test_05_nothing_cut_off_at_the_default_width(self):
        for name in ("draw_login", "draw_asset", "draw_render"):
            self.assertEqual(cut_off(getattr(rfam.panel, name)), [], "%s: every text fits the sidebar" % name)
        self.assertNotEqual(cut_off(rfam.panel.draw_asset, width=140), [], "the measure sees a sidebar too narrow")

    def test_06_render_button_and_progress_in_sight_at_1600x900(self):
        panels = rfam.panel.classes
        self.assertLess(panels.index(rfam.panel.VIEW3D_PT_rfam_render), panels.index(rfam.panel.VIEW3D_PT_rfam_asset),
                        "the render panel comes before the asset's")
        login, render = words_of(rfam.panel.draw_login), words_of(rfam.panel.draw_render)
        counts = cache().job["counts"]
        done = DE["job:done-of"].format(done=counts["done"], frames=counts["frames"])
        progress = next(i for i, text in enumerate(render) if text.startswith(done))
        self.assertLess(render.index(DE["addon:render"]), progress, "the button, then the job's progress")
        # Rows of about 22 px (the button 1.4 rows), three panel headers of 26 px, in the 732 px the
        # sidebar has at 1600 x 900 (tools/screenshot_ui.py logs it).
        height = 22 * (len(login) + progress + 1 + 0.4) + 3 * 26
        self.assertLess(height, 732, "the progress shows without scrolling (%d px down)" % height)

    def test_07_server_refusals_in_german(self):
        bpy.ops.rfam.update_asset(state="flying")
        settle()
        self.assertEqual(cache().message_level, 'ERROR')
        self.assertIn("kann nicht im Stand „flying“ sein", cache().message, "the server's sentence in German")

    def test_08_a_state_named_in_a_sentence_in_german(self):
        from rfam import words
        said = {"key": "notify:needed-asset-usable",
                "params": {"asset": "Cake", "state": "Polished", "stateKey": "state:po", "need": "Shot 010"}}
        self.assertEqual(words.sentence(said, "Cake is now Polished"),
                         "Cake ist jetzt Poliert: Shot 010 kann es verwenden.")
        said["params"]["stateKey"] = "state:made-up"
        self.assertIn("ist jetzt Polished:", words.sentence(said, ""), "a state no language file names stays as sent")


run_and_summarise([WordsTest], verbosity=2, failfast=True)
