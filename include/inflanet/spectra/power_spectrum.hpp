#pragma once
/// \file
/// \brief Shell-binned power spectrum of a lattice field, in the normalisation of physics.md §1.

#include <cstddef>
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
  /// \brief The normalisation statement written next to every stored spectrum.
  [[nodiscard]] static const char* normalisation();

  /// \brief P per bin of a field already in Fourier space (collective).
  [[nodiscard]] std::vector<double> compute(const Field& fourier) const;
  /// \brief Same for any field: copies into `scratch` and transforms it if needed.
  [[nodiscard]] std::vector<double> compute(const Field& field, Field& scratch, FftPlan& plan) const;

private:
  const SpectralOperators* operators_;
  std::vector<int> bin_of_local_; ///< bin of each local Fourier element (transposed layout)
  std::vector<double> k_;
  std::vector<double> counts_;
};

} // namespace inflanet
