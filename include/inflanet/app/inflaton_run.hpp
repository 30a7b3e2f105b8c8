#pragma once
/// \file
/// \brief The inflaton run: the stages of `inflanet run` and the report of `inflanet check`.

#include <string>

#include "inflanet/app/run_parameters.hpp"
#include "inflanet/decomposition/session.hpp"

namespace inflanet {

/// \brief What `inflanet check` prints: resolved deck, then derived quantities (rank 0 prints it).
[[nodiscard]] std::string check_report(const RunParameters& parameters, int ranks);

/// \brief Runs the inflaton deck to t_end: initial conditions, the time loop with diagnostics, spectra and
/// progress, and a final summary. Throws RuntimeError (exit 1) when the fields stop being finite, after
/// writing the diagnostics of the step that failed.
void run_inflaton(const RunParameters& parameters, const Session& session);

} // namespace inflanet
