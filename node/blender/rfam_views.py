"""The file Blender writes for a frame when a scene renders several views.

With stereo (or multi-view) saved as one file per view, Blender adds each view's suffix to the
frame's file: frame 3 of ``frame_####.png`` is ``frame_0003_L.png`` and ``frame_0003_R.png``, and
``frame_0003.png`` does not exist. The first view's file stands for the frame in what the node
reports; the server accepts a stereo eye's file (``_L``, ``_R``) as the frame's
(server/farm/frame-files.ts).
"""


def written_file(render, frame):
    """The path of the file that holds this frame once Blender has written it."""
    if render.use_multiview and render.image_settings.views_format == 'INDIVIDUAL':
        views = [v for v in render.views if v.use]
        if render.views_format == 'STEREO_3D':
            # Stereo uses the left and right views whatever else is ticked.
            views = [v for v in render.views if v.name in ('left', 'right')]
        if views:
            return render.frame_path(frame=frame, view=views[0].name)
    return render.frame_path(frame=frame)
