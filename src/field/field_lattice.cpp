#include "inflanet/field/field_lattice.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/fft/scaled_laplacian.hpp"

namespace inflanet {

double LatticeEnergies::kinetic_total() const noexcept {
  return std::accumulate(kinetic.begin(), kinetic.end(), 0.0);
}

double LatticeEnergies::gradient_total() const noexcept {
  return std::accumulate(gradient.begin(), gradient.end(), 0.0);
}

double LatticeEnergies::constraint_violation() const noexcept {
  const double density = rho();
  return self_consistent ? std::abs(3.0 * hubble * hubble - density) / density : 0.0;
}

namespace {

enum class Use { cache, kick, across };

/// The pointers of every field's arrays, captured by value into the row loop.
template <std::size_t N>
struct FieldPointers {
  std::array<const double*, N> q{};
  std::array<double*, N> w{}, p{};
};

/// The one real-space pass of a force evaluation (see the header): the work buffers hold the Laplacian part
/// of each force; add mass * dV/dphi_i at each site, sum V, and apply the momentum maps of `use`. Sums:
/// [0] V, [1 + i] p_i^2 after the maps, [1 + N + i] the synchronised p_i^2 (across only). N is the field
/// count when Exact, else an upper bound on the runtime count n.
template <std::size_t N, bool Exact, Use U, class Pot>
std::array<double, 1 + 2 * N> site_pass(const Decomposition& d, const Pot& V, std::size_t runtime_n,
                                        const FieldPointers<N>& ptr, double mass, double A, double B,
                                        double A_next, double B_next) {
  const std::size_t n = Exact ? N : runtime_n;
  return sum_over_site_rows<1 + 2 * N>(d, [=, &V](const SiteRow& row, double(&acc)[1 + 2 * N]) {
    const std::ptrdiff_t o = row.offset, len = row.length;
    for (std::ptrdiff_t z = 0; z < len; ++z) {
      double f[N], g[N];
      for (std::size_t i = 0; i < n; ++i) {
        f[i] = ptr.q[i][o + z];
      }
      const std::span<const double> values(f, n);
      acc[0] += V.V(values);
      V.gradient(values, std::span<double>(g, n));
      for (std::size_t i = 0; i < n; ++i) {
        const double force = ptr.w[i][o + z] + mass * g[i];
        if constexpr (U == Use::cache) {
          ptr.w[i][o + z] = force;
        } else if constexpr (U == Use::kick) {
          ptr.w[i][o + z] = force;
          const double pz = A * ptr.p[i][o + z] - B * force;
          ptr.p[i][o + z] = pz;
          acc[1 + i] += pz * pz;
        } else {
          const double synchronised = A * ptr.p[i][o + z] - B * force;
          acc[1 + N + i] += synchronised * synchronised;
          const double pz = A_next * synchronised - B_next * force;
          ptr.p[i][o + z] = pz;
          acc[1 + i] += pz * pz;
        }
      }
    }
  });
}

/// site_pass for a two-field built-in on exactly its two fields: the same arithmetic in the same order (so
/// bitwise the same results), but calling the model's (phi, chi) members directly, with the pointers
/// permuted once per row into the model's roles and the running sums in registers. The span form zeroes
/// and indexes a per-site gradient array at run-time positions and adds into the sums through memory,
/// which kept the general loop several ns per site slower than the single-field force pass.
template <Use U, class Pot>
std::array<double, 5> two_field_site_pass(const Decomposition& d, const Pot& V, const FieldPointers<2>& ptr,
                                          double mass, double A, double B, double A_next, double B_next) {
  const std::size_t ia = V.fields.phi, ib = V.fields.chi;
  const double *qa = ptr.q[ia], *qb = ptr.q[ib];
  double *wa = ptr.w[ia], *wb = ptr.w[ib], *pa = ptr.p[ia], *pb = ptr.p[ib];
  return sum_over_site_rows<5>(d, [=](const SiteRow& row, double(&acc)[5]) {
    const std::ptrdiff_t o = row.offset, len = row.length;
    double v = acc[0], ka = acc[1 + ia], kb = acc[1 + ib], sa = acc[3 + ia], sb = acc[3 + ib];
    // One field's update, exactly as in site_pass.
    const auto update = [=](double force, double* w, double* p, std::ptrdiff_t i, double& kin, double& sync) {
      if constexpr (U == Use::cache) {
        w[i] = force;
      } else if constexpr (U == Use::kick) {
        w[i] = force;
        const double pz = A * p[i] - B * force;
        p[i] = pz;
        kin += pz * pz;
      } else {
        const double synchronised = A * p[i] - B * force;
        sync += synchronised * synchronised;
        const double pz = A_next * synchronised - B_next * force;
        p[i] = pz;
        kin += pz * pz;
      }
    };
    for (std::ptrdiff_t z = o; z < o + len; ++z) {
      const double phi = qa[z], chi = qb[z];
      v += V.V(phi, chi);
      const std::array<double, 2> g = V.gradient(phi, chi);
      update(wa[z] + mass * g[0], wa, pa, z, ka, sa);
      update(wb[z] + mass * g[1], wb, pb, z, kb, sb);
    }
    acc[0] = v;
    acc[1 + ia] = ka;
    acc[1 + ib] = kb;
    acc[3 + ia] = sa;
    acc[3 + ib] = sb;
  });
}

/// site_pass for one field under a one-field built-in: the model's scalar V and dV on the one field, the
/// running sums in registers (the single-field force pass, and the same arithmetic as site_pass<1>).
/// Sums: {V, p^2 after the maps, synchronised p^2}.
template <Use U, class Model>
std::array<double, 3> one_field_site_pass(const Decomposition& d, const Model& V, const FieldPointers<1>& ptr,
                                          double mass, double A, double B, double A_next, double B_next) {
  const double* q = ptr.q[0];
  double *w = ptr.w[0], *p = ptr.p[0];
  return sum_over_site_rows<3>(d, [=](const SiteRow& row, double(&acc)[3]) {
    const std::ptrdiff_t o = row.offset, n = row.length;
    double pot = acc[0], kin = acc[1], sync = acc[2];
    for (std::ptrdiff_t z = 0; z < n; ++z) {
      const double x = q[o + z];
      const double force = w[o + z] + mass * V.dV(x);
      pot += V.V(x);
      if constexpr (U == Use::cache) {
        w[o + z] = force;
      } else if constexpr (U == Use::kick) { // p <- A p - B F, F kept for the kicks at the same phi
        w[o + z] = force;
        const double pz = A * p[o + z] - B * force;
        p[o + z] = pz;
        kin += pz * pz;
      } else { // step boundary: p_sync = A p - B F (measured), p <- A_next p_sync - B_next F
        const double synchronised = A * p[o + z] - B * force;
        sync += synchronised * synchronised;
        const double pz = A_next * synchronised - B_next * force;
        p[o + z] = pz;
        kin += pz * pz;
      }
    }
    acc[0] = pot;
    acc[1] = kin;
    acc[2] = sync;
  });
}

template <class Pot>
concept TwoFieldBuiltIn = std::is_base_of_v<TwoFieldModel<Pot>, Pot>;
template <class Pot>
concept OneFieldBuiltIn = requires(const Pot& p) {
  p.model;
  p.field;
};

/// The first n (<= N) fields' pointers.
template <std::size_t N>
FieldPointers<N> pointers(const std::vector<double*>& q, const std::vector<double*>& w,
                          const std::vector<double*>& p) {
  FieldPointers<N> ptr;
  for (std::size_t i = 0; i < q.size(); ++i) {
    ptr.q[i] = q[i];
    ptr.w[i] = w[i];
    ptr.p[i] = p[i];
  }
  return ptr;
}

/// Runs site_pass for the field count, exact for 1 to 4 fields (loops unrolled), bounded beyond; returns
/// {sum V, p_i^2 ..., synchronised p_i^2 ...} (1 + 2n entries).
template <Use U, class Pot>
std::vector<double> dispatch_site_pass(const Decomposition& d, const Pot& V, const std::vector<double*>& q,
                                       const std::vector<double*>& w, const std::vector<double*>& p,
                                       double mass, double A, double B, double A_next, double B_next) {
  const std::size_t n = q.size();
  const auto run = [&]<std::size_t N, bool Exact>() {
    const auto sums = site_pass<N, Exact, U>(d, V, n, pointers<N>(q, w, p), mass, A, B, A_next, B_next);
    std::vector<double> out(1 + 2 * n);
    out[0] = sums[0];
    for (std::size_t i = 0; i < n; ++i) {
      out[1 + i] = sums[1 + i];
      out[1 + n + i] = sums[1 + N + i];
    }
    return out;
  };
  if constexpr (OneFieldBuiltIn<Pot>) {
    if (n == 1) {
      const auto sums = one_field_site_pass<U>(d, V.model, pointers<1>(q, w, p), mass, A, B, A_next, B_next);
      return std::vector<double>(sums.begin(), sums.end());
    }
  }
  if constexpr (TwoFieldBuiltIn<Pot>) {
    if (n == 2) {
      const auto sums = two_field_site_pass<U>(d, V, pointers<2>(q, w, p), mass, A, B, A_next, B_next);
      return std::vector<double>(sums.begin(), sums.end());
    }
  }
  switch (n) {
  case 1:
    return run.template operator()<1, true>();
  case 2:
    return run.template operator()<2, true>();
  case 3:
    return run.template operator()<3, true>();
  case 4:
    return run.template operator()<4, true>();
  default:
    return n <= 16 ? run.template operator()<16, false>()
                   : run.template operator()<FieldLattice::max_fields, false>();
  }
}

} // namespace

FieldLattice::FieldLattice(SpectralOperators& operators, std::vector<std::string> names, Potential potential,
                           Expansion expansion, double t0, double alpha)
    : operators_(&operators), names_(std::move(names)), potential_(std::move(potential)),
      expansion_(expansion), alpha_(alpha), eta_(t0), t_(t0) {
  if (names_.empty() || names_.size() > max_fields)
    throw InputError(fmt::format("a lattice needs 1 to {} fields, got {}", max_fields, names_.size()));
  if (expansion_.self_consistent() && !(alpha >= 0.0 && alpha < 3.0))
    throw InputError(fmt::format("a Friedmann expansion in alpha-time needs 0 <= alpha < 3, got {}", alpha));
  if (!expansion_.self_consistent()) {
    clock_.emplace(*expansion_.fixed, alpha);
    eta_ = clock_->eta(t0);
    fold_friction_ = alpha != 0.0 && clock_->eta_max() < std::numeric_limits<double>::infinity();
  }
  const auto& d = operators.decomposition();
  fields_.reserve(names_.size());
  for (std::size_t i = 0; i < names_.size(); ++i) {
    fields_.push_back(FieldState{Field(d), Field(d), Field(d)});
  }
  if (!expansion_.self_consistent()) {
    started_ = true; // a fixed background needs nothing more than the fields
  }
}

double FieldLattice::time() const {
  return clock_ ? clock_->cosmic_time(eta_) : t_;
}

double FieldLattice::a() const {
  return expansion_.self_consistent() ? scale_factor().a() : clock_->a(eta_);
}

double FieldLattice::hubble() const {
  return expansion_.self_consistent() ? scale_factor().hubble() : clock_->hubble(eta_);
}

double FieldLattice::dt_deta() const {
  if (clock_) {
    return clock_->dt_deta(eta_);
  }
  return alpha_ == 0.0 ? 1.0 : std::pow(a(), alpha_);
}

const ScaleFactor& FieldLattice::scale_factor() const {
  if (!scale_factor_) {
    throw std::logic_error("FieldLattice::scale_factor: no self-consistent scale factor (fixed background, "
                           "or not started)");
  }
  return *scale_factor_;
}

void FieldLattice::require_started() const {
  if (!started_) {
    throw std::logic_error("FieldLattice: start() or restore() must set the scale factor before stepping");
  }
}

void FieldLattice::velocity(std::size_t i, Field& out) {
  out.copy_from(momentum(i));
  if (!expansion_.self_consistent() && alpha_ == 0.0) {
    return;
  }
  const double a1 = a();
  out.scale(expansion_.self_consistent() ? 1.0 / (a1 * a1 * a1) : 1.0 / clock_->dt_deta(eta_));
}

void FieldLattice::scale_momenta(double factor) {
  for (auto& f : fields_) {
    f.p.scale(factor);
  }
}

void FieldLattice::start(double t) {
  t_ = t;
  has_pending_ = work_holds_phi_ = force_valid_ = kinetic_valid_ = boundary_valid_ = false;
  if (!expansion_.self_consistent()) {
    eta_ = clock_->eta(t);
    // The momenta hold dphi/dt; the system's momentum is p = dphi/d eta = a^alpha dphi/dt.
    if (alpha_ != 0.0) {
      scale_momenta(clock_->dt_deta(eta_));
    }
    started_ = true;
    return;
  }
  eta_ = t;
  // The momenta hold dphi/dt: pi = a0^3 dphi/dt. Then rho from the lattice at a0 (gradients included), and
  // the expanding root of the constraint.
  const double a0 = expansion_.a0, a3 = a0 * a0 * a0;
  scale_factor_ = ScaleFactor::from_state(a0, 0.0);
  scale_momenta(a3);
  started_ = true;
  const auto e = energies();
  scale_factor_ = ScaleFactor::on_constraint(a0, e.rho());
}

void FieldLattice::restore(double t, double eta, double a, double p_b) {
  t_ = t;
  eta_ = eta;
  has_pending_ = work_holds_phi_ = force_valid_ = kinetic_valid_ = boundary_valid_ = false;
  if (expansion_.self_consistent()) {
    scale_factor_ = ScaleFactor::from_state(a, p_b);
  }
  started_ = true;
}

double FieldLattice::damping(double s) const {
  return expansion_.self_consistent() || fold_friction_ ? 1.0 : clock_->friction_factor(eta_, s);
}

double FieldLattice::kinetic_pi2() const {
  double sum = 0.0;
  for (const auto& f : fields_) {
    sum += f.kinetic_sum;
  }
  return sum / operators_->decomposition().box().sites();
}

double FieldLattice::dham_pot_db() const {
  const double sites = operators_->decomposition().box().sites();
  const double a1 = scale_factor_->a(), a3 = a1 * a1 * a1;
  double grad = 0.0;
  for (const auto& f : fields_) {
    grad += f.grad_sum;
  }
  if (alpha_ != 0.0) {
    // d/db of a^alpha Ham_pot = e^{(3 + alpha) b} <U> + e^{(1 + alpha) b} <|grad phi|^2> / 2.
    const double lapse = std::pow(a1, alpha_);
    return (3.0 + alpha_) * lapse * a3 * (pot_sum_ / sites + expansion_.rho_lambda) +
           0.5 * (1.0 + alpha_) * lapse * a1 * grad / sites;
  }
  return 3.0 * a3 * (pot_sum_ / sites + expansion_.rho_lambda) + 0.5 * a1 * grad / sites;
}

void FieldLattice::drift(double s) {
  require_started();
  if (!expansion_.self_consistent()) {
    if (fold_friction_) {
      // Drift with friction (alpha > 0 in de Sitter): p_new = D p, phi += I p = (I / D) p_new. D joins the
      // pending momentum map, so the pass below stays one pass; the friction sees the script-H of the
      // interval the drift covers, and the composition is one of two exact flows.
      const auto flow = clock_->drift_friction(eta_, s);
      compose_pending(flow.damping, 0.0);
      drift_pass(flow.length / flow.damping);
      last_drift_ = {flow.damping, flow.length};
    } else {
      drift_pass(s); // the pending momentum map rides along
      last_drift_ = {1.0, s};
    }
    eta_ += s;
    return;
  }
  // The drift's length needs <sum pi^2> of the momenta it moves with: they are kicked first.
  flush_pending();
  if (!kinetic_valid_) {
    sum_kinetic();
  }
  const ScaleFactor::Drift flow = scale_factor_->drift(s, kinetic_pi2(), alpha_);
  drift_pass(flow.length);
  last_drift_ = {1.0, flow.length};
  eta_ += s;
  t_ += flow.time;
}

void FieldLattice::drift_pass(double length) {
  const auto& d = operators_->decomposition();
  const double pa = pending_a_, pb = pending_b_;
  if (has_pending_) {
    std::vector<double> kinetic(fields_.size());
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      double* q = fields_[i].phi.real_data();
      double* p = fields_[i].p.real_data();
      double* w = fields_[i].work.real_data();
      kinetic[i] = sum_over_site_rows<1>(d, [=](const SiteRow& row, double(&acc)[1]) {
        const std::ptrdiff_t o = row.offset, n = row.length;
        double kin = acc[0];
#pragma omp simd reduction(+ : kin)
        for (std::ptrdiff_t z = 0; z < n; ++z) {
          const double pz = pb != 0.0 ? pa * p[o + z] - pb * w[o + z] : pa * p[o + z];
          p[o + z] = pz;
          kin += pz * pz;
          const double value = q[o + z] + length * pz;
          q[o + z] = value;
          w[o + z] = value;
        }
        acc[0] = kin;
      })[0];
    }
    d.sum_in_place(kinetic);
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      fields_[i].kinetic_sum = kinetic[i];
    }
    kinetic_valid_ = true;
    has_pending_ = false;
  } else {
    for (auto& f : fields_) {
      double* q = f.phi.real_data();
      const double* p = f.p.real_data();
      double* w = f.work.real_data();
      for_each_site_row(d, [=](const SiteRow& row) {
        const std::ptrdiff_t o = row.offset, n = row.length;
#pragma omp simd
        for (std::ptrdiff_t z = 0; z < n; ++z) {
          const double value = q[o + z] + length * p[o + z];
          q[o + z] = value;
          w[o + z] = value;
        }
      });
    }
  }
  for (auto& f : fields_) {
    f.work.set_space(Space::real);
  }
  boundary_valid_ = false;
  work_holds_phi_ = true;
  force_valid_ = false;
}

