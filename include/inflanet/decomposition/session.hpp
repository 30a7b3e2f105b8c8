#pragma once
/// \file
/// \brief Process-wide MPI + FFTW initialisation (threads included) as one RAII guard.

#include <optional>
#include <string>
#include <string_view>

namespace inflanet {

/// \brief The memory a rank can count on before it allocates: its node's MemAvailable shared among the
/// ranks on that node.
struct NodeMemory {
  double available_bytes = 0.0; ///< MemAvailable of the node (bytes); 0 when unknown
  int ranks_on_node = 1;        ///< ranks of this run sharing that node
  /// \brief available_bytes / ranks_on_node.
  [[nodiscard]] double per_rank() const noexcept { return available_bytes / ranks_on_node; }
  /// \brief False where /proc/meminfo could not be read (then nothing is refused for memory).
  [[nodiscard]] bool known() const noexcept { return available_bytes > 0.0; }
};

/// \brief MemAvailable in bytes from the text of /proc/meminfo ("MemAvailable:  123 kB"); nullopt when the
/// line is absent or malformed.
[[nodiscard]] std::optional<double> parse_mem_available(std::string_view meminfo);

/// \brief How many OpenMP/FFTW threads a rank runs, and why.
struct ThreadChoice {
  int threads = 1;
  std::string reason; ///< one clause for the log, e.g. "OMP_NUM_THREADS=4"
};

/// \brief The threads per rank. A rank never oversubscribes by default: `OMP_NUM_THREADS` when it is set
/// (`omp_num_threads`, the user's choice, kept as given); otherwise, for a rank bound to fewer cores than the
/// node has (`binding_cores` < `online_cores`: mpirun's --bind-to, srun's --cpus-per-task), those cores
/// shared among the `ranks_sharing_binding` ranks of the node bound to the same set; and for an unbound rank
/// (no launcher, or --bind-to none) one thread, since nothing says which cores are free: OpenMP's own
/// default, a thread per core of the node, ran a 32^3 step 30-45x slower on a loaded 2-core machine (issue
/// 20).
[[nodiscard]] ThreadChoice choose_threads(std::optional<int> omp_num_threads, int binding_cores,
                                          int online_cores, int ranks_sharing_binding);

/// \brief Initialises MPI (MPI_THREAD_FUNNELED), FFTW's thread support and FFTW-MPI, and tears them down
/// in reverse order. Exactly one may exist per process; a second construction throws.
class Session {
public:
  Session(int& argc, char**& argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// \brief Rank in MPI_COMM_WORLD and its size.
  [[nodiscard]] int rank() const noexcept { return rank_; }
  [[nodiscard]] int size() const noexcept { return size_; }
  /// \brief Threads per rank used by FFTW and the OpenMP loops (choose_threads(); 1 without OpenMP).
  [[nodiscard]] int threads() const noexcept { return threads_; }
  /// \brief Why threads() is what it is (choose_threads()'s reason), for the run's log.
  [[nodiscard]] const std::string& threads_reason() const noexcept { return threads_reason_; }

  /// \brief Collective: the node memory of the rank with the least per_rank() (every rank gets the same
  /// figures, so all take the same decision). Ranks on a node are counted with MPI_Comm_split_type
  /// (MPI_COMM_TYPE_SHARED); MemAvailable is read from /proc/meminfo. Unknown (known() false) only when no
  /// rank can read it. Static, like abort: it needs MPI initialised, i.e. a Session alive.
  [[nodiscard]] static NodeMemory node_memory();

  /// \brief Aborts every rank (for fatal errors seen on one rank only).
  [[noreturn]] static void abort(int status) noexcept;

private:
  int rank_ = 0;
  int size_ = 1;
  int threads_ = 1;
  std::string threads_reason_ = "built without OpenMP";
};

} // namespace inflanet
