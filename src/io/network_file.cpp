#include "inflanet/io/network_file.hpp"

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "extendible_dataset.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/io/hdf5_handle.hpp"

namespace inflanet::io {
namespace {

// f[nt, N] rows are N doubles; a few rows per chunk keep appends cheap without bloating short runs.
constexpr hsize_t chunk_rows = 16;

} // namespace

// Declaration order matters: datasets close before the file they live in.
struct NetworkFile::State {
  Hdf5Handle file;
  std::vector<detail::ExtendibleDataset> series; // step, time, loss, ntk_drift, lin_gap, f, f_lin, modes
  std::optional<ProgramUnits> units;             // of a file being created; unset when reopened
  QuantityUnit target_unit{};
};

NetworkFile::NetworkFile(std::filesystem::path path, std::span<const double> x, std::span<const double> y,
                         std::size_t points, int dim, const NetworkRunAttributes& attributes,
                         const FileMetadata& metadata)
    : path_(std::move(path)), points_(points), state_(std::make_unique<State>()) {
  state_->file = Hdf5Handle(H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                            HandleKind::file, "H5Fcreate", path_);
  const hid_t root = state_->file.get();
  write_metadata_attributes(root, metadata, path_);
  write_double_attribute(root, "eta", attributes.eta, path_);
  write_double_attribute(root, "beta", attributes.beta, path_);
  write_double_attribute(root, "c", attributes.c, path_);
  write_double_attribute(root, "gamma", attributes.gamma, path_);
  write_string_attribute(root, "integrator", attributes.integrator, path_);
  write_string_attribute(root, "dataset", attributes.dataset, path_);
  write_int64_attribute(root, "points", static_cast<std::int64_t>(points), path_);
  detail::write_fixed_dataset(root, "x", x, points, static_cast<hsize_t>(dim), true, path_);
  detail::write_fixed_dataset(root, "y", y, points, 1, false, path_);
  const auto n = static_cast<hsize_t>(points);
  state_->series.push_back(detail::ExtendibleDataset::create(root, "step", H5T_STD_I64LE, 0, 512, path_));
  for (const char* name : {"time", "loss", "ntk_drift", "lin_gap"}) {
    state_->series.push_back(detail::ExtendibleDataset::create(root, name, H5T_IEEE_F64LE, 0, 512, path_));
  }
  for (const char* name : {"f", "f_lin", "mode_amplitudes"}) {
    if (std::string_view(name) == "mode_amplitudes" && !attributes.mode_amplitudes) {
      continue;
    }
    state_->series.push_back(
        detail::ExtendibleDataset::create(root, name, H5T_IEEE_F64LE, n, chunk_rows, path_));
  }
  const auto number = quantity::dimensionless;
  std::vector<std::pair<const char*, QuantityUnit>> units{{"step", number},
                                                          {"time", attributes.time_unit},
                                                          {"x", number},
                                                          {"y", attributes.target_unit},
                                                          {"f", attributes.target_unit},
                                                          {"f_lin", attributes.target_unit},
                                                          {"loss", power(attributes.time_unit, -2)},
                                                          {"ntk_drift", number},
                                                          {"lin_gap", number}};
  if (attributes.mode_amplitudes) {
    units.emplace_back("mode_amplitudes", attributes.target_unit);
  }
  for (const auto& [name, q] : units) {
    write_dataset_units(root, name, metadata.units, q, path_);
  }
  state_->units = metadata.units;
  state_->target_unit = attributes.target_unit;
  check_h5(H5Fflush(root, H5F_SCOPE_LOCAL), "H5Fflush", path_);
}

NetworkFile::NetworkFile(std::filesystem::path path, std::size_t points)
    : path_(std::move(path)), points_(points), state_(std::make_unique<State>()) {}

NetworkFile NetworkFile::open_existing(std::filesystem::path path, std::size_t points,
                                       std::int64_t last_step) {
  NetworkFile out(std::move(path), points);
  const auto& file_path = out.path_;
  out.state_->file = Hdf5Handle(H5Fopen(file_path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), HandleKind::file,
                                "H5Fopen", file_path);
  const hid_t root = out.state_->file.get();
  auto& series = out.state_->series;
  for (const char* name : {"step", "time", "loss", "ntk_drift", "lin_gap", "f", "f_lin", "mode_amplitudes"}) {
    if (std::string_view(name) == "mode_amplitudes" && H5Lexists(root, name, H5P_DEFAULT) <= 0) {
      continue; // a run without the eigenbasis
    }
    series.push_back(detail::ExtendibleDataset::open(root, name, file_path));
  }
  if (series.back().width() != points) {
    throw RuntimeError("cannot restart network file '" + file_path.string() +
                       "': it holds another number of training points");
  }
  detail::drop_rows_after(root, series, 0, last_step, file_path);
  return out;
}

NetworkFile::~NetworkFile() = default;
NetworkFile::NetworkFile(NetworkFile&&) noexcept = default;
NetworkFile& NetworkFile::operator=(NetworkFile&&) noexcept = default;

void NetworkFile::write_weights(const std::string& name, const Mlp& network) {
  // A restarted run that had finished before writes its final weights again.
  if (H5Lexists(state_->file.get(), name.c_str(), H5P_DEFAULT) > 0) {
    check_h5(H5Ldelete(state_->file.get(), name.c_str(), H5P_DEFAULT), "H5Ldelete " + name, path_);
  }
  Hdf5Handle group(H5Gcreate2(state_->file.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   HandleKind::group, "H5Gcreate2 " + name, path_);
  const auto& p = network.params();
  write_string_attribute(group.get(), "activation", std::string(activation_name(p.activation)), path_);
  write_double_attribute(group.get(), "sigma_w", p.sigma_w, path_);
  write_double_attribute(group.get(), "sigma_b", p.sigma_b, path_);
  write_string_attribute(group.get(), "parameterization", "ntk", path_);
  write_int64_attribute(group.get(), "depth", p.depth, path_);
  write_int64_attribute(group.get(), "width", p.width, path_);
  for (int k = 0; k < network.layers(); ++k) {
    const auto n_out = static_cast<hsize_t>(network.units(k + 1)),
               n_in = static_cast<hsize_t>(network.units(k));
    // fmt::format rather than "W" + std::to_string(k): GCC 12 inlines the latter into a memcpy it cannot
    // prove disjoint and prints pages of false -Wrestrict warnings (GCC bug 105329).
    detail::write_fixed_dataset(group.get(), fmt::format("W{}", k), network.weights(k), n_out, n_in, true,
                                path_);
    detail::write_fixed_dataset(group.get(), fmt::format("b{}", k), network.biases(k), n_out, 1, false,
                                path_);
  }
  check_h5(H5Fflush(state_->file.get(), H5F_SCOPE_LOCAL), "H5Fflush", path_);
}

void NetworkFile::write_ntk(std::span<const double> theta, std::span<const double> eigenvalues) {
  if (theta.size() != points_ * points_ || eigenvalues.size() != points_) {
    throw RuntimeError("NetworkFile::write_ntk: need N x N kernel values and N eigenvalues");
  }
  const auto n = static_cast<hsize_t>(points_);
  detail::write_fixed_dataset(state_->file.get(), "ntk", theta, n, n, true, path_);
  detail::write_fixed_dataset(state_->file.get(), "ntk_eigenvalues", eigenvalues, n, 1, false, path_);
  if (state_->units) { // Theta = sum_p df/dtheta_p df/dtheta_p: the targets' unit squared (theta are numbers)
    for (const char* name : {"ntk", "ntk_eigenvalues"}) {
      write_dataset_units(state_->file.get(), name, *state_->units, power(state_->target_unit, 2), path_);
    }
  }
  check_h5(H5Fflush(state_->file.get(), H5F_SCOPE_LOCAL), "H5Fflush", path_);
}

void NetworkFile::write_sites(std::span<const std::int64_t> sites) {
  if (sites.size() != 3 * points_) {
    throw RuntimeError("network file '" + path_.string() + "': sites needs 3 indices per point");
  }
  const hsize_t dims[2] = {static_cast<hsize_t>(points_), 3};
  Hdf5Handle space(H5Screate_simple(2, dims, nullptr), HandleKind::dataspace, "H5Screate_simple sites",
                   path_);
  Hdf5Handle set(H5Dcreate2(state_->file.get(), "sites", H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                            H5P_DEFAULT),
                 HandleKind::dataset, "H5Dcreate2 sites", path_);
  check_h5(H5Dwrite(set.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, sites.data()),
           "H5Dwrite sites", path_);
  if (state_->units) { // lattice indices
    write_dataset_units(state_->file.get(), "sites", *state_->units, quantity::dimensionless, path_);
  }
}

void NetworkFile::write_attribute(const std::string& name, double value) {
  write_double_attribute(state_->file.get(), name, value, path_);
}

void NetworkFile::append(const NetworkRow& row) {
  const bool modes = state_->series.size() == 8;
  if (row.f.size() != points_ || row.f_lin.size() != points_ ||
      row.mode_amplitudes.size() != (modes ? points_ : 0)) {
    throw RuntimeError("NetworkFile::append: f and f_lin need N values each, mode_amplitudes N values (or "
                       "none in a file without the eigenbasis)");
  }
  auto& s = state_->series;
  s[0].append_row(&row.step, H5T_NATIVE_INT64);
  const double scalars[4] = {row.time, row.loss, row.ntk_drift, row.lin_gap};
  for (std::size_t i = 0; i < 4; ++i) {
    s[1 + i].append_row(&scalars[i], H5T_NATIVE_DOUBLE);
  }
  s[5].append_row(row.f.data(), H5T_NATIVE_DOUBLE);
  s[6].append_row(row.f_lin.data(), H5T_NATIVE_DOUBLE);
  if (modes) {
    s[7].append_row(row.mode_amplitudes.data(), H5T_NATIVE_DOUBLE);
  }
  check_h5(H5Fflush(state_->file.get(), H5F_SCOPE_LOCAL), "H5Fflush", path_);
}

} // namespace inflanet::io
