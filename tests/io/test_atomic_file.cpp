// write_text_atomically (resolved.toml, the checkpoint pointer's kin): the text lands byte for byte, an
// existing file is replaced whole, no temporary is left beside it, and a directory that does not exist is a
// RuntimeError naming the file, with the old contents of a file left intact when the write cannot happen.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "inflanet/base/error.hpp"
#include "inflanet/io/atomic_file.hpp"

namespace fs = std::filesystem;
using ::testing::HasSubstr;

namespace {

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A fresh directory per test (removed after it), under the system's temporary directory.
class AtomicFile : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("inflanet_atomic_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

} // namespace

TEST_F(AtomicFile, TextLandsByteForByteWithNoTemporaryLeft) {
  // Embedded NUL, CR LF and no final newline: written in binary mode, nothing is translated or dropped.
  using namespace std::string_literals;
  const std::string text = "a = 1\r\nb = \"x\"\n\0tail"s;
  const fs::path path = dir_ / "resolved.toml";
  inflanet::io::write_text_atomically(path, text);
  EXPECT_EQ(read_all(path), text);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1)
      << "only the file itself: the temporary was renamed, not copied";
}

TEST_F(AtomicFile, AnExistingFileIsReplacedWhole) {
  // A shorter text over a longer one, then an empty one: the old tail must not survive.
  const fs::path path = dir_ / "checkpoint_latest";
  inflanet::io::write_text_atomically(path, "checkpoint_000000100.h5\n");
  inflanet::io::write_text_atomically(path, "c_2\n");
  EXPECT_EQ(read_all(path), "c_2\n");
  inflanet::io::write_text_atomically(path, "");
  EXPECT_EQ(read_all(path), "");
  EXPECT_TRUE(fs::exists(path));
}

TEST_F(AtomicFile, AMissingDirectoryIsARuntimeErrorNamingTheFile) {
  const fs::path path = dir_ / "no_such_dir" / "resolved.toml";
  try {
    inflanet::io::write_text_atomically(path, "x");
    FAIL() << "expected a RuntimeError";
  } catch (const inflanet::RuntimeError& e) {
    EXPECT_THAT(e.what(), HasSubstr("resolved.toml"));
    EXPECT_EQ(e.status(), inflanet::ExitStatus::runtime_failure);
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(AtomicFile, AFailedRenameLeavesTheOldFileIntact) {
  // The target is a non-empty directory: the temporary is written, the rename onto it fails, and what was
  // there is untouched (a reader never sees a half-written or missing target).
  const fs::path path = dir_ / "target";
  fs::create_directories(path / "inside");
  EXPECT_THROW(inflanet::io::write_text_atomically(path, "new"), inflanet::RuntimeError);
  EXPECT_TRUE(fs::is_directory(path / "inside"));
}
