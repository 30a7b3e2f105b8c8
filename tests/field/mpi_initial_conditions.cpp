// The initial conditions' own pieces (the lattice-level start is tested in mpi_field_lattice.cpp and the
// Bunch-Davies spectrum in mpi_one_field_physics.cpp): the flat-space WKB draw has the power L^3 <|phi~|^2>
// / N^6 = 1 / (2 omega a0^3) and <|phidot~|^2> = omega^2 times it in every |k| band (omega^2 = k^2 / a0^2 +
// m2, so a wrong power of a0 or a wrong k/a0 shows), as does the Minkowski vacuum of draw_vacuum_modes;
// tachyonic modes are the massless vacuum's closed form exactly (under WKB, the Friedmann start's
// Bunch-Davies draw and the Minkowski vacuum; integrated and finite in a fixed de Sitter background) and
// counted, modes beyond kcut and the zero mode are exactly zero while every other mode is drawn; the WKB
// and vacuum coefficients, tachyonic band included, are bit-identical for any rank count; a Friedmann
// start refuses fluctuations above the homogeneous background's energy, naming the field; plane-wave
// profiles are one Fourier mode each and bit-identical in real space for any rank count; homogeneous_hubble
// is sqrt(rho / 3) of the hand-computed homogeneous energy, 0 when that is not positive;
// fluctuations_from_name knows its three names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include "inflanet/background/background.hpp"
#include "inflanet/base/counter_rng.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/decomposition/field_views.hpp"
#include "inflanet/decomposition/site_order.hpp"
#include "inflanet/field/field_lattice.hpp"
#include "inflanet/field/initial_conditions.hpp"
#include "inflanet/potential/one_field_models.hpp"
#include "inflanet/potential/potential.hpp"
#include "lattice_helpers.hpp"

using namespace inflanet;
using inflanet::testing::Lattice;
using inflanet::testing::max_deviation;
using inflanet::testing::report;
using ::testing::HasSubstr;

namespace {

/// Band edges in |n|^2: each band holds thousands of modes at N = 32, enough for a 5-sigma test of a mean
/// of exponentially distributed |phi~|^2 (relative standard deviation 1 / sqrt(modes)).
const std::vector<std::ptrdiff_t> band_edges = {1, 12, 40, 100, 200, 769};

struct Band {
  double power = 0.0, velocity = 0.0, weight = 0.0;
};

/// Per band: the weighted mean over the modes of L^3 |phi~|^2 / (N^6 P) and L^3 |phidot~|^2 / (N^6 omega^2
/// P), with the expected P = 1 / (2 omega a0^3) and omega^2 = k^2 / a0^2 + m2 (collective).
std::vector<Band> band_ratios(const Field& phi, const Field& phidot, double a0, double m2) {
  const Decomposition& d = phi.decomposition();
  const Box& box = d.box();
  const double dk = box.dk(), norm = std::pow(box.length, 3) / (box.sites() * box.sites());
  std::vector<double> sums(3 * (band_edges.size() - 1), 0.0);
  for_each_mode(d, [&](const Mode& m) {
    const std::ptrdiff_t n2 = m.n2();
    for (std::size_t b = 0; b + 1 < band_edges.size(); ++b) {
      if (n2 >= band_edges[b] && n2 < band_edges[b + 1]) {
        const double omega2 = dk * dk * static_cast<double>(n2) / (a0 * a0) + m2;
        const double expected = 1.0 / (2.0 * std::sqrt(omega2) * a0 * a0 * a0);
        sums[3 * b] += m.weight * norm * std::norm(phi.fourier_data()[m.offset]) / expected;
        sums[3 * b + 1] += m.weight * norm * std::norm(phidot.fourier_data()[m.offset]) / (omega2 * expected);
        sums[3 * b + 2] += m.weight;
      }
    }
  });
  d.sum_in_place(sums);
  std::vector<Band> out(band_edges.size() - 1);
  for (std::size_t b = 0; b < out.size(); ++b) {
    out[b] = {sums[3 * b] / sums[3 * b + 2], sums[3 * b + 1] / sums[3 * b + 2], sums[3 * b + 2]};
  }
  return out;
}

/// Each band's mean within 5 sigma of 1. The weight counts n and -n, which are one draw: the independent
/// modes are about weight / 2.
void expect_unit_ratios(const std::vector<Band>& bands, const char* what) {
  for (std::size_t b = 0; b < bands.size(); ++b) {
    const double sigma = 1.0 / std::sqrt(0.5 * bands[b].weight);
    EXPECT_NEAR(bands[b].power, 1.0, 5.0 * sigma) << what << ", band " << b;
    EXPECT_NEAR(bands[b].velocity, 1.0, 5.0 * sigma) << what << ", band " << b;
    report("%s band |n|^2 in [%td, %td): %.0f modes, power ratio %.4f, velocity ratio %.4f (sigma %.4f)",
           what, band_edges[b], band_edges[b + 1], bands[b].weight, bands[b].power, bands[b].velocity, sigma);
  }
}

FieldInitialConditions field(double mean, double velocity) {
  FieldInitialConditions f;
  f.mean = mean;
  f.velocity = velocity;
  return f;
}

} // namespace

