#include "inflanet/decomposition/session.hpp"

#include <fftw3-mpi.h>
#include <mpi.h>

#include <atomic>
#include <cstdlib>

#include "inflanet/app/error.hpp"

#ifdef INFLANET_HAVE_OPENMP
#include <omp.h>
#endif

namespace inflanet {
namespace {
std::atomic<bool> session_alive{false};
} // namespace

Session::Session(int& argc, char**& argv) {
  if (session_alive.exchange(true)) {
    throw RuntimeError("inflanet::Session constructed twice in one process");
  }
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
#ifdef INFLANET_HAVE_OPENMP
  threads_ = omp_get_max_threads();
  // FFTW's threads need at least FUNNELED: only the master thread calls MPI inside the transforms.
  if (provided >= MPI_THREAD_FUNNELED && fftw_init_threads() != 0) {
    fftw_plan_with_nthreads(threads_);
  } else {
    threads_ = 1;
  }
#endif
  fftw_mpi_init();
}

Session::~Session() {
  fftw_mpi_cleanup();
#ifdef INFLANET_HAVE_OPENMP
  fftw_cleanup_threads();
#endif
  MPI_Finalize();
  session_alive = false;
}

void Session::abort(int status) noexcept {
  MPI_Abort(MPI_COMM_WORLD, status);
  std::_Exit(status);
}

} // namespace inflanet
