# Makes .blend files that reach outside their project, from tiny.blend (make-scenes.py), for the
# render node's refusals and sandbox and for the add-on's preflight (the same files for both):
#   blender -b tiny.blend --factory-startup --python-exit-code 1 --python make-hostile.py -- <folder> '<json>'
# The JSON names:
#   outside: an absolute folder outside the share (where a File Output node writes),
#   otherTexture: an absolute path of a picture in another project,
#   otherTextureRelative: the same picture as a '//' path from <folder>,
#   probe: what probe.blend tries: {"read": [paths], "write": [paths], "host": "127.0.0.1", "port": n}.
# fileout.blend: the compositor's File Output node writes to <outside>/ (an absolute path).
# texture.blend: a material uses the other project's picture by its absolute path, and again by a
#   relative path leading out of the project.
# probe.blend: a registered text (run when the file loads, only where scripts are allowed) that, when
#   the first frame renders, tries each read and write, opens a socket, counts the processes it
#   sees, and writes what it could do as probe.json beside the frame (the job's output folder).
import json
import os
import sys

import bpy

args = sys.argv[sys.argv.index('--') + 1:]
folder = args[0]
spec = json.loads(args[1])
os.makedirs(folder, exist_ok=True)
tiny = bpy.data.filepath


def save(name):
    bpy.ops.wm.save_as_mainfile(filepath=os.path.join(folder, name), relative_remap=False)
    bpy.ops.wm.open_mainfile(filepath=tiny)


# fileout.blend
scene = bpy.context.scene
scene.use_nodes = True
tree = scene.node_tree
layers = next(n for n in tree.nodes if n.type == 'R_LAYERS')
out = tree.nodes.new('CompositorNodeOutputFile')
out.name = out.label = 'Escape'
out.base_path = spec['outside'].rstrip('/') + '/'
out.format.file_format = 'PNG'
tree.links.new(layers.outputs['Image'], out.inputs[0])
save('fileout.blend')

# texture.blend
material = bpy.data.materials.new('Stolen')
material.use_nodes = True
for name, path in (('stolen', spec['otherTexture']), ('stolen_relative', spec['otherTextureRelative'])):
    image = bpy.data.images.load(spec['otherTexture'], check_existing=False)
    image.name = name
    image.filepath = path
    material.node_tree.nodes.new('ShaderNodeTexImage').image = image
bpy.data.objects['Cube'].data.materials.append(material)
save('texture.blend')

# probe.blend
text = bpy.data.texts.new('probe.py')
text.write('''import bpy, json, os, socket
T = %s
def _probe(scene, *args):
    if getattr(_probe, 'done', False):
        return
    _probe.done = True
    out = {}
    for p in T['read']:
        try:
            with open(p, 'rb') as f:
                f.read(1)
            out['read ' + p] = True
        except Exception:
            out['read ' + p] = False
    for p in T['write']:
        try:
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, 'w') as f:
                f.write('written by probe.blend')
            out['write ' + p] = True
        except Exception:
            out['write ' + p] = False
    try:
        socket.create_connection((T['host'], T['port']), 2).close()
        out['connect'] = True
    except Exception:
        out['connect'] = False
    out['processes'] = len([d for d in os.listdir('/proc') if d.isdigit()])
    folder = os.path.dirname(bpy.path.abspath(scene.render.filepath))
    with open(os.path.join(folder, 'probe.json'), 'w') as f:
        json.dump(out, f)
bpy.app.handlers.render_pre.append(_probe)
''' % json.dumps(spec['probe']))
text.use_module = True
save('probe.blend')
