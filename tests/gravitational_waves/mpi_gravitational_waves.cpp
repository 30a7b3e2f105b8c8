// Gravitational waves on several ranks (gravitational_waves.hpp, lattice_with_gravitational_waves.hpp): the
// fields unchanged bitwise by the waves (passive); Parseval of the energy spectrum (a consistency check);
// the waves of a fluctuating field on the world against one rank, to 1e-10. The analytic tests are in
// test_gravitational_waves.cpp. Measured numbers are printed by rank 0 as "[measured] ...".
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "inflanet/background/background.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/field/field_lattice.hpp"
#include "inflanet/field/initial_conditions.hpp"
#include "inflanet/gravitational_waves/gravitational_waves.hpp"
#include "inflanet/gravitational_waves/lattice_with_gravitational_waves.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "lattice_helpers.hpp"

using namespace inflanet;
using inflanet::testing::Lattice;
using inflanet::testing::report;

// ---------------------------------------------------------------------------------------------------------

namespace {
/// A fluctuating quadratic field in de Sitter with the waves on (cosmic time), advanced `steps` steps.
struct FluctuatingRun {
  Lattice lattice;
  std::unique_ptr<Background> background = make_background("desitter", 1.0, 1.0);
  FieldLattice fields;
  GravitationalWaves waves;
  FluctuatingRun(MPI_Comm comm, long steps, bool with_waves, const char* integrator = "leapfrog")
      : lattice(8, 4.0, comm),
        fields(lattice.ops, {"phi"}, Quadratic{0.5}, Expansion::fixed_background(*background), 0.0),
        waves(lattice.ops, {0}) {
    FieldInitialConditions ic;
    ic.mean = 0.1;
    ic.seed = 7;
    set_initial_conditions(fields, lattice.ops, {ic});
    // Amplify the vacuum so the stress is well above rounding.
    fields.phi(0).scale(1e3);
    fields.momentum(0).scale(1e3);
    LatticeWithGravitationalWaves system(fields, waves);
    if (with_waves) {
      Integrator::from_name(integrator).advance(system, 0.05, steps, [](std::int64_t) {});
    } else {
      Integrator::from_name(integrator).advance(fields, 0.05, steps, [](std::int64_t) {});
    }
  }
};
} // namespace

TEST(GravitationalWaves, ArePassiveTheFieldsEvolveBitwiseAsWithoutThem) {
  FluctuatingRun with(MPI_COMM_WORLD, 12, true, "yoshida4");
  FluctuatingRun without(MPI_COMM_WORLD, 12, false, "yoshida4");
  double worst = 0.0;
  for_each_site(with.lattice.decomposition, [&](const Site& s) {
    worst = std::max(
        {worst,
         std::abs(with.fields.phi(0).real_data()[s.offset] - without.fields.phi(0).real_data()[s.offset]),
         std::abs(with.fields.momentum(0).real_data()[s.offset] -
                  without.fields.momentum(0).real_data()[s.offset])});
  });
  EXPECT_EQ(with.lattice.decomposition.max(worst), 0.0);
  EXPECT_GT(with.waves.energy_density(with.fields.velocity_factor()), 0.0);
}

TEST(GravitationalWaves, EnergySpectrumSumsToTheEnergyDensityParseval) {
  // A consistency check (the same per-mode numbers summed by shells and directly), not a physics test.
  FluctuatingRun run(MPI_COMM_WORLD, 10, true);
  PowerSpectrum spectrum(run.lattice.ops);
  const double v = run.fields.velocity_factor();
  const auto shells = run.waves.energy_spectrum(spectrum, v);
  double sum = 0.0;
  for (std::size_t b = 1; b < shells.size(); ++b) {
    sum += shells[b] * run.lattice.decomposition.box().dk() / spectrum.k()[b];
  }
  const double rho = run.waves.energy_density(v);
  report("Parseval: sum_b (dk/k_b) drho/dlnk = %.12e, rho_GW = %.12e, relative %.1e", sum, rho,
         std::abs(sum - rho) / rho);
  EXPECT_GT(rho, 0.0);
  EXPECT_NEAR(sum, rho, 1e-12 * rho);
}

TEST(GravitationalWaves, RankCountsAgreeTo1e10) {
  FluctuatingRun world(MPI_COMM_WORLD, 10, true);
  PowerSpectrum spectrum(world.lattice.ops);
  const auto shells = world.waves.energy_spectrum(spectrum, world.fields.velocity_factor());
  const double rho = world.waves.energy_density(world.fields.velocity_factor());
  if (inflanet::testing::world_root()) {
    FluctuatingRun single(MPI_COMM_SELF, 10, true);
    PowerSpectrum single_spectrum(single.lattice.ops);
    const auto single_shells = single.waves.energy_spectrum(single_spectrum, single.fields.velocity_factor());
    const double single_rho = single.waves.energy_density(single.fields.velocity_factor());
    EXPECT_NEAR(rho, single_rho, 1e-10 * single_rho);
    double worst = 0.0;
    for (std::size_t b = 0; b < shells.size(); ++b) {
      worst = std::max(worst, std::abs(shells[b] - single_shells[b]) / single_rho);
    }
    std::printf("[measured] world vs one rank: rho_GW relative %.1e, spectrum worst %.1e of rho\n",
                std::abs(rho - single_rho) / single_rho, worst);
    EXPECT_LT(worst, 1e-10);
  }
}
