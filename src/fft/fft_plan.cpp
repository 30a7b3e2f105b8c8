#include "inflanet/fft/fft_plan.hpp"

#include "inflanet/app/error.hpp"

namespace inflanet {
namespace {
unsigned rigor_flag(PlanRigor rigor) {
  switch (rigor) {
  case PlanRigor::estimate:
    return FFTW_ESTIMATE;
  case PlanRigor::measure:
    return FFTW_MEASURE;
  case PlanRigor::patient:
    return FFTW_PATIENT;
  }
  return FFTW_MEASURE;
}
} // namespace

FftPlan::FftPlan(const Decomposition& decomposition, PlanRigor rigor) : decomposition_(&decomposition) {
  const std::ptrdiff_t n = decomposition.n();
  Field scratch(decomposition); // FFTW_MEASURE overwrites its arrays while planning
  double* real = scratch.real_data();
  auto* complex = reinterpret_cast<fftw_complex*>(real);
  const unsigned flags = rigor_flag(rigor);
  forward_ =
      fftw_mpi_plan_dft_r2c_3d(n, n, n, real, complex, decomposition.comm(), flags | FFTW_MPI_TRANSPOSED_OUT);
  backward_ =
      fftw_mpi_plan_dft_c2r_3d(n, n, n, complex, real, decomposition.comm(), flags | FFTW_MPI_TRANSPOSED_IN);
  if (forward_ == nullptr || backward_ == nullptr) {
    throw RuntimeError("FFTW-MPI could not plan the " + std::to_string(n) + "^3 r2c/c2r transforms");
  }
}

FftPlan::~FftPlan() {
  if (forward_ != nullptr) {
    fftw_destroy_plan(forward_);
  }
  if (backward_ != nullptr) {
    fftw_destroy_plan(backward_);
  }
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
    const auto& d = field.decomposition();
    const double inv = 1.0 / d.box().sites();
    const std::ptrdiff_t count = static_cast<std::ptrdiff_t>(field.padded_real_size());
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t i = 0; i < count; ++i) {
      real[i] *= inv;
    }
  }
  return true;
}

} // namespace inflanet
