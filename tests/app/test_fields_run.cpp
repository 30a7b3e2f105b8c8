// The multi-field run through the real executable: a self-consistent two-field run gives the same fields
// at 1, 2 and 3 ranks to rounding; a restarted run continues bit for bit; every output names its fields;
// bad multi-field decks are refused with exit 2 naming the key (duplicate field names, a potential naming a
// field that does not exist, a formula whose derivative check fails, friedmann with a negative energy, a
// profile that does not parse); a Friedmann step beyond the expansion's limit is refused by check and run
// alike, and a run whose fluctuations outweigh the homogeneous background is refused naming the field.
#include <algorithm>
#include <cmath>
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

/// 16^3, chaotic_g2 in the expansion the fields source, both fields fluctuating: 40 steps. rho_lambda keeps
/// the homogeneous background above the vacuum fluctuations' energy (~ 200 on this small box), which a
/// Friedmann start refuses otherwise.
const char* const deck_text = R"([lattice]
N = 16
L = 6.0
[background]
kind = "friedmann"
rho_lambda = 300.0
[potential]
kind = "chaotic_g2"
m = 1.0
g2 = 100.0
[[field]]
name = "phi"
mean = 1.0
velocity = -0.5
seed = 3
[[field]]
name = "chi"
fluctuations = "wkb"
seed = 4
[time]
dt = 0.01
t_end = 0.4
integrator = "leapfrog"
[output]
timeseries_every = 5
spectra_every = 10
checkpoint_every = 10
progress_every = 10
cross_spectra = true
)";

class FieldsRun : public AppTest {
protected:
  void SetUp() override {
    AppTest::SetUp();
    write_file(dir_ / "deck.toml", deck_text);
  }
  Result run(int ranks, const std::vector<std::string>& args, const std::string& deck = "deck.toml") const {
    return run_inflanet(ranks, "run", deck, args, {}, std::chrono::seconds(120));
  }
  /// A deck that differs from deck_text by the replacement of `from` with `to`, refused with exit 2; returns
  /// stderr.
  std::string refused(const std::string& from, const std::string& to) const {
    std::string text = deck_text;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    write_file(dir_ / "bad.toml", text);
    const auto r = run_inflanet(1, "check", "bad.toml", {}, {}, std::chrono::seconds(60));
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_THAT(r.err, ::testing::StartsWith("inflanet: error:"));
    return r.err;
  }
};

const std::vector<std::string> checkpoint_fields = {"fields/phi", "fields/phi_momentum", "fields/chi",
                                                    "fields/chi_momentum"};

} // namespace

TEST_F(FieldsRun, FriedmannRunIsIndependentOfTheRankCount) {
  for (int ranks : {1, 2, 3}) {
    const auto r = run(ranks, {"output.dir=np" + std::to_string(ranks)});
    ASSERT_EQ(r.status, 0) << r;
  }
  for (int ranks : {2, 3}) {
    const auto other = dir_ / ("np" + std::to_string(ranks));
    for (const auto& field : checkpoint_fields) {
      EXPECT_LT(max_relative_difference(read_doubles(other / "checkpoint_40.h5", field),
                                        read_doubles(dir_ / "np1/checkpoint_40.h5", field)),
                1e-12)
          << field << " at " << ranks << " ranks";
    }
    for (const char* column : {"a", "H", "rho", "chi_var", "constraint_violation"}) {
      EXPECT_LT(max_relative_difference(read_doubles(other / "timeseries.h5", column),
                                        read_doubles(dir_ / "np1/timeseries.h5", column)),
                1e-11)
          << column << " at " << ranks << " ranks";
    }
  }
}

