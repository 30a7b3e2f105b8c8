#include "inflanet/io/duality_file.hpp"

#include <algorithm>

#include "extendible_dataset.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/io/hdf5_handle.hpp"
#include "inflanet/spectra/power_spectrum.hpp"

namespace inflanet::io {
namespace {
constexpr hsize_t chunk_rows = 16;
} // namespace

// Declaration order matters: datasets close before their file.
struct DualityFile::State {
  Hdf5Handle file;
  ProgramUnits units; // of a file being created (metadata.units); unused when reopened
  std::vector<detail::ExtendibleDataset> series; // step, time, a, then the declared columns
};

DualityFile::DualityFile(std::filesystem::path path, const FileMetadata& metadata)
    : path_(std::move(path)), state_(std::make_unique<State>()) {
  state_->file = Hdf5Handle(H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                            HandleKind::file, "H5Fcreate", path_);
  const hid_t file = state_->file.get();
  write_metadata_attributes(file, metadata, path_);
  state_->units = metadata.units;
  write_string_attribute(file, "normalisation", PowerSpectrum::normalisation(), path_);
  check_h5(H5Fflush(file, H5F_SCOPE_LOCAL), "H5Fflush", path_);
}

DualityFile::DualityFile(std::filesystem::path path)
    : path_(std::move(path)), state_(std::make_unique<State>()) {}

DualityFile DualityFile::open_existing(std::filesystem::path path,
                                       std::vector<std::pair<std::string, std::size_t>> columns,
                                       std::int64_t last_step) {
  DualityFile out(std::move(path));
  const auto& file_path = out.path_;
  out.state_->file = Hdf5Handle(H5Fopen(file_path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), HandleKind::file,
                                "H5Fopen", file_path);
  const hid_t file = out.state_->file.get();
  auto& series = out.state_->series;
  for (const char* name : {"step", "time", "a"}) {
    series.push_back(detail::ExtendibleDataset::open(file, name, file_path));
  }
  for (const auto& [name, width] : columns) {
    series.push_back(detail::ExtendibleDataset::open(file, name, file_path));
    if (series.back().width() != width) {
      throw RuntimeError("cannot restart duality file '" + file_path.string() + "': dataset '" + name +
                         "' has another width than this run's");
    }
  }
  out.columns_ = std::move(columns);
  detail::drop_rows_after(file, series, 0, last_step, file_path);
  return out;
}

DualityFile::~DualityFile() = default;
DualityFile::DualityFile(DualityFile&&) noexcept = default;
DualityFile& DualityFile::operator=(DualityFile&&) noexcept = default;

void DualityFile::write_dataset(const std::string& name, std::span<const double> values,
                                const QuantityUnit& unit) {
  detail::write_fixed_dataset(state_->file.get(), name, values, values.size(), 1, false, path_);
  write_dataset_units(state_->file.get(), name, state_->units, unit, path_);
}

void DualityFile::write_attribute(const std::string& name, double value) {
  write_double_attribute(state_->file.get(), name, value, path_);
}

void DualityFile::write_attribute(const std::string& name, std::int64_t value) {
  write_int64_attribute(state_->file.get(), name, value, path_);
}

void DualityFile::write_attribute(const std::string& name, std::string_view value) {
  write_string_attribute(state_->file.get(), name, value, path_);
}

void DualityFile::define_rows(std::vector<std::pair<std::string, std::size_t>> columns,
                              const std::vector<QuantityUnit>& units) {
  if (!state_->series.empty()) {
    throw RuntimeError("duality file '" + path_.string() + "': rows are declared once");
  }
  if (!units.empty() && units.size() != columns.size()) {
    throw RuntimeError("duality file '" + path_.string() + "': " + std::to_string(units.size()) +
                       " units for " + std::to_string(columns.size()) + " columns");
  }
  const hid_t file = state_->file.get();
  auto& series = state_->series;
  series.push_back(detail::ExtendibleDataset::create(file, "step", H5T_STD_I64LE, 0, chunk_rows, path_));
  series.push_back(detail::ExtendibleDataset::create(file, "time", H5T_IEEE_F64LE, 0, chunk_rows, path_));
  series.push_back(detail::ExtendibleDataset::create(file, "a", H5T_IEEE_F64LE, 0, chunk_rows, path_));
  for (const auto& [name, width] : columns) {
    series.push_back(detail::ExtendibleDataset::create(file, name, H5T_IEEE_F64LE, width, chunk_rows, path_));
  }
  for (const auto& [name, q] : {std::pair{"step", quantity::dimensionless}, std::pair{"time", quantity::time},
                                std::pair{"a", quantity::dimensionless}}) {
    write_dataset_units(file, name, state_->units, q, path_);
  }
  for (std::size_t i = 0; i < units.size(); ++i) {
    write_dataset_units(file, columns[i].first, state_->units, units[i], path_);
  }
  columns_ = std::move(columns);
  check_h5(H5Fflush(file, H5F_SCOPE_LOCAL), "H5Fflush", path_);
}

void DualityFile::append(std::int64_t step, double time, double a,
                         std::span<const std::span<const double>> values) {
  if (values.size() != columns_.size()) {
    throw RuntimeError("duality file '" + path_.string() + "': a row needs one span per declared column");
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i].size() != std::max<std::size_t>(columns_[i].second, 1)) {
      throw RuntimeError("duality file '" + path_.string() + "': column '" + columns_[i].first +
                         "' has the wrong length");
    }
  }
  auto& series = state_->series;
  series[0].append_row(&step, H5T_NATIVE_INT64);
  series[1].append_row(&time, H5T_NATIVE_DOUBLE);
  series[2].append_row(&a, H5T_NATIVE_DOUBLE);
  for (std::size_t i = 0; i < values.size(); ++i) {
    series[3 + i].append_row(values[i].data(), H5T_NATIVE_DOUBLE);
  }
  check_h5(H5Fflush(state_->file.get(), H5F_SCOPE_LOCAL), "H5Fflush", path_);
}

} // namespace inflanet::io
