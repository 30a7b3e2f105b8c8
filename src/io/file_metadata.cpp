#include "inflanet/io/file_metadata.hpp"

#include <ctime>

#include "collective_io.hpp"
#include "inflanet/io/hdf5_handle.hpp"
#include "inflanet/version.hpp"

namespace inflanet::io {

FileMetadata FileMetadata::for_this_build(std::string deck_text, ProgramUnits units) {
  return FileMetadata{std::move(deck_text), inflanet::version, inflanet::git_commit, std::move(units)};
}

std::string iso8601_utc_now() {
  return detail::format_utc(std::time(nullptr), "%Y-%m-%dT%H:%M:%SZ");
}

void write_metadata_attributes(hid_t object, const FileMetadata& metadata, const std::filesystem::path& file,
                               const std::string& created) {
  write_string_attribute(object, "software", "inflanet", file);
  write_string_attribute(object, "code_version", metadata.code_version, file);
  write_string_attribute(object, "git_commit", metadata.git_commit, file);
  write_string_attribute(object, "created", created, file);
  write_string_attribute(object, "deck", metadata.deck_text, file);
  write_string_attribute(object, "unitEnergy", metadata.units.energy, file);
  write_string_attribute(object, "unitField", metadata.units.field, file);
  if (const auto& scale = metadata.units.scale) {
    write_double_attribute(object, "unitEnergy_GeV", scale->energy_GeV, file);
    write_double_attribute(object, "unitField_GeV", scale->field_GeV, file);
  }
}

} // namespace inflanet::io
