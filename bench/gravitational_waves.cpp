// Cost of the gravitational-wave sector (gravitational_waves.hpp) against its FFT floor, measured in the
// same process and layout: two fields (phi, chi of lambda phi^4 / 4 + g2 phi^2 chi^2 / 2, both sources),
// leapfrog (one force evaluation per step). The fields alone need 2 transform pairs per step; the sector
// adds transforms_per_force(2) = 14 transforms (7 pairs: per source one r2c and three c2r gradients, then
// six r2c of Pi_ij). Prints the step with and without waves, the pair time, the sector's cost over its 7
// pairs (target <= 1.2) and bytes per site with and without it; and, for the choice of method, the k-space
// kick pass of the two polarisations (projection included) against the same pass for an unprojected u_ij
// (six components, no projection); and the sector's other passes, the stress (its transforms included) and
// the drift. Measured (gravitational_waves.hpp has the breakdown), 128^3, two fields: sector 209 ms = 1.68
// times its 7 pairs on 1 rank, 272 ms = 1.82 on 2 (from 300 ms = 2.57 and 422 ms = 2.32 before the per-mode
// basis, the fused kicks across a step and the copy-free gradients).
// Usage: mpirun -np P bench_gravitational_waves [N ...] (default 128 256); OMP_NUM_THREADS threads per rank.
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bench_timer.hpp"
#include "inflanet/background/background.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/decomposition/session.hpp"
#include "inflanet/field/field_lattice.hpp"
#include "inflanet/field/initial_conditions.hpp"
#include "inflanet/gravitational_waves/gravitational_waves.hpp"
#include "inflanet/gravitational_waves/lattice_with_gravitational_waves.hpp"
#include "inflanet/integrator/integrator.hpp"

using namespace inflanet;

int main(int argc, char** argv) {
  Session session(argc, argv);
  const std::vector<std::ptrdiff_t> sizes = bench::sizes_from_arguments(argc, argv, {128, 256});
  if (session.rank() == 0) {
    std::printf("# two-field step (leapfrog) with and without gravitational waves vs the FFT pair floor\n");
    std::printf("# %5s %5s %7s %9s %10s %10s %11s %11s %12s %10s %10s %9s %9s %10s %9s\n", "N", "ranks",
                "threads", "pair[ms]", "fields[ms]", "f/2pairs", "waves+f[ms]", "sector[ms]", "sector/7pair",
                "B/site", "B/site+gw", "kick2[ms]", "kick6[ms]", "stress[ms]", "drift[ms]");
  }
  for (std::ptrdiff_t n : sizes) {
    Decomposition decomposition(Box{n, 20.0});
    FftPlan plan(decomposition, PlanRigor::measure);
    SpectralOperators operators(decomposition, plan);
    const auto background = make_background("minkowski", 0.0, 1.0);
    PotentialSpec spec{"quartic_g2", {"phi", "chi"}, {{"lambda", 1.0}, {"g2", 100.0}}, "", {}, {}};
    FieldLattice fields(operators, {"phi", "chi"}, make_potential(spec),
                        Expansion::fixed_background(*background), 0.0);
    set_initial_conditions(fields, operators,
                           {FieldInitialConditions{1.0, 0.0, Fluctuations::wkb, 42},
                            FieldInitialConditions{0.0, 0.0, Fluctuations::wkb, 43}});
    GravitationalWaves waves(operators, {0, 1});
    LatticeWithGravitationalWaves system(fields, waves);
    const auto integrator = Integrator::from_name("leapfrog");
    const double dt = 0.1 * 2.0 / (std::sqrt(3.0) * decomposition.box().k_nyquist());
    Field floor_field(decomposition);
    floor_field.fill(0.25);
    const int repeats = n >= 256 ? 3 : 7;
    const int block = 4;
    const auto pair_block = [&] {
      for (int i = 0; i < block; ++i) {
        plan.to_fourier(floor_field);
        plan.to_real(floor_field, Scale::none);
      }
    };
    const auto [pairs, alone] = bench::paired_median_seconds(
        pair_block,
        [&] { integrator.advance(fields, dt, block, [&](std::int64_t) { (void)fields.energies(); }); },
        repeats);
    const auto [pairs2, with] = bench::paired_median_seconds(
        pair_block,
        [&] { integrator.advance(system, dt, block, [&](std::int64_t) { (void)fields.energies(); }); },
        repeats);
    const double pair = std::min(pairs, pairs2) / block;
    const double step_fields = alone / block, step_waves = with / block;
    const double sector = step_waves - step_fields;
    const int sector_pairs = GravitationalWaves::transforms_per_force(2) / 2;

    // The k-space kick: two polarisations projected on the fly, against six unprojected components.
    const double kick2 = bench::median_seconds([&] { waves.kick(1.0, dt, {1.0, 1.0}); }, repeats);
    // The other passes: the stress (its 14 transforms included) and the drift.
    const double stress = bench::median_seconds([&] { waves.compute_stress(fields); }, repeats);
    const double drift = bench::median_seconds([&] { waves.drift({1.0, 0.0}); }, repeats);
    std::vector<std::complex<double>> u(6 * static_cast<std::size_t>(decomposition.layout().fourier_size()),
                                        1.0),
        pu(u.size(), 0.5), su(u.size(), 0.1);
    const double kick6 = bench::median_seconds(
        [&] {
          const std::ptrdiff_t m = decomposition.layout().fourier_size();
          for (int c = 0; c < 6; ++c) {
            std::complex<double>*h = u.data() + c * m, *p = pu.data() + c * m;
            const std::complex<double>* s = su.data() + c * m;
            for_each_mode_row(decomposition, [=](const ModeRow& row) {
              const double k2xy = static_cast<double>(row.n2_xy());
              for (std::ptrdiff_t l = 0; l < row.length; ++l) {
                const std::ptrdiff_t o = row.offset + l;
                p[o] = p[o] - dt * ((k2xy + static_cast<double>(l * l)) * h[o] - s[o]);
              }
            });
          }
        },
        repeats);
    if (session.rank() == 0) {
      const double per_site =
          padded_slab_bytes(n, session.size()) * session.size() / decomposition.box().sites();
      const double fields_bytes = 3.0 * 2.0 * per_site; // phi, p, work per field
      const double gw_bytes = (GravitationalWaves::arrays + GravitationalWaves::basis_arrays) * per_site;
      std::printf(
          "  %5td %5d %7d %9.2f %10.2f %10.3f %11.2f %11.2f %12.3f %10.1f %10.1f %9.2f %9.2f %10.2f %9.2f\n",
          n, session.size(), session.threads(), 1e3 * pair, 1e3 * step_fields, step_fields / (2 * pair),
          1e3 * step_waves, 1e3 * sector, sector / (sector_pairs * pair), fields_bytes,
          fields_bytes + gw_bytes, 1e3 * kick2, 1e3 * kick6, 1e3 * stress, 1e3 * drift);
    }
  }
  return 0;
}
