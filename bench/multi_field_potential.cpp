// Cost per site of V plus the whole gradient for the multi-field potentials, against a floor measured in the
// same process: the single-field Quadratic's V + dV over the same number of sites. The built-ins are meant to
// inline into per-site loops (the variant is dispatched once, outside the loop), so their ratio should be a
// small constant (two fields' loads and stores instead of one); the expression potential is shown for scale.
// Usage: bench_multi_field_potential [sites]   (default 2^20). Serial; Session only for MPI_Wtime.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bench_timer.hpp"
#include "inflanet/decomposition/session.hpp"
#include "inflanet/potential/potential.hpp"

using namespace inflanet;

int main(int argc, char** argv) {
  Session session(argc, argv);
  const std::size_t sites = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : (1u << 20);
  std::vector<double> phi(sites), chi(sites), dphi(sites), dchi(sites);
  for (std::size_t i = 0; i < sites; ++i) {
    phi[i] = 1.0 + 1e-6 * static_cast<double>(i % 1000);
    chi[i] = 0.01 * static_cast<double>(i % 37) - 0.2;
  }
  double sink = 0.0;

  // The one-field built-in's scalar members, as the lattice's one-field pass calls them.
  const Quadratic single{0.5};
  auto floor = [&] {
    double v = 0.0;
    for (std::size_t i = 0; i < sites; ++i) {
      v += single.V(phi[i]);
      dphi[i] = single.dV(phi[i]);
    }
    sink += v + dphi[sites / 2];
  };
  auto run = [&](const Potential& pot, std::size_t n) {
    return [&pot, n, &phi, &chi, &dphi, &dchi, &sink] {
      double v = 0.0;
      std::visit(
          [&](const auto& p) {
            for (std::size_t i = 0; i < n; ++i) {
              const double f[2] = {phi[i], chi[i]};
              double g[2];
              v += p.V(f);
              p.gradient(f, g);
              dphi[i] = g[0];
              dchi[i] = g[1];
            }
          },
          pot);
      sink += v + dphi[n / 2] + dchi[n / 2];
    };
  };

  PotentialSpec expr;
  expr.kind = "expression";
  expr.fields = {"phi", "chi"};
  expr.parameters = {{"m", 0.5}, {"g2", 2.0}};
  expr.V = "0.5*m^2*phi^2 + 0.5*g2*phi^2*chi^2";
  expr.dV = {{"phi", "(m^2 + g2*chi^2)*phi"}, {"chi", "g2*phi^2*chi"}};
  const Potential pots[] = {ChaoticG2{0.5, 2.0}, QuarticG2{0.1, 2.0}, Hybrid{1.0, 0.5, 2.0, 0.1},
                            make_potential(expr)};
  for (const auto& pot : pots) {
    // The expression costs ~100x more: time it on fewer sites and scale, so the run stays short.
    const bool slow = std::holds_alternative<ExpressionPotential>(pot);
    const std::size_t n = slow ? sites / 16 : sites;
    const auto [t_pot, t_floor] = bench::paired_median_seconds(run(pot, n), floor, 7, 1);
    const double ns_pot = 1e9 * t_pot / static_cast<double>(n),
                 ns_floor = 1e9 * t_floor / static_cast<double>(sites);
    if (session.rank() == 0) {
      std::printf("%-12s V + gradient: %7.2f ns/site; floor (single-field quadratic V + dV) %5.2f ns/site; "
                  "ratio %6.1f\n",
                  potential_name(pot).c_str(), ns_pot, ns_floor, ns_pot / ns_floor);
    }
  }
  if (session.rank() == 0) {
    std::printf("(%zu sites; checksum %.6g)\n", sites, sink);
  }
  return 0;
}
