// Cost of one FieldLattice step (two fields, chaotic_g2) against its FFT floor, measured in the same
// process and layout. Every force evaluation transforms each field once (one r2c + c2r pair per field), so
// the floor of a step is  pair x (force evaluations per step) x (fields);  step / floor -> 1 is the ideal
// (the same target as the single-field step, <= 1.25). The force evaluations are counted by the lattice
// itself over the timed steps, not assumed: leapfrog 1, yoshida4 3 (with the merged step boundaries).
//
// Run as the driver (LatticeRun::evolve) runs it between outputs: Integrator::advance over blocks of steps,
// the energies taken every step through on_step. Expansions: a fixed de Sitter background and the
// self-consistent Friedmann one. Preheating after chaotic inflation, in program units (M_p = 1):
// V = m^2 phi^2 / 2 + g2 phi^2 chi^2 / 2 with m = 1e-5, g2 = 4e-5 (resonance parameter q = g2 phi^2 / 4m^2
// = 9000), phi = 0.3, chi = 0, WKB vacuum fluctuations of both (preheating starts after inflation; the
// Bunch-Davies modes of the heavy chi would be integrated mode by mode, minutes at these k / H), box L = 10 /
// m, de Sitter H = m / 8 (about Friedmann's initial sqrt(rho / 3)). With a realistic m the vacuum's UV energy
// (~ k_max^4) stays far below V; with m ~ 1 it would dominate and the run would go nonlinear within steps.
//
// Floors: the hot pair repeats on one field, the cold pair cycles through three (as in bench_step_cost);
// both are interleaved with the steps (hot, cold, steps, hot, ...) and each one's minimum is taken. "rest" is
// step - floor(hot): the real-space passes (drift, potential + kicks) and the k-space multiplies. The
// one-field lattice (leapfrog, quadratic, de Sitter; bench_step_cost's row) is timed in the same way
// for reference.
// Usage: mpirun -np P bench_multi_field_step [N ...] (default 128); OMP_NUM_THREADS sets threads per rank.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench_timer.hpp"
#include "inflanet/background/background.hpp"
#include "inflanet/decomposition/session.hpp"
#include "inflanet/field/field_lattice.hpp"
#include "inflanet/field/initial_conditions.hpp"
#include "inflanet/integrator/integrator.hpp"

using namespace inflanet;

