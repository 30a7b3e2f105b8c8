// The network-only run checkpoints and restarts like the inflaton run: a run killed inside a checkpoint write
// and restarted from "latest" ends with the uninterrupted run's nn.h5 (bitwise at the same rank count, to
// rounding at another, mode amplitudes included: the eigenvectors' signs are fixed), and a checkpoint of
// another kind of run is refused with the reason.
#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app_test.hpp"
#include "child_process.hpp"
#include "compare.hpp"
#include "hdf5_read.hpp"

using namespace inflanet::testing;
using ::testing::HasSubstr;

namespace {

const char* const network_deck = R"([lattice]
N = 16
L = 10.0
[network]
sublattice = 8
targets = "gaussian_random_field"
depth = 2
width = 32
eta = 0.5
beta = 0.9
steps = 40
ntk_every = 10
output_every = 5
ntk_spectrum = "full"
[output]
checkpoint_every = 10
progress_every = 20
)";

const char* const inflaton_deck = R"([lattice]
N = 16
L = 10.0
[background]
kind = "desitter"
H = 1.0
[inflaton]
potential = "quadratic"
m = 0.5
seed = 3
[time]
dt = 0.05
t_end = 0.5
[output]
checkpoint_every = 5
)";

class NetworkRestart : public AppTest {
protected:
  void SetUp() override {
    AppTest::SetUp();
    write_file(dir_ / "network.toml", network_deck);
    write_file(dir_ / "inflaton.toml", inflaton_deck);
  }
  Result run(int ranks, const std::string& deck, const std::vector<std::string>& args,
             const std::vector<std::string>& env = {}) const {
    return run_inflanet(ranks, "run", deck, args, env, std::chrono::seconds(120));
  }
};

} // namespace

TEST_F(NetworkRestart, KilledInACheckpointWriteAndRestartedEqualsTheUninterruptedRun) {
  const auto full = run(2, "network.toml", {"output.dir=full"});
  ASSERT_EQ(full.status, 0) << full;
  const auto killed =
      run(2, "network.toml", {"output.dir=cut"}, {"INFLANET_FAULT_INJECTION=checkpoint-write:30"});
  ASSERT_NE(killed.status, 0) << killed;
  EXPECT_TRUE(fs::exists(dir_ / "cut/checkpoint_30.h5.tmp")) << "the kill came in the middle of the write";
  EXPECT_EQ(read_file(dir_ / "cut/checkpoint_latest"), "checkpoint_20.h5\n");
  fs::copy(dir_ / "cut", dir_ / "three", fs::copy_options::recursive);
  fs::copy(dir_ / "cut", dir_ / "one", fs::copy_options::recursive);
  const auto resumed = run(2, "network.toml", {"output.dir=cut", "restart=latest"});
  ASSERT_EQ(resumed.status, 0) << resumed;
  EXPECT_THAT(resumed.out, HasSubstr("# restarted from step 20"));
  const auto resumed3 = run(3, "network.toml", {"output.dir=three", "restart=latest"});
  ASSERT_EQ(resumed3.status, 0) << resumed3;
  const auto resumed1 = run(1, "network.toml", {"output.dir=one", "restart=latest"});
  ASSERT_EQ(resumed1.status, 0) << resumed1;
  const auto nn = [&](const char* where, const char* name) {
    return read_doubles(dir_ / where / "nn.h5", name);
  };
  EXPECT_EQ(nn("cut", "step"), nn("full", "step"));
  for (const char* name : {"f", "f_lin", "loss", "ntk_drift", "lin_gap"}) {
    EXPECT_TRUE(bitwise_equal(nn("cut", name), nn("full", name))) << name << " (2 -> 2 ranks)";
    EXPECT_LT(max_relative_difference(nn("three", name), nn("full", name)), 1e-12)
        << name << " (2 -> 3 ranks)";
  }
  // mode_amplitudes a_k = u_k . (f - y): the eigenvectors' signs follow one rule on every rank count, so the
  // restart on 3 ranks continues the same amplitudes (before the rule, about half changed sign) wherever the
  // eigenvalue is separated; a degenerate eigenspace's basis is the solver's choice, and there only
  // cluster sums are physical.
  const auto values = nn("full", "ntk_eigenvalues");
  const auto a_full = nn("full", "mode_amplitudes");
  EXPECT_TRUE(bitwise_equal(nn("cut", "mode_amplitudes"), a_full)) << "mode_amplitudes (2 -> 2 ranks)";
  const std::size_t n = values.size();
  ASSERT_GT(n, 0u);
  const std::size_t rows = a_full.size() / n;
  for (const char* where : {"three", "one"}) {
    const auto a_other = nn(where, "mode_amplitudes");
    ASSERT_EQ(a_other.size(), a_full.size()) << where;
    std::size_t separated = 0, differing = 0;
    for (std::size_t k = 0; k < n; ++k) {
      double gap = values.back();
      if (k > 0) {
        gap = std::min(gap, values[k] - values[k - 1]);
      }
      if (k + 1 < n) {
        gap = std::min(gap, values[k + 1] - values[k]);
      }
      if (gap < 1e-6 * values.back()) {
        continue;
      }
      ++separated;
      for (std::size_t r = 0; r < rows; ++r) {
        double scale = 0.0;
        for (std::size_t j = 0; j < n; ++j) {
          scale = std::max(scale, std::abs(a_full[r * n + j]));
        }
        differing += std::abs(a_other[r * n + k] - a_full[r * n + k]) > 1e-7 * scale ? 1 : 0;
      }
    }
    EXPECT_GE(separated, n / 4) << "the comparison needs separated eigenvalues";
    EXPECT_EQ(differing, 0u) << "of " << separated << " separated modes x " << rows << " rows (2 ranks -> "
                             << where << ")";
  }
}

TEST_F(NetworkRestart, ACheckpointOfAnotherKindOfRunIsRefusedWithTheReason) {
  ASSERT_EQ(run(1, "network.toml", {"output.dir=net", "network.steps=10"}).status, 0);
  ASSERT_EQ(run(1, "inflaton.toml", {"output.dir=lat"}).status, 0);
  const auto inflaton_from_network =
      run(1, "inflaton.toml", {"output.dir=x", "restart=net/checkpoint_10.h5"});
  EXPECT_EQ(inflaton_from_network.status, 2) << inflaton_from_network;
  EXPECT_THAT(inflaton_from_network.err, HasSubstr("not an inflanet checkpoint"));
  const auto network_from_inflaton = run(1, "network.toml", {"output.dir=y", "restart=lat/checkpoint_10.h5"});
  EXPECT_EQ(network_from_inflaton.status, 2) << network_from_inflaton;
  EXPECT_THAT(network_from_inflaton.err, HasSubstr("no network-only training state"));
  const auto other_width = run(1, "network.toml", {"output.dir=net", "restart=latest", "network.width=16"});
  EXPECT_EQ(other_width.status, 2) << other_width;
  EXPECT_THAT(other_width.err, HasSubstr("parameters"));
}
