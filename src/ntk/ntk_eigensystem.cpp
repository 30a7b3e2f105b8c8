#include "inflanet/ntk/ntk_eigensystem.hpp"

#include <cblas.h>
#include <lapacke.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <climits>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "../decomposition/scalapack.hpp"
#include "inflanet/base/error.hpp"
#include "inflanet/ntk/empirical_ntk.hpp"

namespace inflanet {

namespace {

/// Global index of local index `local` of a dimension dealt in blocks of nb over nprocs processes from
/// process 0 (ScaLAPACK's INDXL2G): local block local / nb is global block (local / nb) nprocs + me.
std::vector<std::size_t> global_indices(int count, int nb, int me, int nprocs) {
  std::vector<std::size_t> out(static_cast<std::size_t>(count));
  for (int l = 0; l < count; ++l) {
    out[static_cast<std::size_t>(l)] =
        static_cast<std::size_t>(((l / nb) * nprocs + me)) * static_cast<std::size_t>(nb) +
        static_cast<std::size_t>(l % nb);
  }
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Integers counted as doubles (for the memory report).
std::size_t int_doubles(std::size_t ints) {
  return (ints * sizeof(int) + sizeof(double) - 1) / sizeof(double);
}

} // namespace

NtkEigensystem NtkEigensystem::compute(const DistributedNtk& ntk, int block) {
  const PointDistribution& dist = ntk.distribution();
  const std::size_t n = dist.points();
  if (ntk.factors().points != n || ntk.rows().size() != dist.local_count() * n) {
    throw RuntimeError("NtkEigensystem::compute: the DistributedNtk has not been built");
  }
  if (n > static_cast<std::size_t>(INT_MAX)) {
    throw RuntimeError(fmt::format("NtkEigensystem::compute: N = {} exceeds LAPACK's int indices", n));
  }
  NtkEigensystem es(ProcessGrid(dist.comm()));
  if (n > 0) {
    if (es.grid_.size() == 1) {
      es.solve_serial(ntk);
    } else {
      es.solve_distributed(ntk, block);
    }
  }
  clamp_negative(es.values_, es.clamped_, es.most_negative_);
  // The eigenvectors' signs by the library's rule, from reductions over the grid, so that every rank count
  // writes the same vectors (to rounding) outside degenerate eigenspaces.
  const ProcessGrid& grid = es.grid_;
  fix_eigenvector_signs(
      es.vectors_, 1, std::max<std::size_t>(1, es.row_index_.size()), es.row_index_, es.col_index_, n,
      [&grid](std::span<double> v) { grid.max_in_place(v); },
      [&grid](std::span<double> v) { grid.sum_in_place(v); });
  return es;
}

void NtkEigensystem::solve_serial(const DistributedNtk& ntk) {
  // One rank owns every row: the kernel is ntk.rows(). This is ntk_eigen's call without LAPACKE's row-major
  // copies: LAPACKE_dsyevr(ROW_MAJOR, 'U') hands dsyevr the transpose of the row-major upper triangle and
  // transposes the column-major eigenvectors back. Building that transpose here and keeping the eigenvectors
  // column-major gives dsyevr the identical input (the same eigenpairs, bit for bit) with 2 N^2 doubles in
  // place of 4 N^2.
  const std::size_t n = ntk.distribution().points();
  const auto ni = static_cast<lapack_int>(n);
  const std::span<const double> rows = ntk.rows();
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<double> a(n * n);
  constexpr std::size_t tile = 64;
  for (std::size_t i0 = 0; i0 < n; i0 += tile) {
    for (std::size_t j0 = i0; j0 < n; j0 += tile) {
      for (std::size_t i = i0; i < std::min(n, i0 + tile); ++i) {
        for (std::size_t j = std::max(i, j0); j < std::min(n, j0 + tile); ++j) {
          a[i + j * n] = rows[i * n + j]; // upper triangle, column-major
        }
      }
    }
  }
  build_seconds_ = seconds_since(t0);
  const auto t1 = std::chrono::steady_clock::now();
  values_.resize(n);
  vectors_.resize(n * n);
  std::vector<lapack_int> support(2 * n);
  lapack_int found = 0, info = 0;
  // Workspace query, then the solve (as LAPACKE_dsyevr does internally).
  double work_size = 0.0;
  lapack_int iwork_size = 0;
  info = LAPACKE_dsyevr_work(LAPACK_COL_MAJOR, 'V', 'A', 'U', ni, a.data(), ni, 0.0, 0.0, 0, 0, 0.0, &found,
                             values_.data(), vectors_.data(), ni, support.data(), &work_size, -1, &iwork_size,
                             -1);
  if (info == 0) {
    std::vector<double> work(static_cast<std::size_t>(work_size));
    std::vector<lapack_int> iwork(static_cast<std::size_t>(iwork_size));
    info = LAPACKE_dsyevr_work(LAPACK_COL_MAJOR, 'V', 'A', 'U', ni, a.data(), ni, 0.0, 0.0, 0, 0, 0.0, &found,
                               values_.data(), vectors_.data(), ni, support.data(), work.data(),
                               static_cast<lapack_int>(work.size()), iwork.data(),
                               static_cast<lapack_int>(iwork.size()));
    peak_doubles_ = a.size() + vectors_.size() + values_.size() + work.size() +
                    int_doubles(iwork.size() + support.size());
  }
  solve_seconds_ = seconds_since(t1);
  if (info != 0 || found != ni) {
    throw RuntimeError(
        fmt::format("LAPACKE_dsyevr failed (info = {}, {} of {} eigenvalues)", info, found, n));
  }
  block_ = static_cast<int>(n);
  row_index_ = global_indices(static_cast<int>(n), block_, 0, 1);
  col_index_ = row_index_;
}

void NtkEigensystem::solve_distributed(const DistributedNtk& ntk, int block) {
  const std::size_t n = ntk.distribution().points();
  const int ni = static_cast<int>(n);
  const int nprow = grid_.nprow(), npcol = grid_.npcol(), myrow = grid_.myrow(), mycol = grid_.mycol();
  if (block <= 0) {
    const int widest = std::max(nprow, npcol);
    block = std::clamp((ni + widest - 1) / widest, 1, default_block);
  }
  block_ = block;
  const int zero = 0, one = 1;
  const int lrows = numroc_(&ni, &block, &myrow, &zero, &nprow);
  const int lcols = numroc_(&ni, &block, &mycol, &zero, &npcol);
  const int lld = std::max(1, lrows);
  const int context = grid_.context();
  std::array<int, 9> desc{};
  int info = 0;
  descinit_(desc.data(), &ni, &ni, &block, &block, &zero, &zero, &context, &lld, &info);
  if (info != 0) {
    throw RuntimeError(fmt::format("ScaLAPACK descinit failed (info = {}) for N = {}, block {}, grid {} x {}",
                                   info, n, block, nprow, npcol));
  }
  row_index_ = global_indices(lrows, block, myrow, nprow);
  col_index_ = global_indices(lcols, block, mycol, npcol);
  const std::size_t local = static_cast<std::size_t>(lld) * static_cast<std::size_t>(lcols);

  // The lower triangle (all pdsyevd reads with uplo = 'L'), tile by tile from the factors. A tile
  // [r0, r1) x [c0, c1) is built as ntk_block(c0, c1, r0, r1), whose row-major layout is the tile's
  // column-major one (Theta is symmetric), and copied into the local matrix. Tiles above the diagonal
  // (c0 >= r1) are skipped: half the kernel's cost.
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<double> a(local, 0.0), tile, tile_work;
  const NtkFactors& factors = ntk.factors();
  for (int lj0 = 0; lj0 < lcols; lj0 += block) {
    const std::size_t c0 = col_index_[static_cast<std::size_t>(lj0)];
    const std::size_t c1 = std::min(n, c0 + static_cast<std::size_t>(block));
    for (int li0 = 0; li0 < lrows; li0 += block) {
      const std::size_t r0 = row_index_[static_cast<std::size_t>(li0)];
      const std::size_t r1 = std::min(n, r0 + static_cast<std::size_t>(block));
      if (c0 >= r1) {
        continue;
      }
      const std::size_t h = r1 - r0;
      tile.resize(h * (c1 - c0));
      ntk_block(factors, c0, c1, r0, r1, tile, tile_work);
      for (std::size_t j = 0; j < c1 - c0; ++j) {
        std::copy_n(tile.data() + j * h, h,
                    a.data() + static_cast<std::size_t>(li0) + (static_cast<std::size_t>(lj0) + j) * lld);
      }
    }
  }
  const std::size_t tile_doubles = tile.capacity() + tile_work.capacity();
  tile = {};
  tile_work = {};
  build_seconds_ = seconds_since(t0);
  const auto t1 = std::chrono::steady_clock::now();

  // pdsyevd (divide and conquer) rather than pdsyevr (MRRR): both return all eigenpairs in O(N^3 / P), but
  // divide and conquer keeps the eigenvectors orthogonal to working precision inside tight clusters, which
  // the NTK has by symmetry (lattice points), and it is the better-tested path across ScaLAPACK releases;
  // MRRR saves workspace and sometimes time. Eigenvalues agree to rounding either way.
  values_.assign(n, 0.0);
  vectors_.assign(local, 0.0);
  double work_query = 0.0;
  int iwork_query = 0, lwork = -1, liwork = -1;
  pdsyevd_("V", "L", &ni, a.data(), &one, &one, desc.data(), values_.data(), vectors_.data(), &one, &one,
           desc.data(), &work_query, &lwork, &iwork_query, &liwork, &info, 1, 1);
  if (info == 0) {
    // The query is not enough (ScaLAPACK 2.2.1): pdsyevd finally calls PDORMTR with its work array less 2N
    // and ignores PDORMTR's info. Where PDORMTR's minimum, max(NB (NB - 1) / 2, (MpC0 + NqC0) NB) + NB^2,
    // exceeds pdsyevd's 6N + 2 NP NQ (few rows per process for the block size: N = 8 in one block on 1 x 2,
    // N = 100 in blocks of 50 on 2 x 2), PDORMTR prints "parameter number 16 had an illegal value" and
    // pdsyevd returns info = 0 with the eigenvectors of the tridiagonal matrix instead of Theta's. So
    // PDORMTR's minimum (its formula for SIDE = 'L', UPLO = 'L': C = Z(2:N, 1:N)) is added to the query.
    const int c_rows = ni - 1 + 1 % block, c_first_row = (1 / block) % nprow;
    const int mpc0 = numroc_(&c_rows, &block, &myrow, &c_first_row, &nprow);
    const int nqc0 = numroc_(&ni, &block, &mycol, &zero, &npcol);
    const double ormtr = std::max(0.5 * block * (block - 1), static_cast<double>(mpc0 + nqc0) * block) +
                         static_cast<double>(block) * block;
    work_query = std::max(work_query, 2.0 * ni + ormtr);
    // A workspace beyond int counts (about 2 N^2 / P > 2^31) is a failure of this rank like any other.
    if (!(work_query < static_cast<double>(INT_MAX))) {
      info = INT_MIN;
    }
  }
  if (info == 0) {
    lwork = static_cast<int>(work_query);
    liwork = std::max(1, iwork_query);
    std::vector<double> work(static_cast<std::size_t>(lwork));
    std::vector<int> iwork(static_cast<std::size_t>(liwork));
    pdsyevd_("V", "L", &ni, a.data(), &one, &one, desc.data(), values_.data(), vectors_.data(), &one, &one,
             desc.data(), work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
    // The tile buffers were released before the solver's arrays were allocated.
    peak_doubles_ = a.size() + std::max(tile_doubles, vectors_.size() + values_.size() + work.size() +
                                                          int_doubles(iwork.size()));
  }
  solve_seconds_ = seconds_since(t1);
  // pdsyevd's info is global, but an error must be raised on every rank or on none, so it is agreed on.
  std::array<double, 1> failing{info != 0 ? 1.0 : 0.0};
  grid_.sum_in_place(failing);
  if (failing[0] > 0.0) {
    const std::string why = info == INT_MIN
                                ? fmt::format("workspace of {} doubles exceeds int counts", work_query)
                                : fmt::format("info = {}", info);
    throw RuntimeError(fmt::format("ScaLAPACK pdsyevd failed ({} on rank {}; {} of {} ranks failed; N = {}, "
                                   "block {}, grid {} x {})",
                                   why, grid_.rank(), failing[0], grid_.size(), n, block, nprow, npcol),
                       true);
  }
  // Every rank takes its decisions (clamping, dropping in solve_kernel) from the same eigenvalues.
  grid_.broadcast(values_);
}

std::vector<double> NtkEigensystem::components(std::span<const double> v) const {
  if (v.size() != size()) {
    throw InputError(fmt::format("NtkEigensystem::components: a vector of {} values for an {}-point kernel",
                                 v.size(), size()));
  }
  return multiply(v, /*transpose=*/true);
}

std::vector<double> NtkEigensystem::synthesize(std::span<const double> w) const {
  if (w.size() != size()) {
    throw InputError(
        fmt::format("NtkEigensystem::synthesize: {} components for an {}-point kernel", w.size(), size()));
  }
  return multiply(w, /*transpose=*/false);
}

std::vector<double> NtkEigensystem::multiply(std::span<const double> x, bool transpose) const {
  std::vector<double> out(size(), 0.0);
  const int lrows = static_cast<int>(local_rows()), lcols = static_cast<int>(local_cols());
  if (lrows > 0 && lcols > 0) {
    // Q^T x reads x at this rank's rows and writes its columns; Q x the other way round.
    const auto& in_index = transpose ? row_index_ : col_index_;
    const auto& out_index = transpose ? col_index_ : row_index_;
    std::vector<double> x_local(in_index.size()), partial(out_index.size());
    for (std::size_t i = 0; i < x_local.size(); ++i) {
      x_local[i] = x[in_index[i]];
    }
    cblas_dgemv(CblasColMajor, transpose ? CblasTrans : CblasNoTrans, lrows, lcols, 1.0, vectors_.data(),
                lrows, x_local.data(), 1, 0.0, partial.data(), 1);
    for (std::size_t j = 0; j < partial.size(); ++j) {
      out[out_index[j]] = partial[j];
    }
  }
  // Every (row, column) of Q lives on exactly one rank: the sum over ranks completes each entry's dot
  // product over the process rows (or columns).
  grid_.sum_in_place(out);
  return out;
}

} // namespace inflanet
