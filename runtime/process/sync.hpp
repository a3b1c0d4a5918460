// Messages between `mcrun create` (parent) and the container init (child) over
// a SOCK_SEQPACKET pair: one send is one message, and EOF means the peer died.
// The child never dies silently: it sends Error{errno, message, kind} first.
//
// The protocol, in order (create.cpp's create_container, init.cpp's
// container_init):
//
//   parent                                   init (cloned into its namespaces)
//   the cgroup made, then clone (into
//   its cgroup2 directory, if any);          into its v1 cgroups by itself,
//   save pid + start time                    if given their `tasks` files
//                                     <---   Joined  (only then; cgroups.hpp)
//   Joined awaited; the cgroup joined
//   (if not made before the clone),
//   uid/gid maps, oom_score_adj
//   prestart, createRuntime hooks
//   Go{host pid, state json}          --->   setns the joined namespaces,
//                                            build and enter the rootfs
//                                            (createContainer hooks inside),
//                                            prepare the process
//                                     <---   Ready   (or Error, then exit)
//   state.json "created", pid file
//   Commit                            --->   drop PR_SET_PDEATHSIG: the
//                                            container now outlives create
//                                     <---   Ack
//                                            wait on the start socket
//   (`run` instead keeps the pair and the
//   lock: no start socket is made)
//   Go{state json}                    --->   (startContainer hooks), exec;
//                                            EOF on success, else Error
//
// A failure on either side before Commit ends the container: the parent's
// Undo kills and reaps the init and removes its cgroup and state; an init
// that sees EOF instead of Go or Commit exits (and dies with the parent
// anyway, by PR_SET_PDEATHSIG). `mcrun start` later connects to the start
// socket and sends the same Go; the init answers with Error if it cannot
// exec the program. A `run` that dies before its Go leaves the init EOF on
// the pair: it exits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "spec/error.hpp"

namespace mcrun::runtime {

enum class SyncType : uint32_t {
  Go = 1,      // parent -> child: namespaces are set up on the host side; value = host pid
  Ready = 2,   // child -> parent: rootfs and process are prepared, waiting for start
  Commit = 3,  // parent -> child: state.json is written; the container exists
  Error = 4,   // child -> parent (or init -> start): code = errno, text = message
  Ack = 5,     // child -> parent: Commit seen, no longer tied to the parent's life
  Joined = 6,  // child -> parent: it moved itself into its v1 cgroups (CgroupEntry)
};

struct SyncMessage {
  SyncType type = SyncType::Error;
  int32_t code = 0;
  int64_t value = 0;
  std::string text;
};

Result<> sync_send(int fd, const SyncMessage& m);
// nullopt on EOF (the peer closed or died).
Result<std::optional<SyncMessage>> sync_recv(int fd);
// Expects exactly `type`: an Error message becomes this side's Error, EOF too.
Result<SyncMessage> sync_expect(int fd, SyncType type, std::string_view peer);

// An Error travels with its errno, message and kind (in `value`).
inline SyncMessage error_message(const Error& e) {
  return SyncMessage{SyncType::Error, e.code, static_cast<int64_t>(e.kind), e.message};
}
inline Error error_of(const SyncMessage& m) {
  return Error{m.code, m.text, static_cast<ErrorKind>(m.value)};
}

}  // namespace mcrun::runtime
