#include "inflanet/decomposition/point_distribution.hpp"

#include <climits>
#include <string>

#include "inflanet/base/error.hpp"

namespace inflanet {

PointDistribution::PointDistribution(std::size_t points, MPI_Comm comm) : points_(points), comm_(comm) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  const auto ranks = static_cast<std::size_t>(size_);
  begins_.resize(ranks);
  counts_.resize(ranks);
  std::size_t start = 0;
  for (std::size_t r = 0; r < ranks; ++r) {
    counts_[r] = points / ranks + (r < points % ranks ? 1 : 0);
    begins_[r] = start;
    start += counts_[r];
  }
}

double PointDistribution::sum(double local) const {
  double global = 0.0;
  MPI_Allreduce(&local, &global, 1, MPI_DOUBLE, MPI_SUM, comm_);
  return global;
}

void PointDistribution::sum_in_place(std::span<double> values) const {
  MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM, comm_);
}

std::vector<double> PointDistribution::gather_impl(std::span<const double> local, std::size_t width,
                                                   bool to_all) const {
  if (local.size() != local_count() * width) {
    throw RuntimeError("PointDistribution: rank " + std::to_string(rank_) + " offers " +
                       std::to_string(local.size()) + " values, expected " +
                       std::to_string(local_count() * width));
  }
  if (points_ * width > static_cast<std::size_t>(INT_MAX)) {
    throw RuntimeError("PointDistribution: a gather of " + std::to_string(points_ * width) +
                       " values exceeds MPI's int counts");
  }
  std::vector<int> counts(static_cast<std::size_t>(size_)), displs(static_cast<std::size_t>(size_));
  for (int r = 0; r < size_; ++r) {
    counts[static_cast<std::size_t>(r)] = static_cast<int>(count(r) * width);
    displs[static_cast<std::size_t>(r)] = static_cast<int>(begin(r) * width);
  }
  std::vector<double> out;
  if (to_all || is_root()) {
    out.resize(points_ * width);
  }
  if (to_all) {
    MPI_Allgatherv(local.data(), static_cast<int>(local.size()), MPI_DOUBLE, out.data(), counts.data(),
                   displs.data(), MPI_DOUBLE, comm_);
  } else {
    MPI_Gatherv(local.data(), static_cast<int>(local.size()), MPI_DOUBLE, out.data(), counts.data(),
                displs.data(), MPI_DOUBLE, 0, comm_);
  }
  return out;
}

std::vector<double> PointDistribution::all_gather(std::span<const double> local, std::size_t width) const {
  return gather_impl(local, width, true);
}

std::vector<double> PointDistribution::gather_to_root(std::span<const double> local,
                                                      std::size_t width) const {
  return gather_impl(local, width, false);
}

void PointDistribution::broadcast(std::span<double> values) const {
  MPI_Bcast(values.data(), static_cast<int>(values.size()), MPI_DOUBLE, 0, comm_);
}

bool PointDistribution::all(bool local) const {
  int in = local ? 1 : 0, out = 0;
  MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MIN, comm_);
  return out == 1;
}

} // namespace inflanet
