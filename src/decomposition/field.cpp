#include "inflanet/decomposition/field.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

#include "inflanet/decomposition/lattice_loops.hpp"

namespace inflanet {

Field::Field(const Decomposition& decomposition) : decomposition_(&decomposition) {
  allocated_doubles_ = 2 * static_cast<std::size_t>(decomposition.alloc_complex());
  data_ = static_cast<double*>(fftw_malloc(sizeof(double) * allocated_doubles_));
  if (data_ == nullptr) {
    throw std::bad_alloc();
  }
  // First touch by the same threads that run the loops (OpenMP) keeps pages local on NUMA nodes.
  const auto n = static_cast<std::ptrdiff_t>(allocated_doubles_);
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    data_[i] = 0.0;
  }
}

Field::~Field() {
  if (data_ != nullptr) {
    fftw_free(data_);
  }
}

Field::Field(Field&& other) noexcept
    : decomposition_(other.decomposition_), data_(std::exchange(other.data_, nullptr)),
      allocated_doubles_(std::exchange(other.allocated_doubles_, 0)), space_(other.space_) {}

Field& Field::operator=(Field&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) {
      fftw_free(data_);
    }
    decomposition_ = other.decomposition_;
    data_ = std::exchange(other.data_, nullptr);
    allocated_doubles_ = std::exchange(other.allocated_doubles_, 0);
    space_ = other.space_;
  }
  return *this;
}

std::size_t Field::padded_real_size() const noexcept {
  return static_cast<std::size_t>(decomposition_->layout().padded_real_size());
}

std::size_t Field::fourier_size() const noexcept {
  return static_cast<std::size_t>(decomposition_->layout().fourier_size());
}

void Field::fill(double value) {
  double* data = data_;
  for_each_site_row(*decomposition_, [=](const SiteRow& row) {
    double* begin = data + row.offset;
    std::fill(begin, begin + row.length, value);
    std::fill(begin + row.length, begin + row.length + row.padding, 0.0);
  });
  space_ = Space::real;
}

void Field::scale(double factor) {
  const auto n = static_cast<std::ptrdiff_t>(padded_real_size());
  double* data = data_;
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    data[i] *= factor;
  }
}

void Field::copy_from(const Field& other) {
  const auto n = static_cast<std::ptrdiff_t>(std::min(allocated_doubles_, other.allocated_doubles_));
  const double* src = other.data_;
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    data_[i] = src[i];
  }
  space_ = other.space_;
}

namespace {

/// (re, im) doubles of every mode of an N^3 lattice's r2c transform.
std::size_t all_mode_doubles(std::ptrdiff_t n) {
  return 2 * static_cast<std::size_t>(n * n * (n / 2 + 1));
}

std::size_t global_mode(const Mode& mode, std::ptrdiff_t n) {
  return static_cast<std::size_t>((mode.ix * n + mode.iy) * (n / 2 + 1) + mode.iz);
}

} // namespace

std::vector<double> Field::gather_fourier() const {
  const std::ptrdiff_t n = decomposition_->n();
  // The modes other ranks own start as -0: -0 + x is x for every x, +0 and -0 included, so the sum
  // assembles the owners' values exactly.
  std::vector<double> values(all_mode_doubles(n), -0.0);
  const std::complex<double>* data = fourier_data();
  for_each_mode(*decomposition_, [&](const Mode& mode) {
    const std::size_t g = global_mode(mode, n);
    values[2 * g] = data[mode.offset].real();
    values[2 * g + 1] = data[mode.offset].imag();
  });
  decomposition_->sum_in_place(values);
  return values;
}

void Field::scatter_fourier(std::span<const double> values) {
  const std::ptrdiff_t n = decomposition_->n();
  if (values.size() != all_mode_doubles(n)) {
    throw std::invalid_argument("Field::scatter_fourier: not one (re, im) pair per mode of the lattice");
  }
  std::complex<double>* data = fourier_data();
  for_each_mode(*decomposition_, [&](const Mode& mode) {
    const std::size_t g = global_mode(mode, n);
    data[mode.offset] = {values[2 * g], values[2 * g + 1]};
  });
  space_ = Space::fourier;
}

} // namespace inflanet
