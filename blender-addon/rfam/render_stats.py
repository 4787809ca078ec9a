# Layer 1 (base): render times summarised for the panel (no bpy, no other rfam module).
"""Render statistics of an asset, as the panel shows them: mean, fastest and slowest frame, and an
estimate for the scene's whole frame range. Pure Python (no bpy), so it is easy to test."""


class Summary:
    def __init__(self, frames, mean, fastest, slowest, video):
        self.frames = frames      # how many frames have a sample
        self.mean = mean          # seconds, None without samples
        self.fastest = fastest    # (frame, seconds) or None
        self.slowest = slowest    # (frame, seconds) or None
        self.video = video        # seconds of the latest whole-video render, or None

    def estimate(self, frame_count):
        """Seconds to render `frame_count` frames on one node, or None when nothing is known."""
        return None if self.mean is None else self.mean * frame_count


def summarise(render_stats):
    """A Summary of an asset's renderStats (latest sample of each frame), or None when it has none."""
    if not render_stats:
        return None
    latest = {}
    for frame, samples in (render_stats.get("frames") or {}).items():
        if samples:
            latest[int(frame)] = samples[-1]["seconds"]
    videos = render_stats.get("video") or []
    video = videos[-1]["seconds"] if videos else None
    if not latest and video is None:
        return None
    if not latest:
        return Summary(0, None, None, None, video)
    ordered = sorted(latest.items())
    fastest = min(ordered, key=lambda item: item[1])
    slowest = max(ordered, key=lambda item: item[1])
    mean = sum(latest.values()) / len(latest)
    return Summary(len(latest), mean, fastest, slowest, video)


def frame_count(start, end, step=1):
    if end < start or step < 1:
        return 0
    return (end - start) // step + 1


def duration(seconds):
    """'0.8 s', '42 s', '3 min 05 s', '2 h 03 min'."""
    if seconds is None:
        return "–"
    if seconds < 10:
        return "%.1f s" % seconds
    whole = int(round(seconds))
    if whole < 60:
        return "%d s" % whole
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return "%d min %02d s" % (minutes, secs)
    hours, minutes = divmod(minutes, 60)
    return "%d h %02d min" % (hours, minutes)
