#include "inflanet/fft/fft_wisdom.hpp"

#include <fftw3-mpi.h>

#include <system_error>

namespace inflanet {

bool import_fft_wisdom(const std::filesystem::path& file, const Decomposition& decomposition) {
  int ok = 0;
  if (decomposition.is_root()) {
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) {
      ok = fftw_import_wisdom_from_filename(file.c_str());
    }
  }
  ok = decomposition.max(static_cast<double>(ok)) > 0.0 ? 1 : 0;
  fftw_mpi_broadcast_wisdom(decomposition.comm());
  return ok != 0;
}

void export_fft_wisdom(const std::filesystem::path& file, const Decomposition& decomposition) {
  fftw_mpi_gather_wisdom(decomposition.comm());
  if (decomposition.is_root()) {
    std::error_code ec;
    const auto tmp = std::filesystem::path(file).concat(".tmp");
    if (fftw_export_wisdom_to_filename(tmp.c_str()) != 0) {
      std::filesystem::rename(tmp, file, ec); // wisdom is a cache: failing to keep it is harmless
    }
  }
}

} // namespace inflanet
