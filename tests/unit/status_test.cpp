// What each verb may do in each status (runtime.md), and container ids.
#include <gtest/gtest.h>

#include "runtime/container.hpp"
#include "runtime/signal_name.hpp"
#include "runtime/state_store.hpp"
#include "spec/state.hpp"

using namespace mcrun;
using namespace mcrun::spec;

namespace {

TEST(Status, Creating) {
  EXPECT_FALSE(can_start(Status::Creating));
  EXPECT_FALSE(can_kill(Status::Creating));
  EXPECT_FALSE(can_delete(Status::Creating));
}
TEST(Status, Created) {
  EXPECT_TRUE(can_start(Status::Created));
  EXPECT_TRUE(can_kill(Status::Created));
  EXPECT_FALSE(can_delete(Status::Created));
  EXPECT_TRUE(can_exec(Status::Created));
}
TEST(Status, Running) {
  EXPECT_FALSE(can_start(Status::Running));
  EXPECT_TRUE(can_kill(Status::Running));
  EXPECT_FALSE(can_delete(Status::Running));
}
TEST(Status, Paused) {
  EXPECT_FALSE(can_start(Status::Paused));
  EXPECT_TRUE(can_kill(Status::Paused));
  EXPECT_FALSE(can_delete(Status::Paused));
}
TEST(Status, Stopped) {
  EXPECT_FALSE(can_start(Status::Stopped));
  EXPECT_FALSE(can_kill(Status::Stopped));
  EXPECT_TRUE(can_delete(Status::Stopped));
}
TEST(Status, NamesRoundTrip) {
  for (Status s :
       {Status::Creating, Status::Created, Status::Running, Status::Paused, Status::Stopped})
    EXPECT_EQ(status_from_name(status_name(s)), s);
  EXPECT_FALSE(status_from_name("zombie"));
}

TEST(Ids, Valid) {
  for (const char* id : {"c1", "a.b-c_d", "0", "ABC"}) EXPECT_TRUE(runtime::validate_id(id)) << id;
}
TEST(Ids, Invalid) {
  EXPECT_EQ(runtime::validate_id("").error().message, "container id must not be empty");
  EXPECT_EQ(runtime::validate_id("..").error().message,
            "invalid container id \"..\": must not be \".\" or \"..\"");
  EXPECT_EQ(runtime::validate_id("a/b").error().message,
            "invalid container id \"a/b\": only letters, digits, '.', '_' and '-' are allowed");
  for (const char* id : {".", "/", "a b", "x\n", "ü"}) EXPECT_FALSE(runtime::validate_id(id)) << id;
}

TEST(Signals, RuncForms) {
  EXPECT_EQ(runtime::parse_signal("9"), 9);
  EXPECT_EQ(runtime::parse_signal("KILL"), 9);
  EXPECT_EQ(runtime::parse_signal("SIGKILL"), 9);
  EXPECT_EQ(runtime::parse_signal("term"), 15);
  EXPECT_EQ(runtime::parse_signal("SIGUSR1"), 10);
  EXPECT_FALSE(runtime::parse_signal("SIGFOO"));
  EXPECT_EQ(runtime::parse_signal("sigusr2"), 12);  // runc takes any case
  EXPECT_EQ(runtime::parse_signal("0"), 0);         // a check that the init is there
  EXPECT_FALSE(runtime::parse_signal("-9"));
  EXPECT_FALSE(runtime::parse_signal("65"));
  EXPECT_FALSE(runtime::parse_signal("9x"));
  EXPECT_FALSE(runtime::parse_signal(""));
}

}  // namespace
