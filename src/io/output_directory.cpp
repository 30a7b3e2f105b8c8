#include "inflanet/io/output_directory.hpp"

#include <algorithm>
#include <regex>
#include <system_error>

#include <fmt/format.h>

namespace inflanet::io {
namespace fs = std::filesystem;
namespace {

bool is_run_file(const std::string& name) {
  // Every name a run writes (the writers of io/ and app/), with the .tmp of its atomic replacement.
  static const std::regex pattern(
      R"((resolved\.toml|timeseries\.h5|spectra\.h5|gw_spectra\.h5|duality\.h5|nn\.h5|)"
      R"(checkpoint_latest|checkpoint_\d+\.h5|data_\d+\.h5|data_\d+\.xmf)(\.tmp)?)");
  return std::regex_match(name, pattern);
}

bool same_directory(const fs::path& a, const fs::path& b) {
  std::error_code error;
  const bool same = fs::equivalent(a, b, error);
  return !error && same;
}

} // namespace

std::vector<fs::path> run_files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return files;
  }
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (entry.is_regular_file(error) && is_run_file(entry.path().filename().string())) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

OutputDirectoryTaken::OutputDirectoryTaken(fs::path dir, std::vector<fs::path> files, std::string reason)
    : InputError(fmt::format("'{}' {}", dir.string(), reason)), dir_(std::move(dir)),
      files_(std::move(files)), reason_(std::move(reason)) {}

std::string OutputDirectoryTaken::file_list(std::size_t most) const {
  std::string out;
  for (std::size_t i = 0; i < files_.size() && i < most; ++i) {
    out += (i ? ", " : "") + files_[i].filename().string();
  }
  if (files_.size() > most) {
    out += fmt::format(" and {} more", files_.size() - most);
  }
  return out;
}

ClaimedDirectory claim_output_directory(const fs::path& dir, const DirectoryClaim& claim) {
  ClaimedDirectory claimed;
  const auto files = run_files_in(dir);
  // restart = "latest" names the newest checkpoint of this very directory.
  const bool checkpoint_here =
      claim.restart &&
      (claim.restart->string() == "latest" ||
       same_directory(claim.restart->has_parent_path() ? claim.restart->parent_path() : ".", dir));
  if (!files.empty()) {
    if (claim.overwrite && checkpoint_here) {
      throw OutputDirectoryTaken(dir, files,
                                 "holds the checkpoint this run restarts from: overwriting would remove it");
    }
    if (claim.overwrite && claim.defer_removal) {
      // checked, nothing removed yet
    } else if (claim.overwrite) {
      for (const auto& file : files) {
        std::error_code error;
        fs::remove(file, error);
        if (error) {
          throw RuntimeError(
              fmt::format("cannot remove '{}' before overwriting: {}", file.string(), error.message()));
        }
      }
      claimed.removed = files;
    } else if (checkpoint_here) {
      claimed.continues = true;
    } else {
      throw OutputDirectoryTaken(dir, files,
                                 claim.restart ? "holds another run's files, and the checkpoint is not in it"
                                               : "holds another run's files");
    }
  }
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) {
    throw RuntimeError(
        fmt::format("cannot create the output directory '{}': {}", dir.string(), error.message()));
  }
  return claimed;
}

} // namespace inflanet::io
