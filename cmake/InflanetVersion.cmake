# Generates inflanet/version.hpp with the project version and the git commit the sources are at, at BUILD
# time: a build directory reused across commits (ccache, `cmake --build` without reconfiguring) must not stamp
# its output files with the commit of its first configure. The header is rewritten only when its text
# changes (configure_file), so an unchanged commit recompiles nothing.
set(INFLANET_VERSION_HEADER ${CMAKE_CURRENT_BINARY_DIR}/generated/inflanet/version.hpp)
find_package(Git QUIET)
add_custom_target(
  inflanet_version
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR} -DOUTPUT=${INFLANET_VERSION_HEADER}
          -DPROJECT_VERSION=${PROJECT_VERSION} -DGIT_EXECUTABLE=${GIT_EXECUTABLE} -P
          ${CMAKE_CURRENT_SOURCE_DIR}/cmake/InflanetWriteVersion.cmake
  BYPRODUCTS ${INFLANET_VERSION_HEADER}
  COMMENT "inflanet: stamping the git commit"
  VERBATIM)
# Also at configure time, so the header exists before the first build.
execute_process(COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR} -DOUTPUT=${INFLANET_VERSION_HEADER}
                        -DPROJECT_VERSION=${PROJECT_VERSION} -DGIT_EXECUTABLE=${GIT_EXECUTABLE} -P
                        ${CMAKE_CURRENT_SOURCE_DIR}/cmake/InflanetWriteVersion.cmake)
