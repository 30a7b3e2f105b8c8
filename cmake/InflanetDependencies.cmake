# Finds every dependency from Debian packages and exposes them as one interface target, inflanet::deps.
# Pitfalls (../shared/design/ecosystem.md): fftw3-mpi has no .pc file; parallel HDF5 must win over serial.
find_package(MPI REQUIRED COMPONENTS C CXX)
find_package(PkgConfig REQUIRED)

pkg_check_modules(FFTW3 REQUIRED IMPORTED_TARGET fftw3)
find_library(FFTW3_MPI_LIBRARY NAMES fftw3_mpi REQUIRED HINTS ${FFTW3_LIBRARY_DIRS})
find_path(FFTW3_MPI_INCLUDE_DIR NAMES fftw3-mpi.h REQUIRED HINTS ${FFTW3_INCLUDE_DIRS})
find_library(FFTW3_OMP_LIBRARY NAMES fftw3_omp HINTS ${FFTW3_LIBRARY_DIRS})

set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "HDF5 ${HDF5_VERSION} is serial; install libhdf5-openmpi-dev")
endif()

find_package(xtensor REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(fmt REQUIRED)
pkg_check_modules(MUPARSER REQUIRED IMPORTED_TARGET muparser)
# Link the generic libblas.so.3 / liblapack.so.3 that Debian's alternatives point at (OpenBLAS by default,
# the reference build after `update-alternatives --set libblas.so.3-<arch> .../blas/libblas.so.3`), not
# libopenblas directly: then one binary runs, and is tested, with either implementation.
if(NOT DEFINED BLA_VENDOR)
  set(BLA_VENDOR Generic)
endif()
find_package(BLAS REQUIRED)
find_package(LAPACK REQUIRED)
pkg_check_modules(LAPACKE REQUIRED IMPORTED_TARGET lapacke)
# ScaLAPACK + BLACS (libscalapack-openmpi-dev) for the distributed NTK eigensolver. Found as a plain library:
# Debian's scalapack-config.cmake imports /usr/lib/libscalapack-openmpi.so.2.2.1, a path that does not exist
# (its _IMPORT_PREFIX climbs out of lib/<arch>), and the .pc file's `Requires: lapack blas` would add
# OpenBLAS's own directory to the link line. The .pc file only hints the directory; the library links the
# same generic libblas.so.3 / liblapack.so.3 as we do, so the alternatives switch both together.
pkg_check_modules(SCALAPACK QUIET scalapack-openmpi)
find_library(SCALAPACK_LIBRARY NAMES scalapack-openmpi HINTS ${SCALAPACK_LIBDIR} ${SCALAPACK_LIBRARY_DIRS})
if(NOT SCALAPACK_LIBRARY)
  message(FATAL_ERROR "libscalapack-openmpi not found (package libscalapack-openmpi-dev)")
endif()

add_library(inflanet_deps INTERFACE)
add_library(inflanet::deps ALIAS inflanet_deps)
target_include_directories(inflanet_deps INTERFACE ${FFTW3_MPI_INCLUDE_DIR})
target_link_libraries(
  inflanet_deps
  INTERFACE ${FFTW3_MPI_LIBRARY}
            PkgConfig::FFTW3
            MPI::MPI_CXX
            MPI::MPI_C
            HDF5::HDF5
            xtensor
            tomlplusplus::tomlplusplus
            fmt::fmt
            PkgConfig::MUPARSER
            PkgConfig::LAPACKE
            ${SCALAPACK_LIBRARY}
            ${LAPACK_LIBRARIES}
            ${BLAS_LIBRARIES})

if(INFLANET_ENABLE_OPENMP)
  find_package(OpenMP REQUIRED COMPONENTS CXX)
  if(NOT FFTW3_OMP_LIBRARY)
    message(FATAL_ERROR "libfftw3_omp not found (package libfftw3-dev)")
  endif()
  target_link_libraries(inflanet_deps INTERFACE ${FFTW3_OMP_LIBRARY} OpenMP::OpenMP_CXX)
  target_compile_definitions(inflanet_deps INTERFACE INFLANET_HAVE_OPENMP=1)
endif()
