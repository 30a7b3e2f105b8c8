// The progress line, in process (the app tests see it through the executable, every step only): a line at
// every multiple of `every` and at the last step and at no other, none when disabled (the ranks other than
// 0), each in the documented regex-friendly form with the diagnostics verbatim and an ETA of hh:mm:ss.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "inflanet/app/progress.hpp"

using inflanet::ProgressReporter;

namespace {

/// Steps 1 .. total through a reporter; the lines it printed.
std::vector<std::string> report_all(std::int64_t total, std::int64_t every, bool enabled) {
  ProgressReporter progress(total, every, enabled);
  ::testing::internal::CaptureStdout();
  for (std::int64_t step = 1; step <= total; ++step) {
    progress.maybe_report(step, 0.5 * static_cast<double>(step), 1.0 + static_cast<double>(step), 0.25,
                          "<phi>=1.0e-03 cont=2.0e-09");
  }
  std::istringstream out(::testing::internal::GetCapturedStdout());
  std::vector<std::string> lines;
  for (std::string line; std::getline(out, line);) {
    lines.push_back(line);
  }
  return lines;
}

std::string step_of(const std::string& line) {
  std::smatch m;
  return std::regex_search(line, m, std::regex(R"(^step (\d+)/)")) ? m[1].str() : "";
}

} // namespace

TEST(Progress, ALineAtEveryMultipleOfEveryAndAtTheLastStepOnly) {
  const auto lines = report_all(10, 3, true);
  std::vector<std::string> steps;
  for (const auto& line : lines) {
    steps.push_back(step_of(line));
  }
  EXPECT_EQ(steps, (std::vector<std::string>{"3", "6", "9", "10"}));
  // The last step coinciding with a multiple is reported once.
  EXPECT_EQ(report_all(8, 4, true).size(), 2u);
}

TEST(Progress, DisabledReportersPrintNothing) {
  EXPECT_TRUE(report_all(10, 1, false).empty());
}

TEST(Progress, TheLineHasTheDocumentedFormWithTheDiagnosticsVerbatim) {
  const auto lines = report_all(4, 2, true);
  ASSERT_EQ(lines.size(), 2u);
  // Step 2 of 4: t = 1, a = 3, N = 0.25, as passed.
  EXPECT_TRUE(std::regex_match(lines[0], std::regex(R"(step 2/4 t=1\.0000 a=3\.0000e\+00 N=0\.250 )"
                                                    R"(<phi>=1\.0e-03 cont=2\.0e-09 \| [0-9.]+ steps/s )"
                                                    R"(ETA \d\d:[0-5]\d:[0-5]\d)")))
      << lines[0];
  EXPECT_THAT(lines[1], ::testing::EndsWith("ETA 00:00:00")) << "nothing is left after the last step";
}

TEST(Progress, AStageLineGivesItemsDoneOfTheTotalWithRateAndEta) {
  // 512 of 2048 rows in 2 s: 256 rows/s, 1536 rows left, 6 s.
  EXPECT_EQ(inflanet::StageProgress::line("Theta(0)", "rows", 512, 2048, 2.0),
            "# progress: Theta(0) rows 512/2048 (25.0%) | 256.0 rows/s ETA 00:00:06");
  // Nothing done yet: no rate to extrapolate from.
  EXPECT_THAT(inflanet::StageProgress::line("Lanczos on Theta(0)", "products", 0, 300, 1.0),
              ::testing::EndsWith("ETA --:--:--"));
  EXPECT_EQ(inflanet::clock_time(3725.4), "01:02:05");
  EXPECT_EQ(inflanet::clock_time(-1.0), "--:--:--");
}

TEST(Progress, AStagePrintsItsLastLineOnceAndNothingWhenDisabled) {
  const auto lines_of = [](bool enabled) {
    inflanet::StageProgress progress("Theta(0)", "rows", 4, enabled, /*interval=*/3600.0);
    ::testing::internal::CaptureStdout();
    for (std::size_t done = 1; done <= 4; ++done) {
      progress.update(done);
    }
    progress.update(4); // a repeated last update (Lanczos's closing call) prints nothing more
    std::istringstream out(::testing::internal::GetCapturedStdout());
    std::vector<std::string> lines;
    for (std::string line; std::getline(out, line);) {
      lines.push_back(line);
    }
    return lines;
  };
  const auto lines = lines_of(true);
  ASSERT_EQ(lines.size(), 1u) << "within the interval only the last line";
  EXPECT_TRUE(
      std::regex_match(lines[0], std::regex(R"(# progress: Theta\(0\) rows 4/4 \(100\.0%\) \| [0-9.]+ )"
                                            R"(rows/s ETA 00:00:00)")))
      << lines[0];
  EXPECT_TRUE(lines_of(false).empty());
}

TEST(Progress, AnOpaqueStageOpensWithItsEstimateAndClosesWithItsDuration) {
  EXPECT_EQ(
      inflanet::stage_start_line("Theta(0) eigendecomposition (N = 4096, dsyevr on 1 rank)", 24.7,
                                 "0.79 s x (N / 1000)^3 on the reference machine"),
      "# progress: Theta(0) eigendecomposition (N = 4096, dsyevr on 1 rank): starting, estimated 00:00:25 "
      "(0.79 s x (N / 1000)^3 on the reference machine)");
  EXPECT_EQ(inflanet::stage_done_line("velocity solve", 1.234), "# progress: velocity solve: done in 1.2 s");
}
