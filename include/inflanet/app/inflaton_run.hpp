#pragma once
/// \file
/// \brief The inflaton run: the stages of `inflanet run` and the report of `inflanet check`.

#include <memory>
#include <string>

#include "inflanet/app/run_parameters.hpp"
#include "inflanet/decomposition/session.hpp"

namespace inflanet {

/// \brief What `inflanet check` prints: resolved deck, then derived quantities (rank 0 prints it).
[[nodiscard]] std::string check_report(const RunParameters& parameters, int ranks);

/// \brief One inflaton run, as stages: construct (lattice, transforms, model, output files), start
/// (initial conditions, or the state of a checkpoint), evolve (the time loop: step, measure, report,
/// snapshot, checkpoint), summarise. All collective.
class InflatonRun {
public:
  InflatonRun(const RunParameters& parameters, const Session& session);
  ~InflatonRun();
  InflatonRun(const InflatonRun&) = delete;
  InflatonRun& operator=(const InflatonRun&) = delete;

  /// \brief Fresh initial conditions, or a restart when the deck names a checkpoint. A bad checkpoint is
  /// an InputError (exit 2) that says why.
  void start();
  /// \brief Advances to t_end. Throws a collective RuntimeError (exit 1) when the fields stop being finite,
  /// after writing the diagnostics of the failing step.
  void evolve();
  /// \brief The rank-0 summary block.
  void summarise() const;

private:
  struct State;
  std::unique_ptr<State> state_;
};

} // namespace inflanet
