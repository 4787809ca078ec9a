"""Renders the scene's frame range of a render node's one-shot run (after video_setup.py, the
output path and -s/-e/-j: see there for the command line), as `-a` would, but through the render
operator, which keeps the Render Result the movie's preview is saved from (`-a` keeps none in the
background). A failure prints Blender's 'Error:' line and ends Blender with exit code 1.
"""

import os
import sys

import bpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rfam_run  # noqa: E402


def main():
    try:
        bpy.ops.render.render(animation=True)
    except Exception as e:
        rfam_run.fail(e)


if __name__ == "__main__":
    main()
