#pragma once
/// \file
/// \brief FFTW wisdom kept in a file next to the outputs, so repeated runs plan instantly.

#include <filesystem>

#include "inflanet/decomposition/decomposition.hpp"

namespace inflanet {

/// \brief Imports wisdom on rank 0 and broadcasts it to all ranks (collective). A missing or unreadable
/// file is not an error (planning just takes longer); returns whether wisdom was imported.
bool import_fft_wisdom(const std::filesystem::path& file, const Decomposition& decomposition);

/// \brief Gathers every rank's wisdom and writes it from rank 0 atomically (temporary file, rename), so an
/// interrupted run never leaves a truncated wisdom file (collective).
void export_fft_wisdom(const std::filesystem::path& file, const Decomposition& decomposition);

} // namespace inflanet
