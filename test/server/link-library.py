# Links the 'Placeholder' collection of one .blend into another, relatively, and saves it
# compressed, as a student would with File > Link. Usage:
#   blender -b <target.blend> --factory-startup --python-exit-code 1 --python link-library.py -- <library.blend>
import sys
import bpy

library = sys.argv[sys.argv.index('--') + 1]
with bpy.data.libraries.load(library, link=True, relative=True) as (data_from, data_to):
    data_to.collections = [c for c in data_from.collections if c == 'Placeholder']
for c in data_to.collections:
    bpy.context.scene.collection.children.link(c)
bpy.ops.wm.save_mainfile(compress=True, relative_remap=True)
