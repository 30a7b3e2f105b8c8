// The exact-dual run through the real executable (issue 10): a linear Fourier-feature readout trained with
// the lattice's integrator and step equals the band-limited inflaton on the sites to rounding, in Minkowski
// and, with the learning-rate schedule, in de Sitter, at 1, 2 and 3 ranks; keys that do not apply are refused
// by name; it writes nn.h5 and restarts bit for bit, and a refused restart changes no file.
#include <filesystem>
#include <string>
#include <string_view>
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

const char* const minkowski_deck = R"([lattice]
N = 16
L = 10.0
[background]
kind = "minkowski"
[inflaton]
potential = "quadratic"
m = 0.7
seed = 21
[time]
dt = 0.05
t_end = 25.0
integrator = "yoshida4"
[network]
sublattice = 8
embedding = "fourier"
depth = 0
[output]
timeseries_every = 100
spectra_every = 100
progress_every = 250
)";

const char* const desitter_deck = R"([lattice]
N = 16
L = 10.0
[background]
kind = "desitter"
H = 1.0
[inflaton]
potential = "quadratic"
m = 0.0
seed = 22
[time]
dt = 0.02
t_end = 3.0
integrator = "leapfrog"
[network]
sublattice = 8
embedding = "fourier"
depth = 0
schedule = "desitter"
[output]
timeseries_every = 50
spectra_every = 50
progress_every = 150
)";

class ExactDual : public AppTest {
protected:
  void SetUp() override {
    AppTest::SetUp();
    write_file(dir_ / "minkowski.toml", minkowski_deck);
    write_file(dir_ / "desitter.toml", desitter_deck);
  }
  Result inflanet(int ranks, const std::string& command, const std::string& deck,
                  const std::vector<std::string>& args) const {
    return run_inflanet(ranks, command, deck, args);
  }
};

} // namespace

TEST_F(ExactDual, MinkowskiNetworkIsTheBandLimitedInflatonAfter500StepsAtEveryRankCount) {
  for (int ranks : {1, 2, 3}) {
    const std::string out = "out" + std::to_string(ranks);
    const auto r = inflanet(ranks, "run", "minkowski.toml", {"output.dir=" + out});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_THAT(r.out, HasSubstr("# exact dual: network residual against the band-limited inflaton"));
    const auto file = dir_ / out / "duality.h5";
    EXPECT_LT(read_double_attribute(file, "max_site_difference"), 1e-10) << ranks << " rank(s)";
    const auto rows = read_doubles(file, "max_site_difference");
    EXPECT_EQ(rows.size(), 6u) << "rows at steps 0, 100, ..., 500";
    EXPECT_LT(read_double_attribute(file, "max_abs_log_P_ratio_t_end"), 1e-10);
  }
}

TEST_F(ExactDual, DeSitterScheduleKeepsTheNetworkOnTheInflatonOverThreeEfolds) {
  const auto r = inflanet(2, "run", "desitter.toml", {"output.dir=ds"});
  ASSERT_EQ(r.status, 0) << r;
  EXPECT_LT(read_double_attribute(dir_ / "ds/duality.h5", "max_site_difference"), 1e-10);
  // Without the schedule the network does not redshift its gradient term: it leaves the lattice.
  const auto none = inflanet(2, "run", "desitter.toml", {"output.dir=none", "network.schedule=none"});
  ASSERT_EQ(none.status, 0) << none;
  EXPECT_GT(read_double_attribute(dir_ / "none/duality.h5", "max_site_difference"), 1e-2);
}

TEST_F(ExactDual, KeysThatDoNotApplyAreRefusedNamingTheKey) {
  const auto depth0 = inflanet(1, "check", "minkowski.toml", {"network.embedding=periodic"});
  EXPECT_EQ(depth0.status, 2) << depth0;
  EXPECT_THAT(depth0.err, HasSubstr("network.depth"));
  const auto schedule = inflanet(1, "check", "desitter.toml", {"network.depth=1"});
  EXPECT_EQ(schedule.status, 2) << schedule;
  EXPECT_THAT(schedule.err, HasSubstr("network.schedule"));
  const auto calibrate = inflanet(1, "check", "minkowski.toml", {"duality.calibrate=spectrum"});
  EXPECT_EQ(calibrate.status, 2) << calibrate;
  EXPECT_THAT(calibrate.err, HasSubstr("duality.calibrate"));
  // Accepted and ignored no more: the MLP's width on the readout, the features' dispersion on an MLP of the
  // periodic embedding, both refused where network.schedule is.
  for (const char* key : {"network.width=64", "network.activation=relu", "network.seed=9"}) {
    const auto mlp_key = inflanet(1, "check", "minkowski.toml", {key});
    EXPECT_EQ(mlp_key.status, 2) << mlp_key;
    EXPECT_THAT(mlp_key.err, HasSubstr(std::string(key).substr(0, std::string(key).find('='))));
    EXPECT_THAT(mlp_key.err, HasSubstr("no value for the exact dual"));
  }
  const auto dispersion =
      inflanet(1, "check", "minkowski.toml",
               {"network.embedding=periodic", "network.depth=1", "network.dispersion=flat"});
  EXPECT_EQ(dispersion.status, 2) << dispersion;
  EXPECT_THAT(dispersion.err, HasSubstr("key 'network.dispersion'"));
  EXPECT_THAT(dispersion.err, HasSubstr("no value unless network.embedding = \"fourier\""));
  const auto check = inflanet(1, "check", "minkowski.toml", {});
  EXPECT_EQ(check.status, 0) << check;
  EXPECT_THAT(check.out, HasSubstr("# exact dual:"));
}

