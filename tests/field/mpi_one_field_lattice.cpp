// The one lattice system with one field under a one-field built-in reproduces, bit for bit, the former
// single-field system (tests/support/former_inflaton.hpp, the code it replaced, kept as the oracle): the
// fields, the momenta and every energy after each step are equal (EXPECT_EQ, no tolerance), for each of the
// five built-ins, leapfrog and yoshida4, de Sitter in cosmic time and in conformal time (alpha = 1, the
// friction folded into the drift) and Minkowski, at every rank count CTest runs. One thread per rank (CTest
// sets OMP_NUM_THREADS=1): OpenMP reductions add their threads' partial sums in arrival order.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <variant>

#include "former_inflaton.hpp"
#include "inflanet/background/background.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/field/field_lattice.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "lattice_helpers.hpp"

using namespace inflanet;
using inflanet::testing::fill_sites;
using inflanet::testing::Lattice;

namespace {

/// Sites where two fields on the same decomposition differ in any bit (collective).
long differing_sites(const Field& a, const Field& b) {
  long count = 0;
  for_each_site(a.decomposition(),
                [&](const Site& s) { count += a.real_data()[s.offset] != b.real_data()[s.offset] ? 1 : 0; });
  return static_cast<long>(a.decomposition().sum(static_cast<double>(count)));
}

struct Case {
  const char* background;
  double alpha;
};

void expect_bitwise_equal(const FormerPotential& former, const Potential& potential,
                          const std::string& integrator, const Case& c) {
  constexpr std::ptrdiff_t n = 16;
  constexpr double length = 10.0, dt = 0.01, phi0 = 0.6;
  constexpr long steps = 12;
  const std::string label = potential_describe(potential) + " " + integrator + " " + c.background +
                            " alpha=" + std::to_string(c.alpha);
  Lattice lattice(n, length);
  const auto background = make_background(c.background, 1.0, 1.0);
  FormerInflaton reference(lattice.ops, *background, former, 0.0, c.alpha);
  FieldLattice one(lattice.ops, {"phi"}, potential, Expansion::fixed_background(*background), 0.0, c.alpha);
  // A field with every Fourier mode populated, and a velocity (a0 = 1: dphi/dt = p at t = 0).
  const auto phi = [&](auto x, auto y, auto z) {
    return phi0 + 0.05 * std::sin(0.7 * x + 1.3 * y) * std::cos(0.4 * z + 0.1 * x * y);
  };
  const auto pi = [&](auto x, auto y, auto z) { return 0.02 * std::cos(0.9 * x - 0.5 * z + 0.3 * y * z); };
  fill_sites(reference.phi(), phi);
  fill_sites(reference.phidot(), pi);
  reference.fields_changed(0.0);
  fill_sites(one.phi(0), phi);
  fill_sites(one.momentum(0), pi);
  one.start(0.0);

  const Integrator stepper = Integrator::from_name(integrator);
  for (int chunk = 0; chunk < 2; ++chunk) { // two chunks: a merged boundary inside each, a flush between
    FormerEnergies er;
    LatticeEnergies eo;
    stepper.advance(reference, dt, steps, [&](std::int64_t) { er = reference.energies(); });
    stepper.advance(one, dt, steps, [&](std::int64_t) { eo = one.energies(); });
    EXPECT_EQ(er.kinetic, eo.kinetic[0]) << label;
    EXPECT_EQ(er.gradient, eo.gradient[0]) << label;
    EXPECT_EQ(er.potential, eo.potential) << label;
    EXPECT_EQ(er.rho(), eo.rho()) << label;
    EXPECT_EQ(er.dissipation(), eo.dissipation()) << label;
    EXPECT_EQ(er.time, eo.time) << label;
    EXPECT_EQ(er.eta, eo.eta) << label;
    EXPECT_EQ(er.a, eo.a) << label;
    EXPECT_EQ(differing_sites(reference.phi(), one.phi(0)), 0) << label;
    EXPECT_EQ(differing_sites(reference.phidot(), one.momentum(0)), 0) << label;
  }
  EXPECT_EQ(reference.force_evaluations(), one.force_evaluations()) << label;
}

template <class Model>
void for_every_case(const Model& model) {
  for (const char* integrator : {"leapfrog", "yoshida4"}) {
    for (const Case c : {Case{"desitter", 0.0}, Case{"desitter", 1.0}, Case{"minkowski", 0.0}}) {
      expect_bitwise_equal(FormerPotential{model}, Potential{model}, integrator, c);
    }
  }
}

} // namespace

TEST(OneFieldLattice, QuadraticIsBitwiseTheFormerSingleFieldPath) {
  for_every_case(Quadratic{0.7});
}
TEST(OneFieldLattice, QuarticIsBitwiseTheFormerSingleFieldPath) {
  for_every_case(Quartic{2.0});
}
TEST(OneFieldLattice, QuadraticQuarticIsBitwiseTheFormerSingleFieldPath) {
  for_every_case(QuadraticQuartic{1.0, 0.5});
}
TEST(OneFieldLattice, AxionIsBitwiseTheFormerSingleFieldPath) {
  for_every_case(Axion{1.5, 0.8});
}
TEST(OneFieldLattice, StarobinskyIsBitwiseTheFormerSingleFieldPath) {
  for_every_case(Starobinsky{0.9, 1.0});
}
