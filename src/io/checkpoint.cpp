#include "inflanet/io/checkpoint.hpp"
#include "inflanet/io/fault_injection.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <regex>
#include <type_traits>

#include <fmt/format.h>

#include "collective_io.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/io/file_metadata.hpp"
#include "inflanet/io/hdf5_handle.hpp"
#include "inflanet/io/parallel_file.hpp"

namespace inflanet::io {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t format_version = 1;

std::string quoted(const fs::path& path) {
  return fmt::format("'{}'", path.string()); // not "'" + ...: GCC 12's false -Wstringop-overflow (bug 105329)
}

std::string shortest(double value) {
  std::array<char, 40> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.17g", value);
  // Prefer the short form when it round-trips (L = 10, not 10.000000000000000).
  std::array<char, 40> brief{};
  std::snprintf(brief.data(), brief.size(), "%g", value);
  return std::strtod(brief.data(), nullptr) == value ? brief.data() : buffer.data();
}

/// Every name of the (name, value) pairs `entries` must make a valid HDF5 link name.
template <class Entries>
void check_names(const std::string& kind, const Entries& entries) {
  for (const auto& [name, value] : entries) {
    if (name.empty() || name.find('/') != std::string::npos || name == ".") {
      throw RuntimeError("checkpoint " + kind + " name '" + name + "' must be non-empty and contain no '/'");
    }
  }
}

/// A scalar attribute read as T, std::int64_t or double.
template <class T>
T read_scalar(hid_t object, const std::string& name, const fs::path& file) {
  const Hdf5Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), HandleKind::attribute,
                             "H5Aopen(" + name + ")", file);
  T value{};
  const hid_t memory_type = std::is_same_v<T, double> ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
  check_h5(H5Aread(attribute.get(), memory_type, &value), "H5Aread(" + name + ")", file);
  return value;
}

std::string read_string(hid_t object, const std::string& name, const fs::path& file) {
  const Hdf5Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), HandleKind::attribute,
                             "H5Aopen(" + name + ")", file);
  const Hdf5Handle type(H5Aget_type(attribute.get()), HandleKind::datatype, "H5Aget_type(" + name + ")",
                        file);
  if (H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) > 0) {
    throw RuntimeError("attribute '" + name + "' of " + quoted(file) + " is not a fixed-length string");
  }
  const std::size_t size = H5Tget_size(type.get());
  std::string value(size, '\0');
  check_h5(H5Aread(attribute.get(), type.get(), value.data()), "H5Aread(" + name + ")", file);
  value.resize(std::min(value.size(), value.find('\0')));
  return value;
}

bool dataset_exists(hid_t file_id, const char* group, const char* path) {
  return H5Lexists(file_id, group, H5P_DEFAULT) > 0 && H5Lexists(file_id, path, H5P_DEFAULT) > 0;
}

/// Rank 0's look at a would-be checkpoint: the reason it cannot be restarted from, or nothing.
/// `expected` (optional) is the run's lattice.
std::optional<std::string> inspect(const fs::path& path, const Box* expected,
                                   const std::vector<std::string>& field_names) {
  std::error_code error;
  if (!fs::exists(path, error)) {
    return "restart file " + quoted(path) + " does not exist";
  }
  if (!fs::is_regular_file(path, error)) {
    return "restart file " + quoted(path) + " is not a regular file";
  }
  const SilenceHdf5Errors quiet;
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) {
    return "restart file " + quoted(path) + " is not a readable HDF5 file (truncated, corrupt or not HDF5)";
  }
  try {
    const Hdf5Handle file(id, HandleKind::file, "H5Fopen", path);
    bool has_fields = true;
    std::string wanted;
    for (const auto& name : field_names) {
      has_fields = has_fields && dataset_exists(file.get(), "fields", ("fields/" + name).c_str());
      wanted += (wanted.empty() ? "/fields/" : " and /fields/") + name;
    }
    if (H5Aexists(file.get(), "complete") <= 0 || !has_fields) {
      return "restart file " + quoted(path) + " is not an inflanet checkpoint (no `complete` attribute" +
             (wanted.empty() ? std::string(")") : " or no " + wanted + ")");
    }
    const std::int64_t complete = read_scalar<std::int64_t>(file.get(), "complete", path);
    if (complete != 1) {
      return "checkpoint " + quoted(path) + " is incomplete (complete = " + std::to_string(complete) +
             "): its write was interrupted";
    }
    if (expected != nullptr) {
      const std::int64_t n = read_scalar<std::int64_t>(file.get(), "n", path);
      const double length = read_scalar<double>(file.get(), "length", path);
      const bool same_length = std::abs(length - expected->length) <= 1e-12 * std::abs(expected->length);
      if (n != expected->n || !same_length) {
        return "checkpoint " + quoted(path) + " holds a lattice of N = " + std::to_string(n) +
               ", L = " + shortest(length) + " but this run has N = " + std::to_string(expected->n) +
               ", L = " + shortest(expected->length);
      }
    }
  } catch (const RuntimeError& e) {
    return "checkpoint " + quoted(path) + " is damaged: " + e.what();
  }
  return std::nullopt;
}