TEST_F(ExactDual, StoppedHalfWayAndRestartedEveryDatasetEqualsTheUninterruptedRunBitForBit) {
  // 50 steps of the de Sitter dual (the schedule's clock is part of the state), checkpoints every 10; the
  // first run stops at step 30, where it has written the rows the uninterrupted run writes there. One rank
  // (the gathering of the distributed Fourier slabs is tested at 2 and 3 in decomposition.mpi_field).
  const std::vector<std::string> common = {"time.t_end=1.0", "output.checkpoint_every=10",
                                           "output.spectra_every=10", "output.timeseries_every=10"};
  auto with = [&](const std::vector<std::string>& extra) { // later overrides win
    std::vector<std::string> all = common;
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  };
  const auto full = inflanet(1, "run", "desitter.toml", with({"output.dir=full"}));
  ASSERT_EQ(full.status, 0) << full;
  const auto half = inflanet(1, "run", "desitter.toml", with({"output.dir=cut", "time.t_end=0.6"}));
  ASSERT_EQ(half.status, 0) << half;
  const auto before = directory_bytes(dir_ / "cut");
  // Refused restarts change no file: another model (the lattice refuses), a missing nn.h5 (the dual does).
  const auto physics =
      inflanet(1, "run", "desitter.toml", with({"output.dir=cut", "restart=latest", "inflaton.m=0.1"}));
  EXPECT_EQ(physics.status, 2) << physics;
  EXPECT_THAT(physics.err, HasSubstr("inflaton.m = 0 in the checkpoint's run, 0.1 in this deck"));
  EXPECT_TRUE(directory_bytes(dir_ / "cut") == before) << "every file and its bytes as they were";
  fs::copy(dir_ / "cut", dir_ / "gone", fs::copy_options::recursive);
  fs::remove(dir_ / "gone/nn.h5");
  const auto gone_before = directory_bytes(dir_ / "gone");
  const auto missing =
      inflanet(1, "run", "desitter.toml", with({"output.dir=gone", "restart=gone/checkpoint_30.h5"}));
  EXPECT_EQ(missing.status, 2) << missing;
  EXPECT_THAT(missing.err, HasSubstr("gone/nn.h5 is missing (a restart continues it"));
  EXPECT_TRUE(directory_bytes(dir_ / "gone") == gone_before);

  const auto resumed = inflanet(1, "run", "desitter.toml", with({"output.dir=cut", "restart=latest"}));
  ASSERT_EQ(resumed.status, 0) << resumed;
  EXPECT_THAT(resumed.out, HasSubstr("# exact dual: restarted from step 30"));
  std::size_t compared = 0;
  for (const char* file : {"duality.h5", "nn.h5", "checkpoint_50.h5", "spectra.h5"}) {
    const auto names = dataset_names(dir_ / "full" / file);
    EXPECT_EQ(names, dataset_names(dir_ / "cut" / file)) << file;
    for (const auto& name : names) {
      if (std::string_view(file).starts_with("checkpoint") && !name.starts_with("fields/") &&
          !name.starts_with("extra_series/")) {
        continue; // the state; not the deck text (which records the restart)
      }
      EXPECT_TRUE(
          bitwise_equal(read_doubles(dir_ / "cut" / file, name), read_doubles(dir_ / "full" / file, name)))
          << file << ": " << name;
      ++compared;
    }
  }
  EXPECT_GT(compared, 30u);
}

TEST_F(ExactDual, NnH5HoldsTheSitesTargetsOutputsAndLossAtNetworkOutputEvery) {
  const auto r =
      inflanet(1, "run", "minkowski.toml", {"output.dir=nn", "time.t_end=1.0", "network.output_every=5"});
  ASSERT_EQ(r.status, 0) << r;
  const auto file = dir_ / "nn/nn.h5";
  EXPECT_EQ(read_doubles(file, "step"), (std::vector<double>{0, 5, 10, 15, 20}));
  const std::size_t n = 8 * 8 * 8;
  const auto y = read_doubles(file, "y"), f = read_doubles(file, "f"), f_lin = read_doubles(file, "f_lin");
  const auto loss = read_doubles(file, "loss");
  ASSERT_EQ(y.size(), n);
  ASSERT_EQ(f.size(), 5 * n);
  EXPECT_TRUE(bitwise_equal(f, f_lin)) << "a linear model is its own linearisation";
  EXPECT_EQ(read_doubles(file, "sites").size(), 3 * n);
  EXPECT_EQ(read_doubles(file, "x").size(), 3 * n);
  // The readout starts at zero (f = 0, the residual -y is the band-limited perturbation), and every row's
  // loss is (c/2) sum (f - y)^2 of that row's outputs.
  const double c = read_double_attribute(file, "c");
  double y2 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(f[i], 0.0);
    y2 += y[i] * y[i];
  }
  EXPECT_GT(y2, 0.0);
  for (std::size_t row = 0; row < 5; ++row) {
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      sum += (f[row * n + i] - y[i]) * (f[row * n + i] - y[i]);
    }
    EXPECT_NEAR(loss[row], 0.5 * c * sum, 1e-12 * loss[row]) << "row " << row;
  }
  EXPECT_NE(f[4 * n + 7], 0.0) << "the network moved";
}
