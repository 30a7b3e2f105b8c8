// The coupled run through the real executable: the dictionary's conflicts are refused with the key named,
// check prints the dictionary and both stability limits, a small coupled run writes every dataset and
// attribute of duality.h5 and nn.h5, both systems start on one mode set with one velocity, and its results
// do not depend on the rank count.
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include "app_test.hpp"
#include "child_process.hpp"
#include "compare.hpp"
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
depth = 2
width = 64
activation = "relu"
seed = 4
ntk_spectrum = "full"
output_every = 5
[duality]
match = "cosmology"
[output]
timeseries_every = 5
spectra_every = 5
progress_every = 10
)";

class CoupledRun : public AppTest {
protected:
  void SetUp() override {
    AppTest::SetUp();
    write_file(dir_ / "deck.toml", deck_text);
  }
  Result inflanet(int ranks, const std::string& command, const std::vector<std::string>& args,
                  const std::vector<std::string>& env = {}) const {
    return run_inflanet(ranks, command, "deck.toml", args, env);
  }
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
  const auto two = inflanet(2, "run", {"output.dir=two"});
  ASSERT_EQ(two.status, 0) << two;
  const auto three = inflanet(3, "run", {"output.dir=three"});
  ASSERT_EQ(three.status, 0) << three;
  EXPECT_THAT(one.out, HasSubstr("shell"));
  EXPECT_THAT(one.out, HasSubstr("frequencies agree"));
  const auto file = dir_ / "one/duality.h5";
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  for (const char* name : {"k",
                           "counts",
                           "step",
                           "time",
                           "a",
                           "P_lattice",
                           "P_network",
                           "P_network_lin",
                           "P_ratio",
                           "T_lattice",
                           "T_network",
                           "omega2_lattice",
                           "omega2_ratio",
                           "matched",
                           "omega2_network",
                           "omega2_network_anisotropy",
                           "leakage",
                           "ntk_eigenvalues",
                           "cluster_first",
                           "cluster_lambda",
                           "cluster_size",
                           "cluster_resolved",
                           "mode_power",
                           "mode_power_prediction"}) {
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
                           "calibrate",
                           "N",
                           "M",
                           "L",
                           "subcycles",
                           "eta_run",
                           "beta_run",
                           "h_run",
                           "V2",
                           "mean_mode_c_lambda",
                           "mean_mode_rank",
                           "mean_mode_overlap",
                           "initial_velocity",
                           "velocity_mismatch_linearised",
                           "velocity_mismatch_trained",
                           "cluster_tolerance",
                           "m_eff2",
                           "m_eff2_err",
                           "c_eff2",
                           "c_eff2_err",
                           "eft_shells",
                           "eft_rms_relative",
                           "decay_slope",
                           "decay_rms_relative",
                           "kernel_form",
                           "matched_shells_t0",
                           "rms_log_mismatch_t0",
                           "H_eff",
                           "H_eff_err",
                           "H_dictionary",
                           "H_eff_note",
                           "deck",
                           "git_commit",
                           "normalisation"}) {
    EXPECT_TRUE(has_attribute(f, name)) << name;
  }
  H5Fclose(f);
  EXPECT_EQ(read_doubles(file, "step").size(), 5u) << "rows at steps 0, 5, 10, 15, 20";

  // One mode set: at t0 the network's residual IS the band-limited perturbation on the sites, so the two
  // spectra agree shell by shell to rounding (a consistency check of the band-limiting and the binning).
  const auto ratio = read_doubles(file, "P_ratio");
  const std::size_t nk = read_doubles(file, "k").size();
  ASSERT_GE(ratio.size(), nk);
  EXPECT_TRUE(std::isnan(ratio[0])) << "k = 0 is removed from the band";
  for (std::size_t b = 1; b < nk; ++b) {
    EXPECT_NEAR(ratio[b], 1.0, 1e-12) << "shell " << b;
  }
  // One velocity: the linearised network's df/dt(t0) = Theta alpha equals the band-limited dphi/dt.
  EXPECT_LT(read_double_attribute(file, "velocity_mismatch_linearised"), 1e-10);

  // Rank-count independence: spectra and the basis-free eigenspace powers.
  for (const char* name :
       {"P_lattice", "P_network", "P_network_lin", "mode_power", "mode_power_prediction"}) {
    const auto a = read_doubles(file, name);
    for (const char* other : {"two", "three"}) {
      const auto b = read_doubles(dir_ / other / "duality.h5", name);
      ASSERT_EQ(a.size(), b.size()) << name;
      double worst = 0.0, scale = 0.0;
      for (std::size_t i = 0; i < a.size(); ++i) {
        worst = std::max(worst, std::abs(a[i] - b[i]));
        scale = std::max(scale, std::abs(a[i]));
      }
      EXPECT_LT(worst, 1e-10 * scale) << name << " 1 rank against " << other;
    }
  }

  // nn.h5 from the coupled run: the network-only contract plus the lattice index of every training site.
  const auto nn = dir_ / "one/nn.h5";
  const auto sites = read_doubles(nn, "sites");
  ASSERT_EQ(sites.size(), 3u * 8 * 8 * 8);
  EXPECT_EQ(sites[3 * 1 + 2], 2.0) << "site 1 is (0, 0, N/M)";
  EXPECT_EQ(sites[3 * 64 + 0], 2.0) << "site 64 is (N/M, 0, 0)";
  for (const char* name :
       {"x", "y", "ntk", "ntk_eigenvalues", "f", "f_lin", "loss", "ntk_drift", "lin_gap"}) {
    const hid_t g = H5Fopen(nn.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    EXPECT_TRUE(has_link(g, name)) << name;
    H5Fclose(g);
  }
  EXPECT_NEAR(read_double_attribute(nn, "eta"), read_double_attribute(file, "eta_run"), 0.0);

  // The Python readers' tests read a real duality.h5 from the shared test-data directory.
  if (const char* data_dir = std::getenv("INFLANET_TEST_DATA_DIR")) {
    fs::create_directories(fs::path(data_dir) / "duality");
    fs::copy_file(file, fs::path(data_dir) / "duality" / "duality.h5", fs::copy_options::overwrite_existing);
    fs::copy_file(nn, fs::path(data_dir) / "duality" / "nn.h5", fs::copy_options::overwrite_existing);
  }
}