TEST(InitialConditions, WkbPowerIsOneOverTwoOmegaACubedInEveryBand) {
  constexpr std::ptrdiff_t n = 32;
  constexpr double length = 20.0, a0 = 1.7, m2 = 0.3;
  Lattice lat(n, length);
  Field phi(lat.decomposition), phidot(lat.decomposition);
  draw_wkb_modes(phi, phidot, lat.ops, a0, m2, 12345, 0.0);
  EXPECT_EQ(phi.space(), Space::fourier);
  EXPECT_EQ(phidot.space(), Space::fourier);
  expect_unit_ratios(band_ratios(phi, phidot, a0, m2), "wkb");
}

TEST(InitialConditions, MinkowskiVacuumIsTheWkbSpectrumAtAEqualsOne) {
  // draw_vacuum_modes at H = 0 takes u = e^{-i omega t} / sqrt(2 omega): the same power as WKB at a0 = 1,
  // whatever t0 (the phase drops out of |u|^2).
  constexpr std::ptrdiff_t n = 32;
  constexpr double length = 15.0, m2 = 0.8;
  Lattice lat(n, length);
  Field phi(lat.decomposition), phidot(lat.decomposition);
  const Minkowski background;
  draw_vacuum_modes(phi, phidot, lat.ops, background, m2, 3.7, 999, 0.0);
  expect_unit_ratios(band_ratios(phi, phidot, 1.0, m2), "minkowski");
}

