#!/usr/bin/env bash
# Installs what RFAM's tests and local render node need from Debian: Blender (renders, the add-on),
# bubblewrap (the sandbox render nodes run Blender in), ffmpeg (films assembled from frames), Chromium (browser tests), Xvfb (screenshots of Blender's UI), Slurm with munge (cluster tests) and flake8 (Python lint). Needs root; skips what is there.
set -euo pipefail
need=()
command -v blender >/dev/null || need+=(blender)
command -v bwrap >/dev/null || need+=(bubblewrap)   # render nodes keep Blender in a sandbox
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v chromium >/dev/null || need+=(chromium)
command -v xvfb-run >/dev/null || need+=(xvfb xauth)
command -v xdotool >/dev/null || need+=(xdotool)   # clicks the RFAM sidebar tab for the add-on's screenshot
command -v unison >/dev/null || need+=(unison)  # test/sites: two sites kept in step both ways
command -v rsync >/dev/null || need+=(rsync)    # test/sites: a one-way mirror
command -v slurmctld >/dev/null || need+=(slurm-wlm munge)   # the prenode's one-machine Slurm test
command -v flake8 >/dev/null || need+=(flake8)  # lints every Python file: the add-on, node/blender, the .blend-making scripts (npm run lint:py)
if [ ${#need[@]} -eq 0 ]; then echo "system packages: all present"; exit 0; fi
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then exec sudo "$0" "$@"; fi
  echo "Need root to install: ${need[*]} (run: apt-get install -y ${need[*]})" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "system packages installed: ${need[*]}"
