#pragma once
/// \file
/// \brief The provenance every inflanet output file carries as root attributes.

#include <hdf5.h>

#include <filesystem>
#include <string>

#include "inflanet/base/program_units.hpp"

namespace inflanet::io {

/// \brief What ran: the fully resolved deck (TOML text), the code version and the git commit.
///
/// Written by write_metadata_attributes() as fixed-length ASCII root attributes `deck`,
/// `code_version`, `git_commit`, plus `created` (UTC, ISO 8601 `YYYY-MM-DDThh:mm:ssZ`) and
/// `software` = "inflanet", and the run's program units: `unitEnergy` and `unitField` (their names, e.g.
/// "H" and "M_p") and, with a physical scale, `unitEnergy_GeV` and `unitField_GeV` (doubles).
struct FileMetadata {
  std::string deck_text;
  std::string code_version;
  std::string git_commit;
  ProgramUnits units; ///< names every record's unit (write_unit_attributes) and gives the physical scale

  /// \brief Metadata for this build (inflanet::version, inflanet::git_commit), the given deck and units.
  [[nodiscard]] static FileMetadata for_this_build(std::string deck_text, ProgramUnits units = {});
};

/// \brief The current UTC time as `YYYY-MM-DDThh:mm:ssZ`.
[[nodiscard]] std::string iso8601_utc_now();

/// \brief Writes `software`, `code_version`, `git_commit`, `created`, `deck` and the units on `object`
/// (normally the file's root group); throws RuntimeError naming `file` on failure. The parallel writers pass
/// a `created` that every rank agrees on.
void write_metadata_attributes(hid_t object, const FileMetadata& metadata, const std::filesystem::path& file,
                               const std::string& created = iso8601_utc_now());

} // namespace inflanet::io
