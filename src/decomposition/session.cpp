#include "inflanet/decomposition/session.hpp"

#include <fftw3-mpi.h>
#include <mpi.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"

#ifdef INFLANET_HAVE_OPENMP
#include <omp.h>
#endif

namespace inflanet {
namespace {
std::atomic<bool> session_alive{false};

/// True when a launcher (mpirun/mpiexec, srun, hydra) started this process as part of a job.
bool launched_by_mpi_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "MPI_LOCALNRANKS"}) {
    if (std::getenv(name) != nullptr) {
      return true;
    }
  }
  return false;
}

/// A process started without a launcher is an MPI singleton. Open MPI 4 then forks a helper daemon and
/// probes every transport (UCX's alone takes about 0.2 s), which made MPI_Init most of a small run's start
/// (0.38 of 0.45 s for a 1-step N = 32 run). One process needs neither: an isolated singleton with the
/// ob1 messaging layer starts in about 0.05 s. Only defaults: a value the user set is kept, and other MPI
/// libraries ignore these variables.
void prefer_fast_singleton_start() {
  if (launched_by_mpi_launcher()) {
    return;
  }
  ::setenv("OMPI_MCA_ess_singleton_isolated", "1", /*overwrite=*/0);
  ::setenv("OMPI_MCA_pml", "ob1", /*overwrite=*/0);
}

#ifdef INFLANET_HAVE_OPENMP
/// OMP_NUM_THREADS as a positive count, or nullopt when unset; a value OpenMP itself would reject is left
/// to OpenMP (omp_get_max_threads() then says what it made of it).
std::optional<int> omp_num_threads_setting() {
  const char* value = std::getenv("OMP_NUM_THREADS");
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return omp_get_max_threads();
}

/// The cores of this process's binding (its affinity mask) and the node's online cores; the mask's
/// FNV-1a hash, so that ranks bound to the same set can find one another.
struct Binding {
  int cores = 1;
  int online = 1;
  std::uint32_t hash = 2166136261u;
};

Binding probe_binding() {
  Binding b;
  b.online = std::max(1, static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN)));
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (::sched_getaffinity(0, sizeof(mask), &mask) != 0) {
    b.cores = b.online; // unknown: treated as unbound
    return b;
  }
  b.cores = std::max(1, CPU_COUNT(&mask));
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &mask)) {
      b.hash = (b.hash ^ static_cast<std::uint32_t>(cpu)) * 16777619u;
    }
  }
  return b;
}

/// Ranks on this node whose binding is the same set of cores as this rank's (collective).
int ranks_sharing(const Binding& binding) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
  MPI_Comm same = MPI_COMM_NULL;
  MPI_Comm_split(node, static_cast<int>(binding.hash & 0x7fffffffu), rank, &same);
  int sharing = 1;
  MPI_Comm_size(same, &sharing);
  MPI_Comm_free(&same);
  MPI_Comm_free(&node);
  return sharing;
}
#endif
} // namespace

ThreadChoice choose_threads(std::optional<int> omp_num_threads, int binding_cores, int online_cores,
                            int ranks_sharing_binding) {
  if (omp_num_threads) {
    const int threads = std::max(1, *omp_num_threads);
    return {threads, fmt::format("OMP_NUM_THREADS={}", threads)};
  }
  if (binding_cores < online_cores) {
    const int sharing = std::max(1, ranks_sharing_binding);
    const int threads = std::max(1, binding_cores / sharing);
    return {threads, sharing == 1
                         ? fmt::format("the rank's binding: {} of {} cores", binding_cores, online_cores)
                         : fmt::format("the rank's binding: {} of {} cores, shared by {} ranks",
                                       binding_cores, online_cores, sharing)};
  }
  return {1, fmt::format("one per rank: not bound to cores, the node has {}; set OMP_NUM_THREADS to use more",
                         online_cores)};
}

Session::Session(int& argc, char**& argv) {
  if (session_alive.exchange(true)) {
    throw RuntimeError("inflanet::Session constructed twice in one process");
  }
  prefer_fast_singleton_start();
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
#ifdef INFLANET_HAVE_OPENMP
  const auto binding = probe_binding();
  const auto choice =
      choose_threads(omp_num_threads_setting(), binding.cores, binding.online, ranks_sharing(binding));
  threads_ = choice.threads;
  threads_reason_ = choice.reason;
  // FFTW's threads need at least FUNNELED: only the master thread calls MPI inside the transforms.
  if (provided >= MPI_THREAD_FUNNELED && fftw_init_threads() != 0) {
    fftw_plan_with_nthreads(threads_);
  } else {
    threads_ = 1;
    threads_reason_ = "MPI without thread support (MPI_THREAD_FUNNELED)";
  }
  omp_set_num_threads(threads_);
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

std::optional<double> parse_mem_available(std::string_view meminfo) {
  constexpr std::string_view key = "MemAvailable:";
  const auto at = meminfo.find(key);
  if (at == std::string_view::npos || (at > 0 && meminfo[at - 1] != '\n')) {
    return std::nullopt;
  }
  auto rest = meminfo.substr(at + key.size());
  rest.remove_prefix(std::min(rest.find_first_not_of(" \t"), rest.size()));
  unsigned long long kib = 0;
  const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), kib);
  if (error != std::errc{} || std::string_view(end, rest.data() + rest.size()).substr(0, 3) != " kB") {
    return std::nullopt;
  }
  return 1024.0 * static_cast<double>(kib);
}

NodeMemory Session::node_memory() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  // Ranks sharing this node: the communicator of ranks that can share memory.
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
  int on_node = 1;
  MPI_Comm_size(node, &on_node);
  MPI_Comm_free(&node);

  std::ostringstream text;
  text << std::ifstream("/proc/meminfo").rdbuf();
  const double available = parse_mem_available(text.str()).value_or(0.0);
  // The tightest node decides for all: MINLOC over the per-rank share (unknown counts as unlimited).
  struct {
    double share;
    int rank;
  } mine{available > 0.0 ? available / on_node : std::numeric_limits<double>::infinity(), rank}, least{};
  MPI_Allreduce(&mine, &least, 1, MPI_DOUBLE_INT, MPI_MINLOC, MPI_COMM_WORLD);
  double figures[2] = {available, static_cast<double>(on_node)};
  MPI_Bcast(figures, 2, MPI_DOUBLE, least.rank, MPI_COMM_WORLD);
  return NodeMemory{figures[0], static_cast<int>(figures[1])};
}

void Session::abort(int status) noexcept {
  MPI_Abort(MPI_COMM_WORLD, status);
  std::_Exit(status);
}

} // namespace inflanet
