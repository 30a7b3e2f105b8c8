// The exact-dual run through the real executable (issue 10): a linear Fourier-feature readout trained with
// the lattice's integrator and step equals the band-limited inflaton on the sites to rounding, in Minkowski
// and, with the learning-rate schedule, in de Sitter, at 1, 2 and 3 ranks; keys that do not apply are refused
// by name.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app_test.hpp"
#include "child_process.hpp"
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
  const auto check = inflanet(1, "check", "minkowski.toml", {});
  EXPECT_EQ(check.status, 0) << check;
  EXPECT_THAT(check.out, HasSubstr("# exact dual:"));
}