TEST_F(FieldsRun, ContinuedRunIsBitIdentical) {
  const auto full = run(1, {"output.dir=full"});
  ASSERT_EQ(full.status, 0) << full;
  const auto cut = run(1, {"output.dir=cut", "time.t_end=0.2"});
  ASSERT_EQ(cut.status, 0) << cut;
  const auto resumed = run(1, {"output.dir=cut", "restart=latest"});
  ASSERT_EQ(resumed.status, 0) << resumed;
  EXPECT_THAT(resumed.out, HasSubstr("# restarted from step 20"));
  for (const auto& field : checkpoint_fields) {
    EXPECT_TRUE(bitwise_equal(read_doubles(dir_ / "full/checkpoint_40.h5", field),
                              read_doubles(dir_ / "cut/checkpoint_40.h5", field)))
        << field;
  }
  for (const char* column : {"step", "time", "a", "H", "rho", "chi_var", "constraint_violation"}) {
    EXPECT_TRUE(bitwise_equal(read_doubles(dir_ / "full/timeseries.h5", column),
                              read_doubles(dir_ / "cut/timeseries.h5", column)))
        << column;
  }
  // A fixed-background deck cannot continue a friedmann checkpoint.
  const auto other = run(1, {"output.dir=cut", "restart=latest", "background.kind=minkowski"});
  EXPECT_EQ(other.status, 2) << other;
  EXPECT_THAT(other.err, HasSubstr("friedmann"));
}

TEST_F(FieldsRun, OutputsNameEveryField) {
  const auto r = run(1, {"output.dir=out", "output.snapshot_every=20"});
  ASSERT_EQ(r.status, 0) << r;
  EXPECT_THAT(r.out, HasSubstr("Friedmann constraint violation"));
  const auto out = dir_ / "out";
  const auto steps = read_doubles(out / "timeseries.h5", "step");
  for (const char* column : {"phi_mean", "phi_var", "phidot_mean", "phidot_var", "chi_mean", "chi_var",
                             "chidot_var", "rho_kin_phi", "rho_grad_chi", "constraint_violation", "H"}) {
    EXPECT_EQ(read_doubles(out / "timeseries.h5", column).size(), steps.size()) << column;
  }
  // The constraint holds at t0 to rounding and stays at the integrator's error: leapfrog at h omega_max =
  // 0.17 (chi's mass 10, k_max 14.5) gives ~(h omega)^2 / 20.
  const auto violation = read_doubles(out / "timeseries.h5", "constraint_violation");
  const auto hubble = read_doubles(out / "timeseries.h5", "H");
  EXPECT_LT(violation.front(), 1e-14);
  EXPECT_LT(violation.back(), 1e-2);
  EXPECT_GT(hubble.front(), hubble.back());
  // Spectra per field and the cross-spectrum; its k-sum is the box covariance, bounded by Cauchy-Schwarz.
  const auto p_phi = read_doubles(out / "spectra.h5", "P_phi");
  const auto p_chi = read_doubles(out / "spectra.h5", "P_chi");
  const auto cross = read_doubles(out / "spectra.h5", "P_phi_chi");
  ASSERT_EQ(cross.size(), p_phi.size());
  for (std::size_t i = 0; i < cross.size(); ++i) {
    EXPECT_LE(std::abs(cross[i]), std::sqrt(p_phi[i] * p_chi[i]) * (1.0 + 1e-12) + 1e-300) << i;
  }
  EXPECT_EQ(read_doubles(out / "spectra.h5", "P_chidot").size(), p_chi.size());
  for (const char* mesh : {"phi", "phidot", "chi", "chidot"}) {
    EXPECT_EQ(read_doubles(out / "data_20.h5", std::string("/data/20/meshes/") + mesh).size(),
              16u * 16u * 16u)
        << mesh;
  }
}

