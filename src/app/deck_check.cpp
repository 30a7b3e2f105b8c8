#include "inflanet/app/deck_check.hpp"

#include <fmt/format.h>

#include "inflanet/app/coupled_run.hpp"
#include "inflanet/app/exact_dual_run.hpp"
#include "inflanet/app/fields_parameters.hpp"
#include "inflanet/app/inflaton_run.hpp"
#include "inflanet/app/network_parameters.hpp"
#include "inflanet/app/run_parameters.hpp"

namespace inflanet {

RunKind run_kind(const config::Deck& deck) {
  const bool multi_field = deck.has_section("field") || deck.has_section("potential");
  if (multi_field) {
    // Several fields: [[field]] tables under one [potential]; the one-field [inflaton] deck is separate.
    const char* field_side = deck.has_section("field") ? "field" : "potential";
    for (const char* other : {"inflaton", "network", "duality"}) {
      if (deck.has_section(other)) {
        deck.fail_section(other,
                          fmt::format("no [{}] beside [[field]]/[potential]: a multi-field run evolves its "
                                      "[[field]]s under [potential] (write the inflaton as a [[field]], or "
                                      "drop [{}] for a one-field [inflaton] run)",
                                      other, field_side));
      }
    }
    if (!deck.has_section("field")) {
      deck.require_section("field", "[potential] is a function of the [[field]]s");
    }
    return RunKind::fields;
  }
  if (deck.has_section("network")) {
    return deck.has_section("inflaton") ? RunKind::coupled : RunKind::network_only;
  }
  if (deck.has_section("duality")) {
    deck.fail_section("duality", "a [network] section beside it (the dictionary ties the network to the "
                                 "inflaton)");
  }
  return RunKind::inflaton;
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
    // Inflaton and network in one loop, tied by the dictionary.
    const auto coupled = CoupledParameters::from_deck(deck);
    out.memory = coupled_memory(coupled.inflaton, coupled.network, ranks);
    const bool exact_dual = coupled.network.embedding == "fourier" && coupled.network.mlp.depth == 0;
    return finish([&] {
      return exact_dual ? exact_dual_check_report(coupled, ranks) : coupled_check_report(coupled, ranks);
    });
  }
  case RunKind::fields: {
    // Several fields, fixed or self-consistent background.
    const auto fields = FieldsParameters::from_deck(deck);
    out.memory = fields_memory(fields, ranks);
    return finish([&] { return fields_check_report(fields, ranks); });
  }
  case RunKind::inflaton:
    break;
  }
  const auto parameters = RunParameters::from_deck(deck);
  out.memory = lattice_memory(parameters, ranks);
  return finish([&] { return check_report(parameters, ranks); });
}

} // namespace inflanet
