#pragma once
/// \file
/// \brief The typed failures of inflanet and the exit status each one maps to (caught once, in main).

#include <stdexcept>
#include <string>

namespace inflanet {

/// \brief Exit statuses of the `inflanet` executable (a contract: scripts rely on them).
enum class ExitStatus : int { success = 0, runtime_failure = 1, invalid_input = 2 };

/// \brief Base of every inflanet error; `status()` says how the process must exit.
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
  [[nodiscard]] virtual ExitStatus status() const noexcept { return ExitStatus::runtime_failure; }
};

/// \brief Invalid deck, override or command-line argument (exit 2). The message already names the
/// file, line and key where one applies.
class InputError : public Error {
public:
  using Error::Error;
  [[nodiscard]] ExitStatus status() const noexcept override { return ExitStatus::invalid_input; }
};

/// \brief A failure while running: a non-finite field, an I/O failure, a library error (exit 1).
/// `collective()` errors are raised identically on every rank (after a reduction), so the run can end
/// cleanly; any other may have hit one rank only, and main then aborts every rank.
class RuntimeError : public Error {
public:
  explicit RuntimeError(const std::string& what, bool collective = false)
      : Error(what), collective_(collective) {}
  [[nodiscard]] bool collective() const noexcept { return collective_; }

private:
  bool collective_;
};

} // namespace inflanet