TEST_F(FieldsRun, BadMultiFieldDecksAreRefusedNamingTheKey) {
  // Duplicate field names.
  EXPECT_THAT(refused("name = \"chi\"", "name = \"phi\""), HasSubstr("field.name"));
  // A potential naming a field that does not exist: chaotic_g2 couples phi and chi.
  const auto missing = refused("name = \"chi\"", "name = \"psi\"");
  EXPECT_THAT(missing, HasSubstr("potential.kind"));
  EXPECT_THAT(missing, HasSubstr("chi"));
  // A third field the built-in does not couple would evolve free: refused, naming it, the kind, the fields
  // it couples and the way to a spectator field.
  const auto spectator = refused("[time]", "[[field]]\nname = \"psi\"\n[time]");
  EXPECT_THAT(spectator, HasSubstr("key 'field.name' ([[field]] #3, name = \"psi\")"));
  EXPECT_THAT(spectator, HasSubstr("potential.kind = \"chaotic_g2\" couples (phi and chi)"));
  EXPECT_THAT(spectator, HasSubstr("kind = \"expression\""));
  // An expression whose formula names a field that does not exist.
  const std::string expression = "kind = \"expression\"\nV = \"0.5*m^2*phi^2 + 0.5*g2*phi^2*chi^2\"";
  const std::string derivatives = "name = \"phi\"\ndV = \"(m^2 + g2*chi^2)*phi\"";
  {
    std::string text = deck_text;
    text.replace(text.find("kind = \"chaotic_g2\""), 19,
                 "kind = \"expression\"\nV = \"0.5*m^2*phi^2 + psi\"");
    text.replace(text.find("name = \"phi\""), 12, derivatives);
    text.replace(text.find("name = \"chi\""), 12, "name = \"chi\"\ndV = \"g2*phi^2*chi\"");
    write_file(dir_ / "bad.toml", text);
    const auto r = run_inflanet(1, "check", "bad.toml", {}, {}, std::chrono::seconds(60));
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_THAT(r.err, HasSubstr("potential.V"));
    EXPECT_THAT(r.err, HasSubstr("psi"));
  }
  // An expression whose derivative check fails (dV/dchi off by a factor 2).
  {
    std::string text = deck_text;
    text.replace(text.find("kind = \"chaotic_g2\""), 19, expression);
    text.replace(text.find("name = \"phi\""), 12, derivatives);
    text.replace(text.find("name = \"chi\""), 12, "name = \"chi\"\ndV = \"2*g2*phi^2*chi\"");
    write_file(dir_ / "bad.toml", text);
    const auto r = run_inflanet(1, "check", "bad.toml", {}, {}, std::chrono::seconds(60));
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_THAT(r.err, HasSubstr("field.dV"));
    EXPECT_THAT(r.err, HasSubstr("dV/dchi"));
    EXPECT_THAT(r.err, HasSubstr("finite difference"));
    // The correct derivative passes.
    text.replace(text.find("2*g2*phi^2*chi"), 14, "g2*phi^2*chi");
    write_file(dir_ / "good.toml", text);
    const auto good = run_inflanet(1, "check", "good.toml", {}, {}, std::chrono::seconds(60));
    EXPECT_EQ(good.status, 0) << good;
  }
  // friedmann with a negative total energy.
  const auto negative = refused("rho_lambda = 300.0", "rho_lambda = -1000.0");
  EXPECT_THAT(negative, HasSubstr("background.kind"));
  EXPECT_THAT(negative, HasSubstr("positive initial energy"));
  // A parameter the built-in does not take, and a missing one.
  EXPECT_THAT(refused("g2 = 100.0", "g2 = 100.0\nv = 1.0"), HasSubstr("potential.v"));
  EXPECT_THAT(refused("g2 = 100.0", ""), HasSubstr("potential.g2"));
  // [inflaton] beside [[field]].
  EXPECT_THAT(refused("[time]", "[inflaton]\npotential = \"quadratic\"\n[time]"), HasSubstr("[inflaton]"));
  // A profile that does not parse, named at its key with the parser's message.
  const auto profile = refused("seed = 4", "seed = 4\nprofile = \"0.1*sin(2*pi*x/L\"");
  EXPECT_THAT(profile, HasSubstr("field.profile"));
  EXPECT_THAT(profile, HasSubstr("cannot parse"));
  EXPECT_THAT(refused("seed = 4", "seed = 4\nvelocity_profile = \"q*x\""),
              HasSubstr("field.velocity_profile"));
}

