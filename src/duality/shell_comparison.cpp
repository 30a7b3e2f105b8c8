#include "inflanet/duality/shell_comparison.hpp"

#include <cmath>

#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/decomposition/site_order.hpp"

namespace inflanet {

SubLattice::SubLattice(std::ptrdiff_t m, double length, MPI_Comm comm)
    : decomposition(Box{m, length}, comm), plan(decomposition, PlanRigor::estimate),
      operators(decomposition, plan), spectrum(operators), mean_k2(spectrum.mean_k2()) {}

void SubLattice::place(std::span<const double> values, Field& out) const {
  const std::ptrdiff_t m = decomposition.n();
  if (values.size() != static_cast<std::size_t>(m * m * m)) {
    throw RuntimeError("SubLattice::place: the values are not one per site");
  }
  double* data = out.real_data();
  const SiteOrder order{m};
  for_each_site(decomposition, [&](const Site& site) {
    data[site.offset] = values[order.index(site.ix, site.iy, site.iz)];
  });
  out.set_space(Space::real);
}

std::vector<double> SubLattice::site_spectrum(std::span<const double> values) {
  Field field(decomposition), scratch(decomposition);
  place(values, field);
  return spectrum.compute(field, scratch, plan);
}

ShellComparison::Row ShellComparison::compare(std::span<const double> lattice,
                                              std::span<const double> network, double a, double mass2) {
  if (p_lattice0_.empty()) {
    p_lattice0_.assign(lattice.begin(), lattice.end());
    p_network0_.assign(network.begin(), network.end());
  }
  const std::size_t nk = mean_k2_.size();
  Row row{std::vector<double>(nk), std::vector<double>(nk), std::vector<double>(nk), std::vector<double>(nk)};
  for (std::size_t b = 0; b < nk; ++b) {
    const bool defined = b > 0 && lattice[b] > 0.0;
    row.t_lattice[b] = defined && p_lattice0_[b] > 0.0 ? lattice[b] / p_lattice0_[b] : std::nan("");
    row.t_network[b] = defined && p_network0_[b] > 0.0 ? network[b] / p_network0_[b] : std::nan("");
    row.p_ratio[b] = defined ? network[b] / lattice[b] : std::nan("");
    row.omega2_lattice[b] = mean_k2_[b] / (a * a) + mass2;
  }
  last_ = row;
  return row;
}

void ShellComparison::restore(std::vector<double> p_lattice0, std::vector<double> p_network0) {
  p_lattice0_ = std::move(p_lattice0);
  p_network0_ = std::move(p_network0);
}

double ShellComparison::max_abs_log_power_ratio() const {
  double worst = 0.0;
  for (std::size_t b = 1; b < last_.p_ratio.size(); ++b) {
    if (std::isfinite(last_.p_ratio[b]) && last_.p_ratio[b] > 0.0) {
      worst = std::max(worst, std::abs(std::log(last_.p_ratio[b])));
    }
  }
  return worst;
}

} // namespace inflanet
