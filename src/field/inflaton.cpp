#include "inflanet/field/inflaton.hpp"

#include <limits>

namespace inflanet {

Inflaton::Inflaton(SpectralOperators& operators, const Background& background, Potential potential, double t0,
                   double alpha)
    : operators_(&operators), background_(&background), potential_(std::move(potential)),
      clock_(background, alpha), phi_(operators.decomposition()), phidot_(operators.decomposition()),
      work_(operators.decomposition()), eta_(clock_.eta(t0)) {
  fold_friction_ = alpha != 0.0 && clock_.eta_max() < std::numeric_limits<double>::infinity();
}

void Inflaton::cosmic_velocity(Field& out) {
  out.copy_from(phidot());
  if (clock_.alpha() == 0.0) {
    return;
  }
  const double factor = 1.0 / clock_.dt_deta(eta_);
  const std::ptrdiff_t count = static_cast<std::ptrdiff_t>(out.padded_real_size());
  double* data = out.real_data();
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t i = 0; i < count; ++i) {
    data[i] *= factor;
  }
}

void Inflaton::fields_changed_at_eta(double eta) {
  eta_ = eta;
  boundary_valid_ = false;
  has_pending_ = false;
  work_holds_phi_ = false;
  force_valid_ = false;
  kinetic_valid_ = false;
}

void Inflaton::drift(double s) {
  // Fused: apply the pending momentum map (its force is cached), advance phi, and leave a copy of phi in
  // the work buffer for the next force's r2c: one pass instead of three.
  if (fold_friction_) {
    // Drift with friction: p_new = D p, phi += I p = (I / D) p_new. D joins the pending momentum map, so
    // the pass below stays the same single pass.
    const auto flow = clock_.drift_friction(eta_, s);
    if (has_pending_) {
      pending_a_ *= flow.damping;
      pending_b_ *= flow.damping;
    } else {
      pending_a_ = flow.damping;
      pending_b_ = 0.0;
      has_pending_ = true;
    }
    drift_pass(flow.length / flow.damping);
    eta_ += s;
    return;
  }
  drift_pass(s);
  eta_ += s;
}

void Inflaton::drift_pass(double s) {
  const auto& d = operators_->decomposition();
  const std::ptrdiff_t rows = d.local_nx() * d.n(), n = d.n(), stride = d.nz_padded();
  double* q = phi_.real_data();
  double* p = phidot_.real_data();
  double* w = work_.real_data();
  const double pa = pending_a_, pb = pending_b_;
  double kin_local = 0.0;
  if (has_pending_) {
#pragma omp parallel for reduction(+ : kin_local) schedule(static)
    for (std::ptrdiff_t r = 0; r < rows; ++r) {
      const std::ptrdiff_t o = r * stride;
#pragma omp simd reduction(+ : kin_local)
      for (std::ptrdiff_t z = 0; z < n; ++z) {
        const double pz = pb != 0.0 ? pa * p[o + z] - pb * w[o + z] : pa * p[o + z];
        p[o + z] = pz;
        kin_local += pz * pz;
        const double value = q[o + z] + s * pz;
        q[o + z] = value;
        w[o + z] = value;
      }
    }
    kinetic_sum_ = d.sum(kin_local);
    kinetic_valid_ = true;
    has_pending_ = false;
  } else {
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t r = 0; r < rows; ++r) {
      const std::ptrdiff_t o = r * stride;
#pragma omp simd
      for (std::ptrdiff_t z = 0; z < n; ++z) {
        const double value = q[o + z] + s * p[o + z];
        q[o + z] = value;
        w[o + z] = value;
      }
    }
  }
  work_.set_space(Space::real);
  boundary_valid_ = false;
  work_holds_phi_ = true;
  force_valid_ = false;
}

