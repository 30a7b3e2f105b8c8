// Gravitational waves from the lattice's fields (gravitational_waves.hpp,
// lattice_with_gravitational_waves.hpp) against analytic answers: free tensor modes in Minkowski (cos/sin),
// de Sitter (the massless mode function Re[(1 + i k tau) e^{-i k tau}], cosmic and conformal time) and
// Friedmann (an RK4 integration of the background and the mode, written here), converging at each
// integrator's order; a prescribed source (a driven oscillator per mode, off resonance) to 1e-10; a sourced
// run through real fields (two plane waves of a massless field, whose TT stress at k1 + k2 is computed here
// in closed form); kick_across equal to its two kicks bitwise; the fields unchanged bitwise by the waves
// (passive); Parseval of the energy spectrum; rank independence (the world against one rank). Measured
// numbers are printed by rank 0 as "[measured] ...".
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <memory>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "inflanet/background/background.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/field/field_lattice.hpp"
#include "inflanet/field/initial_conditions.hpp"
#include "inflanet/gravitational_waves/gravitational_waves.hpp"
#include "inflanet/gravitational_waves/lattice_with_gravitational_waves.hpp"
#include "inflanet/gravitational_waves/tt_projector.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "lattice_helpers.hpp"

using namespace inflanet;
using inflanet::testing::Lattice;
using inflanet::testing::report;

namespace {
using cplx = std::complex<double>;
constexpr double two_pi = 2.0 * std::numbers::pi;

/// Offset of stored mode n on this rank, or -1.
std::ptrdiff_t local_offset(const Decomposition& d, std::array<std::ptrdiff_t, 3> n) {
  std::ptrdiff_t found = -1;
  for_each_mode(d, [&](const Mode& m) {
    if (m.nx == n[0] && m.ny == n[1] && m.nz == n[2]) {
      found = m.offset;
    }
  });
  return found;
}

void set_mode(Field& f, std::array<std::ptrdiff_t, 3> n, cplx value) {
  const std::ptrdiff_t o = local_offset(f.decomposition(), n);
  if (o >= 0) {
    f.fourier_data()[o] = value;
  }
}

/// Mode n of a Fourier-space field, on every rank (collective).
cplx get_mode(const Field& f, std::array<std::ptrdiff_t, 3> n) {
  const std::ptrdiff_t o = local_offset(f.decomposition(), n);
  std::vector<double> v = {0.0, 0.0};
  if (o >= 0) {
    v = {f.fourier_data()[o].real(), f.fourier_data()[o].imag()};
  }
  f.decomposition().sum_in_place(v);
  return {v[0], v[1]};
}

/// Fields all zero (no stress), the waves of one mode n started at (h0, dh/dt 0) per polarisation.
struct FreeModeRun {
  Lattice lattice;
  std::unique_ptr<Background> background;
  FieldLattice fields;
  GravitationalWaves waves;

