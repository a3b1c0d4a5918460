#include "runtime/cli/args.hpp"

#include <cerrno>
#include <cstdlib>

namespace mcrun::cli {

Result<Args> Args::parse(const std::vector<std::string>& argv, const std::vector<FlagSpec>& specs,
                         bool stop_at_positional) {
  Args out;
  auto find = [&](const std::string& n) -> const FlagSpec* {
    for (const auto& s : specs) {
      if (s.name == n) return &s;
      for (const auto& a : s.aliases)
        if (a == n) return &s;
    }
    return nullptr;
  };
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") {
      out.positionals_.insert(out.positionals_.end(), argv.begin() + static_cast<long>(i) + 1,
                              argv.end());
      break;
    }
    if (a.size() < 2 || a[0] != '-' || (!out.positionals_.empty() && stop_at_positional)) {
      out.positionals_.push_back(a);
      if (stop_at_positional && a.size() >= 1) {
        // After the first positional everything is positional (exec ID CMD -x).
        out.positionals_.insert(out.positionals_.end(), argv.begin() + static_cast<long>(i) + 1,
                                argv.end());
        break;
      }
      continue;
    }
    std::string body = a.substr(a[1] == '-' ? 2 : 1);
    std::optional<std::string> inline_value;
    if (auto eq = body.find('='); eq != std::string::npos) {
      inline_value = body.substr(eq + 1);
      body = body.substr(0, eq);
    }
    const FlagSpec* spec = find(body);
    if (!spec) return fail("unknown flag " + quote(a));
    if (spec->takes_value) {
      if (inline_value)
        out.values_[spec->name].push_back(*inline_value);
      else if (i + 1 < argv.size())
        out.values_[spec->name].push_back(argv[++i]);
      else
        return fail("flag " + quote(a) + " needs a value");
    } else {
      if (inline_value && *inline_value != "true" && *inline_value != "false")
        return fail("flag " + quote(a) + " takes no value");
      if (!inline_value || *inline_value == "true") out.values_[spec->name].push_back("true");
    }
  }
  return out;
}

std::string Args::value(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

const std::vector<std::string>& Args::all(const std::string& name) const {
  static const std::vector<std::string> none;
  auto it = values_.find(name);
  return it == values_.end() ? none : it->second;
}

std::string describe_flags(const std::vector<FlagSpec>& specs) {
  std::string out;
  for (const auto& s : specs) {
    std::string left = "  ";
    for (const auto& a : s.aliases) left += (a.size() == 1 ? "-" : "--") + a + ", ";
    left += "--" + s.name;
    std::string help = s.help;
    if (s.takes_value) {
      auto sp = help.find("  ");
      if (sp != std::string::npos) {
        left += " " + help.substr(0, sp);
        help = help.substr(sp + 2);
      }
    }
    if (left.size() < 34)
      left.resize(34, ' ');
    else
      left += "  ";
    out += left + help + "\n";
  }
  return out;
}

Result<> expect_positionals(const Args& args, size_t n, const std::string& usage) {
  if (args.positionals().size() != n)
    return fail("expected " + std::to_string(n) + " argument" + (n == 1 ? "" : "s") + ", got " +
                std::to_string(args.positionals().size()) + " (usage: mcrun " + usage + ")");
  return {};
}

Result<long> Args::number(const std::string& name, long fallback, long min, long max) const {
  if (!has(name)) return fallback;
  std::string text = value(name);
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end || errno == ERANGE || v < min || v > max)
    return fail("--" + name + ": must be a number from " + std::to_string(min) + " to " +
                std::to_string(max) + ", not " + quote(text));
  return v;
}

}  // namespace mcrun::cli