TEST(InitialConditions, TachyonicModesStartInTheMasslessVacuumAndModesBeyondTheCutoffAreZero) {
  // L = 2 pi: dk = 1, and with a0 = 1.4, m2 = -2.5 / a0^2 the frequency is omega^2 = (|n|^2 - 2.5) / a0^2:
  // |n|^2 = 1, 2 are tachyonic (6 + 12 modes), kcut = sqrt(10.5) drops |n|^2 >= 11. Every tachyonic mode
  // must be the rule's closed form exactly: u = (2 k a0^2)^(-1/2), du/dt = -i (k/a0) u, realised with the
  // draw's generator (phi~_n = N^3 L^(-3/2) (u z_n + u^* conj(z_-n)) / sqrt(2)); every other mode inside
  // kcut is drawn, the zero mode and the modes beyond kcut are zero.
  constexpr std::ptrdiff_t n = 16;
  constexpr double a0 = 1.4, m2 = -2.5 / (a0 * a0), kcut = 3.24037034920393; // sqrt(10.5)
  constexpr std::uint64_t seed = 7;
  Lattice lat(n, 2.0 * std::numbers::pi);
  const Box& box = lat.decomposition.box();
  Field phi(lat.decomposition), phidot(lat.decomposition);
  const VacuumDraw draw = draw_wkb_modes(phi, phidot, lat.ops, a0, m2, seed, kcut);
  EXPECT_EQ(draw.tachyonic_modes, 18);
  EXPECT_EQ(draw.rule, TachyonicModes::massless);
  EXPECT_EQ(tachyonic_mode_count(box, a0, m2, kcut), 18);
  EXPECT_EQ(tachyonic_mode_count(box, a0, m2, 0.0), 18);
  EXPECT_EQ(tachyonic_mode_count(box, a0, 0.3, 0.0), 0);
  EXPECT_EQ(tachyonic_mode_count(box, 1.0, -1e9, 0.0), n * n * n - 1); // every mode but the zero mode
  const CounterRng rng(seed);
  const SiteOrder order{n};
  const double amplitude = box.sites() / std::pow(box.length, 1.5) / std::sqrt(2.0);
  auto wrap = [](std::ptrdiff_t i) { return (n - i) % n; };
  double wrongly_zero = 0.0, wrongly_drawn = 0.0, worst = 0.0, tachyonic = 0.0;
  for_each_mode(lat.decomposition, [&](const Mode& m) {
    const std::ptrdiff_t n2 = m.n2();
    const std::complex<double> f = phi.fourier_data()[m.offset], g = phidot.fourier_data()[m.offset];
    const bool zero = f == 0.0 && g == 0.0;
    const bool should_draw = n2 >= 1 && n2 <= 10;
    wrongly_zero += should_draw && zero ? 1.0 : 0.0;
    wrongly_drawn += !should_draw && !zero ? 1.0 : 0.0;
    if (n2 == 1 || n2 == 2) {
      const double k = std::sqrt(static_cast<double>(n2));
      const double u = 1.0 / std::sqrt(2.0 * k * a0 * a0);
      const auto z_plus = rng.complex_gaussian(static_cast<std::uint64_t>(order.index(m.ix, m.iy, m.iz)));
      const auto z_minus = std::conj(
          rng.complex_gaussian(static_cast<std::uint64_t>(order.index(wrap(m.ix), wrap(m.iy), wrap(m.iz)))));
      const std::complex<double> f_rule = amplitude * u * (z_plus + z_minus);
      const std::complex<double> g_rule =
          amplitude * std::complex<double>(0.0, -k / a0) * u * (z_plus - z_minus);
      worst =
          std::max({worst, std::abs(f - f_rule) / std::abs(f_rule), std::abs(g - g_rule) / std::abs(g_rule)});
      tachyonic += m.weight;
    }
  });
  EXPECT_EQ(lat.decomposition.sum(wrongly_zero), 0.0);
  EXPECT_EQ(lat.decomposition.sum(wrongly_drawn), 0.0);
  EXPECT_EQ(lat.decomposition.sum(tachyonic), 18.0);
  worst = lat.decomposition.max(worst);
  report("tachyonic band |n|^2 = 1, 2: largest relative deviation from the massless closed form %.2e", worst);
  EXPECT_LT(worst, 1e-14);

  // The Friedmann start's Bunch-Davies draw (de Sitter at the homogeneous H, massless rule) gives the
  // tachyonic modes the same coefficients, bit for bit; the Minkowski vacuum (a = 1) applies the rule too.
  Field phi_bd(lat.decomposition), phidot_bd(lat.decomposition);
  const DeSitter de_sitter(0.8, a0);
  const VacuumDraw bd =
      draw_vacuum_modes(phi_bd, phidot_bd, lat.ops, de_sitter, m2, 0.0, seed, kcut, TachyonicModes::massless);
  EXPECT_EQ(bd.tachyonic_modes, 18);
  double differ = 0.0;
  for_each_mode(lat.decomposition, [&](const Mode& m) {
    if (m.n2() == 1 || m.n2() == 2) {
      differ += phi_bd.fourier_data()[m.offset] != phi.fourier_data()[m.offset] ||
                        phidot_bd.fourier_data()[m.offset] != phidot.fourier_data()[m.offset]
                    ? 1.0
                    : 0.0;
    }
  });
  EXPECT_EQ(lat.decomposition.sum(differ), 0.0);
  const Minkowski minkowski;
  const VacuumDraw flat = draw_vacuum_modes(phi_bd, phidot_bd, lat.ops, minkowski, m2, 0.0, seed, 0.0);
  EXPECT_EQ(flat.rule, TachyonicModes::massless);
  EXPECT_EQ(flat.tachyonic_modes, 6); // a = 1: omega^2 = |n|^2 - 2.5 / 1.96, only |n|^2 = 1
  double not_finite = 0.0;
  for_each_mode(lat.decomposition, [&](const Mode& m) {
    not_finite += std::isfinite(std::abs(phi_bd.fourier_data()[m.offset])) &&
                          std::isfinite(std::abs(phidot_bd.fourier_data()[m.offset]))
                      ? 0.0
                      : 1.0;
  });
  EXPECT_EQ(lat.decomposition.sum(not_finite), 0.0);

  // A fixed de Sitter background keeps its own past: tachyonic modes are integrated (finite, counted).
  const VacuumDraw integrated = draw_vacuum_modes(phi_bd, phidot_bd, lat.ops, de_sitter, m2, 0.0, seed, kcut);
  EXPECT_EQ(integrated.rule, TachyonicModes::integrated);
  EXPECT_EQ(integrated.tachyonic_modes, 18);

  // The vacuum draw honours kcut the same way (and the zero mode): |n|^2 > 10.5 is zero, the rest drawn.
  const DeSitter background(1.0, 1.0);
  draw_vacuum_modes(phi, phidot, lat.ops, background, 0.2, 0.0, 7, std::sqrt(10.5));
  double vacuum_wrong = 0.0;
  for_each_mode(lat.decomposition, [&](const Mode& m) {
    const std::ptrdiff_t n2 = m.n2();
    const bool zero = phi.fourier_data()[m.offset] == 0.0;
    vacuum_wrong += (n2 >= 1 && n2 <= 10) == zero ? 1.0 : 0.0;
  });
  EXPECT_EQ(lat.decomposition.sum(vacuum_wrong), 0.0);
}

