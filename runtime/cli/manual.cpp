// The manual's prose: what each verb does beyond its one-line summary. The
// same text is shown by `mcrun VERB --help` (and `mcrun help VERB`) and
// rendered into the man pages (help.cpp), so the two never drift apart.
// Paragraphs are separated by a blank line; a paragraph whose lines start
// with two spaces is shown verbatim (an example).
#include <map>

#include "runtime/cli/help.hpp"

namespace mcrun::cli {

std::string_view verb_description(std::string_view verb) {
  static const std::map<std::string_view, std::string_view> text = {
      {"create",
       "Reads BUNDLE/config.json, checks it (every problem is reported with its JSON pointer), "
       "creates the "
       "namespaces, cgroups and mounts it asks for, runs the createRuntime and createContainer "
       "hooks, and "
       "leaves the container's init waiting for 'mcrun start'. The init becomes the user process "
       "itself "
       "(execve in place): no runtime process stays resident per container.\n\n"
       "A limit that cannot be applied is an error, never dropped: create fails and leaves nothing "
       "behind "
       "(no state, no cgroup, no mount). With process.terminal the pty master goes to "
       "--console-socket, as "
       "with runc."},
      {"start",
       "Lets a created container's init exec the user program (the startContainer hooks run first, "
       "inside the container, with the process's restrictions), then runs the poststart hooks."},
      {"state",
       "Prints the container's state as the OCI runtime specification defines it: ociVersion, id, "
       "status (creating, created, running, paused, stopped), pid, bundle and annotations."},
      {"kill",
       "Sends SIGNAL (a name with or without SIG, or a number; default TERM) to the container's "
       "init. With "
       "--all every process of the container gets it: through cgroup.kill or the container's "
       "cgroup, or its "
       "session when it has neither a cgroup nor a pid namespace. A stopped container answers "
       "\"container "
       "not running\", as runc does (containerd relies on the words)."},
      {"delete",
       "Removes a stopped container: its cgroups (children first), its state directory, and runs "
       "the "
       "poststop hooks (a failing hook is logged and the others still run). With --force a created "
       "or "
       "running container is killed first, and a damaged state (an empty or garbled state.json) is "
       "cleaned "
       "up from whatever can still be found."},
      {"run",
       "create, then start, then wait: the exit status of the container's process becomes mcrun's "
       "(128+N "
       "for a signal N), and the container is deleted unless --keep. Signals sent to mcrun are "
       "forwarded to "
       "the container. With --detach, mcrun returns once the process runs."},
      {"list",
       "Lists the containers under the state directory (--root) with their status, pid, bundle and "
       "creation time."},
      {"spec",
       "Writes a config.json like runc's default (a busybox-friendly process, rootfs \"rootfs\", "
       "the default "
       "mounts, masked and read-only paths, capabilities and namespaces). It refuses to overwrite "
       "one."},
      {"check",
       "Validates a bundle without creating anything: every problem of config.json, sorted by JSON "
       "pointer, "
       "then its rootfs and its mounts as create would plan them. Exit status 1 when anything is "
       "wrong; "
       "what only the kernel can tell (a cgroup file this machine lacks) is found by create."},
      {"convert",
       "Turns an Apache Mesos ContainerInfo (protobuf JSON or YAML, as the agent receives it) into "
       "an OCI "
       "bundle that isolates the task the way the Mesos containerizer's isolators would, so the "
       "same task "
       "definitions run on any OCI runtime.\n\n"
       "--isolation takes the agent's isolator names: filesystem/shared (a mount namespace on the "
       "host's "
       "root; volumes are bind mounts), filesystem/linux (with --rootfs: an image as root, the "
       "sandbox at "
       "/mnt/mesos/sandbox, Mesos's masked paths, /dev/shm and /dev/mqueue), namespaces/pid (the "
       "task is pid "
       "1 and its whole tree dies with it), namespaces/ipc, cgroups/cpu, cgroups/mem, cgroups/pids "
       "(and "
       "\"cgroups\" for cpu and mem), linux/capabilities, posix/rlimits, volume/host_path and "
       "volume/sandbox_path; filesystem/posix, posix/cpu and posix/mem isolate nothing (the task "
       "is tracked "
       "by its session and its usage reported, as Mesos's POSIX launcher). Two filesystem "
       "isolators, "
       "unknown names or duplicates are refused with Mesos's messages.\n\n"
       "--resources gives the task's resources (\"cpus:1.5;mem:256\", mem in MB): cpu shares of "
       "1024 per cpu "
       "(at least 2), a memory limit and soft limit (at least 32 MB), and a CFS quota only with "
       "--cgroups-enable-cfs, as the agent flag of that name.\n\n"
       "disk/du (or posix/disk) measures the sandbox with du -k -s, as Mesos's isolator: mcrun "
       "events reports it with the limit from \"disk:N\" (MB). With "
       "--enforce-container-disk-quota, mcrun run kills the task once the sandbox outgrows the "
       "limit (checked every --container-disk-watch-interval, 15secs by default) and exits 137 "
       "with Mesos's message; create and run --detach refuse such a bundle, as nothing would "
       "watch it.\n\n"
       "Volumes follow Mesos's volume isolators: host_path absolute or relative to --work-dir (the "
       "executor's sandbox), source HOST_PATH with mount_propagation (HOST_TO_CONTAINER or "
       "BIDIRECTIONAL, "
       "which needs the host path on a shared mount) and SANDBOX_PATH SELF; mode RO is a read-only "
       "bind. "
       "linux_info gives capabilities, ipc_mode and shm_size, share_pid_namespace and a seccomp "
       "profile "
       "(--seccomp-config-dir, --seccomp-profile as the agent's flags); rlimits and the hostname "
       "come from "
       "their fields. Anything the conversion cannot honour is an error naming its field, and a "
       "rejected "
       "input leaves no bundle and no sandbox directory behind.\n\n"
       "Example: convert a ContainerInfo and run the task.\n\n"
       "  mcrun convert --container-info info.json --isolation filesystem/linux,namespaces/pid \\\n"
       "    --rootfs /srv/images/busybox --work-dir /var/lib/mesos/sandbox --bundle /tmp/task -- "
       "sh -c 'id'\n"
       "  mcrun run --bundle /tmp/task task-1"},
      {"features",
       "Prints, as the OCI features document, what this build and runtime support: hooks, mount "
       "options, namespaces, capabilities, cgroup versions, seccomp actions and operators."},
      {"ps",
       "Lists the processes of a container (found through its cgroup, its pid namespace or its "
       "session). The table is ps(1)'s, as runc's: `ps -ef`, or the ps options given after the "
       "ID, with the header and the container's lines only (mcrun ps c1 -- -o pid,comm). "
       "--format json prints a JSON array of host pids."},
      {"pause",
       "Freezes every process of the container with the cgroup freezer (cgroup.freeze on v2)."},
      {"resume", "Thaws a paused container."},
      {"update",
       "Changes the resource limits of a created or running container, from --resources "
       "(linux.resources "
       "JSON) or the single-value flags. What is written is validated first, as in config.json: an "
       "invalid "
       "or unsupported value changes nothing. On cgroup v2 the device rules are replaced as a "
       "whole."},
      {"events",
       "Streams the container's resource usage every --interval and its OOM events as JSON lines, "
       "or prints the usage once with --stats."},
      {"exec",
       "Runs another process in a running container: it joins the container's namespaces and "
       "cgroup and "
       "gets the container's restrictions (capabilities, no_new_privs, seccomp, AppArmor/SELinux, "
       "rlimits) "
       "or those of --process. The container's processes never see mcrun's own binary: it runs "
       "from a sealed "
       "copy (CVE-2019-5736). A paused container refuses exec unless --ignore-paused: then the "
       "process waits, frozen with the container, and runs once it is resumed."},
  };
  auto it = text.find(verb);
  return it == text.end() ? std::string_view{} : it->second;
}

std::string_view overview() {
  return "mcrun runs containers from OCI bundles with runc's command line, so podman, containerd, "
         "CRI-O and "
         "Kubernetes can use it in runc's place; and it converts Apache Mesos ContainerInfo task "
         "definitions "
         "into such bundles (mcrun convert), giving them the isolation of the Mesos "
         "containerizer.\n\n"
         "A container's init is its user process: when it exits, its pid namespace and every "
         "process in it "
         "are gone, and mcrun keeps no process per container. State lives under --root (default "
         "/run/mcrun, "
         "mode 0700), one directory per container.\n\n"
         "Errors are printed as \"mcrun: CONTEXT: REASON\" (with --log, also written there) and "
         "exit with "
         "status 1; a bad config.json names the field by its JSON pointer.";
}

}  // namespace mcrun::cli
