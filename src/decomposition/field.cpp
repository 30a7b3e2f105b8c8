#include "inflanet/decomposition/field.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cstring>
#include <new>
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

} // namespace inflanet
