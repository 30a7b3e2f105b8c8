// inflanet: the driver. Each stage is one call; the physics lives in the library.
#include <cstdio>
#include <exception>

#include <fmt/format.h>

#include "inflanet/app/command_line.hpp"
#include "inflanet/app/coupled_run.hpp"
#include "inflanet/app/error.hpp"
#include "inflanet/app/inflaton_run.hpp"
#include "inflanet/app/memory_budget.hpp"
#include "inflanet/app/network_parameters.hpp"
#include "inflanet/app/network_run.hpp"
#include "inflanet/app/run_parameters.hpp"
#include "inflanet/config/deck.hpp"
#include "inflanet/config/schema.hpp"
#include "inflanet/decomposition/session.hpp"

using namespace inflanet;

int main(int argc, char** argv) {
  Session session(argc, argv); // MPI, FFTW threads, FFTW-MPI
  const bool root = session.rank() == 0;
  try {
    // 1. What to do.
    const auto command_line = CommandLine::parse(argc, argv);
    if (command_line.command == CommandLine::Command::help) {
      if (root) {
        fmt::print("{}", CommandLine::help());
      }
      return 0;
    }
    if (command_line.command == CommandLine::Command::version) {
      if (root) {
        fmt::print("{}\n", CommandLine::version_line());
      }
      return 0;
    }
    // 2. The deck, resolved and validated; 3. the typed parameters.
    const auto deck =
        config::Deck::load(command_line.deck, command_line.overrides, config::inflanet_schema());
    // 3b. Memory before allocation: every branch sets its budget against the node's available memory;
    // check prints both, and check and run alike refuse (status 2) a run whose rank would not fit.
    const bool check = command_line.command == CommandLine::Command::check;
    const auto node = Session::node_memory();
    // The check report is made only for a run that fits: making it may build what does not (the network).
    const auto report_and_require = [&](const auto& make_report, const MemoryBudget& memory) {
      if (check) {
        const bool fits = !node.known() || memory.total() <= node.per_rank();
        const std::string report =
            fits ? make_report()
                 : fmt::format(
                       "# inflanet check: {}: the run does not fit in memory; nothing else was built\n",
                       deck.file());
        if (root) {
          fmt::print("{}{}", report, memory_report(memory, node, session.size()));
        }
      }
      require_memory(memory, node, session.size(), deck.file());
    };
    if (deck.has_section("network") && !deck.has_section("inflaton")) {
      // The network-only run: the deck trains the network alone (its time step is sqrt(eta)).
      const auto network = NetworkParameters::from_deck(deck);
      report_and_require([&] { return network_check_report(network, session.size()); },
                         network_only_memory(network, session.size()));
      if (check) {
        return 0;
      }
      run_network(network, session);
      return 0;
    }
    if (deck.has_section("network")) {
      // The coupled run: inflaton and network in one loop, tied by the dictionary.
      const auto coupled = CoupledParameters::from_deck(deck);
      report_and_require([&] { return coupled_check_report(coupled, session.size()); },
                         coupled_memory(coupled.inflaton, coupled.network, session.size()));
      if (check) {
        return 0;
      }
      CoupledRun run(coupled, session);
      run.start();
      run.evolve();
      run.summarise();
      return 0;
    }
    if (deck.has_section("duality")) {
      deck.fail_section("duality", "a [network] section beside it (the dictionary ties the network to the "
                                   "inflaton)");
    }
    const auto parameters = RunParameters::from_deck(deck);
    report_and_require([&] { return check_report(parameters, session.size()); },
                       lattice_memory(parameters, session.size()));
    if (check) {
      return 0;
    }
    // 4. The run: lattice and model; initial conditions or restart; time loop; summary.
    InflatonRun run(parameters, session);
    run.start();
    run.evolve();
    run.summarise();
    return 0;
  } catch (const RuntimeError& error) {
    if (error.collective() || session.size() == 1) {
      if (root) {
        std::fflush(stdout);
        fmt::print(stderr, "inflanet: error: {}\n", error.what());
      }
      return static_cast<int>(error.status());
    }
    fmt::print(stderr, "inflanet: error: rank {}: {}\n", session.rank(), error.what());
    std::fflush(stderr);
    Session::abort(static_cast<int>(ExitStatus::runtime_failure));
  } catch (const Error& error) {
    // Input errors are seen by every rank alike (each reads the same deck): rank 0 reports.
    if (root) {
      std::fflush(stdout);
      fmt::print(stderr, "inflanet: error: {}\n", error.what());
    }
    return static_cast<int>(error.status());
  } catch (const std::exception& error) {
    // Anything else may have hit one rank only: report with the rank and bring every rank down.
    fmt::print(stderr, "inflanet: error: rank {}: {}\n", session.rank(), error.what());
    std::fflush(stderr);
    Session::abort(static_cast<int>(ExitStatus::runtime_failure));
  }
}
