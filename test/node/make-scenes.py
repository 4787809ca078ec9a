# Makes tiny test scenes with Blender (run at test time, nothing binary is committed):
#   blender -b --factory-startup --python-exit-code 1 --python make-scenes.py -- <folder> [heavy]
# tiny.blend: camera + animated cube, Cycles, 64x36, 4 samples, denoising off, PNG, frames 1-48.
# nocam.blend: the same without a camera (cannot render).
# denoise.blend: tiny with denoising on (needs OpenImageDenoise, which Debian's Blender lacks).
# movie.blend: tiny set to FFMPEG output.
# exr.blend: tiny writing OpenEXR (a format browsers cannot show).
# exr-wide.blend: OpenEXR 1280x72, 1 sample (wider than a proxy: the node scales it down).
# slow.blend: about a second or two a frame (more samples, 160x90), for kill and cancel tests.
# heavy.blend (with a sample count): slower frames for benchmarks (160x90; ~5 s a frame at 3000 samples
# on this 2-core machine).
import os
import sys

import bmesh
import bpy

args = sys.argv[sys.argv.index('--') + 1:]
folder = args[0]
heavy_samples = int(args[1]) if len(args) > 1 else 0
os.makedirs(folder, exist_ok=True)


def scene(camera=True, engine='CYCLES', samples=4, size=(64, 36), denoise=False, movie=False, exr=False, stereo=False):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    s = bpy.context.scene
    if camera:
        cam = bpy.data.objects.new('Camera', bpy.data.cameras.new('Camera'))
        s.collection.objects.link(cam)
        s.camera = cam
        cam.location = (7, -7, 5)
        cam.rotation_euler = (1.1, 0, 0.785)
    me = bpy.data.meshes.new('Cube')
    bm = bmesh.new()
    bmesh.ops.create_cube(bm, size=2)
    bm.to_mesh(me)
    cube = bpy.data.objects.new('Cube', me)
    s.collection.objects.link(cube)
    cube.keyframe_insert('location', frame=1)
    cube.location.z = 2
    cube.keyframe_insert('location', frame=48)
    light = bpy.data.objects.new('Light', bpy.data.lights.new('Light', 'SUN'))
    s.collection.objects.link(light)
    s.render.engine = engine
    s.render.resolution_x, s.render.resolution_y = size
    s.render.resolution_percentage = 100
    s.frame_start, s.frame_end = 1, 48
    s.cycles.samples = samples
    s.cycles.use_adaptive_sampling = False
    s.cycles.use_denoising = denoise
    for vl in s.view_layers:
        vl.cycles.use_denoising = denoise
    if movie:
        s.render.image_settings.file_format = 'FFMPEG'
        s.render.ffmpeg.format = 'MPEG4'
        s.render.ffmpeg.codec = 'H264'
    elif exr:
        s.render.image_settings.file_format = 'OPEN_EXR'
    else:
        s.render.image_settings.file_format = 'PNG'
    if stereo:
        # Stereo saved as one file per eye: Blender writes 0001_L.png and 0001_R.png.
        s.render.use_multiview = True
        s.render.views_format = 'STEREO_3D'
        s.render.image_settings.views_format = 'INDIVIDUAL'
    s.render.filepath = '//renders/direct/'
    return s


def save(name):
    bpy.ops.wm.save_as_mainfile(filepath=os.path.join(folder, name))


scene()
save('tiny.blend')
scene(camera=False)
save('nocam.blend')
scene(denoise=True)
save('denoise.blend')
scene(movie=True)
save('movie.blend')
scene(exr=True)
save('exr.blend')
scene(stereo=True)
save('stereo.blend')
scene(exr=True, size=(1280, 72), samples=1)
save('exr-wide.blend')
scene(samples=300, size=(160, 90))
save('slow.blend')
if heavy_samples:
    scene(samples=heavy_samples, size=(160, 90))
    save('heavy.blend')
