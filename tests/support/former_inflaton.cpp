#include "former_inflaton.hpp"

#include <array>
#include <limits>

#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/fft/scaled_laplacian.hpp"

namespace inflanet {

FormerInflaton::FormerInflaton(SpectralOperators& operators, const Background& background,
                               FormerPotential potential, double t0, double alpha)
    : operators_(&operators), background_(&background), potential_(std::move(potential)),
      clock_(background, alpha), phi_(operators.decomposition()), phidot_(operators.decomposition()),
      work_(operators.decomposition()), eta_(clock_.eta(t0)) {
  fold_friction_ = alpha != 0.0 && clock_.eta_max() < std::numeric_limits<double>::infinity();
}

void FormerInflaton::cosmic_velocity(Field& out) {
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

void FormerInflaton::fields_changed_at_eta(double eta) {
  eta_ = eta;
  boundary_valid_ = false;
  has_pending_ = false;
  work_holds_phi_ = false;
  force_valid_ = false;
  kinetic_valid_ = false;
}

void FormerInflaton::drift(double s) {
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

void FormerInflaton::drift_pass(double s) {
  const auto& d = operators_->decomposition();
  double* q = phi_.real_data();
  double* p = phidot_.real_data();
  double* w = work_.real_data();
  const double pa = pending_a_, pb = pending_b_;
  if (has_pending_) {
    const auto kin_local = sum_over_site_rows<1>(d, [=](const SiteRow& row, double(&acc)[1]) {
      const std::ptrdiff_t o = row.offset, n = row.length;
      double kin = acc[0];
#pragma omp simd reduction(+ : kin)
      for (std::ptrdiff_t z = 0; z < n; ++z) {
        const double pz = pb != 0.0 ? pa * p[o + z] - pb * w[o + z] : pa * p[o + z];
        p[o + z] = pz;
        kin += pz * pz;
        const double value = q[o + z] + s * pz;
        q[o + z] = value;
        w[o + z] = value;
      }
      acc[0] = kin;
    });
    kinetic_sum_ = d.sum(kin_local[0]);
    kinetic_valid_ = true;
    has_pending_ = false;
  } else {
    for_each_site_row(d, [=](const SiteRow& row) {
      const std::ptrdiff_t o = row.offset, n = row.length;
#pragma omp simd
      for (std::ptrdiff_t z = 0; z < n; ++z) {
        const double value = q[o + z] + s * p[o + z];
        q[o + z] = value;
        w[o + z] = value;
      }
    });
  }
  work_.set_space(Space::real);
  boundary_valid_ = false;
  work_holds_phi_ = true;
  force_valid_ = false;
}

void FormerInflaton::evaluate_force(ForceUse use, const MomentumMaps& maps) {
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
  std::complex<double>* f = work_.fourier_data();
  const double grad_local = scale_by_n2_with_gradient_sum(d, f, factor);
  plan.to_real(work_, Scale::none);

  // Real space: F = -lap(phi)/a^2 + V'(phi), and sum V on the way; the momentum maps ride along in the same
  // pass. Built-in potentials inline here.
  const double* q = phi_.real_data();
  double* w = work_.real_data();
  double* p = phidot_.real_data();
  const auto real_sums = std::visit(
      [&](const auto& V) -> std::array<double, 2> { // {sum V, sum p^2}
        switch (use) {
        case ForceUse::cache:
          return sum_over_site_rows<2>(d, [=](const SiteRow& row, double(&acc)[2]) {
            const std::ptrdiff_t o = row.offset, n = row.length;
            double pot = acc[0];
            for (std::ptrdiff_t z = 0; z < n; ++z) {
              const double x = q[o + z];
              w[o + z] += mass * V.dV(x);
              pot += V.V(x);
            }
            acc[0] = pot;
          });
        case ForceUse::kick: // p <- A p - B F, F cached for the kicks that follow at the same phi
          return sum_over_site_rows<2>(d, [=](const SiteRow& row, double(&acc)[2]) {
            const std::ptrdiff_t o = row.offset, n = row.length;
            double pot = acc[0], kin = acc[1];
            for (std::ptrdiff_t z = 0; z < n; ++z) {
              const double x = q[o + z];
              const double force = w[o + z] + mass * V.dV(x);
              w[o + z] = force;
              pot += V.V(x);
              const double pz = maps.a * p[o + z] - maps.b * force;
              p[o + z] = pz;
              kin += pz * pz;
            }
            acc[0] = pot;
            acc[1] = kin;
          });
        case ForceUse::across: // step boundary: p_sync = A1 p - B1 F (measured), p <- A2 p_sync - B2 F
          return sum_over_site_rows<2>(d, [=](const SiteRow& row, double(&acc)[2]) {
            const std::ptrdiff_t o = row.offset, n = row.length;
            double pot = acc[0], kin = acc[1];
            for (std::ptrdiff_t z = 0; z < n; ++z) {
              const double x = q[o + z];
              const double force = w[o + z] + mass * V.dV(x);
              pot += V.V(x);
              const double synchronised = maps.a * p[o + z] - maps.b * force;
              kin += synchronised * synchronised;
              p[o + z] = maps.a_next * synchronised - maps.b_next * force;
            }
            acc[0] = pot;
            acc[1] = kin;
          });
        }
        return {0.0, 0.0};
      },
      potential_);
  double sums[3] = {grad_local * dk * dk / sites, real_sums[0], real_sums[1]};
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

void FormerInflaton::momentum_update(double a, double b) {
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

void FormerInflaton::flush_pending() {
  if (!has_pending_) {
    return;
  }
  const auto& d = operators_->decomposition();
  double* p = phidot_.real_data();
  const double* force = work_.real_data();
  const double a = pending_a_, b = pending_b_;
  const auto kin_local = sum_over_site_rows<1>(d, [=](const SiteRow& row, double(&acc)[1]) {
    const std::ptrdiff_t o = row.offset, n = row.length;
    double kin = acc[0];
#pragma omp simd reduction(+ : kin)
    for (std::ptrdiff_t z = 0; z < n; ++z) {
      const double value = b != 0.0 ? a * p[o + z] - b * force[o + z] : a * p[o + z];
      p[o + z] = value;
      kin += value * value;
    }
    acc[0] = kin;
  });
  kinetic_sum_ = d.sum(kin_local[0]);
  kinetic_valid_ = true;
  has_pending_ = false;
}

void FormerInflaton::sum_kinetic() {
  kinetic_sum_ = operators_->sum_of_squares(phidot_);
  kinetic_valid_ = true;
}

void FormerInflaton::momentum_update_across(double a, double b, double a_next, double b_next) {
  flush_pending();
  boundary_valid_ = false;
  if (force_valid_) {
    // The force is cached (energies were asked for after the drift): apply both maps in one pass.
    const auto& d = operators_->decomposition();
    double* p = phidot_.real_data();
    const double* force = work_.real_data();
    const auto kin_local = sum_over_site_rows<1>(d, [=](const SiteRow& row, double(&acc)[1]) {
      const std::ptrdiff_t o = row.offset, n = row.length;
      double kin = acc[0];
      for (std::ptrdiff_t z = 0; z < n; ++z) {
        const double synchronised = a * p[o + z] - b * force[o + z];
        kin += synchronised * synchronised;
        p[o + z] = a_next * synchronised - b_next * force[o + z];
      }
      acc[0] = kin;
    });
    boundary_kinetic_sum_ = d.sum(kin_local[0]);
    boundary_valid_ = true;
    kinetic_valid_ = false;
    return;
  }
  evaluate_force(ForceUse::across, {a, b, a_next, b_next});
}

FormerEnergies FormerInflaton::energies() {
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
  FormerEnergies e;
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
