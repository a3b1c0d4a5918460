// Command-line flags the way runc (urfave/cli) accepts them: "--bundle DIR",
// "--bundle=DIR", "-bundle DIR", short aliases ("-b"); flags come before the
// positional arguments, and "--" ends them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "spec/error.hpp"

namespace mcrun::cli {

struct FlagSpec {
  std::string name;                  // "bundle"
  std::vector<std::string> aliases;  // {"b"}
  bool takes_value = false;
  std::string help;  // "DIR  path to the bundle (default: .)"
};

class Args {
 public:
  static Result<Args> parse(const std::vector<std::string>& argv,
                            const std::vector<FlagSpec>& specs, bool stop_at_positional = true);

  bool has(const std::string& name) const { return values_.contains(name); }
  std::string value(const std::string& name, const std::string& fallback = "") const;
  const std::vector<std::string>& all(const std::string& name) const;  // repeatable flags
  // A whole decimal number in [min, max] ("--preserve-fds: must be a number
  // from 0 to 1000, not \"-1\""), or `fallback` when the flag is absent.
  Result<long> number(const std::string& name, long fallback, long min, long max) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

// "  -b, --bundle DIR  path to the bundle" lines for --help.
std::string describe_flags(const std::vector<FlagSpec>& specs);

struct Globals {
  std::string root;  // state root
  std::string log;
  std::string log_format = "text";
  bool debug = false;
  bool systemd_cgroup = false;
  bool rootless = false;  // --rootless, or detected (runtime/rootless.hpp)
};

struct Verb {
  std::string name;
  std::string summary;
  std::string usage;  // "create [options] ID"
  std::vector<FlagSpec> flags;
  Result<int> (*run)(const Globals&, const Args&);
  // Puts processes into containers: runs from a sealed binary (sealed_exe.hpp).
  bool seals_self = false;
};

// One per file in runtime/cli/.
const Verb& spec_verb();
const Verb& check_verb();
const Verb& convert_verb();
const Verb& create_verb();
const Verb& start_verb();
const Verb& state_verb();
const Verb& kill_verb();
const Verb& delete_verb();
const Verb& run_verb();
const Verb& list_verb();
const Verb& features_verb();
const Verb& ps_verb();
const Verb& pause_verb();
const Verb& resume_verb();
const Verb& update_verb();
const Verb& events_verb();
const Verb& exec_verb();

// Needs exactly `n` positionals, else a usage error naming the verb.
Result<> expect_positionals(const Args& args, size_t n, const std::string& usage);

}  // namespace mcrun::cli