namespace {

/// Minima over `repeats` rounds of three interleaved competitors (a, b, c, a, b, c, ...), after `warmup`
/// untimed rounds: on a shared machine interference only adds time, so each one's fastest is its own cost.
template <class A, class B, class C>
std::array<double, 3> interleaved_minima(A&& a, B&& b, C&& c, int repeats, int warmup = 1) {
  for (int i = 0; i < warmup; ++i) {
    a();
    b();
    c();
  }
  std::array<double, 3> best{1e300, 1e300, 1e300};
  for (int i = 0; i < repeats; ++i) {
    best[0] = std::min(best[0], bench::seconds(a));
    best[1] = std::min(best[1], bench::seconds(b));
    best[2] = std::min(best[2], bench::seconds(c));
  }
  return best;
}

struct Row {
  std::string system, integrator, expansion;
  double evaluations = 0.0; ///< force evaluations per step (counted)
  std::size_t fields = 1;
  double hot = 0.0, cold = 0.0, step = 0.0; ///< seconds: one pair, one pair, one step
};

void print_row(const Session& session, std::ptrdiff_t n, double sites, const Row& r) {
  if (session.rank() != 0) {
    return;
  }
  const double floor_hot = r.hot * r.evaluations * static_cast<double>(r.fields);
  const double floor_cold = r.cold * r.evaluations * static_cast<double>(r.fields);
  std::printf("  %4td %5d %7d %-9s %-9s %-9s %5.2f %8.2f %8.2f %9.2f %9.2f %7.3f %7.3f %9.2f %8.2f\n", n,
              session.size(), session.threads(), r.system.c_str(), r.integrator.c_str(), r.expansion.c_str(),
              r.evaluations, 1e3 * r.hot, 1e3 * r.cold, 1e3 * r.step, 1e3 * floor_hot, r.step / floor_hot,
              r.step / floor_cold, 1e3 * (r.step - floor_hot), 1e9 * r.step / sites);
  std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
  Session session(argc, argv);
  std::vector<std::ptrdiff_t> sizes;
  for (int i = 1; i < argc; ++i) {
    sizes.push_back(std::atol(argv[i]));
  }
  if (sizes.empty()) {
    sizes = {128};
  }
  if (session.rank() == 0) {
    std::printf("# FieldLattice step (chaotic_g2, 2 fields) vs FFT floor = pair x evals/step x fields\n");
    std::printf(
        "# hot pair: one field repeated; cold: cycling through three fields; rest = step - floor(hot)\n");
    std::printf("# %4s %5s %7s %-9s %-9s %-9s %5s %8s %8s %9s %9s %7s %7s %9s %8s\n", "N", "ranks", "threads",
                "system", "integr.", "expansion", "evals", "hot[ms]", "cold[ms]", "step[ms]", "floor[ms]",
                "s/f_hot", "s/f_cold", "rest[ms]", "ns/site");
  }
  for (const std::ptrdiff_t n : sizes) {
    constexpr double m = 1e-5, g2 = 4e-5, phi0 = 0.3, length = 10.0 / m;
    Decomposition decomposition(Box{n, length});
    FftPlan plan(decomposition, PlanRigor::measure);
    SpectralOperators operators(decomposition, plan);
    const double sites = decomposition.box().sites();
    // The largest frequency on the lattice: sqrt(3) k_Nyquist (spectral Laplacian) with chi's mass on top.
    const double omega_max =
        std::sqrt(3.0 * std::pow(decomposition.box().k_nyquist(), 2) + g2 * phi0 * phi0 + m * m);

    std::vector<Field> floor_fields;
    for (int i = 0; i < 3; ++i) {
      floor_fields.emplace_back(decomposition);
      floor_fields.back().fill(0.25);
    }
    // Few repetitions at 256^3 (a yoshida4 step of two fields is six pairs, about 1 s on this VM).
    const int repeats = n >= 256 ? 3 : 7;
    const int pairs = n >= 256 ? 2 : 4;
    const auto hot = [&] {
      for (int i = 0; i < pairs; ++i) {
        plan.to_fourier(floor_fields[0]);
        plan.to_real(floor_fields[0], Scale::none);
      }
    };
    const auto cold = [&] {
      for (int i = 0; i < pairs; ++i) {
        Field& f = floor_fields[static_cast<std::size_t>(i % 3)];
        plan.to_fourier(f);
        plan.to_real(f, Scale::none);
      }
    };

    // Reference: the one-field lattice as bench_step_cost runs it.
    {
      const Integrator integrator = Integrator::from_name("leapfrog");
      const DeSitter background(1.0, 1.0);
      FieldLattice inflaton(operators, {"phi"}, Quadratic{0.5}, Expansion::fixed_background(background), 0.0);
      set_initial_conditions(inflaton, operators,
                             {FieldInitialConditions{1.0, 0.0, Fluctuations::bunch_davies, 42}});
      const double dt = 0.2 * 2.0 / (std::sqrt(3.0) * decomposition.box().k_nyquist());
      const int block = n >= 256 ? 4 : 8;
      const auto t = interleaved_minima(
          hot, cold,
          [&] { integrator.advance(inflaton, dt, block, [&](std::int64_t) { (void)inflaton.energies(); }); },
          repeats);
      print_row(session, n, sites,
                {"inflaton", "leapfrog", "desitter", 1.0, 1, t[0] / pairs, t[1] / pairs, t[2] / block});
    }

    for (const char* name : {"leapfrog", "yoshida4"}) {
      const Integrator integrator = Integrator::from_name(name);
      const double dt = 0.2 * integrator.stability_limit() / omega_max;
      const int block = n >= 256 ? 2 : (integrator.drifts_per_step() > 1 ? 4 : 8);
      for (const bool friedmann : {false, true}) {
        const DeSitter background(m / 8.0, 1.0);
        const Expansion expansion =
            friedmann ? Expansion::friedmann(1.0) : Expansion::fixed_background(background);
        FieldLattice lattice(operators, {"phi", "chi"}, ChaoticG2(m, g2), expansion, 0.0);
        set_initial_conditions(lattice, operators,
                               {FieldInitialConditions{phi0, 0.0, Fluctuations::wkb, 42},
                                FieldInitialConditions{0.0, 0.0, Fluctuations::wkb, 43}});
        double rho = 0.0;
        long evaluations_per_block =
            0; // counted on the last block (the first one's start evaluates once more)
        const auto steps = [&] {
          const long before = lattice.force_evaluations();
          integrator.advance(lattice, dt, block, [&](std::int64_t) { rho += lattice.energies().rho(); });
          evaluations_per_block = lattice.force_evaluations() - before;
        };
        const auto t = interleaved_minima(hot, cold, steps, repeats);
        const double evaluations = static_cast<double>(evaluations_per_block) / block;
        if (!std::isfinite(rho)) {
          std::fprintf(stderr, "bench_multi_field_step: the fields became non-finite\n");
          return 1;
        }
        print_row(session, n, sites,
                  {"2 fields", name, friedmann ? "friedmann" : "desitter", evaluations, 2, t[0] / pairs,
                   t[1] / pairs, t[2] / block});
      }
    }
  }
  return 0;
}
