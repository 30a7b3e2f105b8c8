#include "collective_io.hpp"

#include <array>

#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/decomposition.hpp"

namespace inflanet::io::detail {

std::string format_utc(std::time_t when, const char* format) {
  std::tm utc{};
  gmtime_r(&when, &utc);
  std::array<char, 64> buffer{};
  const std::size_t length = std::strftime(buffer.data(), buffer.size(), format, &utc);
  return std::string(buffer.data(), length);
}

AgreedTime agreed_utc_now(MPI_Comm comm) {
  long long now = static_cast<long long>(std::time(nullptr));
  MPI_Bcast(&now, 1, MPI_LONG_LONG, 0, comm); // a second boundary must not split the ranks
  const auto when = static_cast<std::time_t>(now);
  return AgreedTime{format_utc(when, "%Y-%m-%dT%H:%M:%SZ"), format_utc(when, "%Y-%m-%d %H:%M:%S +0000")};
}

void agree_on_failure(const std::string& failure, MPI_Comm comm, bool input) {
  const std::string agreed = broadcast_string(failure, comm);
  if (agreed.empty()) {
    return;
  }
  if (input) {
    throw InputError(agreed);
  }
  throw RuntimeError(agreed, true);
}

void run_on_root(MPI_Comm comm, const std::function<void()>& work) {
  MPI_Barrier(comm);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string failure;
  if (rank == 0) {
    try {
      work();
    } catch (const RuntimeError& e) {
      failure = e.what();
    }
  }
  agree_on_failure(failure, comm, false);
}

} // namespace inflanet::io::detail
