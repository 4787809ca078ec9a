"""What a render node's Blender renders Cycles on: the processor, or every device of one GPU type
(CUDA, OPTIX, HIP, ONEAPI, METAL) the node's configuration lists. The node chooses the type for each
run from the job's device and its own devices (node/blender-args.ts: runDevice); session.py sets it
after each file loads, video_setup.py before the video renders.

Needs no bpy itself (the caller passes Cycles' preferences and the scene), so python3 can test it
with stand-ins (test/node/test_blender_scripts.py).
"""

GPU_TYPES = ("CUDA", "OPTIX", "HIP", "ONEAPI", "METAL")


def use_device(scene, prefs, device_type):
    """Sets Cycles to render on `device_type` ('CPU' or a GPU type); returns the line the node logs
    ('RFAM_DEVICE CPU', 'RFAM_DEVICE OPTIX 2'). Raises RuntimeError when this Blender finds no
    device of that type (a driver missing, a wrong 'devices' in the node's configuration)."""
    if device_type not in GPU_TYPES:
        scene.cycles.device = "CPU"
        return "RFAM_DEVICE CPU"
    try:
        prefs.compute_device_type = device_type
    except TypeError:
        raise RuntimeError("this Blender cannot render on %s devices; fix 'devices' in the node's configuration"
                           % device_type)
    found = [d for d in prefs.get_devices_for_type(device_type) if d.type == device_type]
    if not found:
        raise RuntimeError("Blender found no %s device on this node; check its driver, or fix 'devices' in the "
                           "node's configuration" % device_type)
    for d in prefs.devices:
        d.use = d.type == device_type
    scene.cycles.device = "GPU"
    return "RFAM_DEVICE %s %d" % (device_type, len(found))
