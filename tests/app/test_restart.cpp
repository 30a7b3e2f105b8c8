// Checkpoint, restart and snapshots through the real executable: a restarted run is bit-identical to the
// uninterrupted one at the same rank count and agrees to rounding across rank counts; a run killed in the
// middle of a checkpoint write leaves the previous checkpoint intact and restartable; bad restart files
// are refused with exit 2 and the reason; snapshots appear at their cadence with openPMD layout.
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
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

/// 16^3 de Sitter run of a self-interacting inflaton with fluctuations: 50 steps, checkpoints every 10.
const char* const deck_text = R"([lattice]
N = 16
L = 10.0
[background]
kind = "desitter"
H = 1.0
[inflaton]
potential = "quadratic_quartic"
m = 1.0
lambda = 0.5
phi0 = 0.5
seed = 5
[time]
dt = 0.02
t_end = 1.0
integrator = "leapfrog"
[output]
timeseries_every = 5
spectra_every = 10
checkpoint_every = 10
progress_every = 10
)";

class Restart : public AppTest {
protected:
  void SetUp() override {
    AppTest::SetUp();
    write_file(dir_ / "deck.toml", deck_text);
  }

  /// `inflanet run deck.toml ARGS...` at `ranks` ranks.
  Result run(int ranks, const std::vector<std::string>& args,
             const std::vector<std::string>& env = {}) const {
    return run_inflanet(ranks, "run", "deck.toml", args, env, std::chrono::seconds(120));
  }

  /// Uninterrupted run into `out`, and a run stopped at step 30 then restarted from "latest" into `cut`.
  void run_both(int first_ranks, int restart_ranks) {
    const auto a = run(first_ranks, {"output.dir=full"});
    ASSERT_EQ(a.status, 0) << a;
    const auto b = run(first_ranks, {"output.dir=cut", "time.t_end=0.6"});
    ASSERT_EQ(b.status, 0) << b;
    const auto c = run(restart_ranks, {"output.dir=cut", "restart=latest"});
    ASSERT_EQ(c.status, 0) << c;
    EXPECT_THAT(c.out, HasSubstr("# restarted from step 30"));
  }
};

} // namespace

TEST_F(Restart, ContinuedRunIsBitIdenticalAtOneRank) {
  run_both(1, 1);
  for (const char* field : {"fields/phi", "fields/phidot"}) {
    EXPECT_TRUE(bitwise_equal(read_doubles(dir_ / "full/checkpoint_50.h5", field),
                              read_doubles(dir_ / "cut/checkpoint_50.h5", field)))
        << field;
  }
  for (const char* column : {"step", "time", "rho", "phi_var", "continuity_residual"}) {
    EXPECT_TRUE(bitwise_equal(read_doubles(dir_ / "full/timeseries.h5", column),
                              read_doubles(dir_ / "cut/timeseries.h5", column)))
        << column;
  }
  EXPECT_TRUE(bitwise_equal(read_doubles(dir_ / "full/spectra.h5", "P_phi"),
                            read_doubles(dir_ / "cut/spectra.h5", "P_phi")));
}

TEST_F(Restart, ContinuedRunIsBitIdenticalAtTwoRanks) {
  run_both(2, 2);
  for (const char* field : {"fields/phi", "fields/phidot"}) {
    EXPECT_TRUE(bitwise_equal(read_doubles(dir_ / "full/checkpoint_50.h5", field),
                              read_doubles(dir_ / "cut/checkpoint_50.h5", field)))
        << field;
  }
  EXPECT_TRUE(bitwise_equal(read_doubles(dir_ / "full/timeseries.h5", "rho"),
                            read_doubles(dir_ / "cut/timeseries.h5", "rho")));
}

TEST_F(Restart, RestartOnAnotherRankCountAgreesToRounding) {
  run_both(2, 3);
  for (const char* field : {"fields/phi", "fields/phidot"}) {
    EXPECT_LT(max_relative_difference(read_doubles(dir_ / "cut/checkpoint_50.h5", field),
                                      read_doubles(dir_ / "full/checkpoint_50.h5", field)),
              1e-12)
        << field;
  }
}

