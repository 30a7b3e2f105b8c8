// The initial conditions' own pieces (the lattice-level start is tested in mpi_field_lattice.cpp and the
// Bunch-Davies spectrum in mpi_one_field_physics.cpp): the flat-space WKB draw has the power L^3 <|phi~|^2>
// / N^6 = 1 / (2 omega a0^3) and <|phidot~|^2> = omega^2 times it in every |k| band (omega^2 = k^2 / a0^2 +
// m2, so a wrong power of a0 or a wrong k/a0 shows), as does the Minkowski vacuum of draw_vacuum_modes;
// tachyonic modes, modes beyond kcut and the zero mode are exactly zero while every other mode is drawn;
// the WKB coefficients are bit-identical for any rank count; homogeneous_hubble is sqrt(rho / 3) of the
// hand-computed homogeneous energy, 0 when that is not positive; fluctuations_from_name knows its three
// names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include "inflanet/background/background.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/field/initial_conditions.hpp"
#include "inflanet/potential/potential.hpp"
#include "lattice_helpers.hpp"

using namespace inflanet;
using inflanet::testing::Lattice;
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

TEST(InitialConditions, TachyonicModesModesBeyondTheCutoffAndTheZeroModeAreZero) {
  // L = 2 pi: dk = 1 and omega^2 = |n|^2 + m2. m2 = -2.5 makes |n|^2 = 1, 2 tachyonic; kcut = sqrt(10.5)
  // drops |n|^2 >= 11. Every mode in between is drawn (a Gaussian draw is never exactly zero).
  constexpr std::ptrdiff_t n = 16;
  Lattice lat(n, 2.0 * std::numbers::pi);
  Field phi(lat.decomposition), phidot(lat.decomposition);
  draw_wkb_modes(phi, phidot, lat.ops, 1.0, -2.5, 7, std::sqrt(10.5));
  double wrongly_zero = 0.0, wrongly_drawn = 0.0, drawn = 0.0;
  for_each_mode(lat.decomposition, [&](const Mode& m) {
    const std::ptrdiff_t n2 = m.n2();
    const bool zero = phi.fourier_data()[m.offset] == 0.0 && phidot.fourier_data()[m.offset] == 0.0;
    const bool should_draw = n2 >= 3 && n2 <= 10;
    wrongly_zero += should_draw && zero ? 1.0 : 0.0;
    wrongly_drawn += !should_draw && !zero ? 1.0 : 0.0;
    drawn += should_draw ? 1.0 : 0.0;
  });
  EXPECT_EQ(lat.decomposition.sum(wrongly_zero), 0.0);
  EXPECT_EQ(lat.decomposition.sum(wrongly_drawn), 0.0);
  EXPECT_GT(lat.decomposition.sum(drawn), 50.0) << "the window 3 <= |n|^2 <= 10 must hold modes (78 stored)";

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
  draw_wkb_modes(phi_w, phidot_w, world.ops, a0, m2, 31, 0.0);
  draw_wkb_modes(phi_s, phidot_s, serial.ops, a0, m2, 31, 0.0);
  // Where each global mode sits in the single-rank slab, found through the loops (no layout arithmetic).
  std::vector<std::ptrdiff_t> serial_offset(static_cast<std::size_t>(n * n * n), -1);
  for_each_mode(serial.decomposition, [&](const Mode& m) {
    serial_offset[static_cast<std::size_t>((m.ix * n + m.iy) * n + m.iz)] = m.offset;
  });
  double mismatches = 0.0;
  for_each_mode(world.decomposition, [&](const Mode& m) {
    const std::ptrdiff_t s = serial_offset[static_cast<std::size_t>((m.ix * n + m.iy) * n + m.iz)];
    mismatches += phi_w.fourier_data()[m.offset] != phi_s.fourier_data()[s] ? 1.0 : 0.0;
    mismatches += phidot_w.fourier_data()[m.offset] != phidot_s.fourier_data()[s] ? 1.0 : 0.0;
  });
  EXPECT_EQ(world.decomposition.sum(mismatches), 0.0);
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
