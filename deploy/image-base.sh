#!/usr/bin/env bash
# Makes the Debian bookworm base the Dockerfile builds on, where no image registry is reachable:
# mmdebstrap lays it from Debian's packages, `podman import` turns it into an image. Sourced by
# deploy/test-image.sh (needs root, podman and mmdebstrap).
#
# What it holds, as the official python:3.11-slim-bookworm does: Python 3.11 with pip (`python`,
# `pip`), CA certificates, C.UTF-8; and two things that image has not:
# - the certificate authorities of /usr/local/share/ca-certificates/ of this host: where a TLS-
#   intercepting proxy stands between the machine and the Internet, pip reaches its index only so;
# - no EXTERNALLY-MANAGED marker: Debian's Python refuses `pip install` outside a virtual
#   environment otherwise (the official images remove it too).

make_base() {
  local tag=$1
  local rootfs
  rootfs=$(mktemp --suffix=.tar /tmp/veilleur-base.XXXXXX)
  # shellcheck disable=SC2064
  trap "rm -f '$rootfs'" RETURN
  mmdebstrap --variant=minbase --mode=root --format=tar \
    --include=python3,python3-pip,python-is-python3,ca-certificates \
    --customize-hook='cp /usr/local/share/ca-certificates/*.crt "$1/usr/local/share/ca-certificates/" 2>/dev/null || true' \
    --customize-hook='chroot "$1" update-ca-certificates --fresh >/dev/null' \
    --customize-hook='rm -f "$1"/usr/lib/python3*/EXTERNALLY-MANAGED' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    bookworm "$rootfs" \
    "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main"
  podman import --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]' "$rootfs" "$tag" >/dev/null
}
