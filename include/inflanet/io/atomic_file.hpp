#pragma once
/// \file
/// \brief Writing a small text file so that no reader ever sees half of it.

#include <filesystem>
#include <string>

namespace inflanet::io {

/// \brief Writes `text` to `path` through a temporary file in the same directory and a rename (atomic on
/// POSIX filesystems): the old file stays intact until the new one is complete. Throws RuntimeError.
void write_text_atomically(const std::filesystem::path& path, const std::string& text);

/// \brief Renames `from` to `to` (atomic on POSIX filesystems); throws RuntimeError "cannot rename
/// '<from>' to '<to>': <reason>".
void rename_file(const std::filesystem::path& from, const std::filesystem::path& to);

} // namespace inflanet::io