TEST_F(CoupledRun, ExtremesOnlyNeverGatherThetaAndAgreeWithTheFullSpectrumRun) {
  // network.ntk_spectrum = "extremes": lambda_max by Lanczos and the initial velocity by preconditioned
  // conjugate gradients, both on the row blocks; no eigenbasis datasets. The lattice side is untouched and
  // the network side agrees with the full-spectrum run to the accuracy of the velocity solve.
  const auto full = inflanet(1, "run", {"output.dir=full"});
  ASSERT_EQ(full.status, 0) << full;
  for (const int ranks : {1, 3}) {
    const std::string out = "extremes" + std::to_string(ranks);
    const auto r = inflanet(ranks, "run", {"output.dir=" + out, "network.ntk_spectrum=\"extremes\""});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_THAT(r.out, HasSubstr("extremes only"));
    const auto file = dir_ / out / "duality.h5";
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    for (const char* name : {"ntk_eigenvalues", "cluster_lambda", "mode_power", "mode_power_prediction"}) {
      EXPECT_FALSE(has_link(f, name)) << name;
    }
    EXPECT_TRUE(has_link(f, "velocity_solve_history"));
    H5Fclose(f);
    const auto eigenvalues = read_doubles(dir_ / "full/duality.h5", "ntk_eigenvalues");
    EXPECT_NEAR(read_double_attribute(file, "lambda_max") / eigenvalues.back(), 1.0, 1e-10);
    EXPECT_GE(read_double_attribute(file, "lambda_min_ritz"), eigenvalues.front() * (1.0 - 1e-10));
    const double mismatch = read_double_attribute(file, "velocity_mismatch_linearised");
    EXPECT_LT(mismatch, 1e-6) << "PCG's velocity match at M = 8";
    EXPECT_EQ(read_doubles(file, "P_lattice"), read_doubles(dir_ / "full/duality.h5", "P_lattice"));
    const auto a = read_doubles(file, "P_network_lin"),
               b = read_doubles(dir_ / "full/duality.h5", "P_network_lin");
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (std::isfinite(b[i])) {
        EXPECT_NEAR(a[i], b[i], 1e-6 * std::abs(b[i]) + 1e-300) << i;
      }
    }
  }
}

