# Makes a project whose shot uses every kind of external file, with Blender, and prints what
# Blender itself reports each file uses (bpy.utils.blend_paths) as one JSON line 'PATHS {...}':
#   blender -b --factory-startup --python-exit-code 1 --python make-closure.py -- <project> <outside folder>
# props/lib.blend: a collection "Cake" whose material uses textures/lib_tex.png.
# props/a.blend and props/b.blend link each other (a library cycle); the shot links a.blend.
# shots/shot.blend links "Cake" and "A", and uses textures/wood.png, an image sequence
# (textures/seq/f_0001..3.png), a UDIM image (textures/tile.1001/1002.png), a sound
# (sounds/beep.wav), a font (fonts/DejaVuSans.ttf), an OpenVDB volume (caches/smoke.vdb) and a picture
# outside the project (<outside>/secret.png); packed.png is packed into the file (not external).
import json
import os
import struct
import sys
import wave

import bpy

project, outside = [os.path.abspath(p) for p in sys.argv[sys.argv.index('--') + 1:][:2]]


def reset():
    bpy.ops.wm.read_factory_settings(use_empty=True)


def save(rel):
    path = os.path.join(project, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    bpy.ops.wm.save_as_mainfile(filepath=path, relative_remap=True)
    return path


def picture(path, name=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    im = bpy.data.images.new(name or os.path.basename(path), 4, 4)
    im.filepath_raw = path
    im.file_format = 'PNG'
    im.save()
    bpy.data.images.remove(im)


def cube(name):
    bpy.ops.mesh.primitive_cube_add()
    ob = bpy.context.active_object
    ob.name = name
    return ob


def textured(ob, image):
    mat = bpy.data.materials.new(ob.name + 'Mat')
    mat.use_nodes = True
    node = mat.node_tree.nodes.new('ShaderNodeTexImage')
    node.image = image
    ob.data.materials.append(mat)


def link(lib, collection):
    with bpy.data.libraries.load(lib, link=True, relative=True) as (_, to):
        to.collections = [collection]
    bpy.context.scene.collection.children.link(to.collections[0])


reset()
picture(os.path.join(project, 'textures', 'lib_tex.png'))
picture(os.path.join(project, 'textures', 'wood.png'))
picture(os.path.join(project, 'textures', 'packed.png'))
for i in (1, 2, 3):
    picture(os.path.join(project, 'textures', 'seq', 'f_%04d.png' % i))
for tile in (1001, 1002):
    picture(os.path.join(project, 'textures', 'tile.%d.png' % tile))
picture(os.path.join(outside, 'secret.png'))
os.makedirs(os.path.join(project, 'sounds'), exist_ok=True)
with wave.open(os.path.join(project, 'sounds', 'beep.wav'), 'wb') as w:
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(8000)
    w.writeframes(b''.join(struct.pack('<h', 0) for _ in range(800)))
os.makedirs(os.path.join(project, 'fonts'), exist_ok=True)
font_file = os.path.join(project, 'fonts', 'DejaVuSans.ttf')
with open('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', 'rb') as src, open(font_file, 'wb') as dst:
    dst.write(src.read())
os.makedirs(os.path.join(project, 'caches'), exist_ok=True)
# Debian's Blender has no Alembic (nor a way to make a CacheFile without it): the volume stands for the caches.
with open(os.path.join(project, 'caches', 'smoke.vdb'), 'wb') as f:
    f.write(b'not really openvdb')

reset()
cake = cube('Cake')
textured(cake, bpy.data.images.load(os.path.join(project, 'textures', 'lib_tex.png')))
coll = bpy.data.collections.new('Cake')
bpy.context.scene.collection.children.link(coll)
coll.objects.link(cake)
lib = save('props/lib.blend')

# The cycle: a.blend (collection A), then b.blend linking A, then a.blend linking B.
reset()
coll = bpy.data.collections.new('A')
bpy.context.scene.collection.children.link(coll)
coll.objects.link(cube('ACube'))
a = save('props/a.blend')
reset()
coll = bpy.data.collections.new('B')
bpy.context.scene.collection.children.link(coll)
coll.objects.link(cube('BCube'))
link(a, 'A')
b = save('props/b.blend')
bpy.ops.wm.open_mainfile(filepath=a)
link(b, 'B')
bpy.ops.wm.save_mainfile()

reset()
link(lib, 'Cake')
link(a, 'A')
floor = cube('Floor')
textured(floor, bpy.data.images.load(os.path.join(project, 'textures', 'wood.png')))
seq = bpy.data.images.load(os.path.join(project, 'textures', 'seq', 'f_0001.png'))
seq.source = 'SEQUENCE'
textured(cube('Seq'), seq)
udim = bpy.data.images.load(os.path.join(project, 'textures', 'tile.1001.png'))
udim.source = 'TILED'
textured(cube('Udim'), udim)
textured(cube('Secret'), bpy.data.images.load(os.path.join(outside, 'secret.png')))
packed = bpy.data.images.load(os.path.join(project, 'textures', 'packed.png'))
packed.pack()
textured(cube('Packed'), packed)
bpy.data.sounds.load(os.path.join(project, 'sounds', 'beep.wav')).use_fake_user = True
font = bpy.data.fonts.load(os.path.join(project, 'fonts', 'DejaVuSans.ttf'))
text = bpy.data.curves.new('Words', 'FONT')
text.font = font
bpy.context.scene.collection.objects.link(bpy.data.objects.new('Words', text))
volume = bpy.data.volumes.new('Smoke')
volume.filepath = '//../caches/smoke.vdb'
volume.use_fake_user = True
shot = save('shots/shot.blend')

paths = {}
for rel in ('shots/shot.blend', 'props/lib.blend', 'props/a.blend', 'props/b.blend'):
    bpy.ops.wm.open_mainfile(filepath=os.path.join(project, rel))
    paths[rel] = sorted(bpy.utils.blend_paths(absolute=True, packed=False, local=True))
print('PATHS ' + json.dumps(paths))
