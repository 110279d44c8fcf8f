#!/bin/sh
# setup.sh - install what foliocheck needs and build it into ./build.
#
# Packages come from apt (Debian/Ubuntu); apt is skipped when every one is
# already installed, so a rerun only rebuilds what changed. The build is
# Ninja, RelWithDebInfo. Environment:
#   FOLIOCHECK_BUILD  build directory (default: build)
#   JOBS              parallel build jobs (default: every core)
set -eu
cd "$(dirname "$0")/.."

BUILD=${FOLIOCHECK_BUILD:-build}
PACKAGES="build-essential cmake ninja-build clang libclang-rt-14-dev libgtest-dev
librapidcheck-dev libz3-dev libcli11-dev libbenchmark-dev libtcmalloc-minimal4"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	echo "setup: installing:$missing"
	sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		sudo=sudo
	fi
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update
	# shellcheck disable=SC2086 # one word per package
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $missing
fi

cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD" -j "${JOBS:-$(nproc)}"
