#pragma once
/// \file
/// \brief The inflaton run: the stages of `inflanet run` and the report of `inflanet check`.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "inflanet/app/run_parameters.hpp"
#include "inflanet/decomposition/session.hpp"
#include "inflanet/field/inflaton.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "inflanet/io/checkpoint.hpp"
#include "inflanet/spectra/power_spectrum.hpp"

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

  // --- A companion system (the coupled run) rides along in the same loop ----------------------------
  /// \brief Called after every inflaton step with its number (inside the loop: the inflaton's velocity may
  /// be a partial step ahead; its energies are those of the step).
  void on_step(std::function<void(std::int64_t step)> hook);
  /// \brief Called at every output step, with the fields synchronised, after the inflaton's own outputs and
  /// before the checkpoint of that step (if any).
  void on_output(std::function<void(std::int64_t step, bool last)> hook);
  /// \brief Extra text for the progress line.
  void progress_extra(std::function<std::string()> hook);
  /// \brief Called before every checkpoint is written, with the state about to be written: a companion adds
  /// its own state (extra_series, scalars; identical on every rank).
  void checkpoint_extra(std::function<void(io::CheckpointState&)> hook);
  /// \brief The checkpoint the run restarted from (after start()), or null for a fresh start.
  [[nodiscard]] const io::CheckpointState* restored() const noexcept;
  [[nodiscard]] Inflaton& inflaton() noexcept;
  [[nodiscard]] SpectralOperators& operators() noexcept;
  [[nodiscard]] const PowerSpectrum& spectrum() const noexcept;
  [[nodiscard]] Field& scratch() noexcept;
  [[nodiscard]] const Decomposition& decomposition() const noexcept;
  [[nodiscard]] const Integrator& integrator() const noexcept;
  [[nodiscard]] const InflatonEnergies& energies() const noexcept;

private:
  struct State;
  std::unique_ptr<State> state_;
};

} // namespace inflanet
