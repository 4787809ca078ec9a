"""The Python a render node's Blender runs (node/blender/), without Blender: its arguments, the
settings it makes, the path check's verdicts, how it reads the node's commands and ends, the frame
timing and previews (bpy stood in for by a stub). The real Blender runs these scripts in the node
tests (test/node/*.test.ts).

    python3 test/node/test_blender_scripts.py

Prints a last line 'N passed, N failed' and exits non-zero when anything failed
(test/node/blender-scripts.test.ts runs it, and flake8 over the scripts).
"""

import contextlib
import importlib.util
import io
import os
import subprocess
import sys
import tempfile
import textwrap
import types
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPTS = os.path.join(ROOT, "node", "blender")

# A stand-in for Blender's module: the scripts import it, the tests give it what they use.
bpy = types.ModuleType("bpy")
sys.modules["bpy"] = bpy
sys.path.insert(0, SCRIPTS)
sys.path.insert(0, os.path.join(ROOT, "blender-addon", "tests"))   # the runner every Python test script shares

import rfam_device  # noqa: E402
import rfam_preview  # noqa: E402
import rfam_run  # noqa: E402
from unittest_run import run_and_summarise  # noqa: E402


def _load(name):
    """A script by path, under a name of its own: its main() does not run."""
    spec = importlib.util.spec_from_file_location("test_" + name, os.path.join(SCRIPTS, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


session = _load("session")
video_setup = _load("video_setup")


def _python(code, stdin=""):
    """Runs code in a python3 of its own (the scripts end their process), with node/blender/ importable."""
    return subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, %r)\n%s" % (SCRIPTS, code)],
                          input=stdin, capture_output=True, text=True, timeout=30)


def _render(movie):
    settings = types.SimpleNamespace(file_format="FFMPEG" if movie else "OPEN_EXR")
    return types.SimpleNamespace(use_overwrite=False, use_placeholder=True, use_file_extension=False,
                                 is_movie_format=movie, image_settings=settings, engine="CYCLES", use_denoising=True)


class Arguments(unittest.TestCase):
    def test_the_json_after_the_double_dash(self):
        argv = ["blender", "-b", "a.blend", "--python", "session.py", "--",
                '{"output": "/o/\\"q\\"/####", "project": null}']
        self.assertEqual(rfam_run.arguments(argv), {"output": '/o/"q"/####', "project": None})

    def test_none(self):
        self.assertEqual(rfam_run.arguments(["blender", "-b"]), {})
        self.assertEqual(rfam_run.arguments(["blender", "--"]), {})


class Settings(unittest.TestCase):
    def test_a_run_safe_to_repeat(self):
        r = _render(movie=False)
        rfam_run.make_rerunnable(r, frames=True)
        self.assertEqual((r.use_overwrite, r.use_placeholder, r.use_file_extension), (True, False, True))
        self.assertEqual(r.image_settings.file_format, "OPEN_EXR", "an image format stays")

    def test_nothing_the_file_needs_is_turned_off(self):
        r = _render(movie=False)
        rfam_run.make_rerunnable(r, frames=True)
        self.assertEqual((r.engine, r.use_denoising), ("CYCLES", True))

    def test_a_movie_format(self):
        r = _render(movie=True)
        rfam_run.make_rerunnable(r, frames=True)
        self.assertEqual(r.image_settings.file_format, "PNG", "a frames job of a movie file writes images")
        r = _render(movie=True)
        rfam_run.make_rerunnable(r, frames=False)
        self.assertEqual(r.image_settings.file_format, "FFMPEG", "a video job keeps the movie format")


PLACE = {"project": "/p", "outputDir": "/p/renders/a", "outputShown": "renders/a/"}


