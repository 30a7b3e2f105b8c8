// inflanet: the driver. Each stage is one call; the physics lives in the library.
#include <cstdio>
#include <exception>

#include <fmt/format.h>

#include "inflanet/app/command_line.hpp"
#include "inflanet/app/coupled_run.hpp"
#include "inflanet/app/error.hpp"
#include "inflanet/app/exact_dual_run.hpp"
#include "inflanet/app/inflaton_run.hpp"
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
    if (deck.has_section("network") && !deck.has_section("inflaton")) {
      // The network-only run: the deck trains the network alone (its time step is sqrt(eta)).
      const auto network = NetworkParameters::from_deck(deck);
      if (command_line.command == CommandLine::Command::check) {
        const auto report = network_check_report(network, session.size());
        if (root) {
          fmt::print("{}", report);
        }
        return 0;
      }
      run_network(network, session);
      return 0;
    }
    if (deck.has_section("network")) {
      // The coupled run: inflaton and network in one loop, tied by the dictionary.
      const auto coupled = CoupledParameters::from_deck(deck);
      const bool exact_dual = coupled.network.embedding == "fourier" && coupled.network.mlp.depth == 0;
      if (command_line.command == CommandLine::Command::check) {
        const auto report = exact_dual ? exact_dual_check_report(coupled, session.size())
                                       : coupled_check_report(coupled, session.size());
        if (root) {
          fmt::print("{}", report);
        }
        return 0;
      }
      if (exact_dual) {
        // The exact dual: a linear Fourier-feature readout whose NTK is the lattice's operator.
        ExactDualRun run(coupled, session);
        run.start();
        run.evolve();
        run.summarise();
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
    if (command_line.command == CommandLine::Command::check) {
      if (root) {
        fmt::print("{}", check_report(parameters, session.size()));
      }
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
