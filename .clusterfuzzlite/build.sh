#!/bin/bash -eu
# ClusterFuzzLite runs this inside the image; the build lives in the repository.
exec "$SRC/leafdiff/fuzz/oss-fuzz-build.sh"
