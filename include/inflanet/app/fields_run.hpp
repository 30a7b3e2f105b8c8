#pragma once
/// \file
/// \brief The multi-field run (a deck with `[[field]]` tables): the stages of `inflanet run` for several
/// interacting fields in a fixed or self-consistent background.

#include <memory>

#include "inflanet/app/fields_parameters.hpp"
#include "inflanet/decomposition/session.hpp"

namespace inflanet {

/// \brief One multi-field run, as stages (all collective): construct (lattice, transforms, fields, output
/// directory), start (initial conditions, or a checkpoint's state), evolve (the time loop with outputs and
/// checkpoints), summarise.
///
/// Outputs, per field by its deck name X:
/// - timeseries.h5: step, time, a, H, rho_kin, rho_grad, rho_pot, rho, p, constraint_violation (Friedmann;
///   0 otherwise), continuity_residual, energy_error (Minkowski; 0 otherwise), then per field X_mean, X_var,
///   Xdot_mean, Xdot_var (dX/dt), rho_kin_X, rho_grad_X.
/// - spectra.h5: P_X and P_Xdot per field; with output.cross_spectra, P_X_Y = Re<X~ Y~*> for every pair.
/// - data_<step>.h5 snapshots: meshes X and Xdot (dX/dt).
/// - checkpoint_<step>.h5: /fields/X and /fields/X_momentum (dX/dt, or a^3 dX/dt for Friedmann), with the
///   scale factor's a and p_b among the scalars; a restart continues bit for bit.
class FieldsRun {
public:
  FieldsRun(const FieldsParameters& parameters, const Session& session);
  ~FieldsRun();
  FieldsRun(const FieldsRun&) = delete;
  FieldsRun& operator=(const FieldsRun&) = delete;

  void start();
  /// \brief Advances to t_end; a collective RuntimeError (exit 1) when the fields stop being finite, after
  /// writing that step's diagnostics.
  void evolve();
  void summarise() const;

private:
  struct State;
  std::unique_ptr<State> state_;
};

} // namespace inflanet
