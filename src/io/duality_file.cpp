#include "inflanet/io/duality_file.hpp"

#include "extendible_dataset.hpp"
#include "inflanet/app/error.hpp"
#include "inflanet/io/hdf5_handle.hpp"
#include "inflanet/spectra/power_spectrum.hpp"

namespace inflanet::io {
namespace {
constexpr hsize_t chunk_rows = 16;
const char* const row_spectra[] = {"P_lattice", "P_network", "T_lattice", "T_network", "omega2_lattice"};
const char* const row_modes[] = {"mode_power", "mode_power_prediction"};
} // namespace

// Declaration order matters: datasets close before their file.
struct DualityFile::State {
  Hdf5Handle file;
  std::vector<detail::ExtendibleDataset> series; // step, time, a, the five [nt,nk], the two [nt,points]
};

DualityFile::DualityFile(std::filesystem::path path, std::span<const double> k,
                         std::span<const double> counts, std::span<const double> omega2_network,
                         std::span<const double> omega2_network_err, std::span<const double> leakage,
                         std::span<const double> ntk_eigenvalues, const DualityAttributes& at,
                         const FileMetadata& metadata)
    : path_(std::move(path)), shells_(k.size()), points_(ntk_eigenvalues.size()),
      state_(std::make_unique<State>()) {
  if (counts.size() != shells_ || omega2_network.size() != shells_ || omega2_network_err.size() != shells_ ||
      leakage.size() != shells_) {
    throw RuntimeError("duality file '" + path_.string() + "': per-shell datasets differ in length");
  }
  state_->file = Hdf5Handle(H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                            HandleKind::file, "H5Fcreate", path_);
  const hid_t file = state_->file.get();
  write_metadata_attributes(file, metadata, path_);
  write_string_attribute(file, "match", at.match, path_);
  write_string_attribute(file, "normalisation", PowerSpectrum::normalisation(), path_);
  const std::pair<const char*, double> doubles[] = {{"H", at.hubble},    {"step", at.step},
                                                    {"eta", at.eta},     {"beta", at.beta},
                                                    {"gamma", at.gamma}, {"rho_lambda", at.rho_lambda},
                                                    {"c", at.c},         {"L", at.length}};
  for (const auto& [name, value] : doubles) {
    write_double_attribute(file, name, value, path_);
  }
  write_int64_attribute(file, "N", at.n, path_);
  write_int64_attribute(file, "M", at.m, path_);
  write_int64_attribute(file, "subcycles", at.subcycles, path_);
  write_int64_attribute(file, "lattice_substeps", at.lattice_substeps, path_);
  detail::write_fixed_dataset(file, "k", k, shells_, 1, false, path_);
  detail::write_fixed_dataset(file, "counts", counts, shells_, 1, false, path_);
  detail::write_fixed_dataset(file, "omega2_network", omega2_network, shells_, 1, false, path_);
  detail::write_fixed_dataset(file, "omega2_network_err", omega2_network_err, shells_, 1, false, path_);
  detail::write_fixed_dataset(file, "leakage", leakage, shells_, 1, false, path_);
  detail::write_fixed_dataset(file, "ntk_eigenvalues", ntk_eigenvalues, points_, 1, false, path_);
  auto& series = state_->series;
  series.push_back(detail::ExtendibleDataset::create(file, "step", H5T_STD_I64LE, 0, chunk_rows, path_));
  series.push_back(detail::ExtendibleDataset::create(file, "time", H5T_IEEE_F64LE, 0, chunk_rows, path_));
  series.push_back(detail::ExtendibleDataset::create(file, "a", H5T_IEEE_F64LE, 0, chunk_rows, path_));
  for (const char* name : row_spectra) {
    series.push_back(
        detail::ExtendibleDataset::create(file, name, H5T_IEEE_F64LE, shells_, chunk_rows, path_));
  }
  for (const char* name : row_modes) {
    series.push_back(
        detail::ExtendibleDataset::create(file, name, H5T_IEEE_F64LE, points_, chunk_rows, path_));
  }
  check_h5(H5Fflush(file, H5F_SCOPE_LOCAL), "H5Fflush", path_);
}

DualityFile::~DualityFile() = default;
DualityFile::DualityFile(DualityFile&&) noexcept = default;
DualityFile& DualityFile::operator=(DualityFile&&) noexcept = default;

void DualityFile::append(const DualityRow& row) {
  const std::span<const double> spectra[] = {row.P_lattice, row.P_network, row.T_lattice, row.T_network,
                                             row.omega2_lattice};
  const std::span<const double> modes[] = {row.mode_power, row.mode_power_prediction};
  for (const auto& s : spectra) {
    if (s.size() != shells_) {
      throw RuntimeError("duality file '" + path_.string() + "': a spectrum row has the wrong length");
    }
  }
  for (const auto& s : modes) {
    if (s.size() != points_) {
      throw RuntimeError("duality file '" + path_.string() + "': a mode row has the wrong length");
    }
  }
  auto& series = state_->series;
  series[0].append_row(&row.step, H5T_NATIVE_INT64);
  series[1].append_row(&row.time, H5T_NATIVE_DOUBLE);
  series[2].append_row(&row.a, H5T_NATIVE_DOUBLE);
  for (std::size_t i = 0; i < 5; ++i) {
    series[3 + i].append_row(spectra[i].data(), H5T_NATIVE_DOUBLE);
  }
  for (std::size_t i = 0; i < 2; ++i) {
    series[8 + i].append_row(modes[i].data(), H5T_NATIVE_DOUBLE);
  }
  check_h5(H5Fflush(state_->file.get(), H5F_SCOPE_LOCAL), "H5Fflush", path_);
}

void DualityFile::write_fits(const DualityFits& f) {
  const hid_t file = state_->file.get();
  const std::pair<const char*, double> doubles[] = {{"m_eff2", f.m_eff2},
                                                    {"m_eff2_err", f.m_eff2_err},
                                                    {"c_eff2", f.c_eff2},
                                                    {"c_eff2_err", f.c_eff2_err},
                                                    {"k4", f.k4},
                                                    {"k4_err", f.k4_err},
                                                    {"eft_chi2_per_dof", f.eft_chi2_per_dof},
                                                    {"eft_k_max", f.eft_k_max},
                                                    {"H_eff", f.H_eff},
                                                    {"H_eff_err", f.H_eff_err},
                                                    {"H_dictionary", f.H_dictionary},
                                                    {"mean_mode_gamma", f.mean_mode_gamma},
                                                    {"mean_mode_gamma_err", f.mean_mode_gamma_err}};
  for (const auto& [name, value] : doubles) {
    write_double_attribute(file, name, value, path_);
  }
  write_int64_attribute(file, "eft_terms", f.eft_terms, path_);
  check_h5(H5Fflush(file, H5F_SCOPE_LOCAL), "H5Fflush", path_);
}

} // namespace inflanet::io
