#pragma once
/// \file
/// \brief `duality.h5`: the coupled run's comparison of the lattice and the network (issue 6 contract).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "inflanet/io/file_metadata.hpp"

namespace inflanet::io {

/// \brief The run-wide attributes of duality.h5 (the dictionary and the lattices).
struct DualityAttributes {
  std::string match; ///< "cosmology" or "network": which side fixed the other
  double hubble = 0; ///< H
  double step = 0;   ///< h, the common time step (before sub-cycling)
  double eta = 0, beta = 0, gamma = 0, rho_lambda = 0;
  double c = 0;                      ///< loss scale
  double length = 0;                 ///< L
  std::int64_t n = 0;                ///< lattice sites per side
  std::int64_t m = 0;                ///< sub-lattice (training points) per side
  std::int64_t subcycles = 1;        ///< network sub-steps per step
  std::int64_t lattice_substeps = 1; ///< inflaton sub-steps per step
};

/// \brief The fits stored as attributes at the end of a run.
struct DualityFits {
  double m_eff2 = 0, m_eff2_err = 0, c_eff2 = 0, c_eff2_err = 0, k4 = 0, k4_err = 0, eft_chi2_per_dof = 0;
  std::int64_t eft_terms = 0;
  double eft_k_max = 0; ///< the fit uses the shells with k <= eft_k_max
  double H_eff = 0, H_eff_err = 0, H_dictionary = 0, mean_mode_gamma = 0, mean_mode_gamma_err = 0;
};

/// \brief One output time.
struct DualityRow {
  std::int64_t step = 0;
  double time = 0, a = 1;
  std::span<const double> P_lattice, P_network, T_lattice, T_network, omega2_lattice; ///< [nk] each
  std::span<const double> mode_power, mode_power_prediction;                          ///< [points] each
};

/// \brief Writes duality.h5 from rank 0: fixed datasets at construction, one row per output time (flushed),
/// the fits at the end. Layout: `k[nk]`, `counts[nk]`, `omega2_network[nk]`, `omega2_network_err[nk]`,
/// `leakage[nk]`, `ntk_eigenvalues[points]`, extendible `step`, `time`, `a`, `P_lattice[nt,nk]`,
/// `P_network[nt,nk]`, `T_lattice[nt,nk]`, `T_network[nt,nk]`, `omega2_lattice[nt,nk]`,
/// `mode_power[nt,points]`, `mode_power_prediction[nt,points]`.
class DualityFile {
public:
  DualityFile(std::filesystem::path path, std::span<const double> k, std::span<const double> counts,
              std::span<const double> omega2_network, std::span<const double> omega2_network_err,
              std::span<const double> leakage, std::span<const double> ntk_eigenvalues,
              const DualityAttributes& attributes, const FileMetadata& metadata);
  ~DualityFile();
  DualityFile(DualityFile&&) noexcept;
  DualityFile& operator=(DualityFile&&) noexcept;
  DualityFile(const DualityFile&) = delete;
  DualityFile& operator=(const DualityFile&) = delete;

  void append(const DualityRow& row);
  void write_fits(const DualityFits& fits);
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
  struct State;
  std::filesystem::path path_;
  std::size_t shells_ = 0, points_ = 0;
  std::unique_ptr<State> state_;
};

} // namespace inflanet::io