  FreeModeRun(double length, Expansion expansion, double alpha, std::unique_ptr<Background> bg = nullptr)
      : lattice(8, length), background(std::move(bg)),
        fields(lattice.ops, {"phi"}, Quadratic{1.0},
               background ? Expansion::fixed_background(*background) : expansion, 0.0, alpha),
        waves(lattice.ops, {0}) {}
};

/// log2 of the error ratio of two step sizes h and h/2.
double order(double coarse, double fine) {
  return std::log2(coarse / fine);
}

struct OrderCase {
  const char* integrator;
  int order;
  long steps; ///< coarse; the fine run takes twice as many
};
const OrderCase all_orders[] = {
    {"euler", 1, 200}, {"leapfrog", 2, 40}, {"yoshida4", 4, 20}, {"yoshida6", 6, 8}};

// ---------------------------------------------------------------------------------------------------------
// Minkowski: h_A(t) = h0 cos(kt) + (v0/k) sin(kt) per polarisation, on the lattice's own mode.

double minkowski_error(const char* name, long steps) {
  FreeModeRun run(two_pi, {}, 0.0, make_background("minkowski", 0.0, 1.0));
  run.fields.start(0.0);
  const std::array<std::ptrdiff_t, 3> n = {1, 2, 0};
  const double k = std::sqrt(5.0), T = 2.0;
  set_mode(run.waves.amplitude(GravitationalWaves::plus), n, {1.0, -0.5});
  set_mode(run.waves.momentum(GravitationalWaves::cross), n, {0.0, k}); // h_x = i sin(kt)
  LatticeWithGravitationalWaves system(run.fields, run.waves);
  Integrator::from_name(name).advance(system, T / steps, steps, [](std::int64_t) {});
  const cplx hp = get_mode(run.waves.amplitude(GravitationalWaves::plus), n);
  const cplx hx = get_mode(run.waves.amplitude(GravitationalWaves::cross), n);
  const cplx pp = get_mode(run.waves.momentum(GravitationalWaves::plus), n);
  const double c = std::cos(k * T), s = std::sin(k * T);
  return std::max({std::abs(hp - cplx(1.0, -0.5) * c), std::abs(hx - cplx(0.0, s)),
                   std::abs(pp + cplx(1.0, -0.5) * k * s)});
}

// de Sitter (a = a0 e^{Ht}, tau = -1/(aH)): h = Re[(1 + i k tau) e^{-i k tau}] = cos(k tau) + k tau sin(k
// tau), dh/dt = k^2 tau cos(k tau) / a. In alpha-time the momentum is a^alpha dh/dt.
double de_sitter_error(const char* name, long steps, double alpha) {
  const double H = 1.0, a0 = 1.0;
  FreeModeRun run(two_pi, {}, alpha, make_background("desitter", H, a0));
  run.fields.start(0.0);
  const std::array<std::ptrdiff_t, 3> n = {1, 1, 0};
  const double k = std::sqrt(2.0);
  const auto exact = [&](double a) {
    const double tau = -1.0 / (a * H);
    return std::array<double, 2>{std::cos(k * tau) + k * tau * std::sin(k * tau),
                                 k * k * tau * std::cos(k * tau) / a};
  };
  const auto start = exact(a0);
  set_mode(run.waves.amplitude(GravitationalWaves::plus), n, start[0]);
  set_mode(run.waves.momentum(GravitationalWaves::plus), n, std::pow(a0, alpha) * start[1]);
  LatticeWithGravitationalWaves system(run.fields, run.waves);
  // 1.5 e-folds, in the integration variable
  const double eta_end = AlphaTime(*run.background, alpha).eta(1.5);
  const double eta0 = run.fields.eta();
  Integrator::from_name(name).advance(system, (eta_end - eta0) / steps, steps, [](std::int64_t) {});
  const double a = run.fields.a();
  const auto end = exact(a);
  const double h = get_mode(run.waves.amplitude(GravitationalWaves::plus), n).real();
  const double v =
      get_mode(run.waves.momentum(GravitationalWaves::plus), n).real() * run.fields.velocity_factor();
  return std::max(std::abs(h - end[0]), std::abs(v - end[1]));
}

// Friedmann: a homogeneous massive field phi (m = 1) drives a(t); the mode obeys h'' + 3H h' + k^2 h / a^2 =
// 0. Reference: classic RK4 in long double of (a, phi, phidot, h, hdot), H = sqrt(rho / 3), written here.
std::array<long double, 5> friedmann_rate(const std::array<long double, 5>& y, long double k) {
  const long double a = y[0], phi = y[1], v = y[2];
  const long double H = std::sqrt((0.5L * v * v + 0.5L * phi * phi) / 3.0L);
  return {a * H, v, -3.0L * H * v - phi, y[4], -3.0L * H * y[4] - k * k * y[3] / (a * a)};
}

std::array<long double, 5> friedmann_reference(std::array<long double, 5> y, long double k, double t_end) {
  const long steps = 4000;
  const long double h = static_cast<long double>(t_end) / steps;
  for (long s = 0; s < steps; ++s) {
    const auto k1 = friedmann_rate(y, k);
    std::array<long double, 5> y2{}, y3{}, y4{};
    for (int i = 0; i < 5; ++i)
      y2[i] = y[i] + 0.5L * h * k1[i];
    const auto k2 = friedmann_rate(y2, k);
    for (int i = 0; i < 5; ++i)
      y3[i] = y[i] + 0.5L * h * k2[i];
    const auto k3 = friedmann_rate(y3, k);
    for (int i = 0; i < 5; ++i)
      y4[i] = y[i] + h * k3[i];
    const auto k4 = friedmann_rate(y4, k);
    for (int i = 0; i < 5; ++i)
      y[i] += h / 6.0L * (k1[i] + 2.0L * k2[i] + 2.0L * k3[i] + k4[i]);
  }
  return y;
}

double friedmann_error(const char* name, long steps, double alpha) {
  const double length = two_pi / 0.5; // dk = 0.5
  FreeModeRun run(length, Expansion::friedmann(1.0), alpha);
  run.fields.phi(0).fill(1.0);
  run.fields.momentum(0).fill(0.0);
  run.fields.start(0.0);
  const std::array<std::ptrdiff_t, 3> n = {1, 1, 0};
  const double k = 0.5 * std::sqrt(2.0);
  set_mode(run.waves.amplitude(GravitationalWaves::plus), n, 1.0);
  set_mode(run.waves.momentum(GravitationalWaves::plus), n, 0.3); // a0 = 1: pi = a^3 dh/dt = dh/dt
  LatticeWithGravitationalWaves system(run.fields, run.waves);
  const double span = 3.0; // in the integration variable
  Integrator::from_name(name).advance(system, span / steps, steps, [](std::int64_t) {});
  const auto ref = friedmann_reference({1.0L, 1.0L, 0.0L, 1.0L, 0.3L}, k, run.fields.time());
  const double h = get_mode(run.waves.amplitude(GravitationalWaves::plus), n).real();
  const double v =
      get_mode(run.waves.momentum(GravitationalWaves::plus), n).real() * run.fields.velocity_factor();
  return std::max(std::abs(h - static_cast<double>(ref[3])), std::abs(v - static_cast<double>(ref[4])));
}

template <class Error>
void expect_orders(const char* what, Error&& error) {
  for (const OrderCase& c : all_orders) {
    const double coarse = error(c.integrator, c.steps), fine = error(c.integrator, 2 * c.steps);
    const double measured = order(coarse, fine);
    report("%s %s: error %.3e (%ld steps) -> %.3e (%ld), order %.2f (expected %d)", what, c.integrator,
           coarse, c.steps, fine, 2 * c.steps, measured, c.order);
    EXPECT_NEAR(measured, c.order, 0.35) << what << " " << c.integrator;
  }
}

} // namespace