std::pair<double, double> FieldLattice::force_factors() const {
  const auto& d = operators_->decomposition();
  const double a1 = a();
  const double dk = d.box().dk();
  const double sites = d.box().sites();
  // Fixed background: F = -a^(2 alpha - 2) lap + a^(2 alpha) V'. Friedmann: F = a^(3 + alpha) (-lap/a^2 +
  // V') = -a^(1 + alpha) lap + a^(3 + alpha) V'. (alpha = 0 keeps the historical 1/(a^2 N^3) arithmetic.)
  double factor = dk * dk / (a1 * a1 * sites), mass = 1.0;
  if (expansion_.self_consistent()) {
    const double lapse = alpha_ == 0.0 ? 1.0 : std::pow(a1, alpha_);
    factor = alpha_ == 0.0 ? dk * dk * a1 / sites : dk * dk * lapse * a1 / sites;
    mass = alpha_ == 0.0 ? a1 * a1 * a1 : lapse * a1 * a1 * a1;
  } else if (alpha_ != 0.0) {
    factor = dk * dk * clock_->gradient_factor(eta_) / sites;
    mass = clock_->mass_factor(eta_);
  }
  return {factor, mass};
}

FieldLattice::KickFactors FieldLattice::kick_factors() const {
  const Box& box = operators_->decomposition().box();
  const auto [factor, mass] = force_factors();
  return {factor * box.sites() / (box.dk() * box.dk()), mass};
}

