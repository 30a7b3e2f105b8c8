#include "inflanet/io/file_metadata.hpp"

#include <array>
#include <ctime>

#include "inflanet/io/hdf5_handle.hpp"
#include "inflanet/version.hpp"

namespace inflanet::io {

FileMetadata FileMetadata::for_this_build(std::string deck_text) {
  return FileMetadata{std::move(deck_text), inflanet::version, inflanet::git_commit};
}

std::string iso8601_utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::array<char, 32> buffer{};
  const std::size_t length = std::strftime(buffer.data(), buffer.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(buffer.data(), length);
}

void write_metadata_attributes(hid_t object, const FileMetadata& metadata,
                               const std::filesystem::path& file) {
  write_string_attribute(object, "software", "inflanet", file);
  write_string_attribute(object, "code_version", metadata.code_version, file);
  write_string_attribute(object, "git_commit", metadata.git_commit, file);
  write_string_attribute(object, "created", iso8601_utc_now(), file);
  write_string_attribute(object, "deck", metadata.deck_text, file);
}

} // namespace inflanet::io
