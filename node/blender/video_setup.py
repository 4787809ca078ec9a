"""Set-up of a render node's one-shot Blender run: a video job (the whole movie is one process),
or a frames run whose file is not there (it fails in a Blender of its own, with Blender's words).

Run by the node (blenderCommand in node/blender-args.ts) before the output path and the frame
range, and video_render.py after them:

    blender --factory-startup -Y|-y -b <file> --python video_setup.py -o <output> [-t <threads>]
            -s <first> -e <last> -j <step> --python video_render.py -- '<json>'

<json>: {"frames": a frames run (a movie format then writes PNG images), "project", "outputDir",
"outputShown": the run's place (for the path check, rfam_run.refusal), "serverProject" on a node
without the share (rfam_remap.py), "outsidePaths": the
add-on's outside_paths.py, "device": what Cycles renders on (rfam_device.py; missing: as the file
says)}.

Checks the file's paths (`RFAM_REFUSED <sentence>`, exit code 1), says which files it uses are not
there (`RFAM_MISSING <json>`), makes the run safe to repeat,
prints `RFAM_READY <file format>`, and then, for each frame written, `RFAM_WRITTEN <frame>
<seconds> <path>`, timed inside Blender from the end of the previous frame (or the start of the
first), since output lines reach the node in bursts; for a video, at most every 3 s, a preview of
the frame first (rfam_preview.save_render_result). Blender exits (code 3) if the node that started
it dies (its stdin closes), so no orphan keeps rendering.
"""

import os
import sys
import time

import bpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rfam_device  # noqa: E402
import rfam_preview  # noqa: E402
import rfam_remap  # noqa: E402
import rfam_run  # noqa: E402


class WrittenFrames:
    """Handlers announcing each frame Blender writes (render_pre, render_write)."""

    def __init__(self, video):
        self.video = video
        self.started = None
        self.previews = rfam_preview.Throttle()

    def pre(self, scene, *args):
        if self.started is None:
            self.started = time.perf_counter()

    def written(self, scene, *args):
        now = time.perf_counter()
        took = now - (self.started or now)
        self.started = now
        path = scene.render.frame_path(frame=scene.frame_current)
        if self.video and self.previews.due(now):
            rfam_preview.save_render_result(path)
        print("RFAM_WRITTEN %d %.4f %s" % (scene.frame_current, took, path), flush=True)


def main():
    args = rfam_run.arguments()
    frames = bool(args.get("frames"))
    rfam_run.exit_when_stdin_closes(3)
    rfam_remap.remap(args)
    rfam_run.check_paths(bpy.data.filepath, args, args.get("outsidePaths"))
    rfam_run.report_missing(bpy.data.filepath, args, args.get("outsidePaths"))
    render = bpy.context.scene.render
    rfam_run.make_rerunnable(render, frames)
    if args.get("device"):
        try:
            print(rfam_device.use_device(bpy.context.scene, bpy.context.preferences.addons["cycles"].preferences,
                                         args["device"]), flush=True)
        except Exception as e:
            rfam_run.fail(e)
    handlers = WrittenFrames(video=not frames)
    bpy.app.handlers.render_pre.append(handlers.pre)
    bpy.app.handlers.render_write.append(handlers.written)
    print("RFAM_READY", render.image_settings.file_format, flush=True)


if __name__ == "__main__":
    main()