double FieldLattice::velocity_factor() const {
  if (expansion_.self_consistent()) {
    const double a1 = a();
    return 1.0 / (a1 * a1 * a1);
  }
  return 1.0 / dt_deta();
}

void FieldLattice::evaluate_force(ForceUse use, const MomentumMaps& maps) {
  const auto& d = operators_->decomposition();
  FftPlan& plan = operators_->plan();
  const double dk = d.box().dk();
  const double sites = d.box().sites();
  const auto [factor, mass] = force_factors();
  const std::size_t n = fields_.size();
  std::vector<double> sums(n + 1 + 2 * n, 0.0); // grad_i, V, p_i^2, synchronised p_i^2
  for (std::size_t i = 0; i < n; ++i) {
    Field& work = fields_[i].work;
    if (!work_holds_phi_) {
      work.copy_from(fields_[i].phi);
    }
    plan.to_fourier(work);
    std::complex<double>* f = work.fourier_data();
    const double grad_local = scale_by_n2_with_gradient_sum(d, f, factor);
    plan.to_real(work, Scale::none);
    sums[i] = grad_local * dk * dk / sites;
  }

  std::vector<double*> q(n), w(n), p(n);
  for (std::size_t i = 0; i < n; ++i) {
    q[i] = fields_[i].phi.real_data();
    w[i] = fields_[i].work.real_data();
    p[i] = fields_[i].p.real_data();
  }
  const auto real_sums = std::visit(
      [&](const auto& V) {
        switch (use) {
        case ForceUse::cache:
          return dispatch_site_pass<Use::cache>(d, V, q, w, p, mass, 1.0, 0.0, 1.0, 0.0);
        case ForceUse::kick:
          return dispatch_site_pass<Use::kick>(d, V, q, w, p, mass, maps.a, maps.b, 1.0, 0.0);
        case ForceUse::across:
          break;
        }
        return dispatch_site_pass<Use::across>(d, V, q, w, p, mass, maps.a, maps.b, maps.a_next, maps.b_next);
      },
      potential_);
  std::copy(real_sums.begin(), real_sums.end(), sums.begin() + static_cast<std::ptrdiff_t>(n));
  d.sum_in_place(sums);
  for (std::size_t i = 0; i < n; ++i) {
    fields_[i].grad_sum = sums[i];
  }
  pot_sum_ = sums[n];
  ++force_evaluations_;
  work_holds_phi_ = false;
  if (use == ForceUse::cache) {
    force_valid_ = true;
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    fields_[i].kinetic_sum = sums[n + 1 + i];
    fields_[i].boundary_kinetic = sums[2 * n + 1 + i];
  }
  kinetic_valid_ = true;
  force_valid_ = use == ForceUse::kick; // across: the force was used in flight and not stored
  boundary_valid_ = use == ForceUse::across;
  map_scale_factor(maps, use == ForceUse::across, /*with_force=*/true);
}

