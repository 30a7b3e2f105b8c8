#include "inflanet/app/run_time_estimate.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "inflanet/app/progress.hpp"

namespace inflanet {

namespace {

/// Units per layer boundary: d, width x depth, 1 (scalar output).
double layer_units_sum(const MlpParams& p) {
  // sum over layers k of (n_in + n_out) = d + 2 depth width + 1 (each hidden layer is an input and an
  // output).
  return static_cast<double>(p.input_dim) + 2.0 * p.depth * p.width + static_cast<double>(p.output_dim);
}

double parameters(const MlpParams& p) {
  double count = 0.0, n_in = p.input_dim;
  for (int k = 0; k < p.depth; ++k) {
    count += (n_in + 1.0) * p.width;
    n_in = p.width;
  }
  return count + (n_in + 1.0) * p.output_dim;
}

} // namespace

double lattice_seconds(double sites, double steps, int force_evaluations, std::size_t fields, int ranks) {
  return steps * force_evaluations * static_cast<double>(fields) * sites *
         RunTimeModel::lattice_seconds_per_site / std::max(ranks, 1);
}

double ntk_rows_seconds(double points, const MlpParams& network, int ranks) {
  return 2.0 * points * points * layer_units_sum(network) /
         (RunTimeModel::flops_per_second * std::max(ranks, 1));
}

double eigendecomposition_seconds(double points) {
  return RunTimeModel::eigen_seconds_per_n3 * points * points * points;
}

double network_seconds(double points, const MlpParams& network, double steps, int force_evaluations,
                       int ranks) {
  const double per_evaluation = 6.0 * parameters(network) * points + 2.0 * points * points;
  return steps * force_evaluations * per_evaluation / (RunTimeModel::flops_per_second * std::max(ranks, 1));
}

std::string RunTimeEstimate::report() const {
  std::string out = fmt::format("#   run time (estimate) = {} ({:.3g} s)\n", clock_time(total()), total());
  out +=
      fmt::format("#     lattice steps       {:.3g} s  (steps x force evaluations x fields x N^3 x {:.3g} ns "
                  "per site / ranks)\n",
                  lattice, 1e9 * RunTimeModel::lattice_seconds_per_site);
  if (network > 0.0 || ntk_rows > 0.0) {
    out +=
        fmt::format("#     network steps       {:.3g} s  ((6 parameters + 2 N_sites) N_sites flops per force "
                    "evaluation at {:.3g} GFLOP/s per rank)\n",
                    network, 1e-9 * RunTimeModel::flops_per_second);
    out += fmt::format(
        "#     Theta(0) rows       {:.3g} s  (2 N_sites^2 sum(n_in + n_out) flops, each build)\n", ntk_rows);
  }
  if (eigendecomposition > 0.0) {
    out += fmt::format("#     eigendecomposition  {:.3g} s  ({:.3g} s x (N_sites / 1000)^3)\n",
                       eigendecomposition, 1e9 * RunTimeModel::eigen_seconds_per_n3);
  }
  out +=
      "#     basis: a model with constants measured on the 2-core reference machine (docs/performance.md), "
      "not a measurement of this one; ideal scaling with ranks\n";
  return out;
}

} // namespace inflanet
