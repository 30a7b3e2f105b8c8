// The run-time model of `inflanet check`: each stage's formula against hand-computed values (lattice sites x
// evaluations x fields, 2 N^2 sum(n_in + n_out) flops for Theta's rows, N^3 for the eigendecomposition), the
// scaling with N and ranks, and the report's lines with their basis.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "inflanet/app/run_time_estimate.hpp"

using namespace inflanet;

TEST(RunTimeEstimate, EachStageFollowsItsDocumentedFormula) {
  // 64^3 sites, 150 steps, 1 evaluation, 1 field, 2 ranks: 150 x 262144 x 12.8 ns / 2.
  EXPECT_DOUBLE_EQ(lattice_seconds(262144.0, 150.0, 1, 1, 2), 150.0 * 262144.0 * 12.8e-9 / 2.0);
  // Three evaluations of two fields cost six times one of one.
  EXPECT_DOUBLE_EQ(lattice_seconds(1e6, 10.0, 3, 2, 1), 6.0 * lattice_seconds(1e6, 10.0, 1, 1, 1));
  MlpParams mlp;
  mlp.input_dim = 6;
  mlp.depth = 2;
  mlp.width = 128;
  // Layers 6 -> 128 -> 128 -> 1: sum (n_in + n_out) = 134 + 256 + 129 = 519.
  EXPECT_DOUBLE_EQ(ntk_rows_seconds(4096.0, mlp, 1),
                   2.0 * 4096.0 * 4096.0 * 519.0 / RunTimeModel::flops_per_second);
  EXPECT_DOUBLE_EQ(ntk_rows_seconds(4096.0, mlp, 2), 0.5 * ntk_rows_seconds(4096.0, mlp, 1));
  EXPECT_DOUBLE_EQ(eigendecomposition_seconds(2000.0), 8.0 * eigendecomposition_seconds(1000.0));
  EXPECT_DOUBLE_EQ(eigendecomposition_seconds(1000.0), 1e9 * RunTimeModel::eigen_seconds_per_n3);
  // Parameters (6 + 1) 128 + (128 + 1) 128 + (128 + 1) = 17537; 6 flops each per point, + 2 N^2.
  EXPECT_DOUBLE_EQ(network_seconds(4096.0, mlp, 1.0, 1, 1),
                   (6.0 * 17537.0 * 4096.0 + 2.0 * 4096.0 * 4096.0) / RunTimeModel::flops_per_second);
}

TEST(RunTimeEstimate, TheReportGivesTheTotalEachStageAndTheBasis) {
  RunTimeEstimate e;
  e.lattice = 10.0;
  e.network = 1.0;
  e.ntk_rows = 2.0;
  e.eigendecomposition = 60.0;
  EXPECT_DOUBLE_EQ(e.total(), 73.0);
  const std::string report = e.report();
  EXPECT_THAT(report, ::testing::StartsWith("#   run time (estimate) = 00:01:13 (73 s)\n"));
  EXPECT_THAT(report, ::testing::HasSubstr("eigendecomposition  60 s"));
  EXPECT_THAT(report, ::testing::HasSubstr("basis: a model with constants measured on the 2-core reference"));
  // A lattice run has no network lines.
  RunTimeEstimate lattice;
  lattice.lattice = 5.0;
  EXPECT_THAT(lattice.report(), ::testing::Not(::testing::HasSubstr("Theta(0)")));
}
