# Saves .blend files with the preview image Blender stores in them (their thumbnail), and reports
# that image as Blender itself loads it back, for test/blend/thumbnail.blender.test.ts.
#
#   blender -b --factory-startup --python-exit-code 1 --python make-thumbnails.py -- <out dir>
#     Headless, Blender 3.4 cannot render a preview (no GPU), so it stores the one it keeps from the
#     file it started from: the factory startup file's own thumbnail (a cube). Saved: plain.blend,
#     zstd.blend (compressed) and none.blend (file_preview_type NONE, as config/defaults templates
#     are saved: no thumbnail).
#   xvfb-run -a blender --factory-startup --python make-thumbnails.py -- <out dir>
#     With a (virtual) screen, Blender renders the preview through the scene's camera, as it does when
#     a student saves: camera.blend, a red cube low on the left and a blue ball high on the right.
#   blender -b --factory-startup --python-exit-code 1 --python make-thumbnails.py -- <dir> <file>...
#     Saves nothing: reports the given files' previews (with a window, previews are scaled to the
#     screen's preview size, so the camera's file is reported by a headless Blender, with a HOME of its
#     own: the save put a larger copy of the preview in the thumbnail cache under HOME).
#
# For each file with a thumbnail saved headless (or given), Blender's own loading of a .blend's
# preview (bpy.utils.previews, type 'BLEND', the file browser's way) gives its size and pixels: one
# line `THUMBNAILS_JSON={...}`, pixels as bytes (0-255) in Blender's order, bottom row first, alpha
# premultiplied as Blender's previews have it.
import base64
import json
import os
import sys

import bpy
import bpy.utils.previews

args = sys.argv[sys.argv.index('--') + 1:]
out = os.path.abspath(args[0])


def add_object(name, mesh_maker, location, color):
    import bmesh
    mesh = bpy.data.meshes.new(name)
    bm = bmesh.new()
    mesh_maker(bm)
    bm.to_mesh(mesh)
    bm.free()
    obj = bpy.data.objects.new(name, mesh)
    obj.location = location
    obj.color = color
    bpy.context.scene.collection.objects.link(obj)


def camera_scene():
    """Something to tell top from bottom and left from right, seen from the front."""
    import bmesh
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    add_object('cube', lambda bm: bmesh.ops.create_cube(bm, size=1.4), (-1.3, 0, -1.1), (1, 0, 0, 1))
    add_object('ball', lambda bm: bmesh.ops.create_uvsphere(bm, u_segments=32, v_segments=16, radius=0.9),
               (1.3, 0, 1.1), (0, 0.2, 1, 1))
    camera = bpy.data.objects.new('camera', bpy.data.cameras.new('camera'))
    camera.location = (0, -8, 0)
    camera.rotation_euler = (1.5708, 0, 0)
    scene.collection.objects.link(camera)
    scene.camera = camera
    scene.display.shading.color_type = 'OBJECT'


def save(name, compress=False, preview='AUTO'):
    bpy.context.preferences.filepaths.file_preview_type = preview
    path = os.path.join(out, name)
    bpy.ops.wm.save_as_mainfile(filepath=path, compress=compress, copy=True)
    return path


def main():
    os.makedirs(out, exist_ok=True)
    if len(args) > 1:
        saved = {os.path.basename(path): os.path.abspath(path) for path in args[1:]}
    elif bpy.app.background:
        saved = {'plain.blend': save('plain.blend'), 'zstd.blend': save('zstd.blend', compress=True)}
        save('none.blend', preview='NONE')
    else:
        camera_scene()
        save('camera.blend', preview='CAMERA')
        saved = {}
    previews = bpy.utils.previews.new()
    report = {'version': bpy.app.version_string, 'files': {}}
    for name, path in saved.items():
        preview = previews.load(name, path, 'BLEND')
        width, height = preview.image_size[:]
        pixels = bytes(round(v * 255) for v in preview.image_pixels_float[:])
        report['files'][name] = {'width': width, 'height': height, 'pixels': base64.b64encode(pixels).decode('ascii')}
    bpy.utils.previews.remove(previews)
    print('THUMBNAILS_JSON=' + json.dumps(report), flush=True)


if bpy.app.background:
    main()
else:
    def in_window():
        try:
            main()
        finally:
            # Quitting a Blender started with a window under Xvfb may crash on the way out: leave at once.
            sys.stdout.flush()
            os._exit(0)
    # Saving with a preview needs the window's context, there once the window is up.
    bpy.app.timers.register(in_window, first_interval=0.5)
