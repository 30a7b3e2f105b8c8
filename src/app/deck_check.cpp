#include "inflanet/app/deck_check.hpp"

#include <fmt/format.h>

#include "inflanet/app/coupled_run.hpp"
#include "inflanet/app/exact_dual_run.hpp"
#include "inflanet/app/lattice_parameters.hpp"
#include "inflanet/app/network_parameters.hpp"

namespace inflanet {

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
    return finish([&] { return network_check_report(network, ranks); });
  }
  case RunKind::coupled: {
    // The lattice and the network in one loop, tied by the dictionary.
    const auto coupled = CoupledParameters::from_deck(deck);
    out.memory = coupled_memory(coupled.inflaton, coupled.network, ranks);
    return finish([&] {
      return coupled.network.exact_dual() ? exact_dual_check_report(coupled, ranks)
                                          : coupled_check_report(coupled, ranks);
    });
  }
  case RunKind::lattice:
    break;
  }
  const auto parameters = LatticeParameters::from_deck(deck);
  out.memory = lattice_memory(parameters, ranks);
  return finish([&] { return lattice_check_report(parameters, ranks); });
}

} // namespace inflanet
