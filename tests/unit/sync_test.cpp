// The create <-> init messages (runtime/process/sync.hpp) over a real
// SOCK_SEQPACKET pair: one send is one message, read whole, and a peer that
// is gone reads as "no message", whether it closed or died with messages of
// its own unread.
#include "runtime/process/sync.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "runtime/sys/fd.hpp"

using mcrun::runtime::sync_recv;
using mcrun::runtime::sync_send;
using mcrun::runtime::SyncMessage;
using mcrun::runtime::SyncType;
using mcrun::sys::UniqueFd;

namespace {
std::pair<UniqueFd, UniqueFd> socket_pair() {
  int fds[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds), 0);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}
}  // namespace

TEST(Sync, EachMessageIsReadWholeThenTheCloseIsNoMessage) {
  auto [a, b] = socket_pair();
  ASSERT_TRUE(sync_send(a.get(), {SyncType::Go, 0, 4242, "{\"state\":1}"}));
  ASSERT_TRUE(sync_send(a.get(), {SyncType::Error, 13, 0, std::string(50000, 'x')}));
  a.reset();
  auto go = sync_recv(b.get());
  ASSERT_TRUE(go && *go);
  EXPECT_EQ((*go)->type, SyncType::Go);
  EXPECT_EQ((*go)->value, 4242);
  EXPECT_EQ((*go)->text, "{\"state\":1}");
  auto error = sync_recv(b.get());
  ASSERT_TRUE(error && *error);
  EXPECT_EQ((*error)->code, 13);
  EXPECT_EQ((*error)->text.size(), 50000u);
  auto eof = sync_recv(b.get());
  ASSERT_TRUE(eof) << eof.error().what();
  EXPECT_FALSE(*eof);
}

// The kernel reports ECONNRESET to the survivor when a seqpacket peer is
// closed with messages still queued for it.
TEST(Sync, APeerGoneWithMessagesUnreadIsNoMessage) {
  auto [a, b] = socket_pair();
  ASSERT_TRUE(sync_send(b.get(), {SyncType::Ready, 0, 0, ""}));  // a never reads it
  a.reset();
  auto m = sync_recv(b.get());
  ASSERT_TRUE(m) << m.error().what();
  EXPECT_FALSE(*m);
}