/// Checkpoint files `checkpoint_<step>.h5` in `dir` (or the `.tmp` leftovers), by ascending step.
std::vector<std::pair<std::int64_t, fs::path>> list_checkpoints(const fs::path& dir, bool temporaries) {
  static const std::regex final_name(R"(checkpoint_(\d+)\.h5)");
  static const std::regex tmp_name(R"(checkpoint_(\d+)\.h5\.tmp)");
  std::vector<std::pair<std::int64_t, fs::path>> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    std::smatch match;
    if (std::regex_match(name, match, temporaries ? tmp_name : final_name)) {
      found.emplace_back(std::stoll(match[1].str()), entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

/// Rank 0: the file "latest" means, or the reason there is none.
std::pair<fs::path, std::string> resolve_latest_on_root(const fs::path& dir,
                                                        const std::vector<std::string>& field_names) {
  std::string pointer_note;
  const fs::path pointer = dir / checkpoint_pointer_name;
  if (std::ifstream in(pointer); in) {
    std::string name;
    std::getline(in, name);
    const fs::path candidate = dir / name;
    if (!name.empty() && !inspect(candidate, nullptr, field_names)) {
      return {candidate, {}};
    }
    pointer_note = " (" + quoted(pointer) + " names '" + name + "', which is missing or incomplete)";
  }
  auto found = list_checkpoints(dir, false);
  for (auto it = found.rbegin(); it != found.rend(); ++it) {
    if (!inspect(it->second, nullptr, field_names)) {
      return {it->second, {}};
    }
  }
  return {{}, "no complete checkpoint_<step>.h5 in " + quoted(dir) + " to be the latest" + pointer_note};
}

void write_root_attributes(hid_t root, const CheckpointState& state, const Box& box,
                           const std::string& created, const fs::path& file) {
  write_string_attribute(root, "format", "inflanet-checkpoint", file);
  write_int64_attribute(root, "format_version", format_version, file);
  write_int64_attribute(root, "step", state.step, file);
  write_int64_attribute(root, "n", box.n, file);
  write_double_attribute(root, "length", box.length, file);
  write_double_attribute(root, "time", state.time, file);
  write_double_attribute(root, "a", state.a, file);
  write_double_attribute(root, "dt", state.dt, file);
  write_double_attribute(root, "rho0", state.rho0, file);
  write_string_attribute(root, "integrator", state.integrator, file);
  write_metadata_attributes(
      root, FileMetadata{state.deck_text, state.code_version, state.git_commit, state.units}, file, created);
  write_attribute_units(root, state.units,
                        {{"step", quantity::dimensionless},
                         {"n", quantity::dimensionless},
                         {"length", quantity::length},
                         {"time", quantity::time},
                         {"a", quantity::dimensionless},
                         {"dt", quantity::time},
                         {"rho0", quantity::energy_density}},
                        file);
}

herr_t collect_attribute_name(hid_t, const char* name, const H5A_info_t*, void* names) {
  static_cast<std::vector<std::string>*>(names)->emplace_back(name);
  return 0;
}

std::vector<std::string> link_names(hid_t group, const fs::path& file) {
  H5G_info_t info{};
  check_h5(H5Gget_info(group, &info), "H5Gget_info", file);
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t size =
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    check_h5(static_cast<herr_t>(size < 0 ? -1 : 0), "H5Lget_name_by_idx", file);
    std::string name(static_cast<std::size_t>(size) + 1, '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(size));
    names.push_back(std::move(name));
  }
  return names;
}

/// `checkpoint_<step>.h5` (unpadded step).
std::string checkpoint_file_name(std::int64_t step) {
  return "checkpoint_" + std::to_string(step) + ".h5";
}

/// The one writer: with the lattice fields (phi and phidot non-null) or without (a network-only run).
fs::path write_checkpoint_impl(const fs::path& dir, const CheckpointState& state,
                               const ConstCheckpointFields& fields_in, const Box& box, MPI_Comm comm) {
  check_names("field", fields_in);
  check_names("extra series", state.extra_series);
  check_names("scalar", state.scalars);
  const fs::path final_path = dir / checkpoint_file_name(state.step);
  fs::path tmp = final_path;
  tmp += ".tmp";
  const auto now = detail::agreed_utc_now(comm);
  {
    ParallelFile file =
        ParallelFile::create(tmp, comm, fields_in.size() * static_cast<std::uint64_t>(box.sites()) * 8u);
    const hid_t root = file.id();
    write_root_attributes(root, state, box, now.iso8601, tmp);
    if (!fields_in.empty()) {
      const Hdf5Handle fields = create_groups(root, "fields", tmp);
      for (const auto& [name, field] : fields_in) {
        write_field(fields.get(), name, *field, tmp).close();
      }
    }
    {
      const Hdf5Handle series = create_groups(root, "series", tmp);
      write_replicated_vector(series.get(), "continuity_values", state.continuity_values, comm, tmp);
    }
    {
      const Hdf5Handle extra = create_groups(root, "extra_series", tmp);
      for (const auto& [name, values] : state.extra_series) {
        write_replicated_vector(extra.get(), name, values, comm, tmp);
      }
    }
    {
      const Hdf5Handle scalars = create_groups(root, "scalars", tmp);
      for (const auto& [name, value] : state.scalars) {
        write_double_attribute(scalars.get(), name, value, tmp);
      }
    }
    // Everything above is on disk before the marker that vouches for it.
    check_h5(H5Fflush(root, H5F_SCOPE_GLOBAL), "H5Fflush", tmp);
    fault_point("checkpoint-write", state.step); // crash-safety tests kill the run here

    write_int64_attribute(root, "complete", 1, tmp);
    file.close();
  }
  detail::run_on_root(comm, [&] {
    rename_file(tmp, final_path);
    write_text_atomically(dir / checkpoint_pointer_name, checkpoint_file_name(state.step) + "\n");
    // Keep the newest two complete checkpoints (by step); drop leftovers of interrupted writes.
    std::error_code error;
    auto finals = list_checkpoints(dir, false);
    const std::size_t keep = 2;
    for (std::size_t i = 0; i + keep < finals.size(); ++i) {
      if (finals[i].second != final_path) {
        fs::remove(finals[i].second, error);
      }
    }
    for (const auto& [step, leftover] : list_checkpoints(dir, true)) {
      fs::remove(leftover, error);
    }
  });
  return final_path;
}

fs::path resolve_impl(const std::string& path_or_latest, const fs::path& dir, MPI_Comm comm,
                      const std::vector<std::string>& field_names) {
  if (path_or_latest != "latest") {
    return path_or_latest;
  }
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string resolved, failure;
  if (rank == 0) {
    auto [path, why] = resolve_latest_on_root(dir, field_names);
    resolved = path.string();
    failure = why;
  }
  detail::agree_on_failure(failure, comm, true);
  return broadcast_string(resolved, comm);
}

} // namespace

fs::path write_checkpoint(const fs::path& dir, const CheckpointState& state,
                          const ConstCheckpointFields& fields, const Decomposition& decomposition) {
  return write_checkpoint_impl(dir, state, fields, decomposition.box(), decomposition.comm());
}

fs::path write_checkpoint(const fs::path& dir, const CheckpointState& state, MPI_Comm comm) {
  return write_checkpoint_impl(dir, state, {}, Box{0, 0.0}, comm);
}

fs::path resolve_checkpoint(const std::string& path_or_latest, const fs::path& dir,
                            const Decomposition& decomposition) {
  return resolve_impl(path_or_latest, dir, decomposition.comm(), {"phi", "phidot"});
}

namespace {

CheckpointState read_impl(const std::string& path_or_latest, const fs::path& dir,
                          const CheckpointFields& fields, const Box* box, MPI_Comm comm) {
  std::vector<std::string> field_names;
  for (const auto& [name, field] : fields) {
    field_names.push_back(name);
  }
  const fs::path path = resolve_impl(path_or_latest, dir, comm, field_names);
  // One rank judges, all ranks agree: the verdict is broadcast before anyone opens the file in parallel.
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string failure;
  if (rank == 0) {
    failure = inspect(path, box, field_names).value_or("");
  }
  detail::agree_on_failure(failure, comm, true);

  ParallelFile file = ParallelFile::open_read_only(path, comm);
  const hid_t root = file.id();
  CheckpointState state;
  state.step = read_scalar<std::int64_t>(root, "step", path);
  state.n = read_scalar<std::int64_t>(root, "n", path);
  state.length = read_scalar<double>(root, "length", path);
  state.time = read_scalar<double>(root, "time", path);
  state.a = read_scalar<double>(root, "a", path);
  state.dt = read_scalar<double>(root, "dt", path);
  state.rho0 = read_scalar<double>(root, "rho0", path);
  state.integrator = read_string(root, "integrator", path);
  state.deck_text = read_string(root, "deck", path);
  state.code_version = read_string(root, "code_version", path);
  state.git_commit = read_string(root, "git_commit", path);
  for (const auto& [name, field] : fields) {
    read_field(root, "fields/" + name, *field, path);
  }
  state.continuity_values = read_vector(root, "series/continuity_values", path);
  {
    const Hdf5Handle extra(H5Gopen2(root, "extra_series", H5P_DEFAULT), HandleKind::group,
                           "H5Gopen2(extra_series)", path);
    for (const auto& name : link_names(extra.get(), path)) {
      state.extra_series[name] = read_vector(extra.get(), name, path);
    }
  }
  {
    const Hdf5Handle scalars(H5Gopen2(root, "scalars", H5P_DEFAULT), HandleKind::group, "H5Gopen2(scalars)",
                             path);
    std::vector<std::string> names;
    check_h5(H5Aiterate2(scalars.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_attribute_name, &names),
             "H5Aiterate2(scalars)", path);
    for (const auto& name : names) {
      state.scalars[name] = read_scalar<double>(scalars.get(), name, path);
    }
  }
  file.close();
  state.source = path;
  return state;
}

} // namespace

namespace {
[[noreturn]] void missing_entry(const fs::path& source, const std::string& what, const std::string& entry) {
  throw InputError(fmt::format("{}: the checkpoint holds no {} ({}): it was written by another kind of run",
                               source.string(), what, entry));
}
} // namespace

double CheckpointState::scalar(const std::string& name, const std::string& what) const {
  const auto it = scalars.find(name);
  if (it == scalars.end()) {
    missing_entry(source, what, "scalar '" + name + "' of /scalars");
  }
  return it->second;
}

double CheckpointState::scalar_or(const std::string& name, double otherwise) const {
  const auto it = scalars.find(name);
  return it == scalars.end() ? otherwise : it->second;
}

const std::vector<double>& CheckpointState::series(const std::string& name, const std::string& what) const {
  const auto it = extra_series.find(name);
  if (it == extra_series.end()) {
    missing_entry(source, what, "/extra_series/" + name);
  }
  return it->second;
}

CheckpointState read_checkpoint(const std::string& path_or_latest, const fs::path& dir,
                                const CheckpointFields& fields, const Decomposition& decomposition) {
  return read_impl(path_or_latest, dir, fields, &decomposition.box(), decomposition.comm());
}

CheckpointState read_checkpoint(const std::string& path_or_latest, const fs::path& dir, MPI_Comm comm) {
  return read_impl(path_or_latest, dir, {}, nullptr, comm);
}

} // namespace inflanet::io
