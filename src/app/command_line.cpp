#include "inflanet/app/command_line.hpp"

#include <string_view>

#include "inflanet/base/error.hpp"
#include "inflanet/version.hpp"

namespace inflanet {

CommandLine CommandLine::parse(int argc, const char* const* argv) {
  CommandLine cl;
  if (argc < 2) {
    throw InputError(
        "no command given: expected 'inflanet run DECK', 'inflanet check DECK', --help or --version");
  }
  const std::string_view first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    cl.command = Command::help;
    return cl;
  }
  if (first == "--version" || first == "-V") {
    cl.command = Command::version;
    return cl;
  }
  if (first != "run" && first != "check") {
    throw InputError("unknown command '" + std::string(first) +
                     "': expected run, check, --help or --version");
  }
  cl.command = first == "run" ? Command::run : Command::check;
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      cl.command = Command::help;
      return cl;
    }
    if (arg.starts_with("-")) {
      throw InputError("unknown option '" + std::string(arg) + "' (overrides are written key.path=value)");
    }
    if (cl.deck.empty() && arg.find('=') == std::string_view::npos) {
      cl.deck = arg;
    } else if (arg.find('=') != std::string_view::npos) {
      cl.overrides.emplace_back(arg);
    } else {
      throw InputError("unexpected argument '" + std::string(arg) +
                       "': one deck, then overrides written key.path=value");
    }
  }
  if (cl.deck.empty()) {
    throw InputError(std::string("'inflanet ") + std::string(first) + "' needs a deck: inflanet " +
                     std::string(first) + " DECK [key.path=value ...]");
  }
  return cl;
}

std::string CommandLine::help() {
  return R"(inflanet: the inflaton and the fields it couples to on a distributed lattice (de Sitter, Minkowski or
a self-consistent Friedmann expansion), and the neural network that is its dual.

Usage:
  inflanet run   DECK [key.path=value ...]   run the deck (overrides use the deck's dotted key paths)
  inflanet check DECK [key.path=value ...]   validate the deck, print the resolved parameters and derived
                                             quantities (dx, k range, stability limit, memory), then exit
  inflanet --help | --version

Examples:
  mpirun -np 2 inflanet run inputs/desitter_massless.toml lattice.N=128 time.integrator=yoshida4
  inflanet check inputs/default.toml

Exit status: 0 success, 2 invalid deck or arguments, 1 runtime failure.
Deck reference: docs/input_deck.md. Launch advice for clusters: README.md.
)";
}

std::string CommandLine::version_line() {
  return std::string("inflanet ") + version + " (commit " + git_commit + ")";
}

} // namespace inflanet
