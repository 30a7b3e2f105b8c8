#include "inflanet/gravitational_waves/gravitational_waves.hpp"

#include <algorithm>
#include <complex>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/gravitational_waves/tt_projector.hpp"

namespace inflanet {
namespace {

template <std::size_t K>
std::array<Field, K> fields_on(const Decomposition& d, Space space) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    std::array<Field, K> out{((void)I, Field(d))...};
    for (Field& f : out) {
      f.fill(0.0);
      // The Fourier slab may be longer than the real one on a rank (uneven planes): zero it all.
      std::complex<double>* c = f.fourier_data();
      for (std::size_t i = 0; i < f.fourier_size(); ++i) {
        c[i] = 0.0;
      }
      f.set_space(space);
    }
    return out;
  }
  (std::make_index_sequence<K>{});
}

} // namespace

GravitationalWaves::GravitationalWaves(SpectralOperators& operators, std::vector<std::size_t> sources,
                                       double planck_mass)
    : operators_(&operators), sources_(std::move(sources)), planck_mass_(planck_mass),
      h_(fields_on<2>(operators.decomposition(), Space::fourier)),
      p_(fields_on<2>(operators.decomposition(), Space::fourier)),
      gradient_(fields_on<3>(operators.decomposition(), Space::real)),
      stress_(fields_on<6>(operators.decomposition(), Space::fourier)),
      basis_(static_cast<std::size_t>(operators.decomposition().layout().fourier_size())) {
  if (sources_.empty()) {
    throw InputError("gravitational waves need at least one source field");
  }
  if (!(planck_mass_ > 0.0)) {
    throw InputError(fmt::format("gravitational waves need a Planck mass > 0, got {}", planck_mass_));
  }
  // u, v once per stored mode (zero where there is no tensor mode): the passes then build e^A without
  // square roots.
  PolarisationVectors* basis = basis_.data();
  for_each_mode_row(operators.decomposition(), [=](const ModeRow& row) {
    for (std::ptrdiff_t l = 0; l < row.length; ++l) {
      const Mode m = row.mode(l);
      basis[m.offset] = has_tensor_modes(m.nx, m.ny, m.nz, row.n)
                            ? polarisation_vectors(static_cast<double>(m.nx), static_cast<double>(m.ny),
                                                   static_cast<double>(m.nz))
                            : PolarisationVectors{};
    }
  });
}

double GravitationalWaves::bytes_per_rank(std::ptrdiff_t n, int ranks) noexcept {
  return (arrays + basis_arrays) * padded_slab_bytes(n, ranks);
}

void GravitationalWaves::compute_stress(FieldLattice& fields) {
  const Decomposition& d = operators_->decomposition();
  FftPlan& plan = operators_->plan();
  bool first = true;
  for (const std::size_t index : sources_) {
    // One r2c of phi, then each gradient from its Fourier coefficients (c2r each, no copy; the x one in
    // place).
    Field& gx = gradient_[0];
    gx.copy_from(fields.phi(index));
    plan.to_fourier(gx);
    operators_->gradient_of_fourier(gx, 1, gradient_[1]);
    operators_->gradient_of_fourier(gx, 2, gradient_[2]);
    operators_->gradient(gx, 0, gx);
    std::array<const double*, 3> g{};
    std::array<double*, 6> s{};
    for (int a = 0; a < 3; ++a) {
      g[a] = gradient_[a].real_data();
    }
    for (int c = 0; c < 6; ++c) {
      s[c] = stress_[c].real_data();
      stress_[c].set_space(Space::real);
    }
    const bool assign = first;
    for_each_site_row(d, [=](const SiteRow& row) {
      for (std::ptrdiff_t z = row.offset; z < row.offset + row.length; ++z) {
        const double x = g[0][z], y = g[1][z], w = g[2][z];
        const double value[6] = {x * x, x * y, x * w, y * y, y * w, w * w};
        for (int c = 0; c < 6; ++c) {
          s[c][z] = assign ? value[c] : s[c][z] + value[c];
        }
      }
    });
    first = false;
  }
  for (Field& s : stress_) {
    plan.to_fourier(s);
  }
}

void GravitationalWaves::drift(const FieldLattice::DriftFlow& flow) {
  const Decomposition& d = operators_->decomposition();
  for (int A = 0; A < 2; ++A) {
    std::complex<double>* h = h_[A].fourier_data();
    std::complex<double>* p = p_[A].fourier_data();
    const double length = flow.length, damping = flow.damping;
    for_each_mode_row(d, [=](const ModeRow& row) {
      for (std::ptrdiff_t i = row.offset; i < row.offset + row.length; ++i) {
        h[i] += length * p[i];
        p[i] *= damping;
      }
    });
  }
}

void GravitationalWaves::kick(double A, double B, const TensorForce& force) {
  kick_across(A, B, 1.0, 0.0, force);
}

