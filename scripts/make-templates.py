"""(Re)creates the template .blend files of the shipped defaults sets.

Run from the repository root (or `npm run templates`):

    blender -b --factory-startup --python-exit-code 1 --python scripts/make-templates.py -- config/defaults

Which files to make is read from each set's types/*.json (`file`); how each set renders comes from
SETS below, and what each type's scene holds from RECIPES. The files carry no Python (our farm runs
Blender with scripts off), so every setting lives in the scene itself. Output paths are relative
placeholders: the render farm overrides them per job.
"""
import json
import math
import os
import sys

import bpy
from mathutils import Vector

# Per set: resolution and engine. Cycles runs on the CPU with denoising off, because Debian's
# Blender is built without OpenImageDenoise and a file with denoising on fails to render there.
SETS = {
    '2K Scope Cycles': {'resolution': (2048, 858), 'engine': 'CYCLES'},
    '2K Scope Eevee': {'resolution': (2048, 858), 'engine': 'BLENDER_EEVEE'},
    'Full HD Cycles': {'resolution': (1920, 1080), 'engine': 'CYCLES'},
    'Full HD Eevee': {'resolution': (1920, 1080), 'engine': 'BLENDER_EEVEE'},
}

FPS = 24

# Per type ident: frames, output, samples and the placeholder shown until the artist replaces it.
# Everything that renders frames writes a PNG sequence; only the Final video writes one movie.
RECIPES = {
    'char': {'frames': (1, 1), 'video': False, 'cycles_samples': 128, 'shape': 'monkey', 'colour': (0.8, 0.35, 0.2)},
    'prop': {'frames': (1, 1), 'video': False, 'cycles_samples': 128, 'shape': 'cube', 'colour': (0.25, 0.5, 0.8)},
    'set': {'frames': (1, 1), 'video': False, 'cycles_samples': 128, 'shape': 'blocks', 'colour': (0.75, 0.6, 0.4)},
    'shot': {'frames': (1, 96), 'video': False, 'cycles_samples': 64, 'shape': 'monkey', 'colour': (0.3, 0.7, 0.35),
             'spin': True},
    'comp': {'frames': (1, 96), 'video': False, 'cycles_samples': 64, 'shape': 'sphere', 'colour': (0.7, 0.3, 0.7),
             'spin': True},
    'video': {'frames': (1, 1440), 'video': True, 'cycles_samples': 32, 'shape': 'cube', 'colour': (0.9, 0.75, 0.2)},
    'mat': {'frames': (1, 1), 'video': False, 'cycles_samples': 128, 'shape': 'sphere', 'colour': (0.6, 0.1, 0.1)},
    'ani': {'frames': (1, 96), 'video': False, 'cycles_samples': 64, 'shape': 'cube', 'colour': (0.2, 0.6, 0.6),
            'spin': True},
}

EEVEE_SAMPLES = 64
FRAMES_OUTPUT = '//render/####'
VIDEO_OUTPUT = '//render/final_####'


def fail(message):
    print('make-templates: ' + message, file=sys.stderr)
    sys.exit(1)


def arguments():
    argv = sys.argv[sys.argv.index('--') + 1:] if '--' in sys.argv else []
    if len(argv) != 1:
        fail('usage: blender -b --factory-startup --python-exit-code 1 --python scripts/make-templates.py'
             ' -- <defaults folder>')
    root = argv[0]
    if not os.path.isdir(root):
        fail(f'{root} is not a folder')
    return root


def empty_file():
    """Starts from Blender's factory file without its cube, camera and light: nothing unneeded is kept."""
    bpy.ops.wm.read_factory_settings(use_empty=True)
    # No preview image inside the file: it would only add size.
    bpy.context.preferences.filepaths.file_preview_type = 'NONE'
    return bpy.context.scene


def material(name, colour):
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    bsdf = mat.node_tree.nodes.get('Principled BSDF')
    bsdf.inputs['Base Color'].default_value = (*colour, 1.0)
    bsdf.inputs['Roughness'].default_value = 0.5
    mat.diffuse_color = (*colour, 1.0)
    return mat


