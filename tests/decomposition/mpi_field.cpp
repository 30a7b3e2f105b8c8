// Field storage: xtensor views hide the padding, moves transfer ownership, ranks may own no planes, and
// scale() multiplies every stored double (sites and padding) exactly as a plain loop does, and the Fourier
// modes gathered onto every rank are their owners' values bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <xtensor/xmath.hpp>

#include "inflanet/decomposition/field.hpp"
#include "inflanet/decomposition/field_views.hpp"
#include "inflanet/decomposition/lattice_loops.hpp"
#include "lattice_helpers.hpp"

using namespace inflanet;

TEST(Field, RealViewHidesPaddingAndAliasesStorage) {
  Decomposition d(Box{6, 1.0});
  Field f(d);
  auto v = real_view(f);
  const std::ptrdiff_t local_nx = d.layout().local_nx();
  ASSERT_EQ(v.shape()[0], static_cast<std::size_t>(local_nx));
  ASSERT_EQ(v.shape()[1], 6u);
  ASSERT_EQ(v.shape()[2], 6u);
  v = xt::ones<double>({local_nx, std::ptrdiff_t{6}, std::ptrdiff_t{6}}) * 2.0;
  for (std::ptrdiff_t x = 0; x < local_nx; ++x) {
    for (std::ptrdiff_t y = 0; y < 6; ++y) {
      const double* row = f.real_data() + (x * 6 + y) * 8; // rows of 2 (6/2 + 1) doubles
      for (int z = 0; z < 6; ++z) {
        EXPECT_EQ(row[z], 2.0);
      }
      EXPECT_EQ(row[6], 0.0) << "padding untouched";
      EXPECT_EQ(row[7], 0.0);
    }
  }
  EXPECT_DOUBLE_EQ(d.sum(xt::sum(v)()), 2.0 * 216);
}

TEST(Field, MoveTransfersOwnershipAndState) {
  Decomposition d(Box{8, 1.0});
  Field a(d);
  a.fill(3.0);
  a.set_space(Space::fourier);
  const double* data = a.real_data();
  Field b(std::move(a));
  EXPECT_EQ(b.real_data(), data);
  EXPECT_EQ(b.space(), Space::fourier);
  EXPECT_EQ(a.real_data(), nullptr);
}

TEST(Field, RanksWithoutPlanesTakePartInCollectives) {
  // N = 4 over 3 ranks gives FFTW blocks of 2, 2, 0: the last rank owns nothing but must not break.
  Decomposition d(Box{4, 1.0});
  std::ptrdiff_t owned = d.layout().local_nx();
  EXPECT_EQ(d.sum(static_cast<double>(owned)), 4.0);
  EXPECT_EQ(d.sum(static_cast<double>(d.layout().local_nky())), 4.0);
  Field f(d);
  f.fill(1.0);
  EXPECT_EQ(d.sum(static_cast<double>(xt::sum(real_view(f))())), 64.0);
}

TEST(Field, ScaleMultipliesEverySiteAndThePaddingLikeAPlainLoop) {
  for (const std::ptrdiff_t n : {std::ptrdiff_t{5}, std::ptrdiff_t{6}}) { // odd and even padding
    Decomposition d(Box{n, 1.0});
    Field f(d);
    double* data = f.real_data();
    std::vector<double> expected(f.padded_real_size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      data[i] = 0.1 * static_cast<double>(i) - 3.0; // padding too
      expected[i] = data[i] * -1.7;
    }
    f.scale(-1.7);
    for (std::size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(data[i], expected[i]) << "n = " << n << ", element " << i;
    }
    EXPECT_EQ(f.space(), Space::real);
  }
}

TEST(Field, GatheredFourierModesAreEveryOwnersValueBitForBitAndScatterRestoresTheSlab) {
  // N = 6: 6 x 6 x 4 modes; at 3 ranks some own two ky-planes, at 2 three. Values name their mode, and
  // the signed zeros of some must survive the assembly.
  Decomposition d(Box{6, 1.0});
  Field f(d);
  std::complex<double>* data = f.fourier_data();
  const auto value = [](std::ptrdiff_t ix, std::ptrdiff_t iy, std::ptrdiff_t iz) {
    return std::complex<double>((ix * 6 + iy) * 4 + iz + 0.25, (iz == 1) ? -0.0 : -1.0 * (ix + 1));
  };
  std::size_t local = 0;
  for_each_mode(d, [&](const Mode& m) {
    data[m.offset] = value(m.ix, m.iy, m.iz);
    ++local;
  });
  f.set_space(Space::fourier);
  EXPECT_EQ(d.sum(static_cast<double>(local)), 6.0 * 6.0 * 4.0) << "every mode owned once";
  const std::vector<double> all = f.gather_fourier();
  ASSERT_EQ(all.size(), 2u * 6 * 6 * 4);
  for (std::ptrdiff_t ix = 0; ix < 6; ++ix) {
    for (std::ptrdiff_t iy = 0; iy < 6; ++iy) {
      for (std::ptrdiff_t iz = 0; iz < 4; ++iz) {
        const auto g = static_cast<std::size_t>((ix * 6 + iy) * 4 + iz);
        EXPECT_EQ(all[2 * g], value(ix, iy, iz).real());
        EXPECT_EQ(std::signbit(all[2 * g + 1]), std::signbit(value(ix, iy, iz).imag())) << "-0 kept";
        EXPECT_EQ(all[2 * g + 1], value(ix, iy, iz).imag());
      }
    }
  }
  Field g(d);
  g.scatter_fourier(all);
  EXPECT_EQ(g.space(), Space::fourier);
  for_each_mode(d, [&](const Mode& m) {
    EXPECT_EQ(std::memcmp(&g.fourier_data()[m.offset], &data[m.offset], sizeof(std::complex<double>)), 0);
  });
  EXPECT_THROW(g.scatter_fourier(std::vector<double>(10)), std::invalid_argument);
}
