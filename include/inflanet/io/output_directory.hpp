#pragma once
/// \file
/// \brief One run owns its output directory. Before a run writes anything it claims the directory: a
/// directory that holds another run's files is refused, unless this run continues that one (a restart from
/// a checkpoint in it) or the run was told to overwrite, which then removes the old run's files first, so
/// that a directory never mixes two runs (a series of snapshots from two runs, a time series of one beside
/// the checkpoints of another).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "inflanet/base/error.hpp"

namespace inflanet::io {

/// \brief The files of `dir` that an inflanet run writes, sorted: resolved.toml, timeseries.h5,
/// spectra.h5, gw_spectra.h5, duality.h5, nn.h5, checkpoint_latest, checkpoint_<step>.h5, data_<step>.h5 and
/// .xmf, and the `.tmp` leftovers of any of them. Other files are not a run's and are never touched. Empty
/// when `dir` does not exist.
[[nodiscard]] std::vector<std::filesystem::path> run_files_in(const std::filesystem::path& dir);

/// \brief A directory that holds another run's files (exit 2), in the output layer's own terms: which
/// directory, which files, and why this run may not use it. The app names the deck keys.
class OutputDirectoryTaken : public InputError {
public:
  OutputDirectoryTaken(std::filesystem::path dir, std::vector<std::filesystem::path> files,
                       std::string reason);
  [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_; }
  [[nodiscard]] const std::vector<std::filesystem::path>& files() const noexcept { return files_; }
  [[nodiscard]] const std::string& reason() const noexcept { return reason_; }
  /// \brief Up to `most` file names and a count of the rest, for a message.
  [[nodiscard]] std::string file_list(std::size_t most = 4) const;

private:
  std::filesystem::path dir_;
  std::vector<std::filesystem::path> files_;
  std::string reason_;
};

/// \brief How a run asks for its directory.
struct DirectoryClaim {
  /// The checkpoint a restart continues (empty: a new run; "latest": the newest of this directory). A
  /// checkpoint inside the directory makes the run that directory's continuation: its files are kept (the
  /// run reopens and truncates them).
  std::optional<std::filesystem::path> restart;
  /// Remove the directory's run files before writing (a new run only: a restart from a checkpoint in the
  /// directory may not remove that checkpoint).
  bool overwrite = false;
  /// With overwrite: refuse what overwrite refuses, but remove nothing yet. A restart claims so before it has
  /// read its checkpoint, and claims again (without it) once the checkpoint is accepted: a refused restart
  /// removes no file.
  bool defer_removal = false;
};

/// \brief What claim_output_directory did.
struct ClaimedDirectory {
  bool continues = false;                     ///< a restart of the run whose files are there
  std::vector<std::filesystem::path> removed; ///< the old run's files, removed (overwrite)
};

/// \brief Claims `dir` for one run (call on one rank, before any output is written): creates it if missing;
/// throws OutputDirectoryTaken when it holds another run's files and the claim allows neither continuing nor
/// overwriting them, or when overwrite would remove the restart's own checkpoint; RuntimeError when a file
/// cannot be removed.
ClaimedDirectory claim_output_directory(const std::filesystem::path& dir, const DirectoryClaim& claim);

} // namespace inflanet::io