class PathCheck(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rfam-check-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", self.dir]))
        rfam_run._checkers.clear()

    def checker(self, body):
        path = os.path.join(self.dir, "outside_paths_%d.py" % len(os.listdir(self.dir)))
        with open(path, "w") as f:
            f.write(textwrap.dedent(body))
        return path

    def test_a_file_inside_its_project(self):
        path = self.checker("""
            calls = []
            def find(project, output_dir):
                calls.append((project, output_dir))
                return []
        """)
        self.assertIsNone(rfam_run.refusal("/p/a.blend", PLACE, path))
        self.assertEqual(rfam_run._load_checker(path).calls, [("/p", "/p/renders/a")], "asked about the run's place")

    def test_a_file_reaching_outside(self):
        path = self.checker("""
            def find(project, output_dir):
                return [("image", "/elsewhere/wood.png")]
            def sentence(found, shown):
                return "%s %s, fix it in %s" % (found[0][0], found[0][1], shown)
        """)
        self.assertEqual(rfam_run.refusal("/p/a.blend", PLACE, path), "image /elsewhere/wood.png, fix it in renders/a/")

    def test_missing_files_are_printed_for_the_node(self):
        path = self.checker("""
            def find_missing(project):
                return [{"kind": "library", "path": "props/cake.blend", "users": ["Cake"]}]
        """)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rfam_run.report_missing("/p/a.blend", PLACE, path)
        said = 'RFAM_MISSING [{"kind": "library", "path": "props/cake.blend", "users": ["Cake"]}]\n'
        self.assertEqual(out.getvalue(), said)
        none = self.checker("""
            def find_missing(project):
                return []
        """)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rfam_run.report_missing("/p/a.blend", PLACE, none)
            rfam_run.report_missing("", PLACE, path)
        self.assertEqual(out.getvalue(), "", "nothing missing, or no file loaded: nothing said")

    def test_nothing_to_check(self):
        missing = os.path.join(self.dir, "nope.py")
        self.assertIsNone(rfam_run.refusal("", PLACE, missing), "no file loaded")
        self.assertIsNone(rfam_run.refusal("/p/a.blend", dict(PLACE, project=None), missing),
                          "a Blender waiting for a file")
        self.assertIsNone(rfam_run.refusal("/p/a.blend", None, missing))

    def test_a_check_that_cannot_run_lets_nothing_through(self):
        broken = self.checker("""
            def find(project, output_dir):
                raise OSError("disk gone")
        """)
        self.assertEqual(rfam_run.refusal("/p/a.blend", PLACE, broken),
                         "The farm could not check the paths this file uses (disk gone), so it does not render it;"
                         " tell staff.")
        text = rfam_run.refusal("/p/a.blend", PLACE, os.path.join(self.dir, "nope.py"))
        self.assertRegex(text, r"^The farm could not check the paths this file uses \(.*nope\.py.*\)")

    def test_a_refusal_ends_blender(self):
        path = self.checker("""
            def find(project, output_dir):
                return ["x"]
            def sentence(found, shown):
                return "Keep it inside."
        """)
        r = _python("import rfam_run\nrfam_run.check_paths('/p/a.blend', %r, %r)\nprint('rendered')" % (PLACE, path))
        self.assertEqual((r.returncode, r.stdout), (1, "RFAM_REFUSED Keep it inside.\n"))
        r = _python("import rfam_run\nrfam_run.check_paths('', %r, 'nope.py')\nprint('rendered')" % PLACE)
        self.assertEqual((r.returncode, r.stdout), (0, "rendered\n"))


class Failing(unittest.TestCase):
    def test_an_error_line_and_exit_code_1(self):
        r = _python("import rfam_run\nrfam_run.fail(RuntimeError(' Cannot render, no camera\\n'))\nprint('after')")
        self.assertEqual((r.returncode, r.stdout), (1, "Error: Cannot render, no camera\n"))

    def test_blenders_own_error_line_is_not_repeated(self):
        r = _python("import rfam_run\nrfam_run.fail(RuntimeError('Error: Cannot render, no camera'))")
        self.assertEqual((r.returncode, r.stdout), (1, ""))


class Commands(unittest.TestCase):
    def test_lines_from_a_descriptor(self):
        read, write = os.pipe()
        os.write(write, "LOAD {\"file\": \"/p/é.blend\"}\nRENDER 1 2\n\nRENDER 3".encode())
        os.close(write)
        lines = []
        rfam_run.read_lines(read, lines.append)
        os.close(read)
        self.assertEqual(lines, ['LOAD {"file": "/p/é.blend"}', "RENDER 1 2", ""],
                         "a last line without its newline is not a command")

    def test_parsed(self):
        self.assertEqual(session.parse("RENDER 5 6 -1"), ("RENDER", [5, 6, -1]))
        self.assertEqual(session.parse("LOAD"), ("LOAD", ""))
        self.assertEqual(session.parse('LOAD {"file": "/p/a.blend"}'), ("LOAD", ' {"file": "/p/a.blend"}'))
        self.assertEqual(session.parse(""), (None, None))
        self.assertEqual(session.parse("LOADED"), (None, None))
        self.assertEqual(session.load_spec(" "), {}, "LOAD alone: the same file again")
        self.assertEqual(session.load_spec(' {"file": "/p/a.blend", "output": "/p/r/####"}'),
                         {"file": "/p/a.blend", "output": "/p/r/####"})

    def test_a_session_ends_when_stdin_closes(self):
        code = "import rfam_run, time\nq = rfam_run.commands()\nwhile True: print(q.get(), flush=True)"
        p = subprocess.Popen([sys.executable, "-c", "import sys; sys.path.insert(0, %r)\n%s" % (SCRIPTS, code)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        p.stdin.write("LOAD\nRENDER 3\n")
        p.stdin.flush()
        self.assertEqual([p.stdout.readline(), p.stdout.readline()], ["LOAD\n", "RENDER 3\n"], "each line a command")
        p.stdin.close()
        self.assertEqual(p.wait(timeout=20), 0, "stdin closed: the session ends")
        p.stdout.close()

    def test_a_video_run_ends_when_the_node_dies(self):
        r = _python("import rfam_run, time\nrfam_run.exit_when_stdin_closes(3)\ntime.sleep(20)\nprint('orphan')")
        self.assertEqual((r.returncode, r.stdout), (3, ""))


class Frames(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rfam-frames-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", self.dir]))

    def scene(self, frame):
        path = os.path.join(self.dir, "%04d.mkv" % frame)
        render = types.SimpleNamespace(frame_path=lambda frame: path)
        return types.SimpleNamespace(frame_current=frame, render=render)

    def test_the_throttle(self):
        t = rfam_preview.Throttle()
        self.assertEqual([t.due(now) for now in (100, 101, 102.9, 103, 105, 106.5)],
                         [True, False, False, True, False, True])

    def test_each_frame_written_timed_with_a_preview_at_most_every_3_s(self):
        saved = []

        class Result:
            def save_render(self, filepath):
                saved.append(filepath)
                with open(filepath, "w") as f:
                    f.write("png")

        bpy.data = types.SimpleNamespace(images={"Render Result": Result()})
        self.addCleanup(lambda: delattr(bpy, "data"))
        frames = video_setup.WrittenFrames(video=True)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            frames.pre(self.scene(1))
            frames.written(self.scene(1))
            frames.pre(self.scene(2))
            frames.written(self.scene(2))
        lines = out.getvalue().splitlines()
        preview = os.path.join(self.dir, ".rfam-preview.png")
        self.assertEqual(lines[0], "RFAM_PREVIEW " + preview, "the first frame's preview, before it is announced")
        self.assertRegex(lines[1], r"^RFAM_WRITTEN 1 \d+\.\d{4} " + os.path.join(self.dir, "0001.mkv") + "$")
        self.assertRegex(lines[2], r"^RFAM_WRITTEN 2 \d+\.\d{4} ", "no second preview within 3 s")
        self.assertEqual(len(lines), 3)
        self.assertEqual(saved, [preview + ".part.png"], "written whole, then renamed")
        self.assertTrue(os.path.exists(preview) and not os.path.exists(saved[0]))

    def test_frames_without_previews(self):
        frames = video_setup.WrittenFrames(video=False)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            frames.written(self.scene(7))
        self.assertRegex(out.getvalue(), r"^RFAM_WRITTEN 7 0\.0000 .*0007\.mkv\n$", "no render_pre seen: no time")

    def test_a_preview_that_fails_only_says_so(self):
        bpy.data = types.SimpleNamespace(images={})
        self.addCleanup(lambda: delattr(bpy, "data"))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rfam_preview.save_render_result(os.path.join(self.dir, "0001.mkv"))
            rfam_preview.FramePreviews().after_frame(self.scene(1), os.path.join(self.dir, "0001.exr"))
        self.assertEqual(out.getvalue().splitlines(), [
            "RFAM_NO_PREVIEW 'Render Result'",
            "RFAM_NO_PROXY 'types.SimpleNamespace' object has no attribute 'scenes'",
        ])
        self.assertEqual(os.listdir(os.path.join(self.dir, ".proxies")), [], "nothing half-written left")

    def test_proxies_beside_the_frames_at_most_960_wide(self):
        self.assertEqual(rfam_preview.proxy_path("/r/shots/010/0042.exr"), "/r/shots/010/.proxies/0042.jpg")
        self.assertEqual(rfam_preview.proxy_path("/r/x/shot_0042.dpx"), "/r/x/.proxies/shot_0042.jpg")
        self.assertEqual(rfam_preview.proxy_size(1920, 1080), (960, 540))
        self.assertEqual(rfam_preview.proxy_size(4096, 1716), (960, 402))
        self.assertIsNone(rfam_preview.proxy_size(640, 360), "a small frame is saved at its own size")


class Device(unittest.TestCase):
    """rfam_device.use_device with Cycles' preferences stood in for: a machine with two CUDA cards
    and its CPU, whose Blender knows the types it was built with."""

    class Prefs:
        def __init__(self, types, devices):
            self._types = types
            self.devices = devices
            self._type = "NONE"

        @property
        def compute_device_type(self):
            return self._type

        @compute_device_type.setter
        def compute_device_type(self, value):
            if value not in self._types:
                raise TypeError('enum "%s" not found' % value)
            self._type = value

        def get_devices_for_type(self, device_type):
            return [d for d in self.devices if d.type in (device_type, "CPU")]

    def machine(self):
        devices = [types.SimpleNamespace(type="CUDA", use=False), types.SimpleNamespace(type="CUDA", use=False),
                   types.SimpleNamespace(type="CPU", use=True)]
        scene = types.SimpleNamespace(cycles=types.SimpleNamespace(device="GPU"))
        return scene, self.Prefs(("NONE", "CUDA", "OPTIX", "HIP"), devices), devices

    def test_the_cpu(self):
        scene, prefs, devices = self.machine()
        self.assertEqual(rfam_device.use_device(scene, prefs, "CPU"), "RFAM_DEVICE CPU")
        self.assertEqual(scene.cycles.device, "CPU")
        self.assertEqual(prefs.compute_device_type, "NONE", "the preferences are left alone")

    def test_every_card_of_the_type_and_not_the_cpu(self):
        scene, prefs, devices = self.machine()
        self.assertEqual(rfam_device.use_device(scene, prefs, "CUDA"), "RFAM_DEVICE CUDA 2")
        self.assertEqual(scene.cycles.device, "GPU")
        self.assertEqual(prefs.compute_device_type, "CUDA")
        self.assertEqual([d.use for d in devices], [True, True, False])

    def test_a_type_this_blender_has_but_the_machine_not(self):
        scene, prefs, devices = self.machine()
        with self.assertRaisesRegex(RuntimeError, "found no HIP device on this node"):
            rfam_device.use_device(scene, prefs, "HIP")

    def test_a_type_this_blender_was_built_without(self):
        scene, prefs, devices = self.machine()
        with self.assertRaisesRegex(RuntimeError, "cannot render on METAL devices"):
            rfam_device.use_device(scene, prefs, "METAL")

    def test_anything_else_is_the_cpu(self):
        scene, prefs, devices = self.machine()
        self.assertEqual(rfam_device.use_device(scene, prefs, "ANY"), "RFAM_DEVICE CPU")


if __name__ == "__main__":
    run_and_summarise([Arguments, Settings, PathCheck, Failing, Commands, Frames, Device], verbosity=2)