TEST(InitialConditions, WkbCoefficientsAreBitIdenticalForAnyRankCount) {
  constexpr std::ptrdiff_t n = 12;
  constexpr double length = 5.0, a0 = 0.6, m2 = 1.5;
  Lattice world(n, length);
  Lattice serial(n, length, MPI_COMM_SELF);
  Field phi_w(world.decomposition), phidot_w(world.decomposition);
  Field phi_s(serial.decomposition), phidot_s(serial.decomposition);
  // Where each global mode sits in the single-rank slab, found through the loops (no layout arithmetic).
  std::vector<std::ptrdiff_t> serial_offset(static_cast<std::size_t>(n * n * n), -1);
  for_each_mode(serial.decomposition, [&](const Mode& m) {
    serial_offset[static_cast<std::size_t>((m.ix * n + m.iy) * n + m.iz)] = m.offset;
  });
  const auto mismatches = [&] {
    double count = 0.0;
    for_each_mode(world.decomposition, [&](const Mode& m) {
      const std::ptrdiff_t s = serial_offset[static_cast<std::size_t>((m.ix * n + m.iy) * n + m.iz)];
      count += phi_w.fourier_data()[m.offset] != phi_s.fourier_data()[s] ? 1.0 : 0.0;
      count += phidot_w.fourier_data()[m.offset] != phidot_s.fourier_data()[s] ? 1.0 : 0.0;
    });
    return world.decomposition.sum(count);
  };
  draw_wkb_modes(phi_w, phidot_w, world.ops, a0, m2, 31, 0.0);
  draw_wkb_modes(phi_s, phidot_s, serial.ops, a0, m2, 31, 0.0);
  EXPECT_EQ(mismatches(), 0.0);
  // With a tachyonic band (m2 = -20: k^2 / a0^2 + m2 <= 0 for |n|^2 <= 4), under WKB and under the Friedmann
  // start's Bunch-Davies draw (mode table assembled across ranks).
  constexpr double tachyonic_m2 = -20.0;
  const auto w = draw_wkb_modes(phi_w, phidot_w, world.ops, a0, tachyonic_m2, 31, 0.0);
  const auto s = draw_wkb_modes(phi_s, phidot_s, serial.ops, a0, tachyonic_m2, 31, 0.0);
  EXPECT_EQ(w.tachyonic_modes, s.tachyonic_modes);
  EXPECT_EQ(w.tachyonic_modes, tachyonic_mode_count(world.decomposition.box(), a0, tachyonic_m2, 0.0));
  EXPECT_GT(w.tachyonic_modes, 0);
  EXPECT_EQ(mismatches(), 0.0);
  const DeSitter background(0.9, a0);
  draw_vacuum_modes(phi_w, phidot_w, world.ops, background, tachyonic_m2, 0.0, 31, 0.0,
                    TachyonicModes::massless);
  draw_vacuum_modes(phi_s, phidot_s, serial.ops, background, tachyonic_m2, 0.0, 31, 0.0,
                    TachyonicModes::massless);
  EXPECT_EQ(mismatches(), 0.0);
}

