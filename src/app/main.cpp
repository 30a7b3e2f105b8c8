// inflanet: the driver. Each stage is one call; the physics lives in the library.
#include <cstdio>
#include <exception>

#include <fmt/format.h>

#include "inflanet/app/command_line.hpp"
#include "inflanet/app/coupled_run.hpp"
#include "inflanet/app/deck_check.hpp"
#include "inflanet/app/exact_dual_run.hpp"
#include "inflanet/app/lattice_run.hpp"
#include "inflanet/app/memory_budget.hpp"
#include "inflanet/app/network_parameters.hpp"
#include "inflanet/app/network_run.hpp"
#include "inflanet/base/error.hpp"
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
    // 2. The deck, resolved and validated.
    const auto deck =
        config::Deck::load(command_line.deck, command_line.overrides, config::inflanet_schema());
    // 3. Memory before allocation: the run's budget against the node's available memory. check prints the
    // parameters, derived quantities and budget; check and run alike refuse (status 2) a run whose rank
    // would not fit, run before it allocates anything.
    const auto node = Session::node_memory();
    if (command_line.command == CommandLine::Command::check) {
      const auto checked = check_deck(deck, session.size(), node);
      if (root) {
        fmt::print("{}", checked.report);
      }
      require_memory(checked.memory, node, session.size(), deck.file());
      return 0;
    }
    // 4. The run: lattice, model and network; initial conditions or restart; time loop; summary.
    switch (run_kind(deck)) {
    case RunKind::network_only: {
      // The network alone: its time step is sqrt(eta).
      const auto network = NetworkParameters::from_deck(deck);
      require_memory(network_only_memory(network, session.size()), node, session.size(), deck.file());
      run_network(network, session);
      return 0;
    }
    case RunKind::coupled: {
      // The lattice and the network in one loop, tied by the dictionary.
      const auto coupled = CoupledParameters::from_deck(deck);
      require_memory(coupled_memory(coupled.inflaton, coupled.network, session.size()), node, session.size(),
                     deck.file());
      if (coupled.network.exact_dual()) {
        // The exact dual: a linear Fourier-feature readout whose NTK is the lattice's operator.
        run_exact_dual(coupled, session);
      } else {
        run_coupled(coupled, session);
      }
      return 0;
    }
    case RunKind::lattice:
      break;
    }
    // The lattice alone: one field or several, fixed or self-consistent expansion.
    const auto parameters = LatticeParameters::from_deck(deck);
    require_memory(lattice_memory(parameters, session.size()), node, session.size(), deck.file());
    LatticeRun run(parameters, session);
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
