// Golden tests for `mcrun convert`: each bundles/mesos/<case>/ holds the
// flags (args, one per line), the Mesos input, and either the config.json it
// must produce (expected.json, with ${WORK_DIR} and ${ROOTFS} for the paths
// that vary) or the exact error (expected-error.txt). UPDATE_GOLDEN=1
// rewrites the expected files from what mcrun produces now.
#include "converters/convert.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "converters/container_info.hpp"
#include "spec/json.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using namespace mcrun;

namespace {

std::vector<std::string> cases() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(source_path("bundles/mesos")))
    if (e.is_directory()) out.push_back(e.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

class Golden : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    char tmpl[] = "/var/tmp/mcrun-convert-XXXXXX";  // not under /tmp: a /tmp volume would hide it
    tmp_ = ::mkdtemp(tmpl);
    work_ = tmp_ + "/sandbox";
    bundle_ = tmp_ + "/bundle";
    rootfs_ = tmp_ + "/rootfs";
    fs::create_directories(rootfs_ + "/tmp");
    ::chmod((rootfs_ + "/tmp").c_str(), 01777);
  }
  void TearDown() override { fs::remove_all(tmp_); }

  CommandResult convert(const std::string& name) {
    std::string dir = source_path("bundles/mesos/" + name);
    std::vector<std::string> argv = {MCRUN_BINARY, "convert",  "--work-dir",
                                     work_,        "--bundle", bundle_};
    for (auto& a : lines(read_text(dir + "/args")))
      argv.push_back(replace_all(replace_all(a, "${CASE_DIR}", dir), "${ROOTFS}", rootfs_));
    return run_command(argv);
  }
  std::string templated(const std::string& text) {
    return replace_all(replace_all(text, rootfs_, "${ROOTFS}"), work_, "${WORK_DIR}");
  }

  std::string tmp_, work_, bundle_, rootfs_;
};

TEST_P(Golden, MatchesExpected) {
  const std::string name = GetParam();
  const std::string dir = source_path("bundles/mesos/" + name);
  const bool update = std::getenv("UPDATE_GOLDEN") != nullptr;
  auto r = convert(name);
  if (name.starts_with("error-")) {
    std::string err = templated(r.err);
    if (update) write_text(dir + "/expected-error.txt", err);
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(err, read_text(dir + "/expected-error.txt"));
    // A bad input creates nothing: no sandbox directories, no bundle.
    EXPECT_FALSE(path_exists(work_)) << "work dir created for a rejected input";
    EXPECT_FALSE(path_exists(bundle_)) << "bundle created for a rejected input";
    EXPECT_FALSE(path_exists("/tmp/mcrun-hidden-sandbox"));
    return;
  }
  ASSERT_EQ(r.code, 0) << r.err;
  std::string config = templated(read_text(bundle_ + "/config.json"));
  if (update) write_text(dir + "/expected.json", config);
  EXPECT_EQ(config, read_text(dir + "/expected.json"));
}

INSTANTIATE_TEST_SUITE_P(Bundles, Golden, ::testing::ValuesIn(cases()), [](const auto& p) {
  std::string n = p.param;
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
});

class Convert : public Golden {};

TEST_F(Convert, JsonAndYamlGiveTheSameConfig) {
  EXPECT_EQ(read_text(source_path("bundles/mesos/private-tmp/expected.json")),
            read_text(source_path("bundles/mesos/private-tmp-yaml/expected.json")));
}

TEST_F(Convert, PrivateTmpIsMode1777OwnedLikeTheHostTmp) {
  ASSERT_EQ(convert("private-tmp").code, 0);
  struct stat sandbox_tmp, host_tmp;
  ASSERT_EQ(::stat((work_ + "/tmp").c_str(), &sandbox_tmp), 0);
  ASSERT_EQ(::stat("/tmp", &host_tmp), 0);
  EXPECT_EQ(sandbox_tmp.st_mode & 07777, 01777u);
  EXPECT_EQ(sandbox_tmp.st_mode & 07777, host_tmp.st_mode & 07777);
  if (::geteuid() == 0) {
    EXPECT_EQ(sandbox_tmp.st_uid, host_tmp.st_uid);
  }
}

TEST_F(Convert, NestedSandboxDirsGetParents) {
  ASSERT_EQ(convert("ro-rw-absolute").code, 0);
  struct stat st, opt;
  ASSERT_EQ(::stat((work_ + "/data/cache").c_str(), &st), 0);
  ASSERT_EQ(::stat("/opt", &opt), 0);
  EXPECT_EQ(st.st_mode & 07777, opt.st_mode & 07777);
}

TEST(ConvertLibrary, HundredThousandVolumesConvertInLinearTime) {
  Json info = {{"type", "MESOS"}, {"volumes", Json::array()}};
  for (int i = 0; i < 100000; ++i)
    info["volumes"].push_back({{"host_path", "v/" + std::to_string(i)},
                               {"container_path", "/data/" + std::to_string(i)},
                               {"mode", "RW"}});
  auto parsed =
      converters::parse_container_info(info.dump(), converters::InputFormat::Json, "big.json");
  ASSERT_TRUE(parsed) << parsed.error().what();
  converters::ConvertOptions opts;
  opts.work_dir = "/var/lib/sandbox";
  opts.rootfs = "/image";
  opts.command = {"true"};
  auto start = std::chrono::steady_clock::now();
  auto conv = converters::convert(*parsed, opts);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(conv) << conv.error().what();
  EXPECT_EQ(conv->sandbox_dirs.size(), 100000u);
#ifndef MCRUN_SANITIZED
  EXPECT_LT(took, std::chrono::seconds(5));
#else
  (void)took;
#endif
}

TEST(ConvertLibrary, HookFlag) {
  auto h = converters::parse_hook_flag("poststart=/bin/notify,a,b");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->first, spec::HookPhase::Poststart);
  EXPECT_EQ(h->second.args, (std::vector<std::string>{"/bin/notify", "a", "b"}));
  EXPECT_FALSE(converters::parse_hook_flag("later=/bin/x"));
  EXPECT_FALSE(converters::parse_hook_flag("poststop=relative"));
}

}  // namespace

namespace {
TEST(ConvertLibrary, YamlMustBeUtf8) {
  auto bad = converters::parse_container_info("type: MESOS\nhostname: \"\xbc\xbc\"\n",
                                              converters::InputFormat::Yaml, "in.yaml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "in.yaml: invalid YAML: the text is not valid UTF-8");
  EXPECT_TRUE(converters::parse_container_info("type: MESOS\nhostname: \"h\xc3\xa9\"\n",
                                               converters::InputFormat::Yaml, "in.yaml"));
}
}  // namespace
