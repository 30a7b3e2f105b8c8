#pragma once
/// \file
/// \brief A scalar field on the distributed lattice: owns its FFTW buffer and knows which space it is in.

#include <complex>
#include <cstddef>

#include <span>
#include <vector>

#include "inflanet/decomposition/decomposition.hpp"

namespace inflanet {

/// \brief Which representation a Field currently holds.
enum class Space { real, fourier };

/// \brief One real scalar field on this rank's slab, stored in FFTW's padded in-place r2c layout.
///
/// Real space: the padded slab of SlabLayout (Site::offset, SiteRow); Fourier space: its transposed slab
/// (Mode::offset, ModeRow), unnormalised, f~_n = sum_x f(x) e^{-i k.x}. Loop over either with
/// lattice_loops.hpp (array views: field_views.hpp). The storage is fftw_malloc'ed (SIMD-aligned) and freed
/// by the destructor; fields can be moved, not copied (copy explicitly with copy_from).
class Field {
public:
  explicit Field(const Decomposition& decomposition);
  ~Field();
  Field(Field&& other) noexcept;
  Field& operator=(Field&& other) noexcept;
  Field(const Field&) = delete;
  Field& operator=(const Field&) = delete;

  [[nodiscard]] const Decomposition& decomposition() const noexcept { return *decomposition_; }
  [[nodiscard]] Space space() const noexcept { return space_; }
  /// \brief Declares the representation now held (the FFT layer and writers of raw data call this).
  void set_space(Space space) noexcept { space_ = space; }

  [[nodiscard]] double* real_data() noexcept { return data_; }
  [[nodiscard]] const double* real_data() const noexcept { return data_; }
  [[nodiscard]] std::complex<double>* fourier_data() noexcept {
    return reinterpret_cast<std::complex<double>*>(data_);
  }
  [[nodiscard]] const std::complex<double>* fourier_data() const noexcept {
    return reinterpret_cast<const std::complex<double>*>(data_);
  }
  /// \brief Doubles in the padded real-space slab (SlabLayout::padded_real_size).
  [[nodiscard]] std::size_t padded_real_size() const noexcept;
  /// \brief Complex numbers in the transposed Fourier slab (SlabLayout::fourier_size).
  [[nodiscard]] std::size_t fourier_size() const noexcept;

  /// \brief Sets every real-space site (padding zeroed) and marks the field real.
  void fill(double value);
  /// \brief Multiplies every double of the padded real-space slab by `factor`, the padding included (it
  /// holds no site, so scaling it is harmless, and one flat loop over padded_real_size() doubles, threaded,
  /// is faster than rows). For a field in real space; the representation is not changed.
  void scale(double factor);
  /// \brief Copies data and representation from a field on the same decomposition.
  void copy_from(const Field& other);
  /// \brief Every Fourier mode of the lattice, on every rank (a checkpoint of a state kept in Fourier
  /// space): N N (N/2+1) (re, im) pairs in the global order ((kx N + ky) (N/2+1) + kz). For a field in
  /// Fourier space; collective. Bit-exact: each value is its owner's, the sign of a zero included.
  [[nodiscard]] std::vector<double> gather_fourier() const;
  /// \brief The inverse of gather_fourier(): this rank's modes from `values` (every mode, that order); the
  /// field is then in Fourier space. std::invalid_argument when `values` has another size.
  void scatter_fourier(std::span<const double> values);

private:
  const Decomposition* decomposition_;
  double* data_ = nullptr;
  std::size_t allocated_doubles_ = 0;
  Space space_ = Space::real;
};

} // namespace inflanet
