#pragma once
/// \file
/// \brief The lattice's fields and the gravitational waves they source, as one SplitSystem: the
/// integrator family advances both with the same compositions (orders 1-6) in every background.
///
/// Each flow of the split acts on both parts with the lattice's factors (gravitational_waves.hpp): the
/// friction factor is the lattice's (the waves' momentum has the fields' convention), a drift moves the
/// fields and then the waves by the lattice's exact flow (FieldLattice::last_drift), and a kick updates the
/// fields' momenta and the waves' with the TT stress of the fields at the drift's end (computed once per
/// drift, at the first kick that needs it). The waves read the fields and never write them, so the fields'
/// arithmetic is bitwise that of the lattice alone.

#include <cstdint>

#include "inflanet/field/field_lattice.hpp"
#include "inflanet/gravitational_waves/gravitational_waves.hpp"

namespace inflanet {

/// \brief FieldLattice plus its passive GravitationalWaves (both outlive this view).
class LatticeWithGravitationalWaves {
public:
  LatticeWithGravitationalWaves(FieldLattice& fields, GravitationalWaves& waves) noexcept
      : fields_(&fields), waves_(&waves) {}

  [[nodiscard]] FieldLattice& fields() noexcept { return *fields_; }
  [[nodiscard]] GravitationalWaves& waves() noexcept { return *waves_; }

  // --- SplitSystem -------------------------------------------------------------------------------
  [[nodiscard]] double damping(double s) const { return fields_->damping(s); }
  void momentum_update(double A, double B);
  /// \brief The lattice's merged step boundary; the waves apply the two maps in turn (same phi).
  void momentum_update_across(double a, double b, double a_next, double b_next);
  void drift(double s);

  /// \brief Stress evaluations so far (one per drift followed by a kick).
  [[nodiscard]] std::int64_t stress_evaluations() const noexcept { return stress_evaluations_; }

private:
  void kick_waves(double A, double B, double A_next, double B_next);

  FieldLattice* fields_;
  GravitationalWaves* waves_;
  bool stress_valid_ = false;
  std::int64_t stress_evaluations_ = 0;
};

} // namespace inflanet