void FieldLattice::map_scale_factor(const MomentumMaps& maps, bool across, bool with_force) {
  if (!expansion_.self_consistent()) {
    return;
  }
  const double dham = with_force ? dham_pot_db() : 0.0;
  scale_factor_->momentum_update(maps.a, maps.b, dham);
  boundary_hubble_ = scale_factor_->hubble();
  if (across) {
    scale_factor_->momentum_update(maps.a_next, maps.b_next, dham);
  }
}

void FieldLattice::apply_cached_force(const MomentumMaps& maps, bool across) {
  const auto& d = operators_->decomposition();
  const std::size_t n = fields_.size();
  std::vector<double> sums(2 * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    double* p = fields_[i].p.real_data();
    const double* force = fields_[i].work.real_data();
    const MomentumMaps m = maps;
    const auto local = sum_over_site_rows<2>(d, [=](const SiteRow& row, double(&acc)[2]) {
      const std::ptrdiff_t o = row.offset, len = row.length;
      for (std::ptrdiff_t z = 0; z < len; ++z) {
        const double f = m.b != 0.0 || m.b_next != 0.0 ? force[o + z] : 0.0;
        const double synchronised = m.a * p[o + z] - m.b * f;
        acc[1] += synchronised * synchronised;
        const double pz = across ? m.a_next * synchronised - m.b_next * f : synchronised;
        p[o + z] = pz;
        acc[0] += pz * pz;
      }
    });
    sums[i] = local[0];
    sums[n + i] = local[1];
  }
  d.sum_in_place(sums);
  for (std::size_t i = 0; i < n; ++i) {
    fields_[i].kinetic_sum = sums[i];
    fields_[i].boundary_kinetic = sums[n + i];
  }
  kinetic_valid_ = true;
  map_scale_factor(maps, across, maps.b != 0.0 || maps.b_next != 0.0);
  boundary_valid_ = across;
}

