#include "inflanet/io/atomic_file.hpp"

#include <fstream>
#include <system_error>

#include "inflanet/base/error.hpp"

namespace inflanet::io {

void write_text_atomically(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      throw RuntimeError("cannot write '" + tmp.string() + "'");
    }
  }
  rename_file(tmp, path);
}

void rename_file(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code error;
  std::filesystem::rename(from, to, error);
  if (error) {
    throw RuntimeError("cannot rename '" + from.string() + "' to '" + to.string() + "': " + error.message());
  }
}

} // namespace inflanet::io
