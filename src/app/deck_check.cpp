#include "inflanet/app/deck_check.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "inflanet/app/coupled_run.hpp"
#include "inflanet/app/exact_dual_run.hpp"
#include "inflanet/app/lattice_parameters.hpp"
#include "inflanet/app/network_parameters.hpp"
#include "inflanet/app/run_time_estimate.hpp"
#include "inflanet/integrator/integrator.hpp"

namespace inflanet {

namespace {

double cube(std::int64_t n) {
  const auto x = static_cast<double>(n);
  return x * x * x;
}

RunTimeEstimate lattice_estimate(const LatticeParameters& p, int ranks) {
  RunTimeEstimate e;
  e.lattice = lattice_seconds(cube(p.box.n), static_cast<double>(p.steps),
                              Integrator::from_name(p.integrator).drifts_per_step(), p.names.size(), ranks);
  return e;
}

/// The network's share: Theta(0)'s rows once and at every drift measurement (every ntk_every steps and the
/// last), its eigendecomposition when "full", its training steps (without sub-cycling, known only once the
/// NTK is built).
void add_network_estimate(RunTimeEstimate& e, const NetworkParameters& n, MlpParams mlp, double points,
                          int force_evaluations, int ranks) {
  const double steps = static_cast<double>(n.steps);
  const double builds = 2.0 + std::floor(steps / static_cast<double>(std::max<std::int64_t>(n.ntk_every, 1)));
  e.ntk_rows = builds * ntk_rows_seconds(points, mlp, ranks);
  e.eigendecomposition = n.full_spectrum ? eigendecomposition_seconds(points) : 0.0;
  e.network = network_seconds(points, mlp, steps, force_evaluations, ranks);
}

} // namespace

RunKind run_kind(const config::Deck& deck) {
  const bool field_tables = deck.has_section("field") || deck.has_section("potential");
  if (field_tables) {
    // [[field]] tables under one [potential]; the one-field [inflaton] section is the other way to write a
    // lattice, not a companion of it.
    const char* field_side = deck.has_section("field") ? "field" : "potential";
    if (deck.has_section("inflaton")) {
      deck.fail_section(
          "inflaton", fmt::format("no [inflaton] beside [[field]]/[potential]: a multi-field run evolves its "
                                  "[[field]]s under [potential] (write the inflaton as a [[field]], or "
                                  "drop [{}] for a one-field [inflaton] run)",
                                  field_side));
    }
    if (!deck.has_section("field")) {
      deck.require_section("field", "[potential] is a function of the [[field]]s");
    }
  }
  const bool lattice = field_tables || deck.has_section("inflaton");
  if (deck.has_section("network")) {
    return lattice ? RunKind::coupled : RunKind::network_only;
  }
  if (deck.has_section("duality")) {
    deck.fail_section("duality", "a [network] section beside it (the dictionary ties the network to the "
                                 "lattice)");
  }
  return RunKind::lattice;
}

DeckCheck check_deck(const config::Deck& deck, int ranks, const NodeMemory& node) {
  DeckCheck out;
  const auto finish = [&](const auto& make_report) {
    const bool fits = !node.known() || out.memory.total() <= node.per_rank();
    out.report =
        fits ? make_report()
             : fmt::format("# inflanet check: {}: the run does not fit in memory; nothing else was built\n",
                           deck.file());
    out.report += memory_report(out.memory, node, ranks);
    return out;
  };
  switch (run_kind(deck)) {
  case RunKind::network_only: {
    // The network alone: its time step is sqrt(eta).
    const auto network = NetworkParameters::from_deck(deck);
    out.memory = network_only_memory(network, ranks);
    return finish([&] {
      RunTimeEstimate e;
      if (network.dataset == "lattice") { // the other data sets' sizes are known once loaded
        MlpParams mlp = network.mlp;
        mlp.input_dim = 6; // the lattice data set's plane-wave embedding
        add_network_estimate(e, network, mlp, cube(network.sublattice),
                             Integrator::from_name(network.integrator).drifts_per_step(), ranks);
      }
      return network_check_report(network, ranks) + (e.total() > 0.0 ? e.report() : std::string());
    });
  }
  case RunKind::coupled: {
    // The lattice and the network in one loop, tied by the dictionary.
    const auto coupled = CoupledParameters::from_deck(deck);
    out.memory = coupled_memory(coupled.inflaton, coupled.network, ranks);
    return finish([&] {
      RunTimeEstimate e = lattice_estimate(coupled.inflaton, ranks);
      const double points = cube(coupled.network.sublattice);
      MlpParams mlp = coupled.network.mlp;
      // Plane-wave inputs (6 per site), or one Fourier feature per site.
      mlp.input_dim = coupled.network.embedding == "fourier" ? static_cast<int>(points) : 6;
      if (!coupled.network.exact_dual()) { // the exact dual builds no NTK; its linear readout costs little
        add_network_estimate(e, coupled.network, mlp, points,
                             Integrator::from_name(coupled.inflaton.integrator).drifts_per_step(), ranks);
      }
      return (coupled.network.exact_dual() ? exact_dual_check_report(coupled, ranks)
                                           : coupled_check_report(coupled, ranks)) +
             e.report();
    });
  }
  case RunKind::lattice:
    break;
  }
  const auto parameters = LatticeParameters::from_deck(deck);
  out.memory = lattice_memory(parameters, ranks);
  return finish(
      [&] { return lattice_check_report(parameters, ranks) + lattice_estimate(parameters, ranks).report(); });
}

} // namespace inflanet
