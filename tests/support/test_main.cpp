// GoogleTest entry point shared by every test executable: one MPI + FFTW session per process, and only
// rank 0 prints, so a failure on any rank still fails the run (through the exit status) without noise.
#include <gtest/gtest.h>

#include "inflanet/decomposition/session.hpp"

int main(int argc, char** argv) {
  inflanet::Session session(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  if (session.rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  return RUN_ALL_TESTS();
}