TEST_F(Restart, KillDuringCheckpointWriteLeavesThePreviousOneRestartable) {
  const auto full = run(1, {"output.dir=full"});
  ASSERT_EQ(full.status, 0) << full;
  const auto killed = run(1, {"output.dir=cut"}, {"INFLANET_FAULT_INJECTION=checkpoint-write:30"});
  ASSERT_EQ(killed.status, 128 + SIGKILL) << killed;
  EXPECT_TRUE(fs::exists(dir_ / "cut/checkpoint_30.h5.tmp")) << "the kill came in the middle of the write";
  EXPECT_FALSE(fs::exists(dir_ / "cut/checkpoint_30.h5"));
  EXPECT_EQ(read_file(dir_ / "cut/checkpoint_latest"), "checkpoint_20.h5\n");
  const auto resumed = run(1, {"output.dir=cut", "restart=latest"});
  ASSERT_EQ(resumed.status, 0) << resumed;
  EXPECT_THAT(resumed.out, HasSubstr("# restarted from step 20"));
  EXPECT_TRUE(bitwise_equal(read_doubles(dir_ / "full/checkpoint_50.h5", "fields/phi"),
                            read_doubles(dir_ / "cut/checkpoint_50.h5", "fields/phi")));
  EXPECT_FALSE(fs::exists(dir_ / "cut/checkpoint_30.h5.tmp")) << "the leftover is cleaned up";
}

// The kill scenario of a production run: a fresh run in A measures its plans; a second run in B that
// starts from a copy of A's wisdom is killed inside a checkpoint write and restarted there. Both of B's
// processes plan from the copied wisdom, A from the wisdom it measured (FftPlan re-creates its plans from
// it), so all three execute the same plans and B ends bitwise where A did. At N = 24 on 2 ranks plans
// re-measured by every process made the fields differ by about 1e-15 (issue 11).
TEST_F(Restart, KilledRunRestartedFromCopiedWisdomEndsBitwiseWhereAFreshRunDid) {
  const std::vector<std::string> common = {"lattice.N=24", "output.checkpoint_every=10"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), common.begin(), common.end());
    return extra;
  };
  const std::vector<std::string> fresh_cache = {"XDG_CACHE_HOME=" + (dir_ / "cache").string()};
  const auto a = run(2, with({"output.dir=A", "output.wisdom=A/fftw.wisdom"}), fresh_cache);
  ASSERT_EQ(a.status, 0) << a;
  EXPECT_THAT(a.out, HasSubstr("# fft: plans measured and saved to A/fftw.wisdom")) << a;
  fs::create_directories(dir_ / "B");
  fs::copy_file(dir_ / "A/fftw.wisdom", dir_ / "B/fftw.wisdom");

  const auto killed = run(2, with({"output.dir=B", "output.wisdom=B/fftw.wisdom"}),
                          {fresh_cache[0], "INFLANET_FAULT_INJECTION=checkpoint-write:30"});
  ASSERT_NE(killed.status, 0) << killed;
  EXPECT_FALSE(fs::exists(dir_ / "B/checkpoint_30.h5")) << "killed before step 30's checkpoint was complete";
  EXPECT_THAT(killed.out, HasSubstr("nothing measured")) << killed;
  const auto resumed =
      run(2, with({"output.dir=B", "output.wisdom=B/fftw.wisdom", "restart=latest"}), fresh_cache);
  ASSERT_EQ(resumed.status, 0) << resumed;
  EXPECT_THAT(resumed.out, HasSubstr("# restarted from step 20"));
  EXPECT_THAT(resumed.out, HasSubstr("nothing measured")) << resumed;
  for (const char* field : {"fields/phi", "fields/phidot"}) {
    EXPECT_TRUE(bitwise_equal(read_doubles(dir_ / "A/checkpoint_50.h5", field),
                              read_doubles(dir_ / "B/checkpoint_50.h5", field)))
        << field;
  }
  EXPECT_TRUE(bitwise_equal(read_doubles(dir_ / "A/timeseries.h5", "rho"),
                            read_doubles(dir_ / "B/timeseries.h5", "rho")));
}

