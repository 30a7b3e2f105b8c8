#pragma once
// Internal helpers of the parallel writers (snapshot_writer.cpp, checkpoint.cpp): a time every rank agrees
// on, and failures every rank raises alike. (The atomic text-file write they use is
// inflanet/io/atomic_file.hpp.)
#include "inflanet/io/atomic_file.hpp"
#include <mpi.h>

#include <ctime>
#include <functional>
#include <string>

namespace inflanet::io::detail {

/// Rank 0's UTC time, broadcast so every rank writes the same attribute bytes (collective).
struct AgreedTime {
  std::string iso8601; ///< YYYY-MM-DDThh:mm:ssZ (FileMetadata's `created`)
  std::string openpmd; ///< YYYY-MM-DD hh:mm:ss +0000 (openPMD `date`)
};
[[nodiscard]] AgreedTime agreed_utc_now(MPI_Comm comm);

/// `when` in UTC, formatted by strftime's `format`.
[[nodiscard]] std::string format_utc(std::time_t when, const char* format);

/// Throws rank 0's `failure` on every rank alike (collective; nothing when it is empty): an InputError when
/// `input`, otherwise a collective RuntimeError.
void agree_on_failure(const std::string& failure, MPI_Comm comm, bool input);

/// After a barrier, rank 0 runs `work` (the rename that publishes a file every rank has written, say); a
/// RuntimeError it throws is rethrown on every rank (collective).
void run_on_root(MPI_Comm comm, const std::function<void()>& work);

} // namespace inflanet::io::detail
