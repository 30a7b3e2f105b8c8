#include "inflanet/spectra/power_spectrum.hpp"

#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"

namespace inflanet {

PowerSpectrum::PowerSpectrum(const SpectralOperators& operators, double width) : operators_(&operators) {
  const auto& d = operators.decomposition();
  const double n_max = std::sqrt(3.0) * static_cast<double>(d.n() / 2);
  const auto nbins = static_cast<std::size_t>(std::floor(n_max / width + 0.5)) + 1;
  k_.assign(nbins, 0.0);
  counts_.assign(nbins, 0.0);
  bin_of_local_.resize(static_cast<std::size_t>(d.layout().fourier_size()));
  for_each_mode(d, [&](const Mode& m) {
    const double norm_n = std::sqrt(static_cast<double>(m.n2()));
    const auto b = static_cast<std::size_t>(std::floor(norm_n / width + 0.5));
    bin_of_local_[static_cast<std::size_t>(m.offset)] = static_cast<int>(b);
    counts_[b] += m.weight;
    k_[b] += m.weight * norm_n;
  });
  d.sum_in_place(counts_);
  d.sum_in_place(k_);
  const double dk = d.box().dk();
  for (std::size_t b = 0; b < nbins; ++b) {
    k_[b] = counts_[b] > 0 ? dk * k_[b] / counts_[b] : dk * width * static_cast<double>(b);
  }
}

const char* PowerSpectrum::normalisation() {
  return "P(k_n) = L^3 <|f~_n|^2> / N^6 with f~_n = sum_x f(x) exp(-i k.x); "
         "<df^2>_box = (1/L^3) sum_{n != 0} P(k_n); Delta^2 = k^3 P / (2 pi^2); "
         "bins are shells of |n| (k = mean comoving |k| of the shell's modes, counts = modes per shell)";
}

template <class Value>
std::vector<double> PowerSpectrum::shell_average(Value&& value, double scale) const {
  const auto& d = operators_->decomposition();
  std::vector<double> sums(counts_.size(), 0.0);
  // In storage order on one thread: the bins' sums do not depend on threads.
  for_each_mode(d, [&](const Mode& m) {
    sums[static_cast<std::size_t>(bin_of_local_[static_cast<std::size_t>(m.offset)])] +=
        m.weight * value(m.offset);
  });
  d.sum_in_place(sums);
  for (std::size_t b = 0; b < sums.size(); ++b) {
    sums[b] = counts_[b] > 0 ? scale * sums[b] / counts_[b] : 0.0;
  }
  return sums;
}

double PowerSpectrum::power_scale() const {
  const Box& box = operators_->decomposition().box();
  return box.volume() / (box.sites() * box.sites());
}

std::vector<double> PowerSpectrum::compute(const Field& fourier) const {
  const std::complex<double>* f = fourier.fourier_data();
  return shell_average([f](std::ptrdiff_t idx) { return std::norm(f[idx]); }, power_scale());
}

std::vector<double> PowerSpectrum::cross(const Field& a, const Field& b) const {
  const std::complex<double>* f = a.fourier_data();
  const std::complex<double>* g = b.fourier_data();
  // Re(f g*) of a mode and of its Hermitian partner are equal, so the weights count both, as for |f|^2.
  return shell_average([f, g](std::ptrdiff_t idx) { return (f[idx] * std::conj(g[idx])).real(); },
                       power_scale());
}

std::vector<double> PowerSpectrum::shell_mean(std::span<const double> per_mode) const {
  if (per_mode.size() != bin_of_local_.size()) {
    throw InputError(fmt::format("PowerSpectrum::shell_mean: expected {} per-mode values (the local Fourier "
                                 "slab), got {}",
                                 bin_of_local_.size(), per_mode.size()));
  }
  return shell_average([per_mode](std::ptrdiff_t idx) { return per_mode[idx]; }, 1.0);
}

std::vector<double> PowerSpectrum::shell_variance(std::span<const double> per_mode) const {
  const std::vector<double> mean = shell_mean(per_mode);
  return shell_average(
      [&](std::ptrdiff_t idx) {
        const double dev = per_mode[idx] - mean[bin_of_local_[idx]];
        return dev * dev;
      },
      1.0);
}

std::vector<double> PowerSpectrum::compute(const Field& field, Field& scratch, FftPlan& plan) const {
  if (field.space() == Space::fourier) {
    return compute(field);
  }
  scratch.copy_from(field);
  plan.to_fourier(scratch);
  return compute(scratch);
}

std::vector<double> PowerSpectrum::mean_k2() const {
  const Decomposition& d = operators_->decomposition();
  const double dk = 2.0 * std::numbers::pi / d.box().length;
  std::vector<double> per_mode(static_cast<std::size_t>(d.layout().fourier_size()));
  for_each_mode(d, [&](const Mode& m) {
    per_mode[static_cast<std::size_t>(m.offset)] = dk * dk * static_cast<double>(m.n2());
  });
  return shell_mean(per_mode);
}

} // namespace inflanet