TEST(GravitationalWaves, FreeModesInMinkowskiAreCosAndSinAtTheIntegratorsOrder) {
  expect_orders("minkowski", [](const char* name, long steps) { return minkowski_error(name, steps); });
}

TEST(GravitationalWaves, FreeModesInDeSitterFollowTheMasslessModeFunctionInCosmicAndConformalTime) {
  expect_orders("de sitter (alpha 0)",
                [](const char* name, long steps) { return de_sitter_error(name, steps, 0.0); });
  expect_orders("de sitter (alpha 1)",
                [](const char* name, long steps) { return de_sitter_error(name, steps, 1.0); });
}

TEST(GravitationalWaves, FreeModesInFriedmannFollowTheModeOdeInCosmicAndConformalTime) {
  expect_orders("friedmann (alpha 0)",
                [](const char* name, long steps) { return friedmann_error(name, steps, 0.0); });
  expect_orders("friedmann (alpha 1)",
                [](const char* name, long steps) { return friedmann_error(name, steps, 1.0); });
  const double fine = friedmann_error("yoshida6", 64, 0.0);
  report("friedmann yoshida6 64 steps: |h - h_ode| = %.2e", fine);
  EXPECT_LT(fine, 1e-9);
}

// ---------------------------------------------------------------------------------------------------------
// A prescribed source: Pi~_ij(k0, t) = cos(Omega t) S_ij with a general symmetric S (trace and longitudinal
// parts included), in Minkowski with the force F_A = k^2 h_A - Pi_A: h_A'' + k^2 h_A = S_A cos(Omega t),
// from rest h_A = S_A (cos(Omega t) - cos(k t)) / (k^2 - Omega^2), and h_ij = sum_A e^A_ij h_A must be
// Lambda_ij,lm S_lm times that profile (Lambda from tt_projector, not from the basis).

namespace {
struct PrescribedSource {
  GravitationalWaves* waves;
  std::array<std::ptrdiff_t, 3> n;
  SymmetricTensor S;
  double omega;
  double t = 0.0;
  double damping(double) const { return 1.0; }
  void momentum_update(double A, double B) {
    for (int c = 0; c < 6; ++c) {
      Field& s = waves->stress(c);
      set_mode(s, n, S[c] * std::cos(omega * t));
      s.set_space(Space::fourier);
    }
    waves->kick(A, B, {1.0, 1.0});
  }
  void drift(double s) {
    waves->drift({1.0, s});
    t += s;
  }
};
} // namespace

