#include "inflanet/fft/fft_plan.hpp"

#include <array>
#include <cstdlib>
#include <memory>
#include <string>

#include "inflanet/base/error.hpp"

namespace inflanet {

FftPlan::FftPlan(const Decomposition& decomposition, PlanRigor rigor) : decomposition_(&decomposition) {
  Field scratch(decomposition); // FFTW_MEASURE overwrites its arrays while planning
  // The FFTW flag of each PlanRigor, in its order.
  const unsigned flags =
      std::array<unsigned, 3>{FFTW_ESTIMATE, FFTW_MEASURE, FFTW_PATIENT}[static_cast<std::size_t>(rigor)];
  // Every rank holds the same wisdom here (imported on rank 0 and broadcast, or left by an earlier
  // plan's exchange below), so this succeeds or fails on all ranks alike.
  if (rigor != PlanRigor::estimate && make(scratch.real_data(), flags | FFTW_WISDOM_ONLY)) {
    from_wisdom_ = true;
    return;
  }
  if (!make(scratch.real_data(), flags)) {
    throw RuntimeError("FFTW-MPI could not plan the " + std::to_string(decomposition.n()) +
                       "^3 r2c/c2r transforms");
  }
  if (rigor == PlanRigor::estimate) {
    // No measurement, so nothing to make deterministic: the same inputs give the same plan.
    from_wisdom_ = true;
    return;
  }
  destroy();
  // One wisdom text for all ranks: rank 0's, with what the others measured for their own sub-problems.
  fftw_mpi_gather_wisdom(decomposition.comm());
  std::string text;
  if (decomposition.is_root()) {
    std::unique_ptr<char, decltype(&std::free)> exported(fftw_export_wisdom_to_string(), &std::free);
    text = exported ? exported.get() : "";
  }
  text = broadcast_string(text, decomposition.comm());
  fftw_forget_wisdom();
  if (text.empty() || fftw_import_wisdom_from_string(text.c_str()) == 0 ||
      !make(scratch.real_data(), flags | FFTW_WISDOM_ONLY)) {
    throw RuntimeError("FFTW-MPI could not re-create the " + std::to_string(decomposition.n()) +
                       "^3 plans from the wisdom it had just measured");
  }
}

bool FftPlan::make(double* real, unsigned flags) {
  const std::ptrdiff_t n = decomposition_->n();
  auto* complex = reinterpret_cast<fftw_complex*>(real);
  forward_ = fftw_mpi_plan_dft_r2c_3d(n, n, n, real, complex, decomposition_->comm(),
                                      flags | FFTW_MPI_TRANSPOSED_OUT);
  backward_ = fftw_mpi_plan_dft_c2r_3d(n, n, n, complex, real, decomposition_->comm(),
                                       flags | FFTW_MPI_TRANSPOSED_IN);
  if (forward_ == nullptr || backward_ == nullptr) {
    destroy();
    return false;
  }
  return true;
}

void FftPlan::destroy() noexcept {
  if (forward_ != nullptr) {
    fftw_destroy_plan(forward_);
    forward_ = nullptr;
  }
  if (backward_ != nullptr) {
    fftw_destroy_plan(backward_);
    backward_ = nullptr;
  }
}

FftPlan::~FftPlan() {
  destroy();
}

bool FftPlan::to_fourier(Field& field) {
  if (field.space() == Space::fourier) {
    return false;
  }
  double* real = field.real_data();
  fftw_mpi_execute_dft_r2c(forward_, real, reinterpret_cast<fftw_complex*>(real));
  field.set_space(Space::fourier);
  ++transforms_;
  return true;
}

bool FftPlan::to_real(Field& field, Scale scale) {
  if (field.space() == Space::real) {
    return false;
  }
  double* real = field.real_data();
  fftw_mpi_execute_dft_c2r(backward_, reinterpret_cast<fftw_complex*>(real), real);
  field.set_space(Space::real);
  ++transforms_;
  if (scale == Scale::full) {
    field.scale(1.0 / field.decomposition().box().sites());
  }
  return true;
}

} // namespace inflanet