TEST_F(CoupledRun, CalibrationsSetTheLossScaleFromTheCosmology) {
  const auto background =
      inflanet(1, "run", {"output.dir=bg", "duality.calibrate=background", "time.t_end=0.25"});
  ASSERT_EQ(background.status, 0) << background;
  const auto file = dir_ / "bg/duality.h5";
  // c lambda(k = 0) = V'' = m^2 by construction.
  EXPECT_NEAR(read_double_attribute(file, "mean_mode_c_lambda"), 0.25, 1e-12);
  EXPECT_THAT(read_file(dir_ / "bg/resolved.toml"), HasSubstr("(derived)"));
  const auto spectrum =
      inflanet(1, "run", {"output.dir=sp", "duality.calibrate=spectrum", "time.t_end=0.25"});
  ASSERT_EQ(spectrum.status, 0) << spectrum;
  // The power-weighted mean of ln(c lambda / omega^2) over the shells vanishes for the spectrum calibration.
  const auto sp = dir_ / "sp/duality.h5";
  const auto k = read_doubles(sp, "k"), counts = read_doubles(sp, "counts"),
             ratio = read_doubles(sp, "omega2_ratio"), power = read_doubles(sp, "P_lattice");
  double sum = 0.0, weight = 0.0;
  for (std::size_t b = 0; b < k.size(); ++b) {
    const double w = counts[b] * power[b];
    if (w > 0.0 && ratio[b] > 0.0) {
      sum += w * std::log(ratio[b]);
      weight += w;
    }
  }
  EXPECT_LT(std::abs(sum / weight), 1e-12);

  // Every run records the comparison under all three calibrations from its one Theta(0): the one it ran
  // with reproduces its own c and matched band, and the others are what that calibration would have given.
  for (const auto& [dir, cal] : {std::pair{"bg", "background"}, std::pair{"sp", "spectrum"}}) {
    const auto f = dir_ / dir / "duality.h5";
    EXPECT_NEAR(read_double_attribute(f, std::string("c_") + cal) / read_double_attribute(f, "c"), 1.0, 1e-12)
        << cal;
    EXPECT_EQ(read_double_attribute(f, std::string("matched_shells_t0_") + cal),
              read_double_attribute(f, "matched_shells_t0"))
        << cal;
    EXPECT_NEAR(read_double_attribute(f, std::string("rms_log_mismatch_t_end_") + cal),
                read_double_attribute(f, "rms_log_mismatch_t_end"), 1e-12)
        << cal;
  }
  EXPECT_NEAR(read_double_attribute(sp, "c_background") / read_double_attribute(file, "c"), 1.0, 1e-12);
}

TEST_F(CoupledRun, BadCalibrationAndVelocityKeysAreRefusedNamingTheKey) {
  const auto both = inflanet(1, "check", {"duality.calibrate=spectrum", "network.loss_scale=0.5"});
  EXPECT_EQ(both.status, 2) << both;
  EXPECT_THAT(both.err, HasSubstr("network.loss_scale"));
  EXPECT_THAT(both.err, HasSubstr("duality.calibrate"));
  // A calibration whose c breaks the network's stability bound (even sub-cycled): named, exit 2.
  const auto stiff = inflanet(1, "run",
                              {"output.dir=stiff", "duality.calibrate=background", "inflaton.m=40",
                               "time.dt=0.047", "time.t_end=0.47", "duality.max_subcycles=1"});
  EXPECT_EQ(stiff.status, 2) << stiff;
  EXPECT_THAT(stiff.err, HasSubstr("eta c lambda_max <"));
  EXPECT_THAT(stiff.err, HasSubstr("duality.max_subcycles"));
  const auto velocity = inflanet(1, "check", {"network.initial_velocity=fast"});
  EXPECT_EQ(velocity.status, 2) << velocity;
  EXPECT_THAT(velocity.err, HasSubstr("network.initial_velocity"));
  // duality.velocity_cut is taken in Theta(0)'s eigenbasis: refused without one, and without a velocity.
  const auto cut = inflanet(1, "check", {"duality.velocity_cut=1e-3", "network.ntk_spectrum=extremes"});
  EXPECT_EQ(cut.status, 2) << cut;
  EXPECT_THAT(cut.err, HasSubstr("duality.velocity_cut"));
  EXPECT_THAT(cut.err, HasSubstr("network.ntk_spectrum = \"extremes\""));
  const auto rest = inflanet(1, "check", {"duality.velocity_cut=1e-3", "network.initial_velocity=zero"});
  EXPECT_EQ(rest.status, 2) << rest;
  EXPECT_THAT(rest.err, HasSubstr("duality.velocity_cut"));
}

TEST_F(CoupledRun, InitialVelocityOutsideTheCoupledRunIsRefused) {
  write_file(dir_ / "deck.toml", R"([lattice]
N = 16
L = 10.0
[network]
sublattice = 8
targets = "plane_wave"
depth = 1
width = 16
initial_velocity = "inflaton"
steps = 2
)");
  const auto r = inflanet(1, "check", {});
  EXPECT_EQ(r.status, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("network.initial_velocity"));
  EXPECT_THAT(r.err, HasSubstr("coupled run"));
}

