// The coupled run through the real executable: the dictionary's conflicts are refused with the key named,
// check prints the dictionary and both stability limits, a small coupled run writes every dataset and
// attribute of duality.h5, and its results do not depend on the rank count.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include "child_process.hpp"
#include "hdf5_read.hpp"

using namespace inflanet::testing;
using ::testing::HasSubstr;

namespace {

const char* const deck_text = R"([lattice]
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
t_end = 1.0
integrator = "leapfrog"
[network]
sublattice = 8
depth = 1
width = 32
activation = "erf"
seed = 4
[duality]
match = "cosmology"
[output]
timeseries_every = 5
spectra_every = 5
progress_every = 10
)";

class CoupledRun : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("inflanet_coupled_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write_file(dir_ / "deck.toml", deck_text);
  }
  void TearDown() override {
    if (!HasFailure()) {
      fs::remove_all(dir_);
    }
  }
  Result inflanet(int ranks, const std::string& command, std::vector<std::string> args) const {
    std::vector<std::string> argv;
    if (ranks > 1) {
      argv = {INFLANET_MPIEXEC,        "-n", std::to_string(ranks), "--oversubscribe",
              "--allow-run-as-root",   "-x", "OMP_NUM_THREADS=1",   "-x",
              "OPENBLAS_NUM_THREADS=1"};
    }
    argv.insert(argv.end(), {INFLANET_BINARY, command, "deck.toml"});
    argv.insert(argv.end(), args.begin(), args.end());
    return spawn(argv, dir_, std::chrono::seconds(180), {"OPENBLAS_NUM_THREADS=1"});
  }
  fs::path dir_;
};

bool has_link(hid_t file, const char* name) {
  return H5Lexists(file, name, H5P_DEFAULT) > 0;
}
bool has_attribute(hid_t file, const char* name) {
  return H5Aexists(file, name) > 0;
}

} // namespace

TEST_F(CoupledRun, CheckPrintsTheDictionaryAndBothStabilityLimits) {
  const auto r = inflanet(1, "check", {});
  ASSERT_EQ(r.status, 0) << r;
  EXPECT_THAT(r.out, HasSubstr("stability: dt <"));
  EXPECT_THAT(r.out, HasSubstr("network stability"));
  EXPECT_THAT(r.out, HasSubstr("eta"));
  EXPECT_THAT(r.out, HasSubstr("beta"));
  EXPECT_THAT(r.out, HasSubstr("rho"));
}

TEST_F(CoupledRun, DictionaryConflictsAreRefusedNamingTheKey) {
  const auto eta = inflanet(1, "check", {"network.eta=0.01"});
  EXPECT_EQ(eta.status, 2) << eta;
  EXPECT_THAT(eta.err, HasSubstr("network.eta"));
  EXPECT_THAT(eta.err, HasSubstr("duality.match = \"cosmology\""));
  const auto dt = inflanet(1, "check", {"duality.match=network"});
  EXPECT_EQ(dt.status, 2) << dt;
  EXPECT_THAT(dt.err, HasSubstr("time.dt"));
  const auto integrator = inflanet(1, "check", {"network.integrator=euler"});
  EXPECT_EQ(integrator.status, 2) << integrator;
  EXPECT_THAT(integrator.err, HasSubstr("network.integrator"));
}

TEST_F(CoupledRun, MatchNetworkDerivesStepAndHubbleFromTheOptimizer) {
  std::string text = deck_text;
  text.replace(text.find("dt = 0.05\n"), 10, "");
  text.replace(text.find("H = 1.0\n"), 8, "");
  text.replace(text.find("match = \"cosmology\""), 19, "match = \"network\"");
  text += "";
  write_file(dir_ / "deck.toml", text);
  const auto r = inflanet(1, "check", {"network.eta=0.0025", "network.beta=0.97"});
  ASSERT_EQ(r.status, 0) << r;
  // h = sqrt(eta) = 0.05, H = -ln(0.97) / (3 * 0.05) = 0.203061...
  EXPECT_THAT(r.out, HasSubstr("0.203061"));
  EXPECT_THAT(r.out, HasSubstr("0.05"));
}

TEST_F(CoupledRun, WritesEveryDatasetOfDualityH5AndAgreesAcrossRankCounts) {
  const auto one = inflanet(1, "run", {"output.dir=one"});
  ASSERT_EQ(one.status, 0) << one;
  const auto three = inflanet(3, "run", {"output.dir=three"});
  ASSERT_EQ(three.status, 0) << three;
  const auto file = dir_ / "one/duality.h5";
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  for (const char* name : {"k", "counts", "step", "time", "a", "P_lattice", "P_network", "T_lattice",
                           "T_network", "omega2_lattice", "omega2_network", "omega2_network_err", "leakage",
                           "ntk_eigenvalues", "mode_power", "mode_power_prediction"}) {
    EXPECT_TRUE(has_link(f, name)) << name;
  }
  for (const char* name : {"match",
                           "H",
                           "step",
                           "eta",
                           "beta",
                           "gamma",
                           "rho_lambda",
                           "c",
                           "N",
                           "M",
                           "L",
                           "subcycles",
                           "m_eff2",
                           "m_eff2_err",
                           "c_eff2",
                           "c_eff2_err",
                           "H_eff",
                           "H_eff_err",
                           "H_dictionary",
                           "deck",
                           "git_commit",
                           "normalisation"}) {
    EXPECT_TRUE(has_attribute(f, name)) << name;
  }
  H5Fclose(f);
  EXPECT_EQ(read_doubles(file, "step").size(), 5u) << "rows at steps 0, 5, 10, 15, 20";
  for (const char* name : {"P_lattice", "P_network", "mode_power"}) {
    const auto a = read_doubles(file, name), b = read_doubles(dir_ / "three/duality.h5", name);
    ASSERT_EQ(a.size(), b.size()) << name;
    double worst = 0.0, scale = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      worst = std::max(worst, std::abs(a[i] - b[i]));
      scale = std::max(scale, std::abs(a[i]));
    }
    EXPECT_LT(worst, 1e-10 * scale) << name;
  }
  // The Python readers' tests read a real duality.h5 from the shared test-data directory.
  if (const char* data_dir = std::getenv("INFLANET_TEST_DATA_DIR")) {
    fs::create_directories(fs::path(data_dir) / "duality");
    fs::copy_file(file, fs::path(data_dir) / "duality" / "duality.h5", fs::copy_options::overwrite_existing);
  }
}