TEST(GravitationalWaves, PrescribedSourceDrivesEachModeAsAnOffResonanceOscillatorTo1e10) {
  Lattice lattice(8, two_pi);
  GravitationalWaves waves(lattice.ops, {0});
  const std::array<std::ptrdiff_t, 3> n = {1, -2, 1};
  const SymmetricTensor S = {70.0, -30.0, 20.0, 110.0, 40.0, -50.0};
  const double omega = 0.9, k2 = 6.0, T = 4.0;
  PrescribedSource system{&waves, n, S, omega};
  const long steps = 400;
  Integrator::from_name("yoshida6").advance(system, T / steps, steps, [](std::int64_t) {});
  const double profile = (std::cos(omega * T) - std::cos(std::sqrt(k2) * T)) / (k2 - omega * omega);
  const PolarisationBasis e = polarisation_basis(1.0, -2.0, 1.0);
  const cplx hp = get_mode(waves.amplitude(GravitationalWaves::plus), n);
  const cplx hx = get_mode(waves.amplitude(GravitationalWaves::cross), n);
  double worst = 0.0, scale = 0.0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      double expected = 0.0;
      for (int l = 0; l < 3; ++l)
        for (int m = 0; m < 3; ++m)
          expected += tt_projector({1.0, -2.0, 1.0}, i, j, l, m) * S[symmetric_index(l, m)] * profile;
      const cplx got = e.plus[symmetric_index(i, j)] * hp + e.cross[symmetric_index(i, j)] * hx;
      worst = std::max(worst, std::abs(got - expected));
      scale = std::max(scale, std::abs(expected));
    }
  report("prescribed source: max |h_ij - Lambda S profile| = %.2e (scale %.2e), yoshida6, %ld steps", worst,
         scale, steps);
  EXPECT_LT(worst, 1e-10);
  EXPECT_GT(scale, 0.1);
}

// kick_across is the two kicks in sequence, to the bit (the run's across-the-boundary kicks use it), for
// every kind of map pair: both forced, the first or the second unforced, neither.
TEST(GravitationalWaves, KickAcrossIsTheTwoKicksInSequenceBitwise) {
  Lattice lattice(8, two_pi);
  GravitationalWaves one(lattice.ops, {0}), two(lattice.ops, {0});
  const auto fill = [](GravitationalWaves& w) {
    for (int A = 0; A < 2; ++A) {
      for (int c = 0; c < 6; ++c) {
        for (const auto& n : {std::array<std::ptrdiff_t, 3>{1, -2, 1}, {0, 3, 2}, {-1, 0, 0}}) {
          set_mode(w.stress(c), n, cplx(0.1 * c - 0.3, 0.2 * A + 0.05 * c));
        }
      }
      set_mode(w.amplitude(A), {1, -2, 1}, cplx(0.7, -0.2 * A));
      set_mode(w.momentum(A), {1, -2, 1}, cplx(-0.4, 0.3 + A));
      set_mode(w.amplitude(A), {0, 3, 2}, cplx(0.1 * A, 0.5));
      set_mode(w.momentum(A), {0, 3, 2}, cplx(0.9, -0.6));
    }
  };
  const TensorForce force{1.3, 0.7};
  for (const auto& [b, b_next] : {std::pair{0.25, 0.5}, {0.0, 0.5}, {0.25, 0.0}, {0.0, 0.0}}) {
    fill(one);
    fill(two);
    one.kick(0.9, b, force);
    one.kick(1.1, b_next, force);
    two.kick_across(0.9, b, 1.1, b_next, force);
    for (int A = 0; A < 2; ++A) {
      const cplx* p1 = one.momentum(A).fourier_data();
      const cplx* p2 = two.momentum(A).fourier_data();
      EXPECT_TRUE(std::equal(p1, p1 + one.momentum(A).fourier_size(), p2)) << "b = " << b << ", " << b_next;
    }
    EXPECT_NE(get_mode(two.momentum(0), {1, -2, 1}), cplx(-0.4, 0.3)) << "the kick moved the mode";
  }
}

