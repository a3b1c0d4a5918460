// sys::run_program: a helper that does not finish is killed at its bound,
// reaped, and an error that names it; one that does keeps its output.
#include "runtime/sys/run_program.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

using namespace std::chrono_literals;
using mcrun::sys::run_program;

namespace {

// Children of this process that exited but were not reaped.
int zombies() {
  siginfo_t info{};
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0;
}

}  // namespace

TEST(RunProgram, OutputAndStatusOfAProgramThatFinishes) {
  auto r = run_program({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, true, 5s);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->output, "out\nerr\n");
  EXPECT_EQ(WEXITSTATUS(r->status), 3);
}

TEST(RunProgram, AStuckProgramIsKilledAtItsBound) {
  auto start = std::chrono::steady_clock::now();
  auto r = run_program({"/bin/sleep", "30"}, false, 300ms);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ETIMEDOUT);
  EXPECT_EQ(r.error().message, "/bin/sleep: did not finish within 300 ms");
  EXPECT_LT(took, 5s);
  EXPECT_EQ(zombies(), 0);
}

// Its output closed early, the program itself still running: the bound
// still holds (EOF is not the program's end).
TEST(RunProgram, ClosingItsOutputDoesNotEndTheWait) {
  auto r = run_program({"/bin/sh", "-c", "exec >&- 2>&-; exec sleep 30"}, true, 300ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ETIMEDOUT);
  EXPECT_EQ(zombies(), 0);
}
