# Script mode (cmake -P): writes OUTPUT from cmake/version.hpp.in with PROJECT_VERSION and `git describe` of
# SOURCE_DIR ("unknown" without git or a repository).
set(INFLANET_GIT_COMMIT "unknown")
if(GIT_EXECUTABLE AND EXISTS ${SOURCE_DIR}/.git)
  execute_process(
    COMMAND ${GIT_EXECUTABLE} describe --always --dirty --abbrev=12
    WORKING_DIRECTORY ${SOURCE_DIR}
    OUTPUT_VARIABLE INFLANET_GIT_COMMIT
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT INFLANET_GIT_COMMIT)
    set(INFLANET_GIT_COMMIT "unknown")
  endif()
endif()
configure_file(${SOURCE_DIR}/cmake/version.hpp.in ${OUTPUT} @ONLY)
