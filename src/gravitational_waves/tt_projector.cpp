#include "inflanet/gravitational_waves/tt_projector.hpp"

#include <cmath>

namespace inflanet {

bool has_tensor_modes(std::ptrdiff_t nx, std::ptrdiff_t ny, std::ptrdiff_t nz, std::ptrdiff_t n) noexcept {
  if (nx == 0 && ny == 0 && nz == 0) {
    return false;
  }
  if (n % 2 == 0) {
    const std::ptrdiff_t half = n / 2;
    for (const std::ptrdiff_t m : {nx, ny, nz}) {
      if (m == half || m == -half) {
        return false;
      }
    }
  }
  return true;
}

PolarisationVectors polarisation_vectors(double kx, double ky, double kz) noexcept {
  // The canonical one of +-k, so that e^A(-k) = e^A(k) (both tensors are even in u and in v).
  const bool flip = kz < 0.0 || (kz == 0.0 && (ky < 0.0 || (ky == 0.0 && kx < 0.0)));
  const double sign = flip ? -1.0 : 1.0;
  const double norm = std::sqrt(kx * kx + ky * ky + kz * kz);
  const std::array<double, 3> k = {sign * kx / norm, sign * ky / norm, sign * kz / norm};
  // Reference axis: the smallest |khat_a| (lowest index on ties), so that e_ref x khat is far from zero.
  int ref = 0;
  for (int a = 1; a < 3; ++a) {
    if (std::abs(k[a]) < std::abs(k[ref])) {
      ref = a;
    }
  }
  std::array<double, 3> e{};
  e[ref] = 1.0;
  std::array<double, 3> u = {e[1] * k[2] - e[2] * k[1], e[2] * k[0] - e[0] * k[2], e[0] * k[1] - e[1] * k[0]};
  const double un = std::sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
  for (double& x : u) {
    x /= un;
  }
  const std::array<double, 3> v = {k[1] * u[2] - k[2] * u[1], k[2] * u[0] - k[0] * u[2],
                                   k[0] * u[1] - k[1] * u[0]};
  return {u, v};
}

PolarisationBasis polarisation_basis(double kx, double ky, double kz) noexcept {
  return polarisation_basis(polarisation_vectors(kx, ky, kz));
}

double tt_projector(const std::array<double, 3>& k, int i, int j, int l, int m) noexcept {
  const double k2 = k[0] * k[0] + k[1] * k[1] + k[2] * k[2];
  const auto P = [&](int a, int b) { return (a == b ? 1.0 : 0.0) - k[a] * k[b] / k2; };
  return 0.5 * (P(i, l) * P(j, m) + P(i, m) * P(j, l)) - 0.5 * P(i, j) * P(l, m);
}

} // namespace inflanet
