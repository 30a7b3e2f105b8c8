// SlabLayout without MPI: for even and odd N split into blocks by hand (as FFTW does, empty ranks included),
// the rows of all blocks cover every site and every half-space mode exactly once, at distinct offsets inside
// each block's buffer, with signed modes of least |n| and Hermitian weights that make the stored modes
// stand for the full lattice.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <utility>
#include <vector>

#include "inflanet/decomposition/slab_layout.hpp"

using namespace inflanet;

namespace {

/// FFTW's block split of n planes over p ranks: blocks of ceil(n / p), the last ones short or empty.
std::vector<SlabLayout> block_layouts(std::ptrdiff_t n, std::ptrdiff_t p) {
  const std::ptrdiff_t block = (n + p - 1) / p;
  std::vector<SlabLayout> out;
  for (std::ptrdiff_t r = 0; r < p; ++r) {
    const std::ptrdiff_t start = std::min(n, r * block), count = std::min(n, start + block) - start;
    // The transposed side splits ky the same way here; FFTW's own split is the MPI test's business.
    out.emplace_back(n, count, start, count, start);
  }
  return out;
}

const std::ptrdiff_t sides[] = {2, 3, 4, 5, 7, 8, 9, 16};
const std::ptrdiff_t rank_counts[] = {1, 2, 3, 4, 7};

} // namespace

TEST(SlabLayout, SiteRowsCoverEverySiteOnceInsideThePaddedBuffer) {
  for (const std::ptrdiff_t n : sides) {
    for (const std::ptrdiff_t p : rank_counts) {
      std::vector<int> seen(static_cast<std::size_t>(n * n * n), 0);
      for (const SlabLayout& layout : block_layouts(n, p)) {
        const auto shape = layout.real_storage_shape();
        ASSERT_EQ(shape[0] * shape[1] * shape[2], layout.padded_real_size());
        EXPECT_EQ(shape[2], 2 * (n / 2 + 1)) << "r2c in-place rows";
        std::vector<int> used(static_cast<std::size_t>(layout.padded_real_size()), 0);
        std::ptrdiff_t visited = 0;
        for (std::ptrdiff_t r = 0; r < layout.site_rows(); ++r) {
          const SiteRow row = layout.site_row(r);
          EXPECT_EQ(row.length, n);
          EXPECT_EQ(row.length + row.padding, shape[2]);
          EXPECT_EQ(row.offset, r * shape[2]) << "rows in storage order, back to back";
          for (std::ptrdiff_t iz = 0; iz < row.length; ++iz) {
            const Site s = row.site(iz);
            ASSERT_GE(s.offset, 0);
            ASSERT_LT(s.offset, layout.padded_real_size());
            ++used[static_cast<std::size_t>(s.offset)];
            ++seen[static_cast<std::size_t>((s.ix * n + s.iy) * n + s.iz)];
            ++visited;
          }
          for (std::ptrdiff_t k = 0; k < row.padding; ++k) {
            EXPECT_EQ(used[static_cast<std::size_t>(row.offset + row.length + k)], 0) << "padding is no site";
          }
        }
        EXPECT_EQ(visited, layout.owned_sites().size());
        for (const int u : used) {
          EXPECT_LE(u, 1) << "two sites at one offset, n = " << n;
        }
      }
      for (const int count : seen) {
        ASSERT_EQ(count, 1) << "n = " << n << ", " << p << " blocks";
      }
    }
  }
}

TEST(SlabLayout, ModeRowsCoverTheHalfSpaceOnceWithSignedModesAndWeights) {
  for (const std::ptrdiff_t n : sides) {
    const std::ptrdiff_t nz = n / 2 + 1;
    for (const std::ptrdiff_t p : rank_counts) {
      std::vector<int> stored(static_cast<std::size_t>(n * n * nz), 0);
      std::vector<double> weight_of(stored.size(), 0.0);
      double weights = 0.0;
      for (const SlabLayout& layout : block_layouts(n, p)) {
        const auto shape = layout.fourier_storage_shape();
        ASSERT_EQ(shape[0] * shape[1] * shape[2], layout.fourier_size());
        EXPECT_EQ(layout.owned_modes().size(), layout.fourier_size());
        std::vector<int> used(static_cast<std::size_t>(layout.fourier_size()), 0);
        for (std::ptrdiff_t r = 0; r < layout.mode_rows(); ++r) {
          const ModeRow row = layout.mode_row(r);
          EXPECT_EQ(row.length, nz);
          for (std::ptrdiff_t l = 0; l < row.length; ++l) {
            const Mode m = row.mode(l);
            ASSERT_GE(m.offset, 0);
            ASSERT_LT(m.offset, layout.fourier_size());
            EXPECT_EQ(m.offset, row.offset + l);
            ++used[static_cast<std::size_t>(m.offset)];
            // Signed modes: aliases of the indices, of least |n|.
            for (const auto& [index, signed_n] : {std::pair{m.ix, m.nx}, {m.iy, m.ny}, {m.iz, m.nz}}) {
              EXPECT_EQ(((signed_n % n) + n) % n, index);
              EXPECT_LE(2 * std::abs(signed_n), n);
            }
            EXPECT_EQ(m.n2(), row.n2_xy() + l * l) << "|n_z| = l on every stored plane";
            EXPECT_EQ(m.weight, row.weight(l));
            const auto key = static_cast<std::size_t>((m.iy * n + m.ix) * nz + m.iz);
            ++stored[key];
            weight_of[key] = m.weight;
            weights += m.weight;
          }
        }
        for (const int u : used) {
          EXPECT_EQ(u, 1) << "every element of the Fourier buffer is one mode";
        }
      }
      for (const int count : stored) {
        ASSERT_EQ(count, 1) << "n = " << n << ", " << p << " blocks";
      }
      EXPECT_EQ(weights, static_cast<double>(n * n * n)) << "the weights count the full lattice";
      // Weight 1 exactly where the partner -n is stored too (or n is its own partner); 2 where it is not.
      for (std::ptrdiff_t iy = 0; iy < n; ++iy) {
        for (std::ptrdiff_t ix = 0; ix < n; ++ix) {
          for (std::ptrdiff_t iz = 0; iz < nz; ++iz) {
            const bool partner_stored = 2 * ((n - iz) % n) <= n;
            EXPECT_EQ(weight_of[static_cast<std::size_t>((iy * n + ix) * nz + iz)],
                      partner_stored ? 1.0 : 2.0)
                << "n = " << n << ", iz = " << iz;
          }
        }
      }
    }
  }
}