TEST_F(CoupledRun, KilledInACheckpointWriteAndRestartedEqualsTheUninterruptedRun) {
  const std::vector<std::string> every = {"output.checkpoint_every=5"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.end(), every.begin(), every.end());
    return extra;
  };
  const auto full = inflanet(2, "run", with({"output.dir=full"}));
  ASSERT_EQ(full.status, 0) << full;
  // Both runs plan from the one wisdom cache (deterministic plans), so "bitwise" tests the restart logic.
  const auto killed =
      inflanet(2, "run", with({"output.dir=cut"}), {"INFLANET_FAULT_INJECTION=checkpoint-write:15"});
  ASSERT_NE(killed.status, 0) << killed;
  EXPECT_TRUE(fs::exists(dir_ / "cut/checkpoint_15.h5.tmp")) << "the kill came in the middle of the write";
  EXPECT_EQ(read_file(dir_ / "cut/checkpoint_latest"), "checkpoint_10.h5\n");
  fs::copy(dir_ / "cut", dir_ / "three", fs::copy_options::recursive);

  const auto resumed = inflanet(2, "run", with({"output.dir=cut", "restart=latest"}));
  ASSERT_EQ(resumed.status, 0) << resumed;
  EXPECT_THAT(resumed.out, HasSubstr("# restarted from step 10"));
  const auto resumed3 = inflanet(3, "run", with({"output.dir=three", "restart=latest"}));
  ASSERT_EQ(resumed3.status, 0) << resumed3;

  const auto duality = [&](const char* run, const char* name) {
    return read_doubles(dir_ / run / "duality.h5", name);
  };
  const auto nn = [&](const char* run, const char* name) { return read_doubles(dir_ / run / "nn.h5", name); };
  EXPECT_EQ(duality("cut", "step"), duality("full", "step"))
      << "rows past the checkpoint dropped, then rewritten";
  EXPECT_EQ(nn("cut", "step"), nn("full", "step"));
  for (const char* name :
       {"P_lattice", "P_network", "P_network_lin", "T_network", "mode_power", "mode_power_prediction"}) {
    EXPECT_TRUE(bitwise_equal(duality("cut", name), duality("full", name))) << name << " (2 -> 2 ranks)";
    // The eigenspace powers come from ScaLAPACK on a 1 x 2 or a 1 x 3 grid: cluster sums agree to
    // eps lambda_max / gap, not to the rounding of a product.
    const bool eigen = std::string_view(name).starts_with("mode_power");
    EXPECT_LT(max_relative_difference(duality("three", name), duality("full", name)), eigen ? 1e-10 : 1e-12)
        << name << " (2 -> 3)";
  }
  for (const char* name : {"f", "f_lin", "loss"}) {
    EXPECT_TRUE(bitwise_equal(nn("cut", name), nn("full", name))) << name << " (2 -> 2 ranks)";
    EXPECT_LT(max_relative_difference(nn("three", name), nn("full", name)), 1e-12) << name << " (2 -> 3)";
  }
  for (const char* name : {"fields/phi", "fields/phidot", "extra_series/coupled_net_theta"}) {
    const auto full_last = read_doubles(dir_ / "full/checkpoint_20.h5", name);
    EXPECT_TRUE(bitwise_equal(read_doubles(dir_ / "cut/checkpoint_20.h5", name), full_last)) << name;
    EXPECT_LT(max_relative_difference(read_doubles(dir_ / "three/checkpoint_20.h5", name), full_last), 1e-12)
        << name;
  }
}

