# One static library per layer of the source tree, each linking the layer below it, so that the build itself
# keeps the layers in order (issue 19): a source or header of a layer that includes a header of a higher
# layer does not compile, and a lower layer that calls into a higher one does not link.
#
# The layers, lowest first (the one table: .ci/include_graph.py reads it from here): folders in one layer are
# peers and may include each other. A folder of include/inflanet or src that is in no layer stops
# the configure, so a new folder is placed before it is built.
set(INFLANET_LAYERS base decomposition fft physics training duality io config app)
set(INFLANET_LAYER_base base)
set(INFLANET_LAYER_decomposition decomposition)
set(INFLANET_LAYER_fft fft)
set(INFLANET_LAYER_physics background potential integrator spectra field gravitational_waves)
# nn and ntk are peers (the kernels of nn's networks; ntk -> nn only since the dictionary moved to duality/).
set(INFLANET_LAYER_training nn ntk)
set(INFLANET_LAYER_duality duality)
set(INFLANET_LAYER_io io)
set(INFLANET_LAYER_config config)
set(INFLANET_LAYER_app app)
# inflanet/version.hpp (generated at build time) is stamped into output files by io/ and printed by app/:
# the layers from this one up see build/generated and wait for the stamp.
set(INFLANET_VERSION_LAYER io)

set(layered_folders "")
foreach(layer IN LISTS INFLANET_LAYERS)
  list(APPEND layered_folders ${INFLANET_LAYER_${layer}})
