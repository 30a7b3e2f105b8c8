#pragma once
/// \file
/// \brief xtensor views of a Field's storage, padding hidden.
///
/// Kept apart from field.hpp: xtensor is the heaviest header the project parses (about 1 s per translation
/// unit), and only a few callers want array views; the lattice's own passes go through lattice_loops.hpp.

#include <array>
#include <concepts>
#include <cstddef>
#include <type_traits>

#include <xtensor/xadapt.hpp>
#include <xtensor/xview.hpp>

#include "inflanet/decomposition/field.hpp"

namespace inflanet {

/// \brief View of the real-space slab, shape (local_nx, N, N): padding hidden, aliasing the storage
/// (read-only for a const Field).
template <class F>
requires std::same_as<std::remove_const_t<F>, Field>
[[nodiscard]] auto real_view(F& field) {
  const auto s = field.decomposition().layout().real_storage_shape(); // the padded (local_nx, N, N + pad)
  const std::array<std::size_t, 3> shape{static_cast<std::size_t>(s[0]), static_cast<std::size_t>(s[1]),
                                         static_cast<std::size_t>(s[2])};
  return xt::view(xt::adapt(field.real_data(), field.padded_real_size(), xt::no_ownership(), shape),
                  xt::all(), xt::all(), xt::range(0, field.decomposition().n()));
}

} // namespace inflanet