TEST(InitialConditions, FriedmannFluctuationsAboveTheBackgroundAreRefusedNamingTheField) {
  // phi at rest at 1e-3 under m = 1: rho_hom = 5e-7, far below the vacuum's kinetic + gradient energy on a
  // 8^3 lattice of L = 8 (~ k_max^4 / (16 pi^2) ~ 1): the second field (index 1) is refused with both
  // energies; the first (no fluctuations) is not.
  Lattice lat(8, 8.0);
  PotentialSpec spec;
  spec.kind = "chaotic_g2";
  spec.fields = {"phi", "chi"};
  spec.parameters = {{"m", 1.0}, {"g2", 1.0}};
  FieldLattice fields(lat.ops, spec.fields, make_potential(spec), Expansion::friedmann(1.0), 0.0);
  FieldInitialConditions phi = field(1e-3, 0.0), chi = field(0.0, 0.0);
  phi.fluctuations = Fluctuations::none;
  chi.fluctuations = Fluctuations::wkb;
  try {
    require_fluctuations_below_background(set_initial_conditions(fields, lat.ops, {phi, chi}));
    FAIL() << "expected a FluctuationEnergyError";
  } catch (const FluctuationEnergyError& e) {
    EXPECT_EQ(e.field(), 1u);
    EXPECT_NEAR(e.background_energy(), 0.5e-6, 1e-18);
    EXPECT_GT(e.fluctuation_energy(), 1e3 * e.background_energy());
    report("refused: fluctuation energy %.4g against the background's %.4g", e.fluctuation_energy(),
           e.background_energy());
  }
  // The same fluctuations in a fixed background are a test field's: started, and reported.
  const Minkowski minkowski;
  FieldLattice fixed(lat.ops, spec.fields, make_potential(spec), Expansion::fixed_background(minkowski), 0.0);
  const auto started = set_initial_conditions(fixed, lat.ops, {phi, chi});
  EXPECT_NO_THROW(require_fluctuations_below_background(started));
  ASSERT_EQ(started.fields.size(), 2u);
  EXPECT_EQ(started.fields[0].fluctuation_energy, 0.0);
  EXPECT_GT(started.fields[1].fluctuation_energy, 1e3 * started.background_energy);
}

