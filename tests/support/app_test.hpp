#pragma once
// The fixture of the tests that run the inflanet executable: a fresh working directory per test (kept when
// the test fails, for inspection) and `inflanet COMMAND DECK ARGS...` at a given rank count (1: the binary
// alone, a singleton MPI process; more: under INFLANET_MPIEXEC), one thread per rank, with extra environment
// forwarded to every rank.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "child_process.hpp"

namespace inflanet::testing {

/// Every regular file under `dir` (recursively), by its path relative to `dir`, with its bytes: a refused run
/// changes no file when the map is the same before and after.
inline std::map<std::string, std::string> directory_bytes(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      files[fs::relative(entry.path(), dir).string()] = read_file(entry.path());
    }
  }
  return files;
}

class AppTest : public ::testing::Test {
protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("inflanet_" + std::string(info->test_suite_name()) + "_" +
                                        std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) {
      fs::remove_all(dir_);
    }
  }

  /// `inflanet command deck args...` in dir_ at `ranks` ranks; `env` entries (NAME=value) reach every rank.
  [[nodiscard]] Result run_inflanet(int ranks, const std::string& command, const std::string& deck,
                                    const std::vector<std::string>& args,
                                    const std::vector<std::string>& env = {},
                                    std::chrono::seconds timeout = std::chrono::seconds(180)) const {
    std::vector<std::string> environment = {"OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1"};
    environment.insert(environment.end(), env.begin(), env.end());
    std::vector<std::string> argv;
    if (ranks > 1) {
      argv = {INFLANET_MPIEXEC, "-n", std::to_string(ranks), "--oversubscribe", "--allow-run-as-root"};
      for (const auto& e : environment) {
        argv.insert(argv.end(), {"-x", e});
      }
    }
    argv.insert(argv.end(), {INFLANET_BINARY, command, deck});
    argv.insert(argv.end(), args.begin(), args.end());
    return spawn(argv, dir_, timeout, environment);
  }

  fs::path dir_;
};

} // namespace inflanet::testing
