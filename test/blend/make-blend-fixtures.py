# Builds the .blend files that test/blend/read-blend-links.blender.test.ts reads, with Blender itself.
# Run: blender -b --factory-startup --python-exit-code 1 --python make-blend-fixtures.py \
#        -- <out dir> [big <subdivisions>]
# Prints one line `BLEND_FIXTURES_JSON={...}` mapping each saved file to the library paths Blender
# itself reports after reopening it, so the test compares our reader with Blender's own view.
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


if len(args) > 2 and args[1] == 'big':
    make_big(int(args[2]))
else:
    make_links()
print('BLEND_FIXTURES_JSON=' + json.dumps({'version': bpy.app.version_string, 'files': seen}))
