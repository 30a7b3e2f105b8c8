#include "inflanet/fft/spectral_operators.hpp"

#include <stdexcept>

namespace inflanet {

SpectralOperators::SpectralOperators(const Decomposition& decomposition, FftPlan& plan)
    : decomposition_(&decomposition), plan_(&plan) {
  const Box& box = decomposition.box();
  ny_.resize(static_cast<std::size_t>(decomposition.local_nky()));
  for (std::ptrdiff_t j = 0; j < decomposition.local_nky(); ++j) {
    ny_[j] = box.signed_mode(decomposition.ky_start() + j);
  }
  nx_.resize(static_cast<std::size_t>(box.n));
  for (std::ptrdiff_t i = 0; i < box.n; ++i) {
    nx_[i] = box.signed_mode(i);
  }
}

void SpectralOperators::laplacian(const Field& in, Field& out) {
  if (&in != &out) {
    out.copy_from(in);
  }
  plan_->to_fourier(out);
  const auto& d = *decomposition_;
  const double dk = d.box().dk();
  const double factor = -dk * dk / d.box().sites(); // -k^2 and the 1/N^3 of the round trip
  const std::ptrdiff_t nky = d.local_nky(), n = d.n(), nz = d.nz_complex();
  std::complex<double>* f = out.fourier_data();
#pragma omp parallel for collapse(2) schedule(static)
  for (std::ptrdiff_t j = 0; j < nky; ++j) {
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const std::ptrdiff_t base = (j * n + i) * nz;
      const double k2xy = static_cast<double>(nx_[i] * nx_[i] + ny_[j] * ny_[j]);
      for (std::ptrdiff_t l = 0; l < nz; ++l) {
        f[base + l] *= factor * (k2xy + static_cast<double>(l * l));
      }
    }
  }
  plan_->to_real(out, Scale::none);
}

void SpectralOperators::gradient(const Field& in, int axis, Field& out) {
  if (axis < 0 || axis > 2) {
    throw std::invalid_argument("gradient axis must be 0, 1 or 2");
  }
  if (&in != &out) {
    out.copy_from(in);
  }
  plan_->to_fourier(out);
  const auto& d = *decomposition_;
  const double scale = d.box().dk() / d.box().sites();
  const std::ptrdiff_t nky = d.local_nky(), n = d.n(), nz = d.nz_complex(), half = n / 2;
  std::complex<double>* f = out.fourier_data();
#pragma omp parallel for collapse(2) schedule(static)
  for (std::ptrdiff_t j = 0; j < nky; ++j) {
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const std::ptrdiff_t base = (j * n + i) * nz;
      for (std::ptrdiff_t l = 0; l < nz; ++l) {
        std::ptrdiff_t m = axis == 0 ? nx_[i] : (axis == 1 ? ny_[j] : l);
        // Odd derivative: the Nyquist mode's +/- k partner is itself, so its derivative is zeroed.
        if (n % 2 == 0 && (m == -half || m == half)) {
          m = 0;
        }
        f[base + l] *= std::complex<double>(0.0, scale * static_cast<double>(m));
      }
    }
  }
  plan_->to_real(out, Scale::none);
}

double SpectralOperators::gradient_squared_sum(const Field& in, Field& scratch) {
  if (in.space() == Space::fourier) {
    return gradient_squared_sum_fourier(in);
  }
  scratch.copy_from(in);
  plan_->to_fourier(scratch);
  return gradient_squared_sum_fourier(scratch);
}

double SpectralOperators::gradient_squared_sum_fourier(const Field& fourier) const {
  const auto& d = *decomposition_;
  const std::ptrdiff_t nky = d.local_nky(), n = d.n(), nz = d.nz_complex();
  const std::complex<double>* f = fourier.fourier_data();
  double local = 0.0;
#pragma omp parallel for collapse(2) reduction(+ : local) schedule(static)
  for (std::ptrdiff_t j = 0; j < nky; ++j) {
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const std::ptrdiff_t base = (j * n + i) * nz;
      const double k2xy = static_cast<double>(nx_[i] * nx_[i] + ny_[j] * ny_[j]);
      for (std::ptrdiff_t l = 0; l < nz; ++l) {
        local += hermitian_weight(l) * (k2xy + static_cast<double>(l * l)) * std::norm(f[base + l]);
      }
    }
  }
  const double dk = d.box().dk();
  return d.sum(local) * dk * dk / d.box().sites();
}

namespace {
/// Global sum over the real-space sites (padding skipped) of g(value).
template <class G>
double sum_over_sites(const Decomposition& d, const Field& field, G&& g) {
  const std::ptrdiff_t rows = d.local_nx() * d.n(), n = d.n(), stride = d.nz_padded();
  const double* data = field.real_data();
  double local = 0.0;
#pragma omp parallel for reduction(+ : local) schedule(static)
  for (std::ptrdiff_t r = 0; r < rows; ++r) {
    for (std::ptrdiff_t z = 0; z < n; ++z) {
      local += g(data[r * stride + z]);
    }
  }
  return d.sum(local);
}
} // namespace

double SpectralOperators::sum(const Field& field) const {
  return sum_over_sites(*decomposition_, field, [](double v) { return v; });
}

double SpectralOperators::sum_of_squares(const Field& field) const {
  return sum_over_sites(*decomposition_, field, [](double v) { return v * v; });
}

double SpectralOperators::mean(const Field& field) const {
  return sum(field) / decomposition_->box().sites();
}

double SpectralOperators::variance(const Field& field) const {
  // Two-pass (mean first) keeps the variance accurate when the mean dominates the fluctuation.
  const double mu = mean(field);
  return sum_over_sites(*decomposition_, field, [mu](double v) { return (v - mu) * (v - mu); }) /
         decomposition_->box().sites();
}

} // namespace inflanet