TEST_F(FieldsRun, FriedmannStepBeyondTheExpansionLimitIsRefusedByCheckAndRun) {
  // phi = 20 under m = 1: H0 = sqrt(200 / 3) = 8.165 while omega_max ~ 1 (a box of L = 1000), so dt = 0.15
  // passes the oscillator limit of yoshida4 (1.57 / omega_max). Before the expansion's limit, check passed
  // it and the run stopped with status 1 in step 1: yoshida4's backward kick, -0.1756 dt, turned H negative
  // inside the step and the next drift took a^3 through zero ("collapsing universe"). The limit is set by
  // the backward drift, -1.7024 dt: (1/3) / (1.7024 H0) = 0.02398.
  const std::string deck = R"([lattice]
N = 8
L = 1000.0
[background]
kind = "friedmann"
[potential]
kind = "quadratic"
m = 1.0
[[field]]
name = "phi"
mean = 20.0
fluctuations = "none"
[time]
dt = 0.15
t_end = 1.5
integrator = "yoshida4"
[output]
final_checkpoint = false
)";
  write_file(dir_ / "fast.toml", deck);
  for (const char* command : {"check", "run"}) {
    const auto r = run_inflanet(1, command, "fast.toml", {}, {}, std::chrono::seconds(60));
    EXPECT_EQ(r.status, 2) << command << r;
    EXPECT_THAT(r.err, HasSubstr("time.dt"));
    EXPECT_THAT(r.err, HasSubstr("dt < 0.02398"));
    EXPECT_THAT(r.err, HasSubstr("expansion"));
  }
  // In conformal time (alpha = 1) a^alpha H grows as the universe inflates, so a step that check accepts
  // at a0 (83% of the limit, phi = 15) fails a few steps later: the run names the step, its start and
  // what the scale factor did (status 1).
  const auto late =
      run_inflanet(1, "run", "fast.toml",
                   {"time.alpha=1", "time.dt=0.04", "time.t_end=0.4", "field.phi.mean=15", "output.dir=late"},
                   {}, std::chrono::seconds(60));
  EXPECT_EQ(late.status, 1) << late;
  EXPECT_THAT(late.err, HasSubstr("step 4 (from t = "));
  EXPECT_THAT(late.err, HasSubstr("a^alpha H dt = "));
  EXPECT_THAT(late.err, HasSubstr("through zero"));
  // Fluctuations above the homogeneous background's energy: check cannot know them, run refuses them at the
  // start naming the field (phi at 1e-3 and no rho_lambda: rho_hom = 5e-7).
  std::string faint = deck_text;
  faint.replace(faint.find("mean = 1.0\nvelocity = -0.5"), 26, "mean = 0.001");
  faint.replace(faint.find("rho_lambda = 300.0"), 18, "");
  // (WKB: a Bunch-Davies start at H0 = 4e-4 with m = 1 integrates m/H ~ 2500 oscillations per |k|.)
  faint.replace(faint.find("seed = 3"), 8, "seed = 3\nfluctuations = \"wkb\"");
  write_file(dir_ / "faint.toml", faint);
  const auto r = run(1, {"output.dir=faint"}, "faint.toml");
  EXPECT_EQ(r.status, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("field.phi.fluctuations"));
  EXPECT_THAT(r.err, HasSubstr("homogeneous background"));
}