// In conformal time (time.alpha = 1) the checkpoint holds eta and the momentum p = d phi / d eta, so a killed
// run continues bit-identically; the outputs stay in cosmic time and record eta beside it.
TEST_F(Restart, ConformalTimeRunKilledAndRestartedIsBitIdentical) {
  const auto full = run(2, {"output.dir=full", "time.alpha=1"});
  ASSERT_EQ(full.status, 0) << full;
  // eta(t = 1) = 1 - 1/e = 0.632: 32 equal steps of at most 0.02.
  EXPECT_THAT(full.out, HasSubstr("# summary: 32 steps of leapfrog")) << full;
  const auto killed =
      run(2, {"output.dir=cut", "time.alpha=1"}, {"INFLANET_FAULT_INJECTION=checkpoint-write:30"});
  ASSERT_NE(killed.status, 0) << killed;
  const auto other_alpha = run(1, {"output.dir=cut", "restart=latest", "time.alpha=0.5"});
  EXPECT_EQ(other_alpha.status, 2) << other_alpha;
  EXPECT_THAT(other_alpha.err, HasSubstr("time.alpha"));
  const auto resumed = run(2, {"output.dir=cut", "time.alpha=1", "restart=latest"});
  ASSERT_EQ(resumed.status, 0) << resumed;
  EXPECT_THAT(resumed.out, HasSubstr("# restarted from step 20"));
  for (const char* field : {"fields/phi", "fields/phidot"}) {
    EXPECT_TRUE(bitwise_equal(read_doubles(dir_ / "full/checkpoint_32.h5", field),
                              read_doubles(dir_ / "cut/checkpoint_32.h5", field)))
        << field;
  }
  for (const char* column : {"time", "eta", "rho", "phidot_var", "continuity_residual"}) {
    EXPECT_TRUE(bitwise_equal(read_doubles(dir_ / "full/timeseries.h5", column),
                              read_doubles(dir_ / "cut/timeseries.h5", column)))
        << column;
  }
  const auto time = read_doubles(dir_ / "full/timeseries.h5", "time");
  const auto eta = read_doubles(dir_ / "full/timeseries.h5", "eta");
  ASSERT_FALSE(time.empty());
  EXPECT_NEAR(time.back(), 1.0, 1e-12) << "outputs keep cosmic time; the last step lands on t_end";
  EXPECT_NEAR(eta.back(), 1.0 - std::exp(-1.0), 1e-12);
}

TEST_F(Restart, BadRestartFilesAreRefusedWithTheReason) {
  const auto made = run(1, {"output.dir=good", "time.t_end=0.2", "output.snapshot_every=10"});
  ASSERT_EQ(made.status, 0) << made;

  const auto missing = run(1, {"output.dir=x", "restart=nowhere.h5"});
  EXPECT_EQ(missing.status, 2) << missing;
  EXPECT_THAT(missing.err, HasSubstr("nowhere.h5"));

  fs::copy_file(dir_ / "good/checkpoint_10.h5", dir_ / "truncated.h5");
  fs::resize_file(dir_ / "truncated.h5", fs::file_size(dir_ / "truncated.h5") / 2);
  const auto truncated = run(1, {"output.dir=x", "restart=truncated.h5"});
  EXPECT_EQ(truncated.status, 2) << truncated;
  EXPECT_THAT(truncated.err, HasSubstr("truncated.h5"));

  const auto snapshot = run(1, {"output.dir=x", "restart=good/data_10.h5"});
  EXPECT_EQ(snapshot.status, 2) << snapshot;
  EXPECT_THAT(snapshot.err, HasSubstr("not an inflanet checkpoint"));

  const auto other_size = run(1, {"output.dir=x", "restart=good/checkpoint_10.h5", "lattice.N=8"});
  EXPECT_EQ(other_size.status, 2) << other_size;
  EXPECT_THAT(other_size.err, HasSubstr("N = 16"));
  EXPECT_THAT(other_size.err, HasSubstr("N = 8"));

  const auto other_dt = run(1, {"output.dir=x", "restart=good/checkpoint_10.h5", "time.dt=0.01"});
  EXPECT_EQ(other_dt.status, 2) << other_dt;
  EXPECT_THAT(other_dt.err, HasSubstr("time.dt"));
  for (const auto* r : {&missing, &truncated, &snapshot, &other_size, &other_dt}) {
    EXPECT_THAT(r->err, ::testing::StartsWith("inflanet: error:"));
  }
  // A refused restart changes no file: x holds nothing of any run, and good's files are as they were.
  EXPECT_TRUE(fs::is_empty(dir_ / "x"));
}

