// The exact TT projector and the polarisation tensors (tt_projector.hpp) on every mode of a 16^3 and a 9^3
// lattice: Lambda is transverse, traceless, idempotent and symmetric to rounding, equals sum_A e^A (x) e^A,
// e^A are orthonormal, transverse, traceless and even in k; the modes without tensor part are exactly k = 0
// and (even N) the Nyquist planes.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "inflanet/gravitational_waves/tt_projector.hpp"

using namespace inflanet;

namespace {

double component(const SymmetricTensor& e, int i, int j) {
  return e[symmetric_index(i, j)];
}

struct Worst {
  double transverse = 0, traceless = 0, idempotent = 0, symmetric = 0, basis = 0, orthonormal = 0,
         polarisation_tt = 0, even = 0;
};

/// Every property, on mode n (which has a TT part), added into `w`.
void check_mode(const std::array<double, 3>& k, Worst& w) {
  double L[3][3][3][3];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int l = 0; l < 3; ++l)
        for (int m = 0; m < 3; ++m)
          L[i][j][l][m] = tt_projector(k, i, j, l, m);
  const PolarisationBasis e = polarisation_basis(k[0], k[1], k[2]);
  const PolarisationBasis f = polarisation_basis(-k[0], -k[1], -k[2]);
  const double knorm = std::sqrt(k[0] * k[0] + k[1] * k[1] + k[2] * k[2]);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int l = 0; l < 3; ++l)
        for (int m = 0; m < 3; ++m) {
          double kL = 0.0, LL = 0.0;
          for (int a = 0; a < 3; ++a) {
            kL += k[a] * L[a][j][l][m] / knorm;
            for (int b = 0; b < 3; ++b) {
              LL += L[i][j][a][b] * L[a][b][l][m];
            }
          }
          w.transverse = std::max(w.transverse, std::abs(kL));
          w.idempotent = std::max(w.idempotent, std::abs(LL - L[i][j][l][m]));
          w.symmetric =
              std::max({w.symmetric, std::abs(L[i][j][l][m] - L[l][m][i][j]),
                        std::abs(L[i][j][l][m] - L[j][i][l][m]), std::abs(L[i][j][l][m] - L[i][j][m][l])});
          const double sum = component(e.plus, i, j) * component(e.plus, l, m) +
                             component(e.cross, i, j) * component(e.cross, l, m);
          w.basis = std::max(w.basis, std::abs(sum - L[i][j][l][m]));
        }
  for (int l = 0; l < 3; ++l)
    for (int m = 0; m < 3; ++m)
      w.traceless = std::max(w.traceless, std::abs(L[0][0][l][m] + L[1][1][l][m] + L[2][2][l][m]));
  const SymmetricTensor* t[2] = {&e.plus, &e.cross};
  for (int A = 0; A < 2; ++A) {
    for (int B = 0; B < 2; ++B) {
      std::array<double, 6> tb{};
      std::copy(t[B]->begin(), t[B]->end(), tb.begin());
      w.orthonormal = std::max(w.orthonormal, std::abs(contract(*t[A], tb) - (A == B ? 1.0 : 0.0)));
    }
    for (int j = 0; j < 3; ++j) {
      double ke = 0.0;
      for (int a = 0; a < 3; ++a) {
        ke += k[a] * component(*t[A], a, j) / knorm;
      }
      w.polarisation_tt = std::max(w.polarisation_tt, std::abs(ke));
    }
    w.polarisation_tt = std::max(w.polarisation_tt, std::abs(component(*t[A], 0, 0) + component(*t[A], 1, 1) +
                                                             component(*t[A], 2, 2)));
  }
  for (int c = 0; c < 6; ++c) {
    w.even = std::max({w.even, std::abs(e.plus[c] - f.plus[c]), std::abs(e.cross[c] - f.cross[c])});
  }
}

void check_lattice(std::ptrdiff_t n) {
  Worst w;
  long tensor_modes = 0, excluded = 0, expected_excluded = 0;
  const std::ptrdiff_t lo = -(n / 2), hi = n - n / 2; // signed indices [-N/2, N/2) (odd N: symmetric)
  for (std::ptrdiff_t x = lo; x < hi; ++x)
    for (std::ptrdiff_t y = lo; y < hi; ++y)
      for (std::ptrdiff_t z = lo; z < hi; ++z) {
        const bool nyquist = n % 2 == 0 && (x == -n / 2 || y == -n / 2 || z == -n / 2);
        const bool zero = x == 0 && y == 0 && z == 0;
        expected_excluded += (nyquist || zero) ? 1 : 0;
        if (!has_tensor_modes(x, y, z, n)) {
          ++excluded;
          EXPECT_TRUE(nyquist || zero) << x << " " << y << " " << z;
          continue;
        }
        ++tensor_modes;
        check_mode({static_cast<double>(x), static_cast<double>(y), static_cast<double>(z)}, w);
      }
  EXPECT_EQ(excluded, expected_excluded);
  EXPECT_EQ(tensor_modes + excluded, n * n * n);
  std::printf("[measured] N=%td: %ld tensor modes, %ld without (k=0, Nyquist); worst transverse %.1e "
              "traceless %.1e idempotent %.1e symmetric %.1e sum_A e^A e^A - Lambda %.1e orthonormal %.1e "
              "e^A TT %.1e e^A(-k)-e^A(k) %.1e\n",
              n, tensor_modes, excluded, w.transverse, w.traceless, w.idempotent, w.symmetric, w.basis,
              w.orthonormal, w.polarisation_tt, w.even);
  constexpr double tol = 1e-14;
  EXPECT_LT(w.transverse, tol);
  EXPECT_LT(w.traceless, tol);
  EXPECT_LT(w.idempotent, tol);
  EXPECT_LT(w.symmetric, tol);
  EXPECT_LT(w.basis, tol);
  EXPECT_LT(w.orthonormal, tol);
  EXPECT_LT(w.polarisation_tt, tol);
  EXPECT_EQ(w.even, 0.0);
}

} // namespace

TEST(TTProjector, TransverseTracelessIdempotentSymmetricOnEveryModeEvenN) {
  check_lattice(16);
}

TEST(TTProjector, TransverseTracelessIdempotentSymmetricOnEveryModeOddNWithoutNyquistPlanes) {
  check_lattice(9);
}

TEST(TTProjector, ProjectsAwayTraceAndLongitudinalParts) {
  // S = delta_ij (trace) + k_i v_j + v_i k_j (longitudinal) has no TT part; e^A itself is its own TT part.
  const std::array<double, 3> k = {1.0, -2.0, 3.0};
  const std::array<double, 3> v = {0.3, 0.7, -1.1};
  const PolarisationBasis e = polarisation_basis(k[0], k[1], k[2]);
  double worst = 0.0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      double pure_gauge = 0.0, plus = 0.0;
      for (int l = 0; l < 3; ++l)
        for (int m = 0; m < 3; ++m) {
          const double s = (l == m ? 1.0 : 0.0) + k[l] * v[m] + v[l] * k[m];
          pure_gauge += tt_projector(k, i, j, l, m) * s;
          plus += tt_projector(k, i, j, l, m) * component(e.plus, l, m);
        }
      worst = std::max({worst, std::abs(pure_gauge), std::abs(plus - component(e.plus, i, j))});
    }
  EXPECT_LT(worst, 1e-14);
}
