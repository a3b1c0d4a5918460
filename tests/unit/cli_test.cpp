// The CLI as a user meets it: version, help, spec + check, and error format.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "spec/config.hpp"
#include "spec/json.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;

namespace {

CommandResult mcrun(std::vector<std::string> args) {
  args.insert(args.begin(), MCRUN_BINARY);
  return run_command(args);
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mcrun-cli-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(Cli, VersionInRuncShape) {
  auto r = mcrun({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(r.out.starts_with("mcrun version ")) << r.out;
  EXPECT_NE(r.out.find("\nspec: 1.3.0\n"), std::string::npos) << r.out;
}

TEST_F(Cli, HelpListsVerbsAndVerbHelpListsFlags) {
  auto r = mcrun({"--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* verb :
       {"create", "start", "state", "kill", "delete", "run", "list", "spec", "check", "convert"})
    EXPECT_NE(r.out.find(std::string("  ") + verb + " "), std::string::npos) << verb;
  auto c = mcrun({"create", "--help"});
  EXPECT_EQ(c.code, 0);
  EXPECT_NE(c.out.find("--console-socket PATH"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("--pid-file FILE"), std::string::npos);
}

// One text, three forms: `mcrun help VERB` is `mcrun VERB --help`, and the
// man page carries the same description and every flag.
TEST_F(Cli, HelpVerbAndManPageShareOneText) {
  for (const char* verb :
       {"create", "start", "state", "kill", "delete", "run", "list", "spec", "check", "convert",
        "features", "ps", "pause", "resume", "update", "events", "exec"}) {
    SCOPED_TRACE(verb);
    auto help = mcrun({"help", verb});
    EXPECT_EQ(help.code, 0);
    EXPECT_EQ(help.out, mcrun({verb, "--help"}).out);
    auto man = mcrun({"help", "--man", verb});
    EXPECT_EQ(man.code, 0);
    EXPECT_TRUE(man.out.starts_with(".TH MCRUN-")) << man.out;
    for (const char* section :
         {".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH OPTIONS", ".SH SEE ALSO"})
      EXPECT_NE(man.out.find(section), std::string::npos) << section;
    // Each flag of the text help is in the man page (roff writes "-" as "\-").
    std::istringstream options(help.out.substr(help.out.find("options:\n") + 9));
    for (std::string line; std::getline(options, line);) {
      std::string flag = line.substr(line.find("--"),
                                     line.find_first_of(" \n", line.find("--")) - line.find("--"));
      std::string roff;
      for (char c : flag) roff += c == '-' ? std::string("\\-") : std::string(1, c);
      EXPECT_NE(man.out.find(roff), std::string::npos) << flag;
    }
  }
  auto convert = mcrun({"help", "--man", "convert"});
  for (const char* mesos :
       {"filesystem/linux", "namespaces/pid", "cgroups\\-enable\\-cfs", "BIDIRECTIONAL"})
    EXPECT_NE(convert.out.find(mesos), std::string::npos) << mesos;
  EXPECT_EQ(mcrun({"help"}).out, mcrun({"--help"}).out);
  EXPECT_NE(mcrun({"help", "--man"}).out.find(".BR mcrun\\-convert (8)"), std::string::npos);
  auto bad = mcrun({"help", "nosuch"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_EQ(bad.err, "mcrun: unknown command \"nosuch\" (see 'mcrun --help')\n");
}

// The completion script is valid bash and completes verbs and their flags.
TEST_F(Cli, BashCompletionCompletesVerbsAndFlags) {
  auto script = mcrun({"help", "--bash-completion"});
  ASSERT_EQ(script.code, 0);
  std::ofstream(dir_ + "/completion") << script.out;
  auto complete = [&](const std::string& line) {
    std::string cmd = "source " + dir_ + "/completion; COMP_WORDS=(" + line +
                      "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
                      "_mcrun; echo \"${COMPREPLY[*]}\"";
    auto r = run_command({"/bin/bash", "-c", cmd});
    return r.out + r.err;
  };
  EXPECT_EQ(complete("mcrun conv"), "convert\n");
  EXPECT_EQ(complete("mcrun --root /x cre"), "create\n");
  EXPECT_EQ(complete("mcrun create --pid"), "--pid-file\n");
}

TEST_F(Cli, SpecThenCheckRoundTrips) {
  ASSERT_EQ(mcrun({"spec", "--bundle", dir_}).code, 0);
  fs::create_directory(dir_ + "/rootfs");
  auto r = mcrun({"check", "--bundle", dir_});
  EXPECT_EQ(r.code, 0) << r.err;
  auto again = mcrun({"spec", "--bundle", dir_});
  EXPECT_EQ(again.code, 1);
  EXPECT_EQ(again.err, "mcrun: file \"" + dir_ + "/config.json\" exists; remove it first\n");
}

TEST_F(Cli, CheckPrintsEveryProblemOnItsOwnLine) {
  std::ofstream(dir_ + "/config.json") << R"({"ociVersion":"1.3.0","root":{"path":"rootfs"},
    "process":{"user":{"uid":0,"gid":0},"args":["sh"],"cwd":"x"},
    "mounts":[{"destination":"/a","type":"tmpfs"},{"destination":"/b","type":"tmpfs"},{"destination":"c","type":"tmpfs"}],
    "linux":{"namespaces":[{"type":"mount"},{"type":"mount"}]}})";
  auto r = mcrun({"check", "--bundle", dir_});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "mcrun: config.json: /linux/namespaces/1: duplicate namespace \"mount\"\n"
            "mcrun: config.json: /mounts/2/destination: must be an absolute path\n"
            "mcrun: config.json: /process/cwd: must be an absolute path\n");
}

TEST_F(Cli, UnknownVerbAndFlag) {
  auto r = mcrun({"frobnicate"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "mcrun: unknown command \"frobnicate\" (see 'mcrun --help')\n");
  auto f = mcrun({"create", "--frob", "x"});
  EXPECT_EQ(f.code, 1);
  EXPECT_EQ(f.err, "mcrun: create: unknown flag \"--frob\"\n");
}

TEST_F(Cli, JsonLogForContainerd) {
  std::string log = dir_ + "/log.json";
  auto r =
      mcrun({"--root", dir_ + "/state", "--log", log, "--log-format", "json", "state", "nope"});
  EXPECT_EQ(r.code, 1);
  auto line = mcrun::Json::parse(read_text(log));
  EXPECT_EQ(line["level"], "error");
  EXPECT_EQ(line["msg"], "container \"nope\" does not exist: ENOENT");
  EXPECT_TRUE(line.contains("time"));
}

TEST_F(Cli, InvalidIdsAreRejected) {
  for (const char* id : {"..", "a/b", "a b"}) {
    auto r = mcrun({"--root", dir_ + "/state", "state", id});
    EXPECT_EQ(r.code, 1) << id;
    EXPECT_NE(r.err.find("invalid container id"), std::string::npos) << r.err;
  }
}

TEST_F(Cli, FeaturesIsJson) {
  auto r = mcrun({"features"});
  ASSERT_EQ(r.code, 0);
  auto j = mcrun::Json::parse(r.out);
  EXPECT_EQ(j["ociVersionMax"], "1.3.0");
  EXPECT_EQ(j["hooks"].size(), 6u);
  EXPECT_TRUE(j["linux"]["seccomp"]["enabled"]);
  EXPECT_EQ(j["linux"]["namespaces"].size(), 8u);  // time too
  EXPECT_EQ(j["linux"]["memoryPolicy"]["modes"].size(), 7u);
  // --systemd-cgroup, as root and as a user (it said false for both).
  EXPECT_TRUE(j["linux"]["cgroup"]["systemd"]);
  EXPECT_TRUE(j["linux"]["cgroup"]["systemdUser"]);
}

}  // namespace