TEST(InitialConditions, PlaneWaveProfilesAreOneFourierModeAndRankIndependent) {
  // profile 0.01 sin(2 pi x / L) at x = i L / N is the mode n = (1, 0, 0) (and its conjugate) with
  // phi~ = -i 0.01 N^3 / 2 exactly up to rounding; velocity_profile 0.002 cos(2 pi y / L) the mode (0, 1, 0)
  // with 0.002 N^3 / 2; every other coefficient vanishes to rounding. With fluctuations = "none" the
  // real-space values are bit-identical for any rank count.
  constexpr std::ptrdiff_t n = 8;
  constexpr double length = 3.0, A = 0.01, B = 0.002;
  Lattice world(n, length);
  Lattice serial(n, length, MPI_COMM_SELF);
  const Minkowski minkowski;
  FieldInitialConditions ic = field(0.4, -0.1);
  ic.fluctuations = Fluctuations::none;
  ic.profile = "0.01*sin(2*pi*x/L)";
  ic.velocity_profile = "0.002*cos(2*pi*y/L)";
  FieldLattice fw(world.ops, {"phi"}, Potential(Quadratic{0.5}), Expansion::fixed_background(minkowski), 0.0);
  FieldLattice fs(serial.ops, {"phi"}, Potential(Quadratic{0.5}), Expansion::fixed_background(minkowski),
                  0.0);
  (void)set_initial_conditions(fw, world.ops, {ic});
  (void)set_initial_conditions(fs, serial.ops, {ic});
  for (Field* pair : {&fw.phi(0), &fw.momentum(0)}) {
    Field* other = pair == &fw.phi(0) ? &fs.phi(0) : &fs.momentum(0);
    const auto ref = real_view(*other);
    EXPECT_EQ(max_deviation(*pair, [&](auto x, auto y, auto z) { return ref(x, y, z); }), 0.0);
  }
  const double sites = static_cast<double>(n * n * n);
  const auto coefficients = [&](const Field& source, double mean, std::array<std::ptrdiff_t, 3> mode,
                                std::complex<double> expected) {
    Field copy(world.decomposition);
    copy.copy_from(source);
    world.plan.to_fourier(copy);
    double wrong = 0.0, worst = 0.0;
    for_each_mode(world.decomposition, [&](const Mode& m) {
      const std::complex<double> c = copy.fourier_data()[m.offset];
      std::complex<double> want = 0.0;
      if (m.nx == 0 && m.ny == 0 && m.nz == 0) {
        want = mean * sites;
      } else if (m.nx == mode[0] && m.ny == mode[1] && m.nz == mode[2]) {
        want = expected;
      } else if (m.nx == -mode[0] && m.ny == -mode[1] && m.nz == -mode[2]) {
        want = std::conj(expected);
      }
      worst = std::max(worst, std::abs(c - want));
      wrong += std::abs(c - want) > 1e-12 * std::abs(expected) ? 1.0 : 0.0;
    });
    report("plane-wave profile: largest deviation from the one mode %.2e (mode %.4g)",
           world.decomposition.max(worst), std::abs(expected));
    return world.decomposition.sum(wrong);
  };
  EXPECT_EQ(coefficients(fw.phi(0), 0.4, {1, 0, 0}, std::complex<double>(0.0, -A * sites / 2.0)), 0.0);
  EXPECT_EQ(coefficients(fw.momentum(0), -0.1, {0, 1, 0}, std::complex<double>(B * sites / 2.0, 0.0)), 0.0);

  // SiteProfile: x = i L / N, and a bad formula is refused with the parser's message.
  const SiteProfile profile("x + 10*y + 100*z + L", length);
  EXPECT_EQ(profile(1.0, 2.0, 3.0), 1.0 + 20.0 + 300.0 + length);
  EXPECT_THROW((void)SiteProfile("", 1.0), ProfileError);
  try {
    (void)SiteProfile("sin(2*pi*x/L", 1.0);
    FAIL() << "expected a ProfileError";
  } catch (const ProfileError& e) {
    EXPECT_THAT(e.detail(), HasSubstr("cannot parse"));
  }
  try {
    (void)SiteProfile("k*x", 1.0);
    FAIL() << "expected a ProfileError";
  } catch (const ProfileError& e) {
    EXPECT_THAT(e.detail(), HasSubstr("\"k\""));
  }
}

TEST(InitialConditions, HomogeneousHubbleIsTheSquareRootOfRhoOverThree) {
  PotentialSpec spec;
  spec.kind = "expression";
  spec.fields = {"phi", "chi"};
  spec.parameters = {{"m", 0.9}, {"lam", 0.4}};
  spec.V = "0.5*m^2*phi^2 + 0.25*lam*chi^4";
  spec.dV = {{"phi", "m^2*phi"}, {"chi", "lam*chi^3"}};
  const Potential potential = make_potential(spec);
  const std::vector<FieldInitialConditions> initial = {field(1.2, -0.3), field(0.7, 0.4)};
  const double v = 0.5 * 0.81 * 1.44 + 0.25 * 0.4 * std::pow(0.7, 4);
  const double kinetic = 0.5 * (0.09 + 0.16);
  EXPECT_NEAR(homogeneous_hubble(potential, initial, 0.05), std::sqrt((v + kinetic + 0.05) / 3.0), 1e-15);
  EXPECT_NEAR(homogeneous_hubble(potential, initial, 0.0), std::sqrt((v + kinetic) / 3.0), 1e-15);
  // A negative cosmological constant that outweighs the fields: no real H, reported as 0 (the run refuses).
  EXPECT_EQ(homogeneous_hubble(potential, initial, -(v + kinetic) - 1e-3), 0.0);
  EXPECT_EQ(homogeneous_hubble(potential, {field(0.0, 0.0), field(0.0, 0.0)}, 0.0), 0.0);
}

TEST(InitialConditions, FluctuationNamesAreTheDecksThreeChoices) {
  EXPECT_EQ(fluctuations_from_name("bunch-davies"), Fluctuations::bunch_davies);
  EXPECT_EQ(fluctuations_from_name("wkb"), Fluctuations::wkb);
  EXPECT_EQ(fluctuations_from_name("none"), Fluctuations::none);
  try {
    (void)fluctuations_from_name("bunch_davies");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("bunch_davies"));
    EXPECT_THAT(e.what(), HasSubstr("\"bunch-davies\", \"wkb\" or \"none\""));
  }
}
