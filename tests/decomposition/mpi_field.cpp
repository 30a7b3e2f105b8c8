// Field storage: xtensor views hide the padding, moves transfer ownership, ranks may own no planes, and
// scale() multiplies every stored double (sites and padding) exactly as a plain loop does.
#include <gtest/gtest.h>

#include <vector>

#include <xtensor/xmath.hpp>

#include "inflanet/decomposition/field.hpp"
#include "inflanet/decomposition/field_views.hpp"
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
