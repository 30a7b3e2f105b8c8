#pragma once
/// \file
/// \brief FFTW wisdom: one per-user cache shared by every run (or a file the deck names), read before
/// planning and merged back after it, so that a run in a new directory plans nothing it has planned before.

#include <cstddef>
#include <filesystem>
#include <string>

#include "inflanet/decomposition/decomposition.hpp"
#include "inflanet/fft/fft_plan.hpp"

namespace inflanet {

/// \brief What FFTW's plans depend on: the grid, the rank count, the threads per rank, the planner rigor
/// and the FFTW build (`fftw_version`, which also names its SIMD flavours). Runs that share all of them
/// share one wisdom file of the cache.
struct WisdomKey {
  std::ptrdiff_t n = 0;
  int ranks = 1;
  int threads = 1;
  PlanRigor rigor = PlanRigor::measure;
  /// \brief A file name made of the key, e.g. "N32_r1_t1_measure_fftw-3.3.10-sse2-avx.wisdom" (characters
  /// other than [A-Za-z0-9._-] become '_').
  [[nodiscard]] std::string file_name() const;
};

/// \brief The per-user cache directory: $XDG_CACHE_HOME/inflanet, else $HOME/.cache/inflanet (empty
/// when neither variable is set: no cache).
[[nodiscard]] std::filesystem::path wisdom_cache_dir();

/// \brief The wisdom file of a run: `configured` (the deck's `output.wisdom`) when it is not empty, else
/// the cache directory's file for `key`. Empty when there is neither.
[[nodiscard]] std::filesystem::path wisdom_path(const std::string& configured, const WisdomKey& key);

/// \brief Imports `file` on rank 0 and broadcasts it, so every rank holds the same wisdom (collective).
/// A missing or unreadable file is not an error (planning just takes longer); returns whether wisdom was
/// imported.
bool import_fft_wisdom(const std::filesystem::path& file, const Decomposition& decomposition);

/// \brief Merges this process's wisdom into `file` (collective; rank 0 writes): under an exclusive lock on
/// `file.lock` it imports what the file holds now, lets this run's own entries win, and writes the union
/// through a temporary file and a rename, so several runs can share one file and none ever reads half of
/// it. Creates the directory. Returns an empty string on success, else why the file could not be written
/// (the same on every rank): wisdom is a cache, so the caller warns and the run goes on.
[[nodiscard]] std::string save_fft_wisdom(const std::filesystem::path& file,
                                          const Decomposition& decomposition);

} // namespace inflanet
