#pragma once
/// \file
/// \brief The command line contract: `inflanet run|check DECK [key.path=value ...]`, `--help`, `--version`.

#include <string>
#include <vector>

namespace inflanet {

/// \brief What the user asked for.
struct CommandLine {
  enum class Command { run, check, help, version };
  Command command = Command::help;
  std::string deck;                   ///< path of the TOML deck
  std::vector<std::string> overrides; ///< "key.path=value", in order (later ones win)

  /// \brief Parses argv; throws InputError (exit 2) for anything else, naming the argument.
  static CommandLine parse(int argc, const char* const* argv);
  /// \brief The text `inflanet --help` prints.
  static std::string help();
  /// \brief "inflanet <version> (commit <sha>)".
  static std::string version_line();
};

} // namespace inflanet