// Gravitational waves through the executable: a run cut at step 20 and restarted continues bit for bit
// (h and its momentum are in the checkpoint), the rho_gw column is the shell sum of gw_spectra.h5
// (Parseval), every dataset has units, and bad [gravitational_waves] keys exit 2 naming the key. (Rank
// independence: gravitational_waves/mpi_gravitational_waves.cpp.)
TEST_F(FieldsRun, GravitationalWavesRestartBitwiseAndRefuseBadKeys) {
  const std::vector<std::string> gw = {"gravitational_waves.enabled=true", "gravitational_waves.every=10",
                                       "lattice.N=8"};
  const auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.end(), gw.begin(), gw.end());
    return extra;
  };
  const auto full =
      run(1, with({"output.dir=gwfull", "output.snapshot_every=40", "gravitational_waves.snapshots=true"}));
  ASSERT_EQ(full.status, 0) << full;
  EXPECT_THAT(full.out, HasSubstr("gravitational waves: rho_GW"));
  const auto cut = run(1, with({"output.dir=gwcut", "time.t_end=0.2"}));
  ASSERT_EQ(cut.status, 0) << cut;
  const auto resumed = run(1, with({"output.dir=gwcut", "restart=latest"}));
  ASSERT_EQ(resumed.status, 0) << resumed;
  const auto a = dir_ / "gwfull", b = dir_ / "gwcut";
  for (const char* field :
       {"fields/gw_h_plus", "fields/gw_h_cross", "fields/gw_p_plus", "fields/gw_p_cross"}) {
    EXPECT_TRUE(bitwise_equal(read_doubles(a / "checkpoint_40.h5", field),
                              read_doubles(b / "checkpoint_40.h5", field)))
        << field;
  }
  for (const char* name : {"rho_gw", "drho_gw_dlnk", "omega_gw", "rho", "time"}) {
    EXPECT_TRUE(
        bitwise_equal(read_doubles(a / "gw_spectra.h5", name), read_doubles(b / "gw_spectra.h5", name)))
        << name;
  }
  EXPECT_TRUE(bitwise_equal(read_doubles(a / "timeseries.h5", "rho_gw"),
                            read_doubles(b / "timeseries.h5", "rho_gw")));
  // Parseval: sum_b (dk / k_b) drho_gw_dlnk = rho_gw at every output; the time series holds the same rho_gw.
  const auto k = read_doubles(a / "gw_spectra.h5", "k");
  const auto drho = read_doubles(a / "gw_spectra.h5", "drho_gw_dlnk");
  const auto rho_gw = read_doubles(a / "gw_spectra.h5", "rho_gw");
  ASSERT_EQ(rho_gw.size(), 5u); // steps 0, 10, 20, 30, 40
  ASSERT_EQ(drho.size(), rho_gw.size() * k.size());
  const double dk = 2.0 * std::acos(-1.0) / 6.0;
  for (std::size_t t = 1; t < rho_gw.size(); ++t) {
    double sum = 0.0;
    for (std::size_t i = 1; i < k.size(); ++i) {
      sum += drho[t * k.size() + i] * dk / k[i];
    }
    EXPECT_NEAR(sum, rho_gw[t], 1e-12 * rho_gw[t]) << t;
    EXPECT_GT(rho_gw[t], 0.0);
  }
  const auto steps = read_doubles(a / "timeseries.h5", "step");
  const auto column = read_doubles(a / "timeseries.h5", "rho_gw");
  EXPECT_EQ(column.back(), rho_gw.back());
  EXPECT_EQ(steps.back(), 40.0);
  for (const char* name : {"k", "time", "a", "rho", "rho_gw", "drho_gw_dlnk", "omega_gw"}) {
    const hid_t f = H5Fopen((a / "gw_spectra.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    EXPECT_GT(H5Aexists_by_name(f, name, "units", H5P_DEFAULT), 0) << name;
    H5Fclose(f);
  }
  // Today's spectrum (a Friedmann run: M_p units), one value per shell; the snapshot's h_ij is traceless.
  EXPECT_EQ(read_doubles(a / "gw_spectra.h5", "today/frequency_Hz").size(), k.size());
  const auto h2_omega = read_doubles(a / "gw_spectra.h5", "today/h2_omega_gw");
  ASSERT_EQ(h2_omega.size(), k.size());
  EXPECT_GT(*std::max_element(h2_omega.begin(), h2_omega.end()), 0.0);
  const auto hxx = read_doubles(a / "data_40.h5", "/data/40/meshes/hxx");
  const auto hyy = read_doubles(a / "data_40.h5", "/data/40/meshes/hyy");
  const auto hzz = read_doubles(a / "data_40.h5", "/data/40/meshes/hzz");
  ASSERT_EQ(hxx.size(), 512u);
  double trace = 0.0, scale = 0.0;
  for (std::size_t i = 0; i < hxx.size(); ++i) {
    trace = std::max(trace, std::abs(hxx[i] + hyy[i] + hzz[i]));
    scale = std::max(scale, std::abs(hxx[i]));
  }
  EXPECT_GT(scale, 0.0);
  EXPECT_LT(trace, 1e-12 * scale);
  // Bad keys.
  const auto check = [&](std::vector<std::string> extra) {
    const auto r =
        run_inflanet(1, "check", "deck.toml", with(std::move(extra)), {}, std::chrono::seconds(60));
    EXPECT_EQ(r.status, 2) << r;
    return r.err;
  };
  EXPECT_THAT(check({"gravitational_waves.sources=phi,psi"}), HasSubstr("gravitational_waves.sources"));
  EXPECT_THAT(check({"gravitational_waves.sources=,"}), HasSubstr("at least one source field"));
  EXPECT_THAT(check({"gravitational_waves.efolds=-1"}), HasSubstr("gravitational_waves.efolds"));
}
