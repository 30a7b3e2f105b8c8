#pragma once
/// \file
/// \brief The distributed r2c / c2r transform pair of one lattice (RAII over two FFTW-MPI plans).

#include <fftw3-mpi.h>

#include <cstdint>

#include "inflanet/decomposition/field.hpp"

namespace inflanet {

/// \brief How hard FFTW searches for a fast plan (FFTW_ESTIMATE, FFTW_MEASURE, FFTW_PATIENT).
enum class PlanRigor { estimate, measure, patient };

/// \brief Normalisation of the backward transform: `none` returns N^3 f for a round trip (callers fold
/// 1/N^3 into a k-space multiplier to save a pass); `full` divides so that a round trip is the identity.
enum class Scale { none, full };

/// \brief In-place r2c (FFTW_MPI_TRANSPOSED_OUT) and c2r (FFTW_MPI_TRANSPOSED_IN) plans for every Field
/// of one Decomposition. The transposed layouts let a forward + backward pair cost two global
/// transposes instead of four. Plans are made once on a scratch buffer (planning overwrites it) and
/// executed on any field through FFTW's new-array interface, which is valid because every Field buffer
/// comes from fftw_malloc with the same layout. Not copyable; destroys its plans.
///
/// Deterministic plans: with a measuring rigor the executed plans are always made from wisdom alone.
/// When the wisdom in memory covers the problem nothing is measured; otherwise the plans are measured,
/// every rank's wisdom is gathered on rank 0, exported to text and imported by every rank in place of its
/// own, and the plans are made again from that text (FFTW_WISDOM_ONLY). A process that later imports the
/// same text (a restart reading the saved wisdom) therefore executes the very same plans, and so do all
/// ranks of one run, whatever each rank happened to measure. Collective over the decomposition.
class FftPlan {
public:
  explicit FftPlan(const Decomposition& decomposition, PlanRigor rigor = PlanRigor::measure);
  ~FftPlan();
  FftPlan(const FftPlan&) = delete;
  FftPlan& operator=(const FftPlan&) = delete;

  /// \brief Real -> Fourier (unnormalised, f~_n = sum_x f e^{-ik.x}). Idempotent: returns false and does
  /// nothing for a field already in Fourier space.
  bool to_fourier(Field& field);
  /// \brief Fourier -> real with the given scaling. Idempotent like to_fourier. c2r destroys nothing else.
  bool to_real(Field& field, Scale scale = Scale::full);

  /// \brief Transforms executed so far (tests assert that no redundant FFT happens).
  [[nodiscard]] std::int64_t transforms() const noexcept { return transforms_; }
  /// \brief True when the plans came from the wisdom already in memory, i.e. nothing was measured (an
  /// estimate plan measures nothing either, and reports true).
  [[nodiscard]] bool from_wisdom() const noexcept { return from_wisdom_; }
  [[nodiscard]] const Decomposition& decomposition() const noexcept { return *decomposition_; }

private:
  const Decomposition* decomposition_;
  fftw_plan forward_ = nullptr;
  fftw_plan backward_ = nullptr;
  std::int64_t transforms_ = 0;
  bool from_wisdom_ = false;

  bool make(double* scratch, unsigned flags);
  void destroy() noexcept;
};

} // namespace inflanet