void GravitationalWaves::kick_across(double A, double B, double A_next, double B_next,
                                     const TensorForce& force) {
  const Decomposition& d = operators_->decomposition();
  const double dk = d.box().dk();
  const double gradient = force.gradient * dk * dk, source = force.source;
  const bool second = A_next != 1.0 || B_next != 0.0;
  std::complex<double>* h[2] = {h_[0].fourier_data(), h_[1].fourier_data()};
  std::complex<double>* p[2] = {p_[0].fourier_data(), p_[1].fourier_data()};
  std::array<const std::complex<double>*, 6> s{};
  for (int c = 0; c < 6; ++c) {
    s[c] = stress_[c].fourier_data();
  }
  const PolarisationVectors* basis = basis_.data();
  const bool forced = B != 0.0 || B_next != 0.0;
  for_each_mode_row(d, [=](const ModeRow& row) {
    // The modes without a tensor part (has_tensor_modes), per row: all of it on an x or y Nyquist plane,
    // else l = 0 of the kx = ky = 0 row and the z Nyquist mode l = N/2 (even N).
    const bool even = row.n % 2 == 0;
    const std::ptrdiff_t half = row.n / 2;
    const bool whole = even && (row.nx == -half || row.nx == half || row.ny == -half || row.ny == half);
    const std::ptrdiff_t first_l = whole ? row.length : (row.nx == 0 && row.ny == 0 ? 1 : 0);
    const std::ptrdiff_t end_l = whole ? row.length : (even ? std::min(row.length, half) : row.length);
    for (std::ptrdiff_t l = 0; l < row.length; ++l) {
      if (l < first_l || l >= end_l) {
        const std::ptrdiff_t o = row.offset + l;
        for (int a = 0; a < 2; ++a) {
          h[a][o] = 0.0;
          p[a][o] = 0.0;
        }
      }
    }
    if (!forced) {
      for (std::ptrdiff_t o = row.offset + first_l; o < row.offset + end_l; ++o) {
        for (int a = 0; a < 2; ++a) {
          p[a][o] *= A;
          if (second) {
            p[a][o] *= A_next;
          }
        }
      }
      return;
    }
    const std::ptrdiff_t n2_xy = row.n2_xy();
    for (std::ptrdiff_t l = first_l; l < end_l; ++l) {
      const std::ptrdiff_t o = row.offset + l;
      const double n2 = static_cast<double>(n2_xy + l * l);
      const PolarisationBasis e = polarisation_basis(basis[o]);
      const std::array<std::complex<double>, 6> pi = {s[0][o], s[1][o], s[2][o], s[3][o], s[4][o], s[5][o]};
      const std::complex<double> projected[2] = {contract(e.plus, pi), contract(e.cross, pi)};
      for (int a = 0; a < 2; ++a) {
        const std::complex<double> f = gradient * n2 * h[a][o] - source * projected[a];
        // The two maps in sequence, as two kicks would apply them (the force is the same for both).
        const std::complex<double> first = B == 0.0 ? A * p[a][o] : A * p[a][o] - B * f;
        p[a][o] = !second ? first : (B_next == 0.0 ? A_next * first : A_next * first - B_next * f);
      }
    }
  });
}

void GravitationalWaves::tensor_component(int component, Field& out) const {
  const Decomposition& d = operators_->decomposition();
  const std::complex<double>* h[2] = {h_[0].fourier_data(), h_[1].fourier_data()};
  std::complex<double>* f = out.fourier_data();
  const PolarisationVectors* basis = basis_.data();
  for_each_mode_row(d, [=](const ModeRow& row) {
    for (std::ptrdiff_t l = 0; l < row.length; ++l) {
      const Mode m = row.mode(l);
      if (!has_tensor_modes(m.nx, m.ny, m.nz, row.n)) {
        f[m.offset] = 0.0;
        continue;
      }
      const PolarisationBasis e = polarisation_basis(basis[m.offset]);
      f[m.offset] = e.plus[component] * h[0][m.offset] + e.cross[component] * h[1][m.offset];
    }
  });
  out.set_space(Space::fourier);
  operators_->plan().to_real(out, Scale::full);
}

TensorForce GravitationalWaves::force(const FieldLattice& fields) const {
  const auto k = fields.kick_factors();
  const double a = fields.a();
  return {k.gradient, k.mass * 2.0 / (planck_mass_ * planck_mass_ * a * a)};
}

double GravitationalWaves::energy_density(double velocity_factor) const {
  const Decomposition& d = operators_->decomposition();
  const std::complex<double>* p[2] = {p_[0].fourier_data(), p_[1].fourier_data()};
  const auto local = sum_over_mode_rows<1>(d, [=](const ModeRow& row, double(&acc)[1]) {
    double sum = acc[0];
    for (std::ptrdiff_t l = 0; l < row.length; ++l) {
      sum += row.weight(l) * (std::norm(p[0][row.offset + l]) + std::norm(p[1][row.offset + l]));
    }
    acc[0] = sum;
  });
  const double sites = d.box().sites();
  const double m2v2 = planck_mass_ * planck_mass_ * velocity_factor * velocity_factor;
  return 0.25 * m2v2 * d.sum(local[0]) / (sites * sites);
}

std::vector<double> GravitationalWaves::energy_spectrum(const PowerSpectrum& spectrum,
                                                        double velocity_factor) const {
  const Decomposition& d = operators_->decomposition();
  std::vector<double> per_mode(static_cast<std::size_t>(d.layout().fourier_size()));
  const std::complex<double>* p[2] = {p_[0].fourier_data(), p_[1].fourier_data()};
  for (std::size_t i = 0; i < per_mode.size(); ++i) {
    per_mode[i] = std::norm(p[0][i]) + std::norm(p[1][i]);
  }
  std::vector<double> shells = spectrum.shell_mean(per_mode);
  const double sites = d.box().sites();
  const double m2v2 = planck_mass_ * planck_mass_ * velocity_factor * velocity_factor;
  const double dk = d.box().dk();
  for (std::size_t b = 0; b < shells.size(); ++b) {
    const double rho_b = 0.25 * m2v2 * shells[b] * spectrum.counts()[b] / (sites * sites);
    shells[b] = b == 0 ? 0.0 : spectrum.k()[b] / dk * rho_b;
  }
  return shells;
}

} // namespace inflanet