TEST_F(Restart, ANewRunRefusesAnotherRunsDirectoryAndOverwriteLeavesNoMix) {
  const auto first = run(1, {"output.dir=owned", "time.t_end=0.2", "output.snapshot_every=10"});
  ASSERT_EQ(first.status, 0) << first;
  const std::string timeseries = read_file(dir_ / "owned/timeseries.h5");
  // Another run into the same directory (a forgotten output.dir override): exit 2, nothing touched.
  const auto again = run(2, {"output.dir=owned", "time.t_end=0.4", "lattice.N=8"});
  EXPECT_EQ(again.status, 2) << again;
  EXPECT_THAT(again.err, HasSubstr("output.dir 'owned' holds another run's files"));
  EXPECT_THAT(again.err, HasSubstr("output.overwrite = true"));
  EXPECT_EQ(read_file(dir_ / "owned/timeseries.h5"), timeseries);
  EXPECT_TRUE(fs::exists(dir_ / "owned/data_10.h5"));
  // A restart from one of its own checkpoints continues it ...
  const auto resumed = run(1, {"output.dir=owned", "time.t_end=0.3", "restart=latest"});
  EXPECT_EQ(resumed.status, 0) << resumed;
  // ... but overwriting would remove that checkpoint: refused.
  const auto both = run(1, {"output.dir=owned", "restart=latest", "output.overwrite=true"});
  EXPECT_EQ(both.status, 2) << both;
  EXPECT_THAT(both.err, HasSubstr("overwriting would remove it"));
  // output.overwrite = true: the old run's files go first, so no snapshot of the first run is left beside
  // the second run's outputs; a file that is not a run's stays.
  write_file(dir_ / "owned/notes.txt", "mine");
  const auto replaced = run(1, {"output.dir=owned", "time.t_end=0.2", "output.overwrite=true"});
  ASSERT_EQ(replaced.status, 0) << replaced;
  EXPECT_THAT(replaced.out, HasSubstr("removed"));
  EXPECT_FALSE(fs::exists(dir_ / "owned/data_10.h5"));
  EXPECT_FALSE(fs::exists(dir_ / "owned/data_0.h5"));
  EXPECT_TRUE(fs::exists(dir_ / "owned/notes.txt"));
}

TEST_F(Restart, ARestartThatChangesThePhysicsIsRefusedNamingTheKeyAndBothValuesAndChangesNoFile) {
  // Stopped at step 10 of 20 with a checkpoint at 5: a restart from there would drop rows past it.
  const auto made = run(1, {"output.dir=model", "time.t_end=0.2", "output.checkpoint_every=5"});
  ASSERT_EQ(made.status, 0) << made;
  const auto before = directory_bytes(dir_ / "model");
  ASSERT_TRUE(before.contains("checkpoint_5.h5") && before.contains("timeseries.h5"));
  // Another coupling (the model), another seed (the initial state it no longer has): refused, all named.
  const auto other = run(1, {"output.dir=model", "restart=model/checkpoint_5.h5", "time.t_end=0.4",
                             "inflaton.lambda=0.7", "inflaton.seed=6"});
  EXPECT_EQ(other.status, 2) << other;
  EXPECT_THAT(other.err, HasSubstr("restart = \"model/checkpoint_5.h5\": the deck changes the physics"));
  EXPECT_THAT(other.err, HasSubstr("inflaton.lambda = 0.5 in the checkpoint's run, 0.7 in this deck"));
  EXPECT_THAT(other.err, HasSubstr("inflaton.seed = 5 in the checkpoint's run, 6 in this deck"));
  EXPECT_TRUE(directory_bytes(dir_ / "model") == before) << "every file and its bytes as they were";
  // Restarting into another run's directory with output.overwrite: refused before anything is removed.
  fs::copy(dir_ / "model", dir_ / "other", fs::copy_options::recursive);
  const auto other_before = directory_bytes(dir_ / "other");
  const auto into = run(1, {"output.dir=other", "output.overwrite=true", "restart=model/checkpoint_5.h5",
                            "time.t_end=0.4", "inflaton.lambda=0.7"});
  EXPECT_EQ(into.status, 2) << into;
  EXPECT_THAT(into.err, HasSubstr("inflaton.lambda = 0.5 in the checkpoint's run, 0.7 in this deck"));
  EXPECT_TRUE(directory_bytes(dir_ / "other") == other_before) << "overwrite removed nothing";
  // What a restart may change: when it ends and what it writes.
  const auto longer = run(1, {"output.dir=model", "restart=latest", "time.t_end=0.4",
                              "output.spectra_every=5", "output.progress_every=3"});
  EXPECT_EQ(longer.status, 0) << longer;
}

TEST_F(Restart, SnapshotsAppearAtTheirCadenceWithXdmfSidecars) {
  const auto r = run(2, {"output.dir=snap", "time.t_end=0.4", "output.snapshot_every=10"});
  ASSERT_EQ(r.status, 0) << r;
  for (int step : {0, 10, 20}) {
    const auto h5 = dir_ / "snap" / ("data_" + std::to_string(step) + ".h5");
    EXPECT_TRUE(fs::exists(h5)) << h5;
    EXPECT_TRUE(fs::exists(dir_ / "snap" / ("data_" + std::to_string(step) + ".xmf")));
    EXPECT_EQ(read_doubles(h5, "/data/" + std::to_string(step) + "/meshes/phi").size(), 16u * 16u * 16u);
  }
}