// ---------------------------------------------------------------------------------------------------------
// A sourced run through the real fields: phi = A cos(k1.x) cos(w1 t) + B cos(k2.x) cos(w2 t), massless, in
// Minkowski (the lattice evolves it). Pi_ij = d_i phi d_j phi holds at q = k1 + k2 the DFT
//   Pi~_ij(q, t) = -(N^3 / 4) A B (k1_i k2_j + k2_i k1_j) cos(w1 t) cos(w2 t),
// so with M_p = 1, h_A'' + q^2 h_A = 2 Pi~_A: a sum of two off-resonance oscillators at w1 +- w2.

namespace {
struct PlaneWaveRun {
  Lattice lattice;
  std::unique_ptr<Background> background = make_background("minkowski", 0.0, 1.0);
  FieldLattice fields;
  GravitationalWaves waves;
  static constexpr double A = 0.3, B = 0.2;
  PlaneWaveRun(MPI_Comm comm = MPI_COMM_WORLD)
      : lattice(8, two_pi, comm),
        fields(lattice.ops, {"phi"}, Quadratic{0.0}, Expansion::fixed_background(*background), 0.0),
        waves(lattice.ops, {0}) {
    const double dx = two_pi / 8.0;
    inflanet::testing::fill_sites(fields.phi(0), [&](auto ix, auto iy, auto iz) {
      const double x = dx * ix, y = dx * iy, z = dx * iz;
      return A * std::cos(x) + B * std::cos(y + z);
    });
    fields.momentum(0).fill(0.0);
    fields.start(0.0);
  }
};
} // namespace

TEST(GravitationalWaves, SourcedByPlaneWavesOfARealFieldTheTTStressMatchesItsClosedForm) {
  PlaneWaveRun run;
  LatticeWithGravitationalWaves system(run.fields, run.waves);
  const double T = 3.0;
  const long steps = 300;
  Integrator::from_name("yoshida6").advance(system, T / steps, steps, [](std::int64_t) {});
  const std::array<double, 3> k1 = {1, 0, 0}, k2 = {0, 1, 1}, q = {1, 1, 1};
  const double w1 = 1.0, w2 = std::sqrt(2.0), q2 = 3.0, N3 = 512.0;
  const auto oscillator = [&](double w) { // from rest, drive cos(w t), unit amplitude
    return (std::cos(w * T) - std::cos(std::sqrt(q2) * T)) / (q2 - w * w);
  };
  const double profile = 0.5 * (oscillator(w1 + w2) + oscillator(w1 - w2));
  const PolarisationBasis e = polarisation_basis(q[0], q[1], q[2]);
  const std::array<std::ptrdiff_t, 3> nq = {1, 1, 1};
  const cplx hp = get_mode(run.waves.amplitude(GravitationalWaves::plus), nq);
  const cplx hx = get_mode(run.waves.amplitude(GravitationalWaves::cross), nq);
  double worst = 0.0, scale = 0.0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      double expected = 0.0;
      for (int l = 0; l < 3; ++l)
        for (int m = 0; m < 3; ++m) {
          const double pi = -(N3 / 4.0) * PlaneWaveRun::A * PlaneWaveRun::B * (k1[l] * k2[m] + k2[l] * k1[m]);
          expected += 2.0 * tt_projector(q, i, j, l, m) * pi * profile;
        }
      const cplx got = e.plus[symmetric_index(i, j)] * hp + e.cross[symmetric_index(i, j)] * hx;
      worst = std::max(worst, std::abs(got - expected));
      scale = std::max(scale, std::abs(expected));
    }
  report("plane-wave source at q = (1,1,1): max |h_ij - closed form| = %.2e of %.2e (yoshida6, %ld steps)",
         worst, scale, steps);
  EXPECT_LT(worst, 1e-8 * scale);
  EXPECT_GT(scale, 0.1);
  // Each wave alone sources nothing: its stress at 2 k1 (2 k2) is proportional to k1_i k1_j, longitudinal
  // (physics.md section 9's oracle, which catches a projector applied with the wrong wavevector).
  for (const std::array<std::ptrdiff_t, 3>& n :
       {std::array<std::ptrdiff_t, 3>{2, 0, 0}, std::array<std::ptrdiff_t, 3>{0, 2, 2}}) {
    for (int A = 0; A < 2; ++A) {
      EXPECT_LT(std::abs(get_mode(run.waves.amplitude(A), n)), 1e-12 * scale)
          << "a single plane wave sourced h at n = (" << n[0] << ", " << n[1] << ", " << n[2] << ")";
    }
  }
}
