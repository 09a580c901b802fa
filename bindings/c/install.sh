#!/usr/bin/env bash
# Builds the C library (release) and installs it under PREFIX:
#
#   PREFIX/include/tessera.h
#   PREFIX/lib/libtessera.so.X.Y.Z, libtessera.so.SOVERSION -> , libtessera.so ->
#   PREFIX/lib/libtessera.a
#   PREFIX/lib/pkgconfig/tessera.pc              (pkg-config --cflags --libs tessera)
#   PREFIX/lib/cmake/Tessera/TesseraConfig.cmake (find_package(Tessera): Tessera::tessera,
#                                                 Tessera::tessera_static)
#
# Usage: bash bindings/c/install.sh PREFIX
#   TESSERA_NO_BUILD=1  install what target/release already holds (no cargo build)
# Linux (ELF) layout; the SONAME is set by bindings/c/build.rs.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 PREFIX" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
prefix=$(cd "$1" && pwd)
target=${CARGO_TARGET_DIR:-$root/target}

if [ -z "${TESSERA_NO_BUILD:-}" ]; then
    cargo build --release -p tessera-c --manifest-path "$root/Cargo.toml"
fi

header="$root/include/tessera.h"
version=$(sed -n 's/^#define TESSERA_VERSION "\(.*\)"$/\1/p' "$header")
major=${version%%.*}
minor=${version#*.}
minor=${minor%%.*}
# 0.y: every minor version may break the ABI (as in build.rs).
if [ "$major" = 0 ]; then soversion="0.$minor"; else soversion="$major"; fi

lib="$prefix/lib"
install -d "$prefix/include" "$lib/pkgconfig" "$lib/cmake/Tessera"
install -m 644 "$header" "$prefix/include/tessera.h"
install -m 755 "$target/release/libtessera_c.so" "$lib/libtessera.so.$version"
ln -sfn "libtessera.so.$version" "$lib/libtessera.so.$soversion"
ln -sfn "libtessera.so.$soversion" "$lib/libtessera.so"
install -m 644 "$target/release/libtessera_c.a" "$lib/libtessera.a"

# What a static link needs besides libtessera.a (rustc --print native-static-libs,
# minus what the C compiler adds itself).
static_libs="-lm -lrt -lpthread -lutil -ldl"

cat > "$lib/pkgconfig/tessera.pc" <<EOF
prefix=$prefix
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: tessera
Description: Tessera JWT/JWS signing and verification (C ABI of the Rust core)
URL: https://github.com/tessera-auth/tessera
Version: $version
Libs: -L\${libdir} -ltessera
Libs.private: $static_libs
Cflags: -I\${includedir}
EOF

cat > "$lib/cmake/Tessera/TesseraConfig.cmake" <<EOF
# Tessera CMake package (written by bindings/c/install.sh). Relocatable.
#   find_package(Tessera $version REQUIRED)
#   target_link_libraries(app PRIVATE Tessera::tessera)         # shared
#   target_link_libraries(app PRIVATE Tessera::tessera_static)  # static
include(CMakeFindDependencyMacro)
find_dependency(Threads)
get_filename_component(_tessera_prefix "\${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET Tessera::tessera)
  add_library(Tessera::tessera SHARED IMPORTED)
  set_target_properties(Tessera::tessera PROPERTIES
    IMPORTED_LOCATION "\${_tessera_prefix}/lib/libtessera.so.$version"
    IMPORTED_SONAME "libtessera.so.$soversion"
    INTERFACE_INCLUDE_DIRECTORIES "\${_tessera_prefix}/include")
endif()
if(NOT TARGET Tessera::tessera_static)
  add_library(Tessera::tessera_static STATIC IMPORTED)
  set_target_properties(Tessera::tessera_static PROPERTIES
    IMPORTED_LOCATION "\${_tessera_prefix}/lib/libtessera.a"
    INTERFACE_INCLUDE_DIRECTORIES "\${_tessera_prefix}/include"
    INTERFACE_LINK_LIBRARIES "Threads::Threads;\${CMAKE_DL_LIBS};m;rt;util")
endif()
set(Tessera_VERSION "$version")
unset(_tessera_prefix)
EOF

cat > "$lib/cmake/Tessera/TesseraConfigVersion.cmake" <<EOF
# Compatible: same major version (same minor while the major version is 0),
# and not older than requested.
set(PACKAGE_VERSION "$version")
set(PACKAGE_VERSION_COMPATIBLE TRUE)
if(PACKAGE_FIND_VERSION)
  if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION
     OR NOT PACKAGE_FIND_VERSION_MAJOR EQUAL $major
     OR ($major EQUAL 0 AND NOT PACKAGE_FIND_VERSION_MINOR EQUAL $minor))
    set(PACKAGE_VERSION_COMPATIBLE FALSE)
  elseif(PACKAGE_FIND_VERSION VERSION_EQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
EOF

echo "installed tessera $version into $prefix"
