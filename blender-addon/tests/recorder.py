"""A layout that records what the add-on's draw_* functions draw: Blender draws nothing in background
mode, and a Panel cannot be given a real layout, so tests pass this one and read back the labels,
properties and operators. in_blender.drawn() draws onto one, for test_addon.py, test_connect.py and
test_words.py."""


class Recorder:
    def __init__(self, log=None):
        self.log = [] if log is None else log
        self.enabled = True
        self.alert = False
        self.active = True
        self.scale_y = 1.0

    def _child(self, *_args, **_kwargs):
        return Recorder(self.log)

    row = column = box = split = column_flow = grid_flow = _child

    def label(self, text="", icon='NONE', **_kwargs):
        self.log.append(("label", text, icon))

    def prop(self, data, name, text=None, **_kwargs):
        self.log.append(("prop", name, text))

    def operator(self, idname, text=None, icon='NONE', **_kwargs):
        self.log.append(("operator", idname, text, self.enabled))
        return type("OperatorProperties", (), {})()

    def template_icon(self, icon_value=0, scale=1.0):
        self.log.append(("icon", icon_value))

    def separator(self, **_kwargs):
        pass

    def texts(self):
        """Every label, joined by spaces (wrapped paragraphs come back whole)."""
        return " ".join(entry[1] for entry in self.log if entry[0] == "label")

    def operators(self):
        return {entry[1]: entry for entry in self.log if entry[0] == "operator"}

    def props(self):
        return [entry[1] for entry in self.log if entry[0] == "prop"]

    def words(self):
        """Every text drawn, in order: labels, and the words of fields and buttons ('<name>' for one
        that has none of its own)."""
        said = []
        for entry in self.log:
            if entry[0] == "label":
                said.append(entry[1])
            elif entry[0] in ("prop", "operator"):
                said.append(entry[2] if entry[2] is not None else "<%s>" % entry[1])
        return said
