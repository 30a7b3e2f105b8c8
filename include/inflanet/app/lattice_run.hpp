#pragma once
/// \file
/// \brief The lattice run: the stages of `inflanet run` for any lattice deck (one field or several, fixed
/// or self-consistent expansion, cosmic or alpha-time), and the loop a companion system (the coupled run's
/// network) rides along in.
///
/// Outputs, declared once by the run (LatticeRun::columns), per field by its deck name X:
/// - timeseries.h5, the multi-field deck: step, time, a, H, rho_kin, rho_grad, rho_pot, rho, p,
///   constraint_violation (Friedmann; 0 otherwise), continuity_residual, energy_error (Minkowski; 0
///   otherwise), then per field X_mean, X_var, Xdot_mean, Xdot_var (dX/dt), rho_kin_X, rho_grad_X; with
///   alpha != 0, eta last. The one-field [inflaton] deck keeps its own: step, time, a, phi_mean, phi_var,
///   phidot_mean, phidot_var, rho_kin, rho_grad, rho_pot, rho, p, continuity_residual, energy_error, eta.
/// - spectra.h5: P_X and P_Xdot per field; with output.cross_spectra, P_X_Y = Re<X~ Y~*> for every pair.
/// - data_<step>.h5 snapshots: meshes X and Xdot (dX/dt).
/// - checkpoint_<step>.h5: the fields and momenta (/fields/X and /fields/X_momentum, dX/d eta or a^3 dX/dt
///   for Friedmann; the [inflaton] deck: phi and phidot), with eta, alpha, and for Friedmann a and p_b among
///   the scalars; a restart continues bit for bit.
/// - With [gravitational_waves] enabled (gravitational_waves/gravitational_waves.hpp): the columns rho_gw
///   and rho_gw_fraction (before eta, in both deck forms); gw_spectra.h5 (k, counts, step, time, a, rho,
///   rho_gw, drho_gw_dlnk[nt, nk], omega_gw[nt, nk], a `units` attribute on each; at the end of a
///   Friedmann run the group `today`, present_day_spectrum.hpp); the checkpoint's /fields/gw_h_plus,
///   gw_h_cross, gw_p_plus, gw_p_cross (half spectra [N][N][N/2+1][2]); with gravitational_waves.snapshots
///   the meshes hxx ... hzz.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "inflanet/app/lattice_parameters.hpp"
#include "inflanet/decomposition/session.hpp"
#include "inflanet/field/field_lattice.hpp"
#include "inflanet/integrator/integrator.hpp"
#include "inflanet/io/checkpoint.hpp"
#include "inflanet/spectra/power_spectrum.hpp"

namespace inflanet {

/// \brief One time-series column: its name and its quantity (named in the run's ProgramUnits).
struct Column {
  std::string name;
  QuantityUnit unit;
};

/// \brief One lattice run, as stages: construct (lattice, transforms, model, output files), start (initial
/// conditions, or the state of a checkpoint), evolve (the time loop: step, measure, report, snapshot,
/// checkpoint), summarise. All collective.
class LatticeRun {
public:
  LatticeRun(const LatticeParameters& parameters, const Session& session);
  ~LatticeRun();
  LatticeRun(const LatticeRun&) = delete;
  LatticeRun& operator=(const LatticeRun&) = delete;

  /// \brief The time-series columns of a run of `parameters`, in file order (see the file comment).
  [[nodiscard]] static std::vector<Column> columns(const LatticeParameters& parameters);

  /// \brief Fresh initial conditions, or a restart when the deck names a checkpoint. A bad checkpoint is
  /// an InputError (exit 2) that says why.
  void start();
  /// \brief Advances to the last step. Throws a collective RuntimeError (exit 1) when the fields stop being
  /// finite, after writing the diagnostics of the failing step.
  void evolve();
  /// \brief The rank-0 summary block.
  void summarise() const;

  // --- A companion system (the coupled run) rides along in the same loop ----------------------------
  /// \brief Called after every lattice step with its number (inside the loop: the momenta may be a partial
  /// step ahead; the energies are those of the step).
  void on_step(std::function<void(std::int64_t step)> hook);
  /// \brief Called at every output step, with the fields synchronised, after the lattice's own outputs and
  /// before the checkpoint of that step (if any).
  void on_output(std::function<void(std::int64_t step, bool last)> hook);
  /// \brief Extra text for the progress line.
  void progress_extra(std::function<std::string()> hook);
  /// \brief Called before every checkpoint is written, with the state about to be written: a companion adds
  /// its own state (extra_series, scalars; identical on every rank).
  void checkpoint_extra(std::function<void(io::CheckpointState&)> hook);
  /// \brief Called by start() on a restart, with the checkpoint read and accepted by the lattice, before
  /// any file is opened for writing: a companion refuses (InputError) a checkpoint it cannot continue, so a
  /// refused restart changes no file.
  void restart_check(std::function<void(const io::CheckpointState&)> hook);
  /// \brief The checkpoint the run restarted from (after start()), or null for a fresh start.
  [[nodiscard]] const io::CheckpointState* restored() const noexcept;
  [[nodiscard]] FieldLattice& lattice() noexcept;
  [[nodiscard]] SpectralOperators& operators() noexcept;
  [[nodiscard]] Field& scratch() noexcept;

private:
  struct State;
  std::unique_ptr<State> state_;
};

} // namespace inflanet
