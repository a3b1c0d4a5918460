// Helpers shared by the unit tests.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string source_path(const std::string& rel) {
  return std::string(MCRUN_SOURCE_DIR) + "/" + rel;
}

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

struct CommandResult {
  int code = -1;
  std::string out, err;
};

// Runs argv (argv[0] a path) with stdin from /dev/null; captures both outputs.
inline CommandResult run_command(const std::vector<std::string>& argv) {
  char out_tmpl[] = "/tmp/mcrun-out-XXXXXX", err_tmpl[] = "/tmp/mcrun-err-XXXXXX";
  int out = ::mkstemp(out_tmpl), err = ::mkstemp(err_tmpl);
  pid_t pid = ::fork();
  if (pid == 0) {
    int in = ::open("/dev/null", O_RDONLY);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(out);
  ::close(err);
  CommandResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_text(out_tmpl);
  r.err = read_text(err_tmpl);
  ::unlink(out_tmpl);
  ::unlink(err_tmpl);
  return r;
}

inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
  return s;
}

inline bool path_exists(const std::string& p) { return ::access(p.c_str(), F_OK) == 0; }
