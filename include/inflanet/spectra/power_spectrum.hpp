#pragma once
/// \file
/// \brief Shell-binned power spectrum of a lattice field, in the normalisation of physics.md §1.

#include <cstddef>
#include <span>
#include <vector>

#include "inflanet/fft/spectral_operators.hpp"

namespace inflanet {

/// \brief Bins Fourier modes into spherical shells of |n| and averages |f~_n|^2 in each.
///
/// Mode n goes to bin b = floor(|n| / width + 1/2), so with the default width 1 each integer shell |n| is
/// one bin and bin 0 holds only the homogeneous mode. Per bin: `counts` = number of modes of the full
/// (Hermitian) lattice, `k` = their mean comoving |k|, and
///     P(k_b) = L^3 <|f~_n|^2>_b / N^6,     <df^2>_box = (1/L^3) sum_{b >= 1} counts_b P_b,
/// with f~_n = sum_x f(x) e^{-i k.x}. Delta^2 = k^3 P / (2 pi^2).
class PowerSpectrum {
public:
  explicit PowerSpectrum(const SpectralOperators& operators, double width = 1.0);

  [[nodiscard]] std::size_t bins() const noexcept { return counts_.size(); }
  [[nodiscard]] const std::vector<double>& k() const noexcept { return k_; }
  [[nodiscard]] const std::vector<double>& counts() const noexcept { return counts_; }
  /// \brief <k^2> over each shell's modes (Hermitian-weighted; collective): the shell's k^2 for quantities
  /// that are per-mode functions of k^2, like omega^2 = k^2/a^2 + m^2 (not k_b^2, the square of the mean
  /// |k|).
  [[nodiscard]] std::vector<double> mean_k2() const;
  /// \brief The normalisation statement written next to every stored spectrum.
  [[nodiscard]] static const char* normalisation();

  /// \brief P per bin of a field already in Fourier space (collective).
  [[nodiscard]] std::vector<double> compute(const Field& fourier) const;
  /// \brief Same for any field: copies into `scratch` and transforms it if needed.
  [[nodiscard]] std::vector<double> compute(const Field& field, Field& scratch, FftPlan& plan) const;

  /// \brief The cross-spectrum Re<f~ g~*> per bin of two fields already in Fourier space, normalised like
  /// compute() (cross(f, f) == compute(f)); sum_{n != 0} cross / L^3 is the box covariance <df dg>.
  /// Collective.
  [[nodiscard]] std::vector<double> cross(const Field& a_fourier, const Field& b_fourier) const;

  /// \brief Hermitian-weighted mean over each shell of a per-mode quantity q (collective):
  /// sum_{modes in b} w q / counts_b (0 for an empty bin). `per_mode` is indexed like this rank's Fourier
  /// slab of a Field (by Mode::offset, see lattice_loops.hpp), size Field::fourier_size(). compute() bins
  /// |f~|^2 through the same code path.
  [[nodiscard]] std::vector<double> shell_mean(std::span<const double> per_mode) const;
  /// \brief Hermitian-weighted population variance of q over each shell (same layout; collective):
  /// sum w (q - mean_b)^2 / counts_b, two passes (no cancellation).
  [[nodiscard]] std::vector<double> shell_variance(std::span<const double> per_mode) const;

private:
  /// Sum over this rank's modes of w value(offset) into each bin, summed over ranks (the one binning loop),
  /// times scale / counts (0 for an empty bin).
  template <class Value>
  [[nodiscard]] std::vector<double> shell_average(Value&& value, double scale) const;
  /// L^3 / N^6, the normalisation of P (see the class comment).
  [[nodiscard]] double power_scale() const;

  const SpectralOperators* operators_;
  std::vector<int> bin_of_local_; ///< bin of each local Fourier element (transposed layout)
  std::vector<double> k_;
  std::vector<double> counts_;
};

} // namespace inflanet
