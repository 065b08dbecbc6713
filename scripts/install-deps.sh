#!/usr/bin/env bash
# Installs the Debian packages Pincel builds against. Idempotent: does nothing when
# they are already installed.
set -euo pipefail
# curl: the studio's process tests send their requests with it (also as `nobody`, via setpriv).
pkgs=(libdnnl-dev libvips-dev zlib1g-dev libsqlite3-dev pkg-config python3-pip libopencv-video-dev ffmpeg curl)
# Video (pincel video): OpenCV's DIS flow is found through this .pc file, which Debian's
# libopencv-video-dev lacks (libopencv-dev has one but pulls in ~120 packages).
write_opencv_pc() {
  local pc=/usr/local/lib/pkgconfig/pincel-opencv-video.pc
  local want=$'Name: pincel-opencv-video\nDescription: OpenCV video module (DIS optical flow) for Pincel\nVersion: 4\nCflags: -I/usr/include/opencv4\nLibs: -lopencv_video -lopencv_core\n'
  [ -f "$pc" ] && [ "$(cat "$pc")"$'\n' = "$want" ] && return 0
  local S=""; [ "$(id -u)" -ne 0 ] && S="sudo"
  $S mkdir -p "$(dirname "$pc")"
  printf '%s' "$want" | $S tee "$pc.tmp" >/dev/null && $S mv "$pc.tmp" "$pc"
}
bash "$(dirname "$0")/apt-install.sh" "${pkgs[@]}"
write_opencv_pc
