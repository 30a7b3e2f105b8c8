#include "inflanet/io/spectra_file.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "extendible_dataset.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/io/hdf5_handle.hpp"

namespace inflanet::io {
namespace {

// Spectra are written every few hundred steps at most, so 16 times per chunk keeps chunks small.
constexpr hsize_t chunk_times = 16;

} // namespace

// Declaration order matters: datasets close before the file they live in.
struct SpectraFile::State {
  Hdf5Handle file;
  std::vector<detail::ExtendibleDataset> datasets; // step, time, a, the series, then one per spectrum
};

SpectraFile::SpectraFile(std::filesystem::path path, std::span<const double> k,
                         std::span<const double> counts, std::vector<std::string> spectrum_names,
                         double box_length, std::int64_t lattice_sites_per_side, const FileMetadata& metadata,
                         const SpectraFileExtras& extras)
    : path_(std::move(path)), names_(std::move(spectrum_names)), series_(extras.series), shells_(k.size()),
      state_(std::make_unique<State>()) {
  if (k.empty() || counts.size() != k.size()) {
    throw RuntimeError("spectra file '" + path_.string() + "': k has " + std::to_string(k.size()) +
                       " shells and counts " + std::to_string(counts.size()) + "; need equal, non-zero");
  }
  const auto& spectrum_units = extras.spectrum_units;
  const auto& series_units = extras.series_units;
  if ((!spectrum_units.empty() && spectrum_units.size() != names_.size()) ||
      (!series_units.empty() && series_units.size() != series_.size())) {
    throw RuntimeError("spectra file '" + path_.string() + "': " + std::to_string(spectrum_units.size()) +
                       " units for " + std::to_string(names_.size()) + " spectra and " +
                       std::to_string(series_units.size()) + " for " + std::to_string(series_.size()) +
                       " series");
  }
  std::set<std::string> seen{"k", "counts", "step", "time", "a"};
  std::string joined;
  for (const auto& name : series_) {
    if (name.empty() || name.find('/') != std::string::npos || !seen.insert(name).second) {
      throw RuntimeError("series name '" + name + "' is empty, contains '/', repeats, or is reserved");
    }
  }
  for (const auto& name : names_) {
    if (name.empty() || name.find_first_of("/,") != std::string::npos || !seen.insert(name).second) {
      throw RuntimeError("spectrum name '" + name +
                         "' is empty, contains '/' or ',', repeats, or is reserved");
    }
    joined += (joined.empty() ? "" : ",") + name;
  }
  state_->file = Hdf5Handle(H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                            HandleKind::file, "H5Fcreate", path_);
  const hid_t file = state_->file.get();
  write_metadata_attributes(file, metadata, path_);
  write_string_attribute(file, "normalisation",
                         extras.normalisation.empty() ? spectrum_normalisation : extras.normalisation.c_str(),
                         path_);
  write_double_attribute(file, "L", box_length, path_);
  write_int64_attribute(file, "N", lattice_sites_per_side, path_);
  write_string_attribute(file, "spectra", joined, path_);
  detail::write_fixed_dataset(file, "k", k, k.size(), 1, false, path_);
  detail::write_fixed_dataset(file, "counts", counts, counts.size(), 1, false, path_);
  auto& datasets = state_->datasets;
  datasets.push_back(detail::ExtendibleDataset::create(file, "step", H5T_STD_I64LE, 0, chunk_times, path_));
  datasets.push_back(detail::ExtendibleDataset::create(file, "time", H5T_IEEE_F64LE, 0, chunk_times, path_));
  datasets.push_back(detail::ExtendibleDataset::create(file, "a", H5T_IEEE_F64LE, 0, chunk_times, path_));
  for (const auto& name : series_) {
    datasets.push_back(detail::ExtendibleDataset::create(file, name, H5T_IEEE_F64LE, 0, chunk_times, path_));
  }
  for (const auto& name : names_) {
    datasets.push_back(
        detail::ExtendibleDataset::create(file, name, H5T_IEEE_F64LE, shells_, chunk_times, path_));
  }
  const ProgramUnits& units = metadata.units;
  write_attribute_units(file, units, {{"L", quantity::length}, {"N", quantity::dimensionless}}, path_);
  for (const auto& [name, q] :
       {std::pair{"k", quantity::wavenumber}, std::pair{"counts", quantity::dimensionless},
        std::pair{"step", quantity::dimensionless}, std::pair{"time", quantity::time},
        std::pair{"a", quantity::dimensionless}}) {
    write_dataset_units(file, name, units, q, path_);
  }
  for (std::size_t i = 0; i < series_units.size(); ++i) {
    write_dataset_units(file, series_[i], units, series_units[i], path_);
  }
  for (std::size_t i = 0; i < spectrum_units.size(); ++i) {
    write_dataset_units(file, names_[i], units, spectrum_units[i], path_);
  }
  check_h5(H5Fflush(file, H5F_SCOPE_LOCAL), "H5Fflush", path_);
}

SpectraFile::SpectraFile(std::filesystem::path path, std::vector<std::string> spectrum_names,
                         std::vector<std::string> series)
    : path_(std::move(path)), names_(std::move(spectrum_names)), series_(std::move(series)),
      state_(std::make_unique<State>()) {}

SpectraFile SpectraFile::open_existing(std::filesystem::path path, std::vector<std::string> spectrum_names,
                                       std::int64_t last_step, std::vector<std::string> series) {
  SpectraFile spectra(std::move(path), std::move(spectrum_names), std::move(series));
  const auto& file_path = spectra.path_;
  spectra.state_->file = Hdf5Handle(H5Fopen(file_path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), HandleKind::file,
                                    "H5Fopen", file_path);
  const hid_t file = spectra.state_->file.get();
  auto& datasets = spectra.state_->datasets;
  for (const char* name : {"step", "time", "a"}) {
    datasets.push_back(detail::ExtendibleDataset::open(file, name, file_path));
  }
  for (const auto& name : spectra.series_) {
    datasets.push_back(detail::ExtendibleDataset::open(file, name, file_path));
  }
  for (const auto& name : spectra.names_) {
    datasets.push_back(detail::ExtendibleDataset::open(file, name, file_path));
  }
  spectra.shells_ = datasets.back().width();
  const std::size_t scalars = 3 + spectra.series_.size();
  for (std::size_t i = 0; i < datasets.size(); ++i) {
    const bool shape_ok = i < scalars ? datasets[i].width() == 0 : datasets[i].width() == spectra.shells_;
    if (!shape_ok || datasets[i].rows() != datasets[0].rows()) {
      throw RuntimeError("cannot restart spectra '" + file_path.string() + "': dataset '" +
                         datasets[i].name() + "' does not match the others in shape");
    }
  }
  spectra.times_ = detail::drop_rows_after(file, datasets, 0, last_step, file_path);
  return spectra;
}

SpectraFile::~SpectraFile() = default;
SpectraFile::SpectraFile(SpectraFile&&) noexcept = default;
SpectraFile& SpectraFile::operator=(SpectraFile&&) noexcept = default;

void SpectraFile::append(std::int64_t step, double time, double a,
                         const std::vector<std::span<const double>>& spectra,
                         std::span<const double> series) {
  if (series.size() != series_.size()) {
    throw RuntimeError("spectra file '" + path_.string() + "': got " + std::to_string(series.size()) +
                       " series values for " + std::to_string(series_.size()) + " series");
  }
  if (spectra.size() != names_.size()) {
    throw RuntimeError("spectra file '" + path_.string() + "': got " + std::to_string(spectra.size()) +
                       " spectra for " + std::to_string(names_.size()) + " names");
  }
  for (std::size_t i = 0; i < spectra.size(); ++i) {
    if (spectra[i].size() != shells_) {
      throw RuntimeError("spectra file '" + path_.string() + "': spectrum '" + names_[i] + "' has " +
                         std::to_string(spectra[i].size()) + " values for " + std::to_string(shells_) +
                         " shells");
    }
  }
  auto& datasets = state_->datasets;
  datasets[0].append_row(&step, H5T_NATIVE_INT64);
  datasets[1].append_row(&time, H5T_NATIVE_DOUBLE);
  datasets[2].append_row(&a, H5T_NATIVE_DOUBLE);
  for (std::size_t i = 0; i < series.size(); ++i) {
    datasets[3 + i].append_row(&series[i], H5T_NATIVE_DOUBLE);
  }
  for (std::size_t i = 0; i < spectra.size(); ++i) {
    datasets[3 + series.size() + i].append_row(spectra[i].data(), H5T_NATIVE_DOUBLE);
  }
  ++times_;
  check_h5(H5Fflush(state_->file.get(), H5F_SCOPE_LOCAL), "H5Fflush", path_);
}

void SpectraFile::write_group(const std::string& name, const std::vector<GroupDataset>& datasets,
                              const std::map<std::string, double>& attributes) {
  const hid_t file = state_->file.get();
  if (H5Lexists(file, name.c_str(), H5P_DEFAULT) > 0) {
    check_h5(H5Ldelete(file, name.c_str(), H5P_DEFAULT), "H5Ldelete(" + name + ")", path_);
  }
  const Hdf5Handle group(H5Gcreate2(file, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                         HandleKind::group, "H5Gcreate2(" + name + ")", path_);
  for (const auto& d : datasets) {
    detail::write_fixed_dataset(group.get(), d.name, d.values, d.values.size(), 1, false, path_);
    const Hdf5Handle dataset(H5Dopen2(group.get(), d.name.c_str(), H5P_DEFAULT), HandleKind::dataset,
                             "H5Dopen2(" + d.name + ")", path_);
    write_string_attribute(dataset.get(), "units", d.units, path_);
  }
  for (const auto& [key, value] : attributes) {
    write_double_attribute(group.get(), key, value, path_);
  }
  check_h5(H5Fflush(file, H5F_SCOPE_LOCAL), "H5Fflush", path_);
}

} // namespace inflanet::io