void Inflaton::evaluate_force(ForceUse use, const MomentumMaps& maps) {
  const auto& d = operators_->decomposition();
  if (!work_holds_phi_) {
    work_.copy_from(phi_);
  }
  FftPlan& plan = operators_->plan();
  plan.to_fourier(work_);

  // k-space: F~ = a^(2 alpha - 2) k^2 phi~ / N^3 (the 1/N^3 completes the unnormalised round trip), and
  // the Parseval sum of |grad phi|^2 on the way. (alpha = 0 keeps the historical 1/(a^2 N^3) arithmetic.)
  const double a = clock_.a(eta_);
  const double dk = d.box().dk();
  const double sites = d.box().sites();
  const double factor =
      clock_.alpha() == 0.0 ? dk * dk / (a * a * sites) : dk * dk * clock_.gradient_factor(eta_) / sites;
  const double mass = clock_.mass_factor(eta_); // a^(2 alpha): exactly 1 in cosmic time
  const std::ptrdiff_t nky = d.local_nky(), n = d.n(), nz = d.nz_complex();
  const auto& nx = operators_->nx();
  const auto& ny = operators_->ny();
  std::complex<double>* f = work_.fourier_data();
  double grad_local = 0.0;
#pragma omp parallel for collapse(2) reduction(+ : grad_local) schedule(static)
  for (std::ptrdiff_t j = 0; j < nky; ++j) {
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const std::ptrdiff_t base = (j * n + i) * nz;
      const double k2xy = static_cast<double>(nx[i] * nx[i] + ny[j] * ny[j]);
      // Interior kz planes count twice (their Hermitian partners are not stored); kz = 0 and N/2 once
      // (nz >= 2 since N >= 2; for odd N the last plane is interior and hermitian_weight says so).
      double interior = 0.0, edges = 0.0;
#pragma omp simd reduction(+ : interior)
      for (std::ptrdiff_t l = 1; l < nz - 1; ++l) {
        const double n2 = k2xy + static_cast<double>(l * l);
        interior += n2 * std::norm(f[base + l]);
        f[base + l] *= factor * n2;
      }
      for (std::ptrdiff_t l : {std::ptrdiff_t{0}, nz - 1}) {
        const double n2 = k2xy + static_cast<double>(l * l);
        edges += operators_->hermitian_weight(l) * n2 * std::norm(f[base + l]);
        f[base + l] *= factor * n2;
      }
      grad_local += 2.0 * interior + edges;
    }
  }
  plan.to_real(work_, Scale::none);

  // Real space: F = -lap(phi)/a^2 + V'(phi), and sum V on the way; the momentum maps ride along in the same
  // pass. Built-in potentials inline here.
  const std::ptrdiff_t rows = d.local_nx() * n, stride = d.nz_padded();
  const double* q = phi_.real_data();
  double* w = work_.real_data();
  double* p = phidot_.real_data();
  double pot_local = 0.0, kin_local = 0.0;
  std::visit(
      [&](const auto& V) {
        switch (use) {
        case ForceUse::cache:
#pragma omp parallel for reduction(+ : pot_local) schedule(static)
          for (std::ptrdiff_t r = 0; r < rows; ++r) {
            const std::ptrdiff_t o = r * stride;
            for (std::ptrdiff_t z = 0; z < n; ++z) {
              const double x = q[o + z];
              w[o + z] += mass * V.dV(x);
              pot_local += V.V(x);
            }
          }
          break;
        case ForceUse::kick: // p <- A p - B F, F cached for the kicks that follow at the same phi
#pragma omp parallel for reduction(+ : pot_local, kin_local) schedule(static)
          for (std::ptrdiff_t r = 0; r < rows; ++r) {
            const std::ptrdiff_t o = r * stride;
            for (std::ptrdiff_t z = 0; z < n; ++z) {
              const double x = q[o + z];
              const double force = w[o + z] + mass * V.dV(x);
              w[o + z] = force;
              pot_local += V.V(x);
              const double pz = maps.a * p[o + z] - maps.b * force;
              p[o + z] = pz;
              kin_local += pz * pz;
            }
          }
          break;
        case ForceUse::across: // step boundary: p_sync = A1 p - B1 F (measured), p <- A2 p_sync - B2 F
#pragma omp parallel for reduction(+ : pot_local, kin_local) schedule(static)
          for (std::ptrdiff_t r = 0; r < rows; ++r) {
            const std::ptrdiff_t o = r * stride;
            for (std::ptrdiff_t z = 0; z < n; ++z) {
              const double x = q[o + z];
              const double force = w[o + z] + mass * V.dV(x);
              pot_local += V.V(x);
              const double synchronised = maps.a * p[o + z] - maps.b * force;
              kin_local += synchronised * synchronised;
              p[o + z] = maps.a_next * synchronised - maps.b_next * force;
            }
          }
          break;
        }
      },
      potential_);
  double sums[3] = {grad_local * dk * dk / sites, pot_local, kin_local};
  d.sum_in_place(sums);
  grad_sum_ = sums[0];
  pot_sum_ = sums[1];
  if (use == ForceUse::kick) {
    kinetic_sum_ = sums[2];
    kinetic_valid_ = true;
  }
  if (use == ForceUse::across) {
    boundary_kinetic_sum_ = sums[2];
    boundary_valid_ = true;
    kinetic_valid_ = false;
    work_holds_phi_ = false;
    force_valid_ = false; // the force was used in flight and not stored: nothing reads it before the drift
    ++force_evaluations_;
    return;
  }
  work_holds_phi_ = false;
  force_valid_ = true;
  ++force_evaluations_;
}

