# Script mode (cmake -P), run by the layers.* CTest entries (cmake/InflanetLayers.cmake): checks that the
# layers' include roots under LAYERS_DIR enforce the layers of LAYERS_DIR/table.cmake.
#   -DCHECK=upward_include_fails  compile (CXX -fsyntax-only) one-line sources with each layer's include path
#                                 (LAYERS_DIR/includes.cmake): a header of the lowest layer must compile, one of
#                                 each higher layer's folders must be "not found"
#   -DCHECK=include_roots         each root's inflanet/ holds links to its own and the lower layers' folders,
#                                 and nothing else
include(${LAYERS_DIR}/table.cmake)
list(GET INFLANET_LAYERS 0 lowest)

if(CHECK STREQUAL "upward_include_fails")
  include(${LAYERS_DIR}/includes.cmake)
  set(work ${LAYERS_DIR}/check)
  file(MAKE_DIRECTORY ${work})
  # Compiles a one-line source that includes HEADER with LAYER's include path; sets status and errors.
  function(compile_include layer header)
    list(TRANSFORM INFLANET_INCLUDES_${layer} PREPEND -I OUTPUT_VARIABLE flags)
    file(WRITE ${work}/${layer}.cpp "#include \"${header}\"\n")
    execute_process(COMMAND ${CXX} -std=c++20 -fsyntax-only ${flags} ${work}/${layer}.cpp
                    RESULT_VARIABLE status ERROR_VARIABLE errors)
    set(status ${status} PARENT_SCOPE)
    set(errors "${errors}" PARENT_SCOPE)
  endfunction()
  # Headers picked from the tree as it is, so that files added or removed there never make the check vacuous:
  # the first header of each folder (a folder of none, if any, is skipped).
  foreach(layer IN LISTS INFLANET_LAYERS)
    foreach(folder IN LISTS INFLANET_LAYER_${layer})
      file(GLOB headers RELATIVE ${SOURCE_DIR}/include ${SOURCE_DIR}/include/inflanet/${folder}/*.hpp)
      if(headers)
        list(GET headers 0 header_${folder})
      endif()
    endforeach()
  endforeach()
  list(GET INFLANET_LAYER_${lowest} 0 lowest_folder)
  if(NOT header_${lowest_folder})
    message(FATAL_ERROR "no header in include/inflanet/${lowest_folder}")
  endif()
  set(checked 0)
  set(above ${INFLANET_LAYERS})
  foreach(layer IN LISTS INFLANET_LAYERS)
    list(REMOVE_AT above 0)
    # The control: the path and the compiler work (a header of the lowest layer needs the standard library
    # only), so that a failure below is the missing header's.
    compile_include(${layer} ${header_${lowest_folder}})
    if(NOT status EQUAL 0)
      message(FATAL_ERROR "${layer} does not compile ${header_${lowest_folder}}:\n${errors}")
    endif()
    foreach(higher IN LISTS above)
      foreach(folder IN LISTS INFLANET_LAYER_${higher})
        if(NOT header_${folder})
          continue()
        endif()
        compile_include(${layer} ${header_${folder}})
        if(status EQUAL 0)
          message(FATAL_ERROR "${layer} compiles an include of ${header_${folder}}: an upward include builds")
        endif()
        if(NOT errors MATCHES "${header_${folder}}: No such file or directory")
          message(FATAL_ERROR "${layer}: the include of ${header_${folder}} failed otherwise than as not "
                              "found:\n${errors}")
        endif()
        math(EXPR checked "${checked} + 1")
      endforeach()
    endforeach()
  endforeach()
  message(STATUS "${checked} upward includes (each layer, one header of each higher folder) not found")
elseif(CHECK STREQUAL "include_roots")
  set(visible "")
  foreach(layer IN LISTS INFLANET_LAYERS)
    list(APPEND visible ${INFLANET_LAYER_${layer}})
    file(GLOB present LIST_DIRECTORIES true RELATIVE ${LAYERS_DIR}/${layer}/inflanet
         ${LAYERS_DIR}/${layer}/inflanet/*)
    set(expected ${visible})
    list(SORT present)
    list(SORT expected)
    if(NOT present STREQUAL expected)
      message(FATAL_ERROR "${LAYERS_DIR}/${layer}/inflanet holds [${present}], not its own and the lower "
                          "layers' folders [${expected}]")
    endif()
    foreach(folder IN LISTS present)
      file(READ_SYMLINK ${LAYERS_DIR}/${layer}/inflanet/${folder} target)
      if(NOT target STREQUAL "${SOURCE_DIR}/include/inflanet/${folder}")
        message(FATAL_ERROR "${LAYERS_DIR}/${layer}/inflanet/${folder} points to ${target}")
      endif()
    endforeach()
  endforeach()
  message(STATUS "${INFLANET_LAYERS}: each root holds its own and the lower layers' folders")
else()
  message(FATAL_ERROR "CHECK=${CHECK}: expected upward_include_fails or include_roots")
endif()
