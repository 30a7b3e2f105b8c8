#pragma once
/// \file
/// \brief The sub-lattice the network is trained on, and the shell-by-shell comparison of a lattice field
/// with the network's residual there (physics.md §5, "Comparing like with like"): one piece for the coupled
/// run and the exact dual.
///
/// The M^3 training sites carry their own spectral machinery (a decomposition, plans and a PowerSpectrum of
/// the sub-lattice), so both systems' site values are binned in the same k-shells. Per shell b the
/// comparison gives the power ratio P_net / P_lat, each system's transfer P(t) / P(t0), and the lattice's
/// frequency omega^2_b = <k^2>_b / a^2 + V'' of the dual field. Shell 0 (k = 0) lies outside the band (the
/// comparison is of perturbations about the box mean): its ratios are NaN, as are those of an empty shell.

#include <cstddef>
#include <span>
#include <vector>

#include "inflanet/base/box.hpp"
#include "inflanet/decomposition/decomposition.hpp"
#include "inflanet/decomposition/field.hpp"
#include "inflanet/fft/fft_plan.hpp"
#include "inflanet/fft/spectral_operators.hpp"
#include "inflanet/spectra/power_spectrum.hpp"

namespace inflanet {

/// \brief The M^3 sub-lattice of an N^3 lattice of side L (decomposed over `comm`: MPI_COMM_SELF for a
/// copy on every rank) with its transforms and its k-shells.
struct SubLattice {
  Decomposition decomposition;
  FftPlan plan;
  SpectralOperators operators;
  PowerSpectrum spectrum;
  std::vector<double> mean_k2; ///< <k^2> per shell (comoving)

  SubLattice(std::ptrdiff_t m, double length, MPI_Comm comm = MPI_COMM_WORLD);
  /// \brief Writes site values (C order over the whole sub-lattice, every rank) into this rank's part of
  /// `out`, a field of the sub-lattice, in real space.
  void place(std::span<const double> values, Field& out) const;
  /// \brief P(k) of site values (C order), binned in the sub-lattice's shells (collective).
  [[nodiscard]] std::vector<double> site_spectrum(std::span<const double> values);
};

/// \brief The comparison of the lattice's and the network's site spectra, shell by shell; the first call of
/// compare() (or restore()) fixes the initial spectra the transfers are taken against.
class ShellComparison {
public:
  struct Row {
    std::vector<double> p_ratio;        ///< P_net / P_lat
    std::vector<double> t_lattice;      ///< P_lat(t) / P_lat(t0)
    std::vector<double> t_network;      ///< P_net(t) / P_net(t0)
    std::vector<double> omega2_lattice; ///< <k^2> / a^2 + V'' (the shell's frequency squared)
  };

  explicit ShellComparison(std::vector<double> mean_k2) : mean_k2_(std::move(mean_k2)) {}

  /// \brief The row at scale factor `a`, with V'' = `mass2` of the dual field.
  Row compare(std::span<const double> lattice, std::span<const double> network, double a, double mass2);
  /// \brief Continues a comparison whose initial spectra were recorded (a restart).
  void restore(std::vector<double> p_lattice0, std::vector<double> p_network0);
  [[nodiscard]] const std::vector<double>& p_lattice0() const noexcept { return p_lattice0_; }
  [[nodiscard]] const std::vector<double>& p_network0() const noexcept { return p_network0_; }
  /// \brief The last row compare() returned.
  [[nodiscard]] const Row& last() const noexcept { return last_; }
  /// \brief max over the shells with a defined, positive ratio of |ln(P_net / P_lat)| in the last row (0 when
  /// there is none).
  [[nodiscard]] double max_abs_log_power_ratio() const;

private:
  std::vector<double> mean_k2_, p_lattice0_, p_network0_;
  Row last_;
};

} // namespace inflanet