void Inflaton::momentum_update(double a, double b) {
  boundary_valid_ = false;
  // Compose with any pending map at the same phi: p <- a (a1 p - b1 F) - b F.
  if (has_pending_) {
    pending_b_ = a * pending_b_ + b;
    pending_a_ *= a;
  } else {
    pending_a_ = a;
    pending_b_ = b;
    has_pending_ = true;
  }
  kinetic_valid_ = false;
  if (pending_b_ != 0.0 && !force_valid_) {
    // The force must be computed now: apply the momentum map inside its last pass.
    evaluate_force(ForceUse::kick, {pending_a_, pending_b_, 1.0, 0.0});
    has_pending_ = false;
  }
  // Otherwise the map stays pending and rides along with the next drift (or flush_pending).
}

void Inflaton::flush_pending() {
  if (!has_pending_) {
    return;
  }
  const auto& d = operators_->decomposition();
  const std::ptrdiff_t rows = d.local_nx() * d.n(), n = d.n(), stride = d.nz_padded();
  double* p = phidot_.real_data();
  const double* force = work_.real_data();
  const double a = pending_a_, b = pending_b_;
  double kin_local = 0.0;
#pragma omp parallel for reduction(+ : kin_local) schedule(static)
  for (std::ptrdiff_t r = 0; r < rows; ++r) {
    const std::ptrdiff_t o = r * stride;
#pragma omp simd reduction(+ : kin_local)
    for (std::ptrdiff_t z = 0; z < n; ++z) {
      const double value = b != 0.0 ? a * p[o + z] - b * force[o + z] : a * p[o + z];
      p[o + z] = value;
      kin_local += value * value;
    }
  }
  kinetic_sum_ = d.sum(kin_local);
  kinetic_valid_ = true;
  has_pending_ = false;
}

void Inflaton::sum_kinetic() {
  kinetic_sum_ = operators_->sum_of_squares(phidot_);
  kinetic_valid_ = true;
}

void Inflaton::momentum_update_across(double a, double b, double a_next, double b_next) {
  flush_pending();
  boundary_valid_ = false;
  if (force_valid_) {
    // The force is cached (energies were asked for after the drift): apply both maps in one pass.
    const auto& d = operators_->decomposition();
    const std::ptrdiff_t rows = d.local_nx() * d.n(), n = d.n(), stride = d.nz_padded();
    double* p = phidot_.real_data();
    const double* force = work_.real_data();
    double kin_local = 0.0;
#pragma omp parallel for reduction(+ : kin_local) schedule(static)
    for (std::ptrdiff_t r = 0; r < rows; ++r) {
      const std::ptrdiff_t o = r * stride;
      for (std::ptrdiff_t z = 0; z < n; ++z) {
        const double synchronised = a * p[o + z] - b * force[o + z];
        kin_local += synchronised * synchronised;
        p[o + z] = a_next * synchronised - b_next * force[o + z];
      }
    }
    boundary_kinetic_sum_ = d.sum(kin_local);
    boundary_valid_ = true;
    kinetic_valid_ = false;
    return;
  }
  evaluate_force(ForceUse::across, {a, b, a_next, b_next});
}

InflatonEnergies Inflaton::energies() {
  double kinetic_sum = 0.0;
  if (boundary_valid_) {
    kinetic_sum = boundary_kinetic_sum_; // measured at the step boundary inside momentum_update_across
  } else {
    flush_pending();
    if (!force_valid_) {
      evaluate_force(ForceUse::cache, {});
    }
    if (!kinetic_valid_) {
      sum_kinetic();
    }
    kinetic_sum = kinetic_sum_;
  }
  const double sites = operators_->decomposition().box().sites();
  InflatonEnergies e;
  e.eta = eta_;
  e.time = clock_.cosmic_time(eta_);
  e.a = clock_.a(eta_);
  e.hubble = clock_.hubble(eta_);
  e.dt_deta = clock_.dt_deta(eta_);
  // rho_kin = (dphi/dt)^2 / 2 = a^(-2 alpha) p^2 / 2
  e.kinetic =
      clock_.alpha() == 0.0 ? 0.5 * kinetic_sum / sites : 0.5 * kinetic_sum / (sites * e.dt_deta * e.dt_deta);
  e.gradient = 0.5 * grad_sum_ / (sites * e.a * e.a);
  e.potential = pot_sum_ / sites;
  return e;
}

} // namespace inflanet