endforeach()
# CONFIGURE_DEPENDS: a folder added later reconfigures the build, which then names it here.
file(GLOB tree_folders CONFIGURE_DEPENDS LIST_DIRECTORIES true ${CMAKE_CURRENT_SOURCE_DIR}/src/*
     ${CMAKE_CURRENT_SOURCE_DIR}/include/inflanet/*)
foreach(path IN LISTS tree_folders)
  get_filename_component(folder ${path} NAME)
  if(IS_DIRECTORY ${path} AND NOT folder IN_LIST layered_folders)
    message(FATAL_ERROR "${path} is in no layer: add ${folder} to an INFLANET_LAYER_<layer> list of "
                        "cmake/InflanetLayers.cmake (.ci/include_graph.py reads the same table)")
  endif()
endforeach()

# The core PCH (the standard headers and fmt that most of the library's units parse; docs/build_times.md),
# compiled once by this object library and reused by every layer: the layers compile with its flags exactly
# (inflanet::deps and inflanet_warnings; only their include roots differ, which a PCH of system headers does
# not depend on, and GCC's -Winvalid-pch, which CMake adds, would say so under -Werror). A target of its own
# rather than the lowest layer's, so that the layers wait for the PCH only, not for a whole layer.
# A missing include is then not seen by this build: configure with -DINFLANET_PCH=OFF to check for one.
if(INFLANET_PCH)
  file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/layers/pch.cpp
       CONTENT "// The object that builds the layers' precompiled header (cmake/InflanetLayers.cmake).\n")
  add_library(inflanet_pch OBJECT ${CMAKE_CURRENT_BINARY_DIR}/layers/pch.cpp)
  target_link_libraries(inflanet_pch PRIVATE inflanet::deps inflanet_warnings)
  target_precompile_headers(
    inflanet_pch PRIVATE <algorithm> <cmath> <cstddef> <cstdint> <filesystem> <memory> <optional> <span>
    <string> <string_view> <utility> <vector> <fmt/format.h>)
endif()

# Each layer compiles against an include root of its own, build/layers/<layer>, that holds inflanet/<folder>
# links to include/inflanet/<folder> for its own folders and the lower layers' only; include/ itself is not on
# its path. An upward include is then "No such file or directory" at compile time (the layers.* CTest entries
# check it). The roots are private: a layer passes on its link to the layers below, never its root, so a
# layer above sees its own root alone. Consumers that are no layer (the executable, tests, benchmarks) see
# all of include/ through inflanet_core.
set(visible_folders "")
set(layer_below "")
set(includes "# Written by cmake/InflanetLayers.cmake at generate time: each layer's include path.\n")
set(version_seen OFF)
foreach(layer IN LISTS INFLANET_LAYERS)
  list(APPEND visible_folders ${INFLANET_LAYER_${layer}})
  set(root ${CMAKE_CURRENT_BINARY_DIR}/layers/${layer})
  # Links made once and kept (a link remade at each configure would be a new path to every header); one left
  # from an earlier layer table is removed.
  file(MAKE_DIRECTORY ${root}/inflanet)
  file(GLOB present LIST_DIRECTORIES true ${root}/inflanet/*)
  foreach(link IN LISTS present)
    get_filename_component(folder ${link} NAME)
    if(NOT folder IN_LIST visible_folders)
      file(REMOVE ${link})
    endif()
  endforeach()
  foreach(folder IN LISTS visible_folders)
    if(NOT IS_SYMLINK ${root}/inflanet/${folder})
      file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR}/include/inflanet/${folder} ${root}/inflanet/${folder}
           SYMBOLIC)
    endif()
  endforeach()

  set(globs "")
  foreach(folder IN LISTS INFLANET_LAYER_${layer})
    list(APPEND globs ${CMAKE_CURRENT_SOURCE_DIR}/src/${folder}/*.cpp)
  endforeach()
  file(GLOB sources CONFIGURE_DEPENDS ${globs})
  # main.cpp is the executable's, not the app layer's.
  list(FILTER sources EXCLUDE REGEX ".*/src/app/main\\.cpp$")

  set(target inflanet_${layer})
  if(sources)
    add_library(${target} STATIC ${sources})
    target_include_directories(${target} PRIVATE ${root})
    target_link_libraries(${target} PUBLIC ${layer_below} inflanet::deps PRIVATE inflanet_warnings)
    # A static library needs no other library to be built, only to be linked: without this, make builds the
    # layers one after the other, and the last units of each leave a core idle. What a layer does need, the
    # PCH and the version stamp, it names with add_dependencies, which this keeps.
    set_target_properties(${target} PROPERTIES OPTIMIZE_DEPENDENCIES ON)
    # The path its units compile with, what it links included: what the layers.* tests check.
    string(APPEND includes
           "set(INFLANET_INCLUDES_${layer} \"$<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>\")\n")
    if(INFLANET_PCH)
      target_precompile_headers(${target} REUSE_FROM inflanet_pch)
      add_dependencies(${target} inflanet_pch)
    endif()
  else()
    # A layer of headers only (base/, for now): nothing to compile, so nothing to enforce here; its headers
    # are compiled, and checked, within the units of the layers above.
    add_library(${target} INTERFACE)
    target_link_libraries(${target} INTERFACE ${layer_below} inflanet::deps)
    string(APPEND includes "set(INFLANET_INCLUDES_${layer} \"${root}\")\n")
  endif()
  if(layer STREQUAL INFLANET_VERSION_LAYER)
    set(version_seen ON)
  endif()
  if(version_seen AND sources)
    target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
    add_dependencies(${target} inflanet_version)
  endif()
  set(layer_below ${target})
endforeach()

# Everything, for the executable, the tests and the benchmarks: the top layer (which links all below it) and
# the whole of include/.
add_library(inflanet_core INTERFACE)
target_link_libraries(inflanet_core INTERFACE ${layer_below})
target_include_directories(inflanet_core INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include
                                                   ${CMAKE_CURRENT_BINARY_DIR}/generated)

# The layer table, for cmake/InflanetCheckLayers.cmake (the layers.* CTest entries).
set(table "# Written by cmake/InflanetLayers.cmake at configure time.\n")
string(APPEND table "set(INFLANET_LAYERS ${INFLANET_LAYERS})\n")
foreach(layer IN LISTS INFLANET_LAYERS)
  string(APPEND table "set(INFLANET_LAYER_${layer} ${INFLANET_LAYER_${layer}})\n")
endforeach()
file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/layers/table.cmake CONTENT "${table}")
file(GENERATE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/layers/includes.cmake CONTENT "${includes}")

# Tests that the roots above do enforce the layers, so that a mistake here (include/ reaching a layer's path
# through a usage requirement, a link too many) does not leave every include compiling again unnoticed:
#   layers.upward_include_fails  the compiler, given a layer's include path (the one its units compile with),
#                                finds a base header and no header of any higher layer's folder;
#   layers.include_roots         every layer's root holds exactly its own and the lower layers' folders.
# Call after enable_testing().
function(inflanet_add_layer_tests)
  foreach(check upward_include_fails include_roots)
    add_test(NAME layers.${check}
             COMMAND ${CMAKE_COMMAND} -DCHECK=${check} -DCXX=${CMAKE_CXX_COMPILER}
                     -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR} -DLAYERS_DIR=${CMAKE_CURRENT_BINARY_DIR}/layers
                     -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/InflanetCheckLayers.cmake)
  endforeach()
endfunction()