TEST_F(CoupledRun, DualityFieldNamesTheLatticeFieldTheNetworkIsComparedWith) {
  // Two fields, phi and a free massless chi (chaotic_g2 with g2 = 0), the network the dual of chi: the
  // network's targets, its kernel's matching and every comparison are chi's, so duality.h5 is bitwise that
  // of a one-field run whose field is chi (the same seed, the same free massless evolution). With the
  // default (the first field, phi) the comparison is phi's and differs.
  const std::string two_fields = R"([lattice]
N = 16
L = 10.0
[background]
kind = "desitter"
H = 1.0
[[field]]
name = "phi"
mean = 0.3
seed = 11
[[field]]
name = "chi"
seed = 3
[potential]
kind = "chaotic_g2"
m = 0.5
g2 = 0.0
[time]
dt = 0.05
t_end = 0.5
integrator = "leapfrog"
[network]
sublattice = 8
depth = 2
width = 64
activation = "relu"
seed = 4
ntk_spectrum = "full"
[duality]
match = "cosmology"
field = "chi"
[output]
timeseries_every = 5
spectra_every = 5
progress_every = 10
)";
  std::string one_field = deck_text;
  one_field.replace(one_field.find("m = 0.5"), 7, "m = 0.0");
  one_field.replace(one_field.find("t_end = 1.0"), 11, "t_end = 0.5");
  write_file(dir_ / "two.toml", two_fields);
  write_file(dir_ / "one.toml", one_field);
  const auto chi = run_inflanet(2, "run", "two.toml", {"output.dir=chi"});
  ASSERT_EQ(chi.status, 0) << chi;
  EXPECT_THAT(chi.out, HasSubstr("2 fields"));
  const auto reference = run_inflanet(2, "run", "one.toml", {"output.dir=reference"});
  ASSERT_EQ(reference.status, 0) << reference;
  auto phi_deck = two_fields;
  phi_deck.erase(phi_deck.find("field = \"chi\"\n"), 14);
  write_file(dir_ / "phi.toml", phi_deck);
  const auto phi = run_inflanet(2, "run", "phi.toml", {"output.dir=phi"});
  ASSERT_EQ(phi.status, 0) << phi;
  for (const char* name : {"P_lattice", "P_network", "P_ratio", "omega2_lattice", "omega2_network"}) {
    const auto c = read_doubles(dir_ / "chi/duality.h5", name);
    const auto r = read_doubles(dir_ / "reference/duality.h5", name);
    ASSERT_FALSE(c.empty()) << name;
    ASSERT_EQ(c.size(), r.size()) << name;
    EXPECT_EQ(std::memcmp(c.data(), r.data(), c.size() * sizeof(double)), 0)
        << name << ": the dual of chi is bitwise the dual of the one-field run of chi's field";
  }
  EXPECT_NE(read_doubles(dir_ / "phi/duality.h5", "P_lattice"),
            read_doubles(dir_ / "chi/duality.h5", "P_lattice"))
      << "the default, phi, is another field";
  // A name that is not a field is refused at the key.
  const auto bad = run_inflanet(1, "check", "two.toml", {"duality.field=psi"});
  EXPECT_EQ(bad.status, 2) << bad;
  EXPECT_THAT(bad.err, HasSubstr("duality.field"));
  EXPECT_THAT(bad.err, HasSubstr("phi, chi"));
}

TEST_F(CoupledRun, NnRowsAtNetworkOutputEveryAndARefusedRestartChangesNoFileWhoeverRefusesIt) {
  // 10 of 20 steps with a checkpoint at 5: a restart from there would drop the rows past it (and say so).
  const auto made = inflanet(1, "run",
                             {"output.dir=run", "time.t_end=0.5", "output.checkpoint_every=5",
                              "network.output_every=2", "output.timeseries_every=10"});
  ASSERT_EQ(made.status, 0) << made;
  // nn.h5 at network.output_every (and the last step), duality.h5 at output.spectra_every = 5.
  EXPECT_EQ(read_doubles(dir_ / "run/nn.h5", "step"), (std::vector<double>{0, 2, 4, 6, 8, 10}));
  EXPECT_EQ(read_doubles(dir_ / "run/nn.h5", "loss").size(), 6u);
  EXPECT_EQ(read_doubles(dir_ / "run/duality.h5", "step"), (std::vector<double>{0, 5, 10}));
  auto before = directory_bytes(dir_ / "run");
  ASSERT_TRUE(before.contains("checkpoint_5.h5") && before.contains("nn.h5") &&
              before.contains("duality.h5"));
  // The lattice's refusal: another model.
  const auto physics =
      inflanet(1, "run", {"output.dir=run", "restart=run/checkpoint_5.h5", "inflaton.m=0.6"});
  EXPECT_EQ(physics.status, 2) << physics;
  EXPECT_THAT(physics.err, HasSubstr("inflaton.m = 0.5 in the checkpoint's run, 0.6 in this deck"));
  EXPECT_TRUE(directory_bytes(dir_ / "run") == before) << "every file and its bytes as they were";
  // The network's refusal, which comes after the lattice has accepted the checkpoint: nn.h5 is gone.
  fs::remove(dir_ / "run/nn.h5");
  before = directory_bytes(dir_ / "run");
  const auto network = inflanet(1, "run", {"output.dir=run", "restart=run/checkpoint_5.h5"});
  EXPECT_EQ(network.status, 2) << network;
  EXPECT_THAT(network.err, HasSubstr("run/nn.h5 is missing (a restart continues it"));
  EXPECT_TRUE(directory_bytes(dir_ / "run") == before)
      << "no resolved.toml, no restarted_from_step, no rows dropped";
}
