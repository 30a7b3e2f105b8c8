#include "inflanet/fft/fft_wisdom.hpp"

#include <fcntl.h>
#include <fftw3-mpi.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

namespace inflanet {
namespace {

std::string exported_wisdom() {
  std::unique_ptr<char, decltype(&std::free)> text(fftw_export_wisdom_to_string(), &std::free);
  return text ? std::string(text.get()) : std::string();
}

/// An exclusive advisory lock held for the lifetime of the object (best effort: a filesystem without
/// locks still gets atomic renames, only concurrent merges may then drop each other's new entries).
class FileLock {
public:
  explicit FileLock(const std::filesystem::path& file)
      : fd_(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (fd_ >= 0) {
      ::flock(fd_, LOCK_EX);
    }
  }
  ~FileLock() {
    if (fd_ >= 0) {
      ::flock(fd_, LOCK_UN);
      ::close(fd_);
    }
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

private:
  int fd_;
};

/// Rank 0's part of save_fft_wisdom; returns the reason of a failure.
std::string merge_into(const std::filesystem::path& file) {
  std::error_code ec;
  if (file.has_parent_path()) {
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) {
      return fmt::format("cannot create the directory '{}': {}", file.parent_path().string(), ec.message());
    }
  }
  const std::string ours = exported_wisdom();
  FileLock lock(std::filesystem::path(file).concat(".lock"));
  // FFTW keeps the entry it already holds when an import brings one for the same problem, so importing
  // the file after our own wisdom keeps ours and adds what other runs wrote meanwhile.
  fftw_forget_wisdom();
  fftw_import_wisdom_from_string(ours.c_str());
  if (std::filesystem::exists(file, ec)) {
    fftw_import_wisdom_from_filename(file.c_str()); // a corrupt file is replaced, not fatal
  }
  const std::string merged = exported_wisdom();
  const auto tmp = std::filesystem::path(file).concat(fmt::format(".tmp.{}", ::getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << merged;
    out.flush();
    if (!out) {
      std::filesystem::remove(tmp, ec);
      return fmt::format("cannot write '{}'", tmp.string());
    }
  }
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return fmt::format("cannot rename '{}' to '{}'", tmp.string(), file.string());
  }
  return {};
}

} // namespace

std::string WisdomKey::file_name() const {
  constexpr std::array<const char*, 3> rigor_names{"estimate", "measure", "patient"}; // PlanRigor's order
  std::string name = fmt::format("N{}_r{}_t{}_{}_{}.wisdom", n, ranks, threads,
                                 rigor_names[static_cast<std::size_t>(rigor)], fftw_version);
  for (char& c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) {
      c = '_';
    }
  }
  return name;
}

std::filesystem::path wisdom_cache_dir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && *xdg != '\0') {
    return std::filesystem::path(xdg) / "inflanet";
  }
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') {
    return std::filesystem::path(home) / ".cache" / "inflanet";
  }
  return {};
}

std::filesystem::path wisdom_path(const std::string& configured, const WisdomKey& key) {
  if (!configured.empty()) {
    return configured;
  }
  const auto dir = wisdom_cache_dir();
  return dir.empty() ? std::filesystem::path() : dir / "wisdom" / key.file_name();
}

bool import_fft_wisdom(const std::filesystem::path& file, const Decomposition& decomposition) {
  int ok = 0;
  if (decomposition.is_root() && !file.empty()) {
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) {
      ok = fftw_import_wisdom_from_filename(file.c_str());
    }
  }
  const bool any = decomposition.max(static_cast<double>(ok)) > 0.0;
  fftw_mpi_broadcast_wisdom(decomposition.comm());
  return any;
}

std::string save_fft_wisdom(const std::filesystem::path& file, const Decomposition& decomposition) {
  std::string reason;
  if (file.empty()) {
    reason = "no wisdom file (neither XDG_CACHE_HOME nor HOME is set, and no path was given)";
  } else if (decomposition.is_root()) {
    reason = merge_into(file);
  }
  return broadcast_string(reason, decomposition.comm());
}

} // namespace inflanet
