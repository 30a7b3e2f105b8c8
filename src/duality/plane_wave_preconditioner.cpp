#include "inflanet/duality/plane_wave_preconditioner.hpp"
#include "inflanet/decomposition/field_views.hpp"
#include "inflanet/decomposition/site_order.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "inflanet/base/error.hpp"
#include "inflanet/ntk/ntk_dispersion.hpp"

namespace inflanet {

PlaneWavePreconditioner::PlaneWavePreconditioner(std::ptrdiff_t m, double length,
                                                 std::span<const double> lambda, double floor)
    : m_(m), sub_(Box{m, length}, MPI_COMM_SELF), plan_(sub_, PlanRigor::estimate), field_(sub_) {
  if (lambda.size() != ntk_dispersion_modes(m) || !(floor > 0.0)) {
    throw InputError(fmt::format("plane-wave preconditioner: need {} per-mode eigenvalues and a floor > 0",
                                 ntk_dispersion_modes(m)));
  }
  inverse_.resize(lambda.size());
  for (std::size_t i = 0; i < lambda.size(); ++i) {
    inverse_[i] = 1.0 / std::max(lambda[i], floor);
  }
}

void PlaneWavePreconditioner::apply(std::span<const double> r, std::span<double> z) {
  const auto m = static_cast<std::size_t>(m_);
  if (r.size() != m * m * m || z.size() != r.size()) {
    throw RuntimeError("plane-wave preconditioner: vectors of M^3 values expected");
  }
  auto view = real_view(field_);
  const SiteOrder sites{m_};
  for (std::size_t i = 0; i < r.size(); ++i) {
    const auto [x, y, zz] = sites.site(i);
    view(x, y, zz) = r[i];
  }
  field_.set_space(Space::real);
  plan_.to_fourier(field_);
  std::complex<double>* modes = field_.fourier_data();
  for (std::size_t i = 0; i < inverse_.size(); ++i) {
    modes[i] *= inverse_[i];
  }
  plan_.to_real(field_, Scale::full);
  const auto out = real_view(field_);
  for (std::size_t i = 0; i < r.size(); ++i) {
    const auto [x, y, zz] = sites.site(i);
    z[i] = out(x, y, zz);
  }
}

} // namespace inflanet
