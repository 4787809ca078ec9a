# Builds the .blend files that test/blend/read-blend-links.blender.test.ts reads, with Blender itself.
# Run: blender -b --factory-startup --python-exit-code 1 --python make-blend-fixtures.py \
#        -- <out dir> [big <subdivisions> | settings]
# Prints one line `BLEND_FIXTURES_JSON={...}` mapping each saved file to the library paths Blender
# itself reports after reopening it, so the test compares our reader with Blender's own view; with
# `settings`, scenes of different ranges, rates, resolutions, engines and formats (one without a
# camera), and under "render" what Blender reports each one renders.
import json
import os
import sys

import bpy

args = sys.argv[sys.argv.index('--') + 1:]
out = os.path.abspath(args[0])
seen = {}


def reset():
    bpy.ops.wm.read_factory_settings(use_empty=True)


def save(rel, compress=False, relative_remap=True):
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    bpy.ops.wm.save_as_mainfile(filepath=path, compress=compress, relative_remap=relative_remap)
    return path


def new_collection_with_cube(name, material=None):
    coll = bpy.data.collections.new(name)
    bpy.context.scene.collection.children.link(coll)
    mesh = bpy.data.meshes.new(name + 'Mesh')
    mesh.from_pydata([(0, 0, 0), (1, 0, 0), (1, 1, 0), (0, 1, 0)], [], [(0, 1, 2, 3)])
    if material is not None:
        mesh.materials.append(material)
    coll.objects.link(bpy.data.objects.new(name, mesh))
    return coll


def link_collection(lib_path, name, relative=True):
    with bpy.data.libraries.load(lib_path, link=True, relative=relative) as (src, dst):
        dst.collections = [name]
    coll = dst.collections[0]
    bpy.context.scene.collection.children.link(coll)
    return coll


def libraries_seen_by_blender(path):
    bpy.ops.wm.open_mainfile(filepath=path)
    return [{'filepath': lib.filepath, 'parent': lib.parent.filepath if lib.parent else None}
            for lib in bpy.data.libraries]


def make_links():
    reset()
    mat = bpy.data.materials.new('Wood')
    mat.use_fake_user = True
    wood = save('lib/materials/wood.blend')

    reset()
    chair = (new_collection_with_cube('Chair'), save('lib/chair.blend'))[1]

    reset()
    with bpy.data.libraries.load(wood, link=True, relative=True) as (src, dst):
        dst.materials = ['Wood']
    new_collection_with_cube('Table', dst.materials[0])
    table = save('lib/table.blend')

    reset()
    link_collection(chair, 'Chair')
    save('shot.blend')
    save('shot_zstd.blend', compress=True)

    reset()
    link_collection(chair, 'Chair')
    link_collection(table, 'Table')
    save('sets/kitchen.blend')

    reset()
    link_collection(chair, 'Chair', relative=False)
    save('abs.blend', relative_remap=False)

    reset()
    new_collection_with_cube('Lonely')
    save('nolinks.blend')

    for rel in ['lib/chair.blend', 'lib/table.blend', 'shot.blend', 'shot_zstd.blend',
                'sets/kitchen.blend', 'abs.blend', 'nolinks.blend']:
        seen[rel] = libraries_seen_by_blender(os.path.join(out, rel))


def make_big(subdivisions):
    # A few MB of mesh data linking one library, saved plain and zstd, for the benchmark.
    reset()
    new_collection_with_cube('Chair')
    chair = save('lib/chair.blend')
    reset()
    link_collection(chair, 'Chair')
    bpy.ops.mesh.primitive_ico_sphere_add(subdivisions=subdivisions)
    save('big.blend')
    save('big_zstd.blend', compress=True)


def new_camera(name):
    cam = bpy.data.objects.new(name, bpy.data.cameras.new(name))
    bpy.context.scene.collection.objects.link(cam)
    return cam


def set_scene(scene, frames, fps, size, percent, engine, fmt, camera=None, denoise=None):
    scene.frame_start, scene.frame_end, scene.frame_step = frames
    scene.render.fps, scene.render.fps_base = fps
    scene.render.resolution_x, scene.render.resolution_y = size
    scene.render.resolution_percentage = percent
    scene.render.engine = engine
    scene.render.image_settings.file_format = fmt
    scene.camera = camera
    if denoise is not None:
        scene.cycles.use_denoising = denoise


def render_settings_seen_by_blender(path):
    # What Blender itself says the reopened file renders, in the reader's terms.
    bpy.ops.wm.open_mainfile(filepath=path)
    scene = bpy.context.scene
    r = scene.render
    return {'scene': scene.name, 'frameStart': scene.frame_start, 'frameEnd': scene.frame_end,
            'frameStep': scene.frame_step, 'fps': round(r.fps / r.fps_base, 3),
            'resolution': [r.resolution_x, r.resolution_y], 'resolutionPercentage': r.resolution_percentage,
            'engine': r.engine, 'camera': scene.camera.name if scene.camera else None,
            'fileFormat': r.image_settings.file_format, 'movie': r.is_movie_format,
            'denoising': r.engine == 'CYCLES' and scene.cycles.use_denoising}


def make_settings():
    reset()
    scene = bpy.context.scene
    set_scene(scene, (1, 96, 1), (24, 1.0), (1920, 1080), 100, 'CYCLES', 'PNG', new_camera('ShotCam'), denoise=False)
    save('settings/shot_96.blend')

    reset()
    set_scene(bpy.context.scene, (10, 250, 2), (24, 1.001), (1280, 720), 50, 'BLENDER_EEVEE', 'FFMPEG',
              new_camera('Cam.002'))
    save('settings/ntsc_movie.blend')

    reset()
    set_scene(bpy.context.scene, (0, 47, 1), (25, 1.0), (640, 360), 25, 'BLENDER_WORKBENCH', 'OPEN_EXR')
    save('settings/nocam.blend')

    # Two scenes, the second one open when saved; Cycles denoising left as Blender sets it; zstd.
    reset()
    first = bpy.context.scene
    set_scene(first, (1, 10, 1), (24, 1.0), (100, 100), 100, 'BLENDER_EEVEE', 'PNG', new_camera('A'))
    second = bpy.data.scenes.new('Shot B')
    bpy.context.window.scene = second
    set_scene(second, (5, 20, 3), (30, 1.0), (3840, 2160), 150, 'CYCLES', 'JPEG', new_camera('B'))
    save('settings/two_scenes_zstd.blend', compress=True)

    reset()
    set_scene(bpy.context.scene, (-5, 5, 1), (60, 1.0), (1024, 429), 200, 'CYCLES', 'OPEN_EXR_MULTILAYER',
              new_camera('C'), denoise=True)
    save('settings/denoise_exr.blend')

    for rel in ['settings/shot_96.blend', 'settings/ntsc_movie.blend', 'settings/nocam.blend',
                'settings/two_scenes_zstd.blend', 'settings/denoise_exr.blend']:
        render[rel] = render_settings_seen_by_blender(os.path.join(out, rel))


render = {}
if len(args) > 2 and args[1] == 'big':
    make_big(int(args[2]))
elif len(args) > 1 and args[1] == 'settings':
    make_settings()
else:
    make_links()
print('BLEND_FIXTURES_JSON=' + json.dumps({'version': bpy.app.version_string, 'files': seen, 'render': render}))
