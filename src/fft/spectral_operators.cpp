#include "inflanet/fft/spectral_operators.hpp"

#include <stdexcept>

#include "inflanet/decomposition/lattice_loops.hpp"

namespace inflanet {

SpectralOperators::SpectralOperators(const Decomposition& decomposition, FftPlan& plan)
    : decomposition_(&decomposition), plan_(&plan) {}

void SpectralOperators::laplacian(const Field& in, Field& out) {
  if (&in != &out) {
    out.copy_from(in);
  }
  plan_->to_fourier(out);
  const auto& d = *decomposition_;
  const double dk = d.box().dk();
  const double factor = -dk * dk / d.box().sites(); // -k^2 and the 1/N^3 of the round trip
  std::complex<double>* f = out.fourier_data();
  for_each_mode_row(d, [=](const ModeRow& row) {
    const double k2xy = static_cast<double>(row.n2_xy());
    for (std::ptrdiff_t l = 0; l < row.length; ++l) {
      f[row.offset + l] *= factor * (k2xy + static_cast<double>(l * l));
    }
  });
  plan_->to_real(out, Scale::none);
}

namespace {
/// out = i k_axis in / N^3 per stored mode (in may be out); the Nyquist plane of the axis is zeroed.
void multiply_by_ik(const Decomposition& d, const std::complex<double>* in, int axis,
                    std::complex<double>* out) {
  if (axis < 0 || axis > 2) {
    throw std::invalid_argument("gradient axis must be 0, 1 or 2");
  }
  const double scale = d.box().dk() / d.box().sites();
  const std::ptrdiff_t n = d.n(), half = n / 2;
  for_each_mode_row(d, [=](const ModeRow& row) {
    for (std::ptrdiff_t l = 0; l < row.length; ++l) {
      std::ptrdiff_t m = axis == 0 ? row.nx : (axis == 1 ? row.ny : l);
      // Odd derivative: the Nyquist mode's +/- k partner is itself, so its derivative is zeroed.
      if (n % 2 == 0 && (m == -half || m == half)) {
        m = 0;
      }
      out[row.offset + l] = in[row.offset + l] * std::complex<double>(0.0, scale * static_cast<double>(m));
    }
  });
}
} // namespace

void SpectralOperators::gradient(const Field& in, int axis, Field& out) {
  if (axis < 0 || axis > 2) {
    throw std::invalid_argument("gradient axis must be 0, 1 or 2");
  }
  if (&in != &out) {
    out.copy_from(in);
  }
  plan_->to_fourier(out);
  multiply_by_ik(*decomposition_, out.fourier_data(), axis, out.fourier_data());
  plan_->to_real(out, Scale::none);
}

void SpectralOperators::gradient_of_fourier(const Field& fourier, int axis, Field& out) {
  if (&fourier == &out) {
    throw std::invalid_argument("gradient_of_fourier needs an output other than its input");
  }
  if (fourier.space() != Space::fourier) {
    throw std::invalid_argument("gradient_of_fourier needs a field in Fourier space");
  }
  multiply_by_ik(*decomposition_, fourier.fourier_data(), axis, out.fourier_data());
  out.set_space(Space::fourier);
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
  const std::complex<double>* f = fourier.fourier_data();
  const auto local = sum_over_mode_rows<1>(d, [=](const ModeRow& row, double(&acc)[1]) {
    const double k2xy = static_cast<double>(row.n2_xy());
    double sum = acc[0];
    for (std::ptrdiff_t l = 0; l < row.length; ++l) {
      sum += row.weight(l) * (k2xy + static_cast<double>(l * l)) * std::norm(f[row.offset + l]);
    }
    acc[0] = sum;
  });
  const double dk = d.box().dk();
  return d.sum(local[0]) * dk * dk / d.box().sites();
}

namespace {
/// Global sum over the real-space sites (padding skipped) of g(value).
template <class G>
double sum_over_sites(const Decomposition& d, const Field& field, G g) {
  const double* data = field.real_data();
  const auto local = sum_over_site_rows<1>(d, [=](const SiteRow& row, double(&acc)[1]) {
    double sum = acc[0];
    for (std::ptrdiff_t z = 0; z < row.length; ++z) {
      sum += g(data[row.offset + z]);
    }
    acc[0] = sum;
  });
  return d.sum(local[0]);
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