def mesh_object(collection, name, build, location=(0, 0, 0), scale=1.0, smooth=False):
    """Adds a mesh through bpy.ops (the only way to get primitives), then moves it to `collection`."""
    build()
    obj = bpy.context.active_object
    obj.name = name
    obj.data.name = name
    obj.location = location
    obj.scale = (scale, scale, scale)
    if smooth:
        for poly in obj.data.polygons:
            poly.use_smooth = True
    for c in obj.users_collection:
        c.objects.unlink(obj)
    collection.objects.link(obj)
    return obj


def placeholder(scene, recipe):
    """A ground plane and a simple object in a 'Placeholder' collection, so a render shows something."""
    collection = bpy.data.collections.new('Placeholder')
    scene.collection.children.link(collection)
    ground = mesh_object(collection, 'Ground', lambda: bpy.ops.mesh.primitive_plane_add(size=40))
    ground.data.materials.append(material('Ground', (0.35, 0.35, 0.35)))
    colour = material('Placeholder', recipe['colour'])
    shape = recipe['shape']
    objects = []
    if shape == 'monkey':
        objects.append(mesh_object(collection, 'Placeholder', lambda: bpy.ops.mesh.primitive_monkey_add(),
                                   (0, 0, 1), smooth=True))
    elif shape == 'sphere':
        objects.append(mesh_object(collection, 'Placeholder',
                                   lambda: bpy.ops.mesh.primitive_uv_sphere_add(segments=32, ring_count=16),
                                   (0, 0, 1), smooth=True))
    elif shape == 'cube':
        objects.append(mesh_object(collection, 'Placeholder', lambda: bpy.ops.mesh.primitive_cube_add(size=1.5),
                                   (0, 0, 0.75)))
    elif shape == 'blocks':
        for i, (x, y, h) in enumerate([(-2, 1, 2.0), (0.5, 2, 1.2), (2, -0.5, 2.4), (-0.5, -1.5, 0.8)]):
            obj = mesh_object(collection, f'Block {i + 1}', lambda: bpy.ops.mesh.primitive_cube_add(size=1),
                              (x, y, h / 2))
            obj.scale = (1.2, 1.2, h)
            objects.append(obj)
    else:
        fail(f'unknown placeholder shape {shape}')
    for obj in objects:
        obj.data.materials.append(colour)
    if recipe.get('spin'):
        # A turn over the frame range, so a rendered sequence visibly moves.
        obj = objects[0]
        start, end = recipe['frames']
        obj.rotation_euler = (0, 0, 0)
        obj.keyframe_insert('rotation_euler', index=2, frame=start)
        obj.rotation_euler = (0, 0, math.tau)
        obj.keyframe_insert('rotation_euler', index=2, frame=end)
        for fcurve in obj.animation_data.action.fcurves:
            for key in fcurve.keyframe_points:
                key.interpolation = 'LINEAR'


def look_at(obj, target):
    direction = Vector(target) - obj.location
    obj.rotation_euler = direction.to_track_quat('-Z', 'Y').to_euler()


def camera_and_light(scene):
    cam_data = bpy.data.cameras.new('Camera')
    cam_data.lens = 35
    cam = bpy.data.objects.new('Camera', cam_data)
    cam.location = (9.0, -8.5, 5.0)
    look_at(cam, (0, 0, 1))
    scene.collection.objects.link(cam)
    scene.camera = cam

    sun_data = bpy.data.lights.new('Sun', 'SUN')
    sun_data.energy = 3.0
    sun_data.angle = math.radians(5)
    sun = bpy.data.objects.new('Sun', sun_data)
    sun.location = (3, -2, 8)
    sun.rotation_euler = (math.radians(40), math.radians(15), math.radians(30))
    scene.collection.objects.link(sun)

    world = bpy.data.worlds.new('World')
    world.use_nodes = True
    background = world.node_tree.nodes.get('Background')
    background.inputs['Color'].default_value = (0.05, 0.06, 0.08, 1.0)
    background.inputs['Strength'].default_value = 1.0
    world.color = (0.05, 0.06, 0.08)
    scene.world = world


