#pragma once
// Helpers shared by the lattice tests: a lattice with its transforms, fill a field from a function of global
// site indices, compare a distributed field with the same field computed on a single-rank decomposition, and
// print measured numbers from rank 0.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "inflanet/decomposition/field.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "inflanet/fft/spectral_operators.hpp"

namespace inflanet::testing {

/// A decomposed lattice with estimate-rigor plans and its spectral operators.
struct Lattice {
  Decomposition decomposition;
  FftPlan plan;
  SpectralOperators ops;
  Lattice(std::ptrdiff_t n, double length, MPI_Comm comm = MPI_COMM_WORLD)
      : decomposition(Box{n, length}, comm), plan(decomposition, PlanRigor::estimate),
        ops(decomposition, plan) {}
};

inline bool world_root() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank == 0;
}

/// printf-style "[measured] ..." line from rank 0.
template <class... Args>
void report(const char* format, Args... args) {
  if (world_root()) {
    std::printf("[measured] ");
    std::printf(format, args...);
    std::printf("\n");
    std::fflush(stdout);
  }
}

/// Fills the real-space slab with f(x, y, z) of global integer site indices.
template <class F>
void fill_sites(Field& field, F&& f) {
  double* data = field.real_data();
  for_each_site(field.decomposition(), [&](const Site& s) { data[s.offset] = f(s.ix, s.iy, s.iz); });
  field.set_space(Space::real);
}

/// Largest |field - f(x,y,z)| over the global lattice (collective).
template <class F>
double max_deviation(const Field& field, F&& f) {
  const double* data = field.real_data();
  double worst = 0.0;
  for_each_site(field.decomposition(), [&](const Site& s) {
    worst = std::max(worst, std::abs(data[s.offset] - f(s.ix, s.iy, s.iz)));
  });
  return field.decomposition().max(worst);
}

/// Deterministic pseudo-random value of a site (a hash), independent of the decomposition.
inline double site_noise(std::ptrdiff_t x, std::ptrdiff_t y, std::ptrdiff_t z, unsigned salt = 0) {
  unsigned long long h = 1469598103934665603ULL ^ salt;
  for (auto v : {x, y, z}) {
    h ^= static_cast<unsigned long long>(v) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 1099511628211ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return static_cast<double>(h >> 11) * 0x1.0p-53 - 0.5;
}

} // namespace inflanet::testing
