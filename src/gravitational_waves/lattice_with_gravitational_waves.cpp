#include "inflanet/gravitational_waves/lattice_with_gravitational_waves.hpp"

namespace inflanet {

void LatticeWithGravitationalWaves::kick_waves(double A, double B, double A_next, double B_next) {
  if ((B != 0.0 || B_next != 0.0) && !stress_valid_) {
    waves_->compute_stress(*fields_);
    stress_valid_ = true;
    ++stress_evaluations_;
  }
  waves_->kick_across(A, B, A_next, B_next, waves_->force(*fields_));
}

void LatticeWithGravitationalWaves::momentum_update(double A, double B) {
  fields_->momentum_update(A, B);
  kick_waves(A, B, 1.0, 0.0);
}

void LatticeWithGravitationalWaves::momentum_update_across(double a, double b, double a_next, double b_next) {
  fields_->momentum_update_across(a, b, a_next, b_next);
  kick_waves(a, b, a_next, b_next);
}

void LatticeWithGravitationalWaves::drift(double s) {
  fields_->drift(s);
  waves_->drift(fields_->last_drift());
  stress_valid_ = false;
}

} // namespace inflanet
