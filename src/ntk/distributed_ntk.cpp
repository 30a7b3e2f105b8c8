#include "inflanet/ntk/distributed_ntk.hpp"

#include <cblas.h>

#include <algorithm>

#include "inflanet/base/error.hpp"
#include "inflanet/ntk/empirical_ntk.hpp"

namespace inflanet {

NtkFactors DistributedNtk::gather_factors(Mlp& network, std::span<const double> x_local,
                                          std::vector<std::vector<double>>& storage) const {
  const PointDistribution& dist = *distribution_;
  const std::size_t n = dist.points(), m = dist.local_count();
  const int layers = network.layers();
  // Local factors (a rank with no points contributes empty blocks and runs no pass).
  NtkFactors local;
  if (m > 0) {
    local = ntk_factors(network, x_local, m);
  } else if (network.params().output_dim != 1) {
    throw InputError("the empirical NTK is implemented for scalar output (O = 1) only");
  }
  // Gather every layer's A_k and G_k in point order: the same factors on every rank for any rank count.
  storage.assign(2 * static_cast<std::size_t>(layers), {});
  NtkFactors all{n, network.params().sigma_w, network.params().sigma_b, {}};
  for (int k = 0; k < layers; ++k) {
    const auto n_in = static_cast<std::size_t>(network.units(k));
    const auto n_out = static_cast<std::size_t>(network.units(k + 1));
    const std::span<const double> a =
        m > 0 ? local.layers[static_cast<std::size_t>(k)].a : std::span<const double>{};
    const std::span<const double> g =
        m > 0 ? local.layers[static_cast<std::size_t>(k)].g : std::span<const double>{};
    auto& ga = storage[2 * static_cast<std::size_t>(k)];
    auto& gg = storage[2 * static_cast<std::size_t>(k) + 1];
    ga = dist.all_gather(a, n_in);
    gg = dist.all_gather(g, n_out);
    all.layers.push_back(NtkLayer{ga, gg, network.units(k), network.units(k + 1)});
  }
  return all;
}

void DistributedNtk::build(Mlp& network, std::span<const double> x_local,
                           const std::function<void(std::size_t, std::size_t)>& progress) {
  const PointDistribution& dist = *distribution_;
  const std::size_t n = dist.points(), m = dist.local_count(), b0 = dist.local_begin();
  factors_ = gather_factors(network, x_local, gathered_);
  rows_.resize(m * n);
  for (std::size_t r = 0; r < m; r += ntk_row_chunk) {
    const std::size_t r1 = std::min(m, r + ntk_row_chunk);
    ntk_block(factors_, b0 + r, b0 + r1, 0, n, std::span<double>(rows_).subspan(r * n, (r1 - r) * n), work_);
    if (progress) {
      progress(r1, m);
    }
  }
}

void DistributedNtk::release_factors() noexcept {
  factors_ = NtkFactors{};
  gathered_.clear();
  gathered_.shrink_to_fit();
}

double DistributedNtk::distance_squared_to(Mlp& network, std::span<const double> x_local) const {
  const PointDistribution& dist = *distribution_;
  const std::size_t n = dist.points(), m = dist.local_count(), b0 = dist.local_begin();
  if (rows_.size() != m * n) {
    throw RuntimeError("DistributedNtk::distance_squared_to: need a built kernel");
  }
  std::vector<std::vector<double>> storage;
  const NtkFactors other = gather_factors(network, x_local, storage);
  std::vector<double> chunk;
  double s = 0.0;
  for (std::size_t r = 0; r < m; r += ntk_row_chunk) {
    const std::size_t r1 = std::min(m, r + ntk_row_chunk);
    chunk.resize((r1 - r) * n);
    ntk_block(other, b0 + r, b0 + r1, 0, n, chunk, work_);
    const double* mine = rows_.data() + r * n;
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      const double d = chunk[i] - mine[i];
      s += d * d;
    }
  }
  return dist.sum(s);
}

void DistributedNtk::apply(std::span<const double> r, double scale, std::span<double> out) const {
  const PointDistribution& dist = *distribution_;
  const std::size_t n = dist.points(), m = dist.local_count();
  if (r.size() != n || out.size() != n || rows_.size() != m * n) {
    throw RuntimeError("DistributedNtk::apply: need a built kernel and N-vectors");
  }
  local_out_.resize(m);
  if (m > 0) {
    cblas_dgemv(CblasRowMajor, CblasNoTrans, static_cast<int>(m), static_cast<int>(n), scale, rows_.data(),
                static_cast<int>(n), r.data(), 1, 0.0, local_out_.data(), 1);
  }
  const auto full = dist.all_gather(local_out_, 1);
  std::copy(full.begin(), full.end(), out.begin());
}

double DistributedNtk::norm_squared() const {
  double s = 0.0;
  for (const double v : rows_) {
    s += v * v;
  }
  return distribution_->sum(s);
}

std::vector<double> DistributedNtk::gather_to_root() const {
  return distribution_->gather_to_root(rows_, distribution_->points());
}

} // namespace inflanet
