// FFTW wisdom (the app tests check through the executable that a second run plans nothing; here the
// pieces): a key's file name carries every part of the key in safe characters, the cache directory is
// XDG_CACHE_HOME, then HOME, then none, a configured path wins over the cache; wisdom saved by one "run"
// lets a process that forgot its wisdom plan without measuring once it imports the file (and without the
// import it measures: the control), two runs merging into one file keep each other's plans, and a missing
// file or an unwritable path is a reason, the same on every rank, never an error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fftw3-mpi.h>
#include <mpi.h>
#include <stdlib.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "inflanet/decomposition/decomposition.hpp"
#include "inflanet/fft/fft_plan.hpp"
#include "inflanet/fft/fft_wisdom.hpp"

namespace fs = std::filesystem;
using namespace inflanet;
using ::testing::HasSubstr;

namespace {

/// A directory shared by the ranks of this run: made by rank 0 (mkdtemp, so concurrent runs of this test
/// at other rank counts get their own), its name broadcast; removed at the end.
class SharedDir {
public:
  SharedDir() {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    std::vector<char> name(4096, '\0');
    if (rank == 0) {
      std::string pattern = (fs::temp_directory_path() / "inflanet_wisdom_XXXXXX").string();
      if (::mkdtemp(pattern.data()) != nullptr) {
        pattern.copy(name.data(), name.size() - 1);
      }
    }
    MPI_Bcast(name.data(), static_cast<int>(name.size()), MPI_CHAR, 0, MPI_COMM_WORLD);
    path_ = name.data();
    root_ = rank == 0;
  }
  ~SharedDir() {
    MPI_Barrier(MPI_COMM_WORLD);
    if (root_) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  SharedDir(const SharedDir&) = delete;
  SharedDir& operator=(const SharedDir&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

private:
  fs::path path_;
  bool root_ = false;
};

/// Sets (or with nullopt unsets) an environment variable for the guard's lifetime.
class EnvGuard {
public:
  EnvGuard(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) {
      old_ = old;
    }
    set(value);
  }
  ~EnvGuard() { set(old_); }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;

private:
  void set(const std::optional<std::string>& value) {
    if (value) {
      ::setenv(name_, value->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  const char* name_;
  std::optional<std::string> old_;
};

bool plans_from_wisdom(std::ptrdiff_t n) {
  const Decomposition d(Box{n, 1.0});
  const FftPlan plan(d, PlanRigor::measure);
  return plan.from_wisdom();
}

} // namespace

TEST(FftWisdom, FileNameNamesEveryPartOfTheKeyInSafeCharacters) {
  const WisdomKey key{32, 3, 2, PlanRigor::patient};
  const std::string name = key.file_name();
  // The FFTW build, with every character outside [A-Za-z0-9._-] replaced by '_'.
  std::string version = fftw_version;
  for (char& c : version) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) {
      c = '_';
    }
  }
  EXPECT_EQ(name, "N32_r3_t2_patient_" + version + ".wisdom");
  EXPECT_EQ(name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"),
            std::string::npos);
  // Keys that differ anywhere name different files (runs that could not share plans never share a file).
  for (const WisdomKey& other :
       {WisdomKey{16, 3, 2, PlanRigor::patient}, WisdomKey{32, 1, 2, PlanRigor::patient},
        WisdomKey{32, 3, 1, PlanRigor::patient}, WisdomKey{32, 3, 2, PlanRigor::measure},
        WisdomKey{32, 3, 2, PlanRigor::estimate}}) {
    EXPECT_NE(other.file_name(), name);
  }
}

TEST(FftWisdom, CacheIsXdgCacheHomeThenHomeThenNoneAndAConfiguredPathWins) {
  const WisdomKey key{8, 1, 1, PlanRigor::measure};
  {
    EnvGuard xdg("XDG_CACHE_HOME", "/x/cache"), home("HOME", "/h");
    EXPECT_EQ(wisdom_cache_dir(), fs::path("/x/cache/inflanet"));
    EXPECT_EQ(wisdom_path("", key), fs::path("/x/cache/inflanet/wisdom") / key.file_name());
    EXPECT_EQ(wisdom_path("my.wisdom", key), fs::path("my.wisdom"));
  }
  {
    EnvGuard xdg("XDG_CACHE_HOME", ""), home("HOME", "/h");
    EXPECT_EQ(wisdom_cache_dir(), fs::path("/h/.cache/inflanet")) << "an empty XDG_CACHE_HOME is unset";
  }
  {
    EnvGuard xdg("XDG_CACHE_HOME", std::nullopt), home("HOME", std::nullopt);
    EXPECT_TRUE(wisdom_cache_dir().empty());
    EXPECT_TRUE(wisdom_path("", key).empty());
    EXPECT_EQ(wisdom_path("/w/plans", key), fs::path("/w/plans"));
  }
}

TEST(FftWisdom, SavedWisdomLetsAProcessThatForgotItPlanWithoutMeasuring) {
  SharedDir dir;
  ASSERT_FALSE(dir.path().empty());
  const fs::path file = dir.path() / "sub" / "plans.wisdom"; // the directory is created by the save
  const std::ptrdiff_t n = 12;
  fftw_forget_wisdom();
  EXPECT_FALSE(plans_from_wisdom(n)) << "nothing in memory: the plan is measured";
  const Decomposition d(Box{n, 1.0});
  EXPECT_EQ(save_fft_wisdom(file, d), "");
  EXPECT_TRUE(fs::is_regular_file(file));
  fftw_forget_wisdom();
  EXPECT_FALSE(plans_from_wisdom(n)) << "the control: forgotten wisdom is measured again";
  fftw_forget_wisdom();
  EXPECT_TRUE(import_fft_wisdom(file, d));
  EXPECT_TRUE(plans_from_wisdom(n)) << "imported on rank 0 and broadcast: every rank plans from it";
}

TEST(FftWisdom, RunsMergingIntoOneFileKeepEachOthersPlans) {
  SharedDir dir;
  const fs::path file = dir.path() / "shared.wisdom";
  fftw_forget_wisdom();
  (void)plans_from_wisdom(8);
  EXPECT_EQ(save_fft_wisdom(file, Decomposition(Box{8, 1.0})), "");
  // A second run, which never planned N = 8, saves its N = 10 plans into the same file.
  fftw_forget_wisdom();
  (void)plans_from_wisdom(10);
  EXPECT_EQ(save_fft_wisdom(file, Decomposition(Box{10, 1.0})), "");
  fftw_forget_wisdom();
  EXPECT_TRUE(import_fft_wisdom(file, Decomposition(Box{8, 1.0})));
  EXPECT_TRUE(plans_from_wisdom(8)) << "the first run's plans survived the second run's save";
  EXPECT_TRUE(plans_from_wisdom(10));
}

TEST(FftWisdom, AMissingFileOrAnUnwritablePathIsAReasonNotAnError) {
  SharedDir dir;
  const Decomposition d(Box{8, 1.0});
  EXPECT_FALSE(import_fft_wisdom(dir.path() / "absent.wisdom", d));
  EXPECT_FALSE(import_fft_wisdom(fs::path(), d));
  // A regular file where the directory should be: the save fails on rank 0 and every rank gets the reason.
  if (d.is_root()) {
    std::ofstream(dir.path() / "blocker") << "x";
  }
  d.barrier();
  const std::string reason = save_fft_wisdom(dir.path() / "blocker" / "plans.wisdom", d);
  EXPECT_THAT(reason, HasSubstr("cannot create the directory"));
  EXPECT_THAT(reason, HasSubstr("blocker"));
  EXPECT_THAT(save_fft_wisdom(fs::path(), d), HasSubstr("neither XDG_CACHE_HOME nor HOME is set"));
}
