#pragma once
/// \file
/// \brief The loops over this rank's sites and modes. Every site and mode loop of the library goes through
/// these templates, so the slab arithmetic lives in SlabLayout alone and the threading here alone: a pencil
/// decomposition changes the layout, a GPU backend these loops, and nothing else needs to.
///
/// Why free templates in their own header, and not members of Decomposition or SlabLayout: the loops are
/// about *visiting* (order, threads, per-thread sums), the layout about *where things are*, and the
/// decomposition about ranks and reductions; keeping the three apart keeps OpenMP out of the MPI-facing
/// header and lets the callers' lambdas inline into the loops (templates, never std::function).
///
/// Two forms of each loop:
/// - pointwise, `for_each_site` / `for_each_mode`: f(const Site&) or f(const Mode&), every local site or
///   mode once, in storage order, on the calling thread. For set-up, I/O and diagnostics, and for sums
///   whose order matters (shell binning).
/// - row-wise, `for_each_site_row` / `for_each_mode_row`: f(const SiteRow&) or f(const ModeRow&) per
///   contiguous z-row, threaded over rows (OpenMP, static schedule, rows in storage order). The body owns
///   the inner loop, so it stays vectorisable with its own `omp simd`. Rows run concurrently: a body
///   writes only its own row's elements.
/// - `sum_over_site_rows<K>` / `sum_over_mode_rows<K>`: the row-wise loop with K running sums. The body
///   gets this thread's partial sums, `double (&acc)[K]`, and adds into them in row order (so a body that
///   adds site by site gives the same sum, bit for bit, as a plain loop in storage order on one thread);
///   the threads' partials are added at the end. Returns this rank's sums; the global sum is the
///   Decomposition's verb (`sum`, `sum_in_place`).
///
/// The row-wise forms copy the body once per thread before the loop, so scalars it captured by value are
/// thread-local registers in the inner loop and cannot alias the arrays it writes: capture scalars and
/// pointers by value (`[=]`) in hot loops; capture large objects by reference.

#include <array>
#include <cstddef>
#include <type_traits>

#include "inflanet/decomposition/decomposition.hpp"
#include "inflanet/decomposition/slab_layout.hpp"

namespace inflanet {

namespace detail {

/// The pointwise loop of both spaces: f((row.*Point)(i)) for every element i of every row (layout.*Row)(r),
/// in storage order, on this thread.
template <auto Rows, auto Row, auto Point, class F>
void for_each_point(const Decomposition& d, F&& f) {
  const SlabLayout layout = d.layout();
  for (std::ptrdiff_t r = 0; r < (layout.*Rows)(); ++r) {
    const auto row = (layout.*Row)(r);
    for (std::ptrdiff_t i = 0; i < row.length; ++i) {
      f((row.*Point)(i));
    }
  }
}

/// The row-wise loop of both spaces: body((layout.*Row)(r)) for r in [0, (layout.*Rows)()), threaded (see
/// the file comment).
template <auto Rows, auto Row, class F>
void for_each_row(const Decomposition& d, F&& f) {
  const SlabLayout layout = d.layout();
  const std::ptrdiff_t rows = (layout.*Rows)();
#pragma omp parallel
  {
    std::decay_t<F> body = f;
#pragma omp for schedule(static)
    for (std::ptrdiff_t r = 0; r < rows; ++r) {
      body((layout.*Row)(r));
    }
  }
}

/// The same with K running sums per thread, added at the end: this rank's sums.
template <std::size_t K, auto Rows, auto Row, class F>
[[nodiscard]] std::array<double, K> sum_over_rows(const Decomposition& d, F&& f) {
  static_assert(K > 0, "sum_over_site_rows and sum_over_mode_rows need at least one sum");
  const SlabLayout layout = d.layout();
  const std::ptrdiff_t rows = (layout.*Rows)();
  double acc[K] = {};
#pragma omp parallel reduction(+ : acc[:K])
  {
    std::decay_t<F> body = f;
#pragma omp for schedule(static)
    for (std::ptrdiff_t r = 0; r < rows; ++r) {
      body((layout.*Row)(r), acc);
    }
  }
  return std::to_array(acc);
}

} // namespace detail

/// \brief Calls f(const Site&) for every site this rank owns, in storage order (x, y, z), on this thread.
template <class F>
void for_each_site(const Decomposition& d, F&& f) {
  detail::for_each_point<&SlabLayout::site_rows, &SlabLayout::site_row, &SiteRow::site>(d, f);
}

/// \brief Calls f(const Mode&) for every Fourier mode stored on this rank, in storage order (ky, kx, kz),
/// on this thread.
template <class F>
void for_each_mode(const Decomposition& d, F&& f) {
  detail::for_each_point<&SlabLayout::mode_rows, &SlabLayout::mode_row, &ModeRow::mode>(d, f);
}

/// \brief Calls f(const SiteRow&) for every local z-row of sites, threaded over rows.
template <class F>
void for_each_site_row(const Decomposition& d, F&& f) {
  detail::for_each_row<&SlabLayout::site_rows, &SlabLayout::site_row>(d, f);
}

/// \brief Calls f(const ModeRow&) for every local kz-row of modes, threaded over rows.
template <class F>
void for_each_mode_row(const Decomposition& d, F&& f) {
  detail::for_each_row<&SlabLayout::mode_rows, &SlabLayout::mode_row>(d, f);
}

/// \brief Calls f(const SiteRow&, double (&acc)[K]) for every local z-row, threaded, and returns this rank's
/// K sums.
template <std::size_t K, class F>
[[nodiscard]] std::array<double, K> sum_over_site_rows(const Decomposition& d, F&& f) {
  return detail::sum_over_rows<K, &SlabLayout::site_rows, &SlabLayout::site_row>(d, f);
}

/// \brief Calls f(const ModeRow&, double (&acc)[K]) for every local kz-row, threaded, and returns this
/// rank's K sums.
template <std::size_t K, class F>
[[nodiscard]] std::array<double, K> sum_over_mode_rows(const Decomposition& d, F&& f) {
  return detail::sum_over_rows<K, &SlabLayout::mode_rows, &SlabLayout::mode_row>(d, f);
}

} // namespace inflanet
