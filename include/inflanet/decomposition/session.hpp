#pragma once
/// \file
/// \brief Process-wide MPI + FFTW initialisation (threads included) as one RAII guard.

namespace inflanet {

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
  /// \brief Threads per rank used by FFTW and the OpenMP loops (OMP_NUM_THREADS; 1 without OpenMP).
  [[nodiscard]] int threads() const noexcept { return threads_; }

  /// \brief Aborts every rank (for fatal errors seen on one rank only).
  [[noreturn]] static void abort(int status) noexcept;

private:
  int rank_ = 0;
  int size_ = 1;
  int threads_ = 1;
};

} // namespace inflanet