void FieldLattice::momentum_update(double A, double B) {
  require_started();
  boundary_valid_ = false;
  compose_pending(A, B);
  kinetic_valid_ = false;
  if (pending_b_ != 0.0 && !force_valid_) {
    evaluate_force(ForceUse::kick, {pending_a_, pending_b_, 1.0, 0.0});
    has_pending_ = false;
    return;
  }
  if (expansion_.self_consistent()) {
    flush_pending(); // p_b moves with the momenta: nothing waits
  }
}

void FieldLattice::compose_pending(double A, double B) {
  pending_b_ = has_pending_ ? A * pending_b_ + B : B;
  pending_a_ = has_pending_ ? pending_a_ * A : A;
  has_pending_ = true;
}

void FieldLattice::flush_pending() {
  if (!has_pending_) {
    return;
  }
  has_pending_ = false;
  apply_cached_force({pending_a_, pending_b_, 1.0, 0.0}, /*across=*/false);
}

void FieldLattice::momentum_update_across(double a, double b, double a_next, double b_next) {
  require_started();
  flush_pending();
  boundary_valid_ = false;
  if (force_valid_) {
    apply_cached_force({a, b, a_next, b_next}, /*across=*/true);
    return;
  }
  evaluate_force(ForceUse::across, {a, b, a_next, b_next});
}

