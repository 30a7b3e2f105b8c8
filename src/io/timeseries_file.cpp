#include "inflanet/io/timeseries_file.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "extendible_dataset.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/io/hdf5_handle.hpp"

namespace inflanet::io {
namespace {

// 512 rows x 8 bytes = 4 KiB chunks: small enough that a short run's file stays small, large enough
// that a million-step run has only a few thousand chunks per column.
constexpr hsize_t chunk_rows = 512;
const std::string step_column = "step";

void check_column_names(const std::vector<std::string>& columns, const std::filesystem::path& path) {
  if (columns.empty()) {
    throw RuntimeError("timeseries file '" + path.string() + "' needs at least one column");
  }
  std::set<std::string> seen;
  for (const auto& name : columns) {
    if (name.empty() || name.find_first_of("/,") != std::string::npos || name == ".") {
      throw RuntimeError("timeseries column name '" + name + "' is empty or contains '/' or ','");
    }
    if (!seen.insert(name).second) {
      throw RuntimeError("timeseries column '" + name + "' appears twice");
    }
  }
}

std::string join(const std::vector<std::string>& names) {
  std::string joined;
  for (const auto& name : names) {
    joined += (joined.empty() ? "" : ",") + name;
  }
  return joined;
}

} // namespace

// Declaration order matters: datasets close before the file they live in.
struct TimeseriesFile::State {
  Hdf5Handle file;
  std::vector<detail::ExtendibleDataset> datasets;
};

TimeseriesFile::TimeseriesFile(std::filesystem::path path, std::vector<std::string> columns)
    : path_(std::move(path)), columns_(std::move(columns)), state_(std::make_unique<State>()) {
  check_column_names(columns_, path_);
}

TimeseriesFile::TimeseriesFile(std::filesystem::path path, std::vector<std::string> columns,
                               const FileMetadata& metadata, const std::vector<QuantityUnit>& units)
    : TimeseriesFile(std::move(path), std::move(columns)) {
  if (!units.empty() && units.size() != columns_.size()) {
    throw RuntimeError(path_.string() + ": " + std::to_string(units.size()) + " units for " +
                       std::to_string(columns_.size()) + " columns");
  }
  state_->file = Hdf5Handle(H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                            HandleKind::file, "H5Fcreate", path_);
  write_metadata_attributes(state_->file.get(), metadata, path_);
  write_string_attribute(state_->file.get(), "columns", join(columns_), path_);
  if (!units.empty()) {
    std::vector<std::string> names;
    for (const auto& q : units) {
      names.push_back(metadata.units.name(q));
    }
    write_string_attribute(state_->file.get(), "units", join(names), path_);
  }
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const hid_t type = columns_[c] == step_column ? H5T_STD_I64LE : H5T_IEEE_F64LE;
    state_->datasets.push_back(
        detail::ExtendibleDataset::create(state_->file.get(), columns_[c], type, 0, chunk_rows, path_));
    if (!units.empty()) {
      write_dataset_units(state_->file.get(), columns_[c], metadata.units, units[c], path_);
    }
  }
  check_h5(H5Fflush(state_->file.get(), H5F_SCOPE_LOCAL), "H5Fflush", path_);
}

TimeseriesFile TimeseriesFile::open_existing(std::filesystem::path path, std::vector<std::string> columns,
                                             std::int64_t last_step) {
  TimeseriesFile series(std::move(path), std::move(columns));
  const auto& file_path = series.path_;
  const auto step_index = static_cast<std::size_t>(
      std::find(series.columns_.begin(), series.columns_.end(), step_column) - series.columns_.begin());
  if (step_index == series.columns_.size()) {
    throw RuntimeError("cannot restart timeseries '" + file_path.string() + "': no 'step' column");
  }
  series.state_->file = Hdf5Handle(H5Fopen(file_path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), HandleKind::file,
                                   "H5Fopen", file_path);
  const hid_t file = series.state_->file.get();
  hsize_t rows = 0;
  for (std::size_t c = 0; c < series.columns_.size(); ++c) {
    auto dataset = detail::ExtendibleDataset::open(file, series.columns_[c], file_path);
    if (dataset.width() != 0 || (c > 0 && dataset.rows() != rows)) {
      throw RuntimeError("cannot restart timeseries '" + file_path.string() + "': column '" +
                         series.columns_[c] + "' is not 1-D or its length differs from the others");
    }
    rows = dataset.rows();
    series.state_->datasets.push_back(std::move(dataset));
  }
  H5G_info_t info{};
  check_h5(H5Gget_info(file, &info), "H5Gget_info", file_path);
  if (info.nlinks != series.columns_.size()) {
    throw RuntimeError("cannot restart timeseries '" + file_path.string() + "': it has " +
                       std::to_string(info.nlinks) + " datasets, expected the columns " +
                       join(series.columns_));
  }
  series.rows_ = detail::drop_rows_after(file, series.state_->datasets, step_index, last_step, file_path);
  return series;
}

TimeseriesFile::~TimeseriesFile() = default;
TimeseriesFile::TimeseriesFile(TimeseriesFile&&) noexcept = default;
TimeseriesFile& TimeseriesFile::operator=(TimeseriesFile&&) noexcept = default;

void TimeseriesFile::append(std::span<const double> row) {
  if (row.size() != columns_.size()) {
    throw RuntimeError("timeseries '" + path_.string() + "': row has " + std::to_string(row.size()) +
                       " values for " + std::to_string(columns_.size()) + " columns");
  }
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    if (columns_[c] == step_column) {
      const auto step = static_cast<std::int64_t>(std::llround(row[c]));
      state_->datasets[c].append_row(&step, H5T_NATIVE_INT64);
    } else {
      state_->datasets[c].append_row(&row[c], H5T_NATIVE_DOUBLE);
    }
  }
  ++rows_;
  check_h5(H5Fflush(state_->file.get(), H5F_SCOPE_LOCAL), "H5Fflush", path_);
}

} // namespace inflanet::io
