"""A render node's Blender session: Blender stays open with its file loaded and renders frames on
request, so a node pays Blender's start-up once per file instead of once per run.

Run by the node (sessionCommand in node/blender-args.ts, after the file and the thread count: it
never returns):

    blender --factory-startup -Y|-y -b [<file>] [-t <threads>] --python session.py -- '<json>'

<json>: {"output": the output pattern, "project", "outputDir", "outputShown" (and "serverProject" on a
node without the share: rfam_remap.py): the run's place (for
the path check, rfam_run.refusal), "scripting": whether a file loaded again runs its own scripts (as
-y), "outsidePaths": the add-on's outside_paths.py, "device": what Cycles renders on, 'CPU' or a GPU
type (rfam_device.py; missing: as the file says)}; a Blender started without a file, waiting to be
sent one, has null output and place.

Commands on stdin, one a line:
  RENDER <frame> <frame> …  renders each frame (the same frame_set and render as `-a`, written to
                            the frame's own path under the output), printing
                            `RFAM_WRITTEN <frame> <seconds> <path>` after each (after its proxy
                            and now and then a preview, for formats a browser cannot show:
                            rfam_preview) and `RFAM_RUN_DONE` after the last;
  LOAD                      reads the file again from disk (a new job: the file, its textures and
                            linked libraries as they are now);
  LOAD {"file", "output", "project", "outputDir", "outputShown", "serverProject", "device"}
                            another file (a Blender started without one) and its place;
                            both print `RFAM_LOADED`.
Prints `RFAM_DEVICE <type> [<count>]` after each file loads when a device is given (a device it
cannot find fails the run), `RFAM_READY <file format>` once set up, and `RFAM_REFUSED <sentence>`
(exit code 1) for a file whose paths reach outside its project; after each file loads,
`RFAM_MISSING <json>` when files it uses are not there (rfam_run.report_missing). A failure ends
Blender with exit code 1 (Blender has printed its 'Error:' line). When stdin closes (the node ends
the session, or dies) Blender exits at once, even in the middle of a frame.
"""

import json
import os
import sys
import time

import bpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rfam_device  # noqa: E402
import rfam_preview  # noqa: E402
import rfam_remap  # noqa: E402
import rfam_run  # noqa: E402
import rfam_views  # noqa: E402

PLACE = ("project", "outputDir", "outputShown", "serverProject")


def parse(line):
    """A command line from the node: ("RENDER", [frames]), ("LOAD", the text after LOAD), or
    (None, None) for anything else."""
    words = line.split()
    if words[:1] == ["LOAD"]:
        return "LOAD", line[4:]
    if words[:1] == ["RENDER"]:
        return "RENDER", [int(w) for w in words[1:]]
    return None, None


def load_spec(text):
    """What a LOAD says: {} (the same file again) or the file, its output and place (JSON)."""
    return json.loads(text) if text.strip() else {}


class Session:
    def __init__(self, args):
        self.output = args.get("output")
        self.place = {k: args.get(k) for k in PLACE}
        self.scripting = bool(args.get("scripting"))
        self.device = args.get("device")
        self.checker = args.get("outsidePaths")
        self.previews = rfam_preview.FramePreviews()
        self.setup()

    def setup(self):
        """After a file loads: settings for a safe re-run, the output path, previews for formats a
        browser cannot show."""
        self.scene = bpy.context.scene
        self.render = self.scene.render
        rfam_run.make_rerunnable(self.render, frames=True)
        if self.output is not None:
            self.render.filepath = self.output
        file_format = self.render.image_settings.file_format
        self.viewable = file_format in rfam_preview.VIEWABLE_FORMATS
        self.browser = file_format in rfam_preview.BROWSER_FORMATS
        self.previews.forget_scene()
        if self.device:
            self.use_device()

    def use_device(self):
        """Cycles renders on the run's device (rfam_device.py); one this Blender cannot find fails."""
        try:
            print(rfam_device.use_device(self.scene, bpy.context.preferences.addons["cycles"].preferences,
                                         self.device), flush=True)
        except Exception as e:
            rfam_run.fail(e)

    def check(self):
        if bpy.data.filepath:
            rfam_remap.remap(self.place)
        rfam_run.check_paths(bpy.data.filepath, self.place, self.checker)
        rfam_run.report_missing(bpy.data.filepath, self.place, self.checker)

    def load(self, text):
        try:
            spec = load_spec(text)
            if "output" in spec:
                self.output = spec["output"]
                self.place = {k: spec.get(k) for k in PLACE}
            if spec.get("device"):
                self.device = spec["device"]
            bpy.ops.wm.open_mainfile(filepath=spec.get("file") or bpy.data.filepath, load_ui=False,
                                     use_scripts=self.scripting)
            self.setup()
        except Exception as e:
            rfam_run.fail(e)
        self.check()
        print("RFAM_LOADED", flush=True)

    def render_frames(self, frames):
        r = self.render
        for f in frames:
            t = time.perf_counter()
            try:
                self.scene.frame_set(f)
                path = r.frame_path(frame=f)
                written = rfam_views.written_file(r, f)
                r.filepath = path
                bpy.ops.render.render(write_still=True)
                r.filepath = self.output
                path = written
            except Exception as e:
                rfam_run.fail(e)
            took = time.perf_counter() - t
            if not self.browser:
                self.previews.after_frame(self.scene, path, preview=not self.viewable)
            print("RFAM_WRITTEN %d %.4f %s" % (f, took, path), flush=True)
        print("RFAM_RUN_DONE", flush=True)


def main():
    commands = rfam_run.commands()
    session = Session(rfam_run.arguments())
    session.check()
    print("RFAM_READY", session.render.image_settings.file_format, flush=True)
    while True:
        command, value = parse(commands.get())
        if command == "LOAD":
            session.load(value)
        elif command == "RENDER":
            session.render_frames(value)


if __name__ == "__main__":
    main()