void FieldLattice::sum_kinetic() {
  std::vector<double> sums(fields_.size());
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    const double* p = fields_[i].p.real_data();
    sums[i] = sum_over_site_rows<1>(operators_->decomposition(), [=](const SiteRow& row, double(&acc)[1]) {
      double kin = acc[0];
      for (std::ptrdiff_t z = 0; z < row.length; ++z) {
        kin += p[row.offset + z] * p[row.offset + z];
      }
      acc[0] = kin;
    })[0];
  }
  operators_->decomposition().sum_in_place(sums);
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    fields_[i].kinetic_sum = sums[i];
  }
  kinetic_valid_ = true;
}

LatticeEnergies FieldLattice::energies() {
  require_started();
  const bool boundary = boundary_valid_;
  if (!boundary) {
    flush_pending();
    if (!force_valid_) {
      evaluate_force(ForceUse::cache, {});
    }
    if (!kinetic_valid_) {
      sum_kinetic();
    }
  }
  const double sites = operators_->decomposition().box().sites();
  LatticeEnergies e;
  e.time = time();
  e.eta = eta_;
  e.a = a();
  e.dt_deta = dt_deta();
  e.self_consistent = expansion_.self_consistent();
  e.hubble = boundary && e.self_consistent ? boundary_hubble_ : hubble();
  e.rho_lambda = e.self_consistent ? expansion_.rho_lambda : 0.0;
  const double a3 = e.a * e.a * e.a;
  const double to_velocity2 = e.self_consistent ? 1.0 / (a3 * a3) : 1.0;
  const bool alpha_momentum = !e.self_consistent && alpha_ != 0.0; // p = a^alpha dphi/dt
  for (const auto& f : fields_) {
    const double kinetic_sum = boundary ? f.boundary_kinetic : f.kinetic_sum;
    e.kinetic.push_back(alpha_momentum ? 0.5 * kinetic_sum / (sites * e.dt_deta * e.dt_deta)
                                       : 0.5 * kinetic_sum * to_velocity2 / sites);
    e.gradient.push_back(0.5 * f.grad_sum / (sites * e.a * e.a));
  }
  e.potential = pot_sum_ / sites;
  return e;
}

} // namespace inflanet
