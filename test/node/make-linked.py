# Makes a shot that links a library and loads a texture, with Blender, into a project folder:
#   blender -b --factory-startup --python-exit-code 1 --python make-linked.py -- <project folder>
# props/cake_lib.blend: a collection "Cake" holding a cube.
# textures/wood.png: a 4x4 picture.
# shots/party.blend: camera, light, Cycles at 64x36 (1 sample, no denoising), frames 1-2, PNG; links
# the collection "Cake" from ../props/cake_lib.blend and uses textures/wood.png on a plane, both by
# relative paths. The test then takes the library and the texture away.
# shots/party_absolute.blend: the same shot with both paths absolute (as a file saved with
# "Relative Paths" off has them), for nodes that lay the project out elsewhere.
import os
import sys

import bmesh
import bpy

project = os.path.abspath(sys.argv[sys.argv.index('--') + 1])


def reset():
    bpy.ops.wm.read_factory_settings(use_empty=True)


def mesh(name, make):
    me = bpy.data.meshes.new(name)
    bm = bmesh.new()
    make(bm)
    bm.to_mesh(me)
    return me


def save(rel):
    path = os.path.join(project, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    bpy.ops.wm.save_as_mainfile(filepath=path, relative_remap=True)
    return path


reset()
cake = bpy.data.collections.new('Cake')
bpy.context.scene.collection.children.link(cake)
cake.objects.link(bpy.data.objects.new('Cake', mesh('CakeMesh', lambda bm: bmesh.ops.create_cube(bm, size=2))))
library = save('props/cake_lib.blend')

reset()
wood_path = os.path.join(project, 'textures', 'wood.png')
os.makedirs(os.path.dirname(wood_path), exist_ok=True)
picture = bpy.data.images.new('wood', 4, 4)
picture.filepath_raw = wood_path
picture.file_format = 'PNG'
picture.save()

reset()
scene = bpy.context.scene
camera = bpy.data.objects.new('Camera', bpy.data.cameras.new('Camera'))
scene.collection.objects.link(camera)
scene.camera = camera
camera.location = (7, -7, 5)
camera.rotation_euler = (1.1, 0, 0.785)
light = bpy.data.objects.new('Light', bpy.data.lights.new('Light', 'SUN'))
scene.collection.objects.link(light)
scene.render.engine = 'CYCLES'
scene.render.resolution_x, scene.render.resolution_y, scene.render.resolution_percentage = 64, 36, 100
scene.render.image_settings.file_format = 'PNG'
scene.frame_start, scene.frame_end = 1, 2
scene.cycles.samples = 1
scene.cycles.use_denoising = False
for layer in scene.view_layers:
    layer.cycles.use_denoising = False
with bpy.data.libraries.load(library, link=True, relative=True) as (source, linked):
    linked.collections = ['Cake']
scene.collection.children.link(linked.collections[0])
material = bpy.data.materials.new('Wood')
material.use_nodes = True
texture = material.node_tree.nodes.new('ShaderNodeTexImage')
texture.image = bpy.data.images.load(wood_path)
plane_mesh = mesh('Floor', lambda bm: bmesh.ops.create_grid(bm, x_segments=1, y_segments=1, size=5))
plane_mesh.materials.append(material)
scene.collection.objects.link(bpy.data.objects.new('Floor', plane_mesh))
save('shots/party.blend')
bpy.ops.file.make_paths_absolute()
absolute = os.path.join(project, 'shots', 'party_absolute.blend')
bpy.ops.wm.save_as_mainfile(filepath=absolute, relative_remap=False)
print('ABSOLUTE', [lib.filepath for lib in bpy.data.libraries], [im.filepath for im in bpy.data.images])
print('MADE', [lib.filepath for lib in bpy.data.libraries], [im.filepath for im in bpy.data.images])
