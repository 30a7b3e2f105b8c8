// One run owns its output directory: another run's files are refused, a restart from a checkpoint in the
// directory continues it, overwrite removes exactly the old run's files (and never the restart's checkpoint),
// and a deferred overwrite checks the claim without removing anything.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <unistd.h>

#include "inflanet/io/output_directory.hpp"

namespace fs = std::filesystem;
using namespace inflanet;
using namespace inflanet::io;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

class OutputDirectory : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("inflanet_outdir_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void touch(const std::string& name) {
    fs::create_directories(dir_);
    std::ofstream(dir_ / name) << "x";
  }
  fs::path dir_;
};

TEST_F(OutputDirectory, OnlyTheFilesARunWritesCountAsARunsFiles) {
  for (const char* name : {"resolved.toml", "timeseries.h5", "spectra.h5", "duality.h5", "nn.h5",
                           "checkpoint_latest", "checkpoint_40.h5", "checkpoint_40.h5.tmp", "data_8.h5",
                           "data_8.xmf", "my_notes.txt", "data_final.h5", "checkpoint_.h5", "spectra.png"}) {
    touch(name);
  }
  std::vector<std::string> names;
  for (const auto& p : run_files_in(dir_)) {
    names.push_back(p.filename().string());
  }
  EXPECT_THAT(names, ElementsAre("checkpoint_40.h5", "checkpoint_40.h5.tmp", "checkpoint_latest", "data_8.h5",
                                 "data_8.xmf", "duality.h5", "nn.h5", "resolved.toml", "spectra.h5",
                                 "timeseries.h5"));
  EXPECT_TRUE(run_files_in(dir_ / "absent").empty());
}

TEST_F(OutputDirectory, AMissingOrForeignOnlyDirectoryIsClaimedAndCreated) {
  const auto claimed = claim_output_directory(dir_ / "new" / "run", {});
  EXPECT_TRUE(fs::is_directory(dir_ / "new" / "run"));
  EXPECT_FALSE(claimed.continues);
  EXPECT_TRUE(claimed.removed.empty());
  touch("README.txt"); // not a run's file
  EXPECT_NO_THROW((void)claim_output_directory(dir_, {}));
}

TEST_F(OutputDirectory, AnotherRunsFilesAreRefusedNamingTheDirectoryAndFiles) {
  touch("timeseries.h5");
  touch("data_0.h5");
  try {
    (void)claim_output_directory(dir_, {});
    FAIL() << "another run's directory was claimed";
  } catch (const OutputDirectoryTaken& e) {
    EXPECT_EQ(e.dir(), dir_);
    EXPECT_EQ(e.files().size(), 2u);
    EXPECT_EQ(e.file_list(), "data_0.h5, timeseries.h5");
    EXPECT_EQ(e.reason(), "holds another run's files");
    EXPECT_EQ(e.status(), ExitStatus::invalid_input);
  }
  EXPECT_TRUE(fs::exists(dir_ / "timeseries.h5")); // nothing was touched
  // A restart from a checkpoint elsewhere does not make this directory its own.
  EXPECT_THROW((void)claim_output_directory(dir_, {dir_.parent_path() / "checkpoint_4.h5", false}),
               OutputDirectoryTaken);
}

TEST_F(OutputDirectory, ARestartFromACheckpointInTheDirectoryContinuesIt) {
  touch("timeseries.h5");
  touch("checkpoint_20.h5");
  for (const fs::path& restart :
       {dir_ / "checkpoint_20.h5", dir_ / "." / "checkpoint_20.h5", fs::path("latest")}) {
    const auto claimed = claim_output_directory(dir_, {restart, false});
    EXPECT_TRUE(claimed.continues) << restart;
  }
  EXPECT_TRUE(fs::exists(dir_ / "timeseries.h5"));
  // ... and overwriting would remove that checkpoint: refused, nothing removed.
  EXPECT_THAT(
      [&] {
        (void)claim_output_directory(dir_, {dir_ / "checkpoint_20.h5", true});
      },
      ::testing::ThrowsMessage<OutputDirectoryTaken>(HasSubstr("overwriting would remove it")));
  EXPECT_TRUE(fs::exists(dir_ / "checkpoint_20.h5"));
}

TEST_F(OutputDirectory, OverwriteRemovesExactlyTheOldRunsFiles) {
  touch("timeseries.h5");
  touch("checkpoint_latest");
  touch("data_3.xmf");
  touch("notes.txt");
  const auto claimed = claim_output_directory(dir_, {std::nullopt, true});
  EXPECT_EQ(claimed.removed.size(), 3u);
  EXPECT_FALSE(claimed.continues);
  EXPECT_TRUE(run_files_in(dir_).empty());
  EXPECT_TRUE(fs::exists(dir_ / "notes.txt"));
}

TEST_F(OutputDirectory, DeferredOverwriteChecksTheClaimAndRemovesNothingUntilClaimedAgain) {
  touch("timeseries.h5");
  touch("checkpoint_7.h5");
  const auto outside = dir_.parent_path() / "checkpoint_4.h5";
  // A restart from elsewhere: what overwrite refuses is refused; what it allows removes nothing yet.
  EXPECT_THROW((void)claim_output_directory(dir_, {dir_ / "checkpoint_7.h5", true, true}),
               OutputDirectoryTaken);
  const auto checked = claim_output_directory(dir_, {outside, true, true});
  EXPECT_TRUE(checked.removed.empty());
  EXPECT_EQ(run_files_in(dir_).size(), 2u);
  const auto claimed = claim_output_directory(dir_, {outside, true});
  EXPECT_EQ(claimed.removed.size(), 2u);
  EXPECT_TRUE(run_files_in(dir_).empty());
}

} // namespace
