// The network-only run checkpoints and restarts like the inflaton run: a run killed inside a checkpoint write
// and restarted from "latest" ends with the uninterrupted run's nn.h5 (bitwise at the same rank count, to
// rounding at another), and a checkpoint of another kind of run is refused with the reason.
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
  const auto resumed = run(2, "network.toml", {"output.dir=cut", "restart=latest"});
  ASSERT_EQ(resumed.status, 0) << resumed;
  EXPECT_THAT(resumed.out, HasSubstr("# restarted from step 20"));
  const auto resumed3 = run(3, "network.toml", {"output.dir=three", "restart=latest"});
  ASSERT_EQ(resumed3.status, 0) << resumed3;
  const auto nn = [&](const char* where, const char* name) {
    return read_doubles(dir_ / where / "nn.h5", name);
  };
  EXPECT_EQ(nn("cut", "step"), nn("full", "step"));
  for (const char* name : {"f", "f_lin", "loss", "ntk_drift", "lin_gap"}) {
    EXPECT_TRUE(bitwise_equal(nn("cut", name), nn("full", name))) << name << " (2 -> 2 ranks)";
    EXPECT_LT(max_relative_difference(nn("three", name), nn("full", name)), 1e-12)
        << name << " (2 -> 3 ranks)";
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
