"""Reports what every template .blend of every defaults set holds, and renders one of them.

    blender -b --factory-startup --python-exit-code 1 --python test/config/inspect-templates.py -- \
        <defaults folder> <output folder> <set name> <template file>

Prints one line `RFAM_TEMPLATES_JSON=<json>`: {"templates": [...facts per file...], "render": {...}}.
The assertions live in defaults-sets.blender.test.ts; this script only gathers facts, so a failing check
names the file and the value found. The named template is rendered (frame 1, at 5 % size, PNG) into
the output folder, the way a farm node would render it: scripts off, nothing else changed.
"""
import json
import os
import sys

import bpy

MOVIE_FORMATS = {'FFMPEG', 'AVI_JPEG', 'AVI_RAW'}


def arguments():
    argv = sys.argv[sys.argv.index('--') + 1:] if '--' in sys.argv else []
    if len(argv) != 4:
        raise SystemExit('usage: ... -- <defaults folder> <output folder> <set name> <template file>')
    return argv


def template_paths(root):
    """Yields (set name, type ident, path) for every type that names a template file."""
    for set_name in sorted(os.listdir(root)):
        types_dir = os.path.join(root, set_name, 'types')
        if not os.path.isdir(types_dir):
            continue
        for name in sorted(os.listdir(types_dir)):
            if name.endswith('.json'):
                with open(os.path.join(types_dir, name), encoding='utf-8') as f:
                    asset_type = json.load(f)
                if 'file' in asset_type:
                    yield set_name, asset_type['ident'], os.path.join(types_dir, asset_type['file'])


def facts(set_name, ident, path):
    bpy.ops.wm.open_mainfile(filepath=path, load_ui=False)
    scene = bpy.context.scene
    render = scene.render
    fmt = render.image_settings.file_format
    result = {
        'set': set_name,
        'type': ident,
        'file': os.path.basename(path),
        'scenes': len(bpy.data.scenes),
        'engine': render.engine,
        'resolution': [render.resolution_x, render.resolution_y, render.resolution_percentage],
        'frames': [scene.frame_start, scene.frame_end, scene.frame_step],
        'fps': render.fps / render.fps_base,
        'fileFormat': fmt,
        'movie': fmt in MOVIE_FORMATS,
        'output': render.filepath,
        'texts': [t.name for t in bpy.data.texts],
        'camera': scene.camera.name if scene.camera else None,
        'lights': sum(1 for o in scene.objects if o.type == 'LIGHT'),
        'meshes': sum(1 for o in scene.objects if o.type == 'MESH' and not o.hide_render),
        'externalFiles': [p for p in bpy.utils.blend_paths(absolute=False) if p],
    }
    if fmt == 'FFMPEG':
        result['ffmpeg'] = {'format': render.ffmpeg.format, 'codec': render.ffmpeg.codec}
    if render.engine == 'CYCLES':
        result['cycles'] = {
            'device': scene.cycles.device,
            'samples': scene.cycles.samples,
            'denoising': scene.cycles.use_denoising,
            'previewDenoising': scene.cycles.use_preview_denoising,
            # A Denoise node in the compositor needs OpenImageDenoise too.
            'denoiseNodes': bool(scene.use_nodes and scene.node_tree
                                 and any(n.type == 'DENOISE' for n in scene.node_tree.nodes)),
        }
    return result


def render_one(path, out_dir):
    """Renders frame 1 of `path` at 5 % into out_dir; returns where the PNG went."""
    bpy.ops.wm.open_mainfile(filepath=path, load_ui=False)
    scene = bpy.context.scene
    scene.render.resolution_percentage = 5
    scene.render.filepath = os.path.join(out_dir, 'frame_####')
    # An animation render of frame 1 alone, as a node's `-s 1 -e 1 -a` does (a still ignores ####).
    scene.frame_start = scene.frame_end = 1
    bpy.ops.render.render(animation=True)
    written = os.path.join(out_dir, 'frame_0001.png')
    return {'file': written, 'exists': os.path.isfile(written)}


def main():
    root, out_dir, render_set, render_file = arguments()
    templates = [facts(s, ident, path) for s, ident, path in template_paths(root)]
    rendered = render_one(os.path.join(root, render_set, 'types', render_file), out_dir)
    print('RFAM_TEMPLATES_JSON=' + json.dumps({'templates': templates, 'render': rendered}))
    sys.stdout.flush()


main()