def render_settings(scene, spec, recipe):
    render = scene.render
    render.resolution_x, render.resolution_y = spec['resolution']
    render.resolution_percentage = 100
    render.fps = FPS
    render.fps_base = 1.0
    scene.frame_start, scene.frame_end = recipe['frames']
    scene.frame_step = 1
    scene.frame_current = recipe['frames'][0]
    render.engine = spec['engine']
    if spec['engine'] == 'CYCLES':
        scene.cycles.device = 'CPU'
        scene.cycles.samples = recipe['cycles_samples']
        scene.cycles.use_adaptive_sampling = True
        scene.cycles.use_denoising = False
        scene.cycles.use_preview_denoising = False
        scene.cycles.preview_samples = 32
    else:
        scene.eevee.taa_render_samples = EEVEE_SAMPLES
    render.use_file_extension = True
    render.use_overwrite = True
    render.use_placeholder = False
    image = render.image_settings
    if recipe['video']:
        render.filepath = VIDEO_OUTPUT
        image.file_format = 'FFMPEG'
        ffmpeg = render.ffmpeg
        ffmpeg.format = 'MPEG4'
        ffmpeg.codec = 'H264'
        ffmpeg.constant_rate_factor = 'HIGH'
        ffmpeg.ffmpeg_preset = 'GOOD'
        ffmpeg.gopsize = FPS
        ffmpeg.audio_codec = 'AAC'
        ffmpeg.audio_bitrate = 192
        ffmpeg.audio_channels = 'STEREO'
    else:
        render.filepath = FRAMES_OUTPUT
        image.file_format = 'PNG'
        image.color_mode = 'RGB'
        image.color_depth = '8'
        image.compression = 15


def check_no_scripts():
    """Templates must work with scripts off: refuse to save a file carrying Python."""
    if bpy.data.texts:
        fail('a template would carry text blocks: ' + ', '.join(t.name for t in bpy.data.texts))


def make_template(path, set_name, type_ident):
    spec = SETS[set_name]
    recipe = RECIPES.get(type_ident)
    if recipe is None:
        fail(f'{path}: no recipe for type "{type_ident}"; known types: {", ".join(sorted(RECIPES))}')
    scene = empty_file()
    scene.name = 'Scene'
    placeholder(scene, recipe)
    camera_and_light(scene)
    render_settings(scene, spec, recipe)
    check_no_scripts()
    # Drop anything the operators left without users (such as default meshes) before saving.
    bpy.data.orphans_purge(do_recursive=True)
    bpy.ops.wm.save_as_mainfile(filepath=os.path.abspath(path), compress=True, relative_remap=True)
    backup = path + '1'
    if os.path.exists(backup):
        os.remove(backup)
    print(f'make-templates: {path} ({os.path.getsize(path) // 1024} kB)')


def templates_of(set_dir):
    """Yields (template path, type ident) for every type of a set that names a file."""
    types_dir = os.path.join(set_dir, 'types')
    if not os.path.isdir(types_dir):
        fail(f'{set_dir} has no types folder')
    for name in sorted(os.listdir(types_dir)):
        if not name.endswith('.json'):
            continue
        with open(os.path.join(types_dir, name), encoding='utf-8') as f:
            asset_type = json.load(f)
        if 'file' in asset_type:
            yield os.path.join(types_dir, asset_type['file']), asset_type['ident']


def main():
    root = arguments()
    made = 0
    for set_name in SETS:
        set_dir = os.path.join(root, set_name)
        if not os.path.isdir(set_dir):
            fail(f'{set_dir} is missing')
        for path, ident in templates_of(set_dir):
            make_template(path, set_name, ident)
            made += 1
    print(f'make-templates: {made} templates written')


main()
