// Rendering the manual (help.hpp): wrapped text for the terminal, roff for
// man(1), a bash completion function.
#include "runtime/cli/help.hpp"

#include <cstdio>

#include "runtime/sys/proc.hpp"

namespace mcrun::cli {
namespace {

constexpr size_t kWidth = 79;

std::vector<std::string> paragraphs(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find("\n\n", start);
    if (end == std::string_view::npos) end = text.size();
    out.emplace_back(text.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

bool verbatim(const std::string& paragraph) { return paragraph.starts_with("  "); }

std::string wrap(const std::string& paragraph) {
  if (verbatim(paragraph)) return paragraph + "\n";
  std::string out, line;
  for (auto word : sys::split(paragraph, ' ')) {
    if (word.empty()) continue;
    if (!line.empty() && line.size() + 1 + word.size() > kWidth) out += line + "\n", line.clear();
    line += (line.empty() ? "" : " ") + std::string(word);
  }
  return out + line + "\n";
}

std::string wrapped(std::string_view text) {
  std::string out;
  for (const auto& p : paragraphs(text)) out += (out.empty() ? "" : "\n") + wrap(p);
  return out;
}

std::vector<FlagSpec> with_help(std::vector<FlagSpec> flags) {
  flags.push_back({"help", {"h"}, false, "show help"});
  return flags;
}

// roff: a backslash is \e, a minus is \-, and a line may not start with a
// control character ('.' or '\'').
std::string roff(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  std::string safe;
  bool line_start = true;
  for (char c : out) {
    if (line_start && (c == '.' || c == '\'')) safe += "\\&";
    safe += c;
    line_start = c == '\n';
  }
  return safe;
}

std::string roff_paragraphs(std::string_view text) {
  std::string out;
  for (const auto& p : paragraphs(text)) {
    if (verbatim(p))
      out += ".PP\n.nf\n" + roff(p) + "\n.fi\n";
    else
      out += ".PP\n" + roff(p) + "\n";
  }
  return out;
}

// "--bundle DIR" and "the bundle (default: .)" from a FlagSpec.
std::pair<std::string, std::string> flag_parts(const FlagSpec& f) {
  std::string names;
  for (const auto& a : f.aliases) names += (a.size() == 1 ? "-" : "--") + a + ", ";
  names += "--" + f.name;
  std::string help = f.help;
  if (auto sp = help.find("  "); f.takes_value && sp != std::string::npos) {
    names += " " + help.substr(0, sp);
    help = help.substr(sp + 2);
  }
  return {names, help};
}

std::string roff_flags(const std::vector<FlagSpec>& flags) {
  std::string out;
  for (const auto& f : flags) {
    auto [names, help] = flag_parts(f);
    out += ".TP\n.B " + roff(names) + "\n" + roff(help) + "\n";
  }
  return out;
}

std::string man_header(const std::string& name, const std::string& summary) {
  std::string upper;
  for (char c : name) upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return ".TH " + upper +
         " 8 \"\" \"mcrun " MCRUN_VERSION "\" \"System Administration\"\n.SH NAME\n" + roff(name) +
         " \\- " + roff(summary) + "\n";
}

std::string words_of(const std::vector<FlagSpec>& flags) {
  std::string out;
  for (const auto& f : flags) {
    out += " --" + f.name;
    for (const auto& a : f.aliases) out += (a.size() == 1 ? " -" : " --") + a;
  }
  return out;
}

Result<int> run(const Globals&, const Args& args) {
  if (args.positionals().size() > 1)
    return fail("expected at most one command (usage: mcrun " + help_verb().usage + ")");
  const Verb* verb = nullptr;
  if (!args.positionals().empty() && !(verb = find_verb(args.positionals()[0])))
    return fail("unknown command " + quote(args.positionals()[0]) + " (see 'mcrun --help')");
  std::string out = args.has("bash-completion") ? bash_completion()
                    : args.has("man")           ? man_page(verb)
                    : verb                      ? verb_help_text(*verb)
                                                : main_help_text();
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace

const Verb* find_verb(std::string_view name) {
  for (const Verb* v : all_verbs())
    if (v->name == name) return v;
  return nullptr;
}

std::string main_help_text() {
  std::string out =
      "mcrun: an OCI container runtime with Mesos ContainerInfo conversion\n\n"
      "usage: mcrun [global options] COMMAND [options] [arguments]\n\ncommands:\n";
  for (const Verb* v : all_verbs()) {
    char line[256];
    std::snprintf(line, sizeof line, "  %-10s %s\n", v->name.c_str(), v->summary.c_str());
    out += line;
  }
  return out + "\nglobal options:\n" + describe_flags(global_flags()) +
         "\n'mcrun help COMMAND' or 'mcrun COMMAND --help' describes a command; man "
         "mcrun-COMMAND.\n";
}

std::string verb_help_text(const Verb& verb) {
  std::string out = "usage: mcrun " + verb.usage + "\n\n" + verb.summary + "\n";
  if (auto d = verb_description(verb.name); !d.empty()) out += "\n" + wrapped(d);
  return out + "\noptions:\n" + describe_flags(with_help(verb.flags));
}

std::string man_page(const Verb* verb) {
  if (verb) {
    std::string out = man_header("mcrun-" + verb->name, verb->summary);
    out += ".SH SYNOPSIS\n.B mcrun\n" + roff(verb->usage) + "\n.SH DESCRIPTION\n.PP\n" +
           roff(verb->summary) + ".\n";
    out += roff_paragraphs(verb_description(verb->name));
    out += ".SH OPTIONS\n" + roff_flags(with_help(verb->flags));
    return out + ".SH SEE ALSO\n.BR mcrun (8)\n";
  }
  std::string out =
      man_header("mcrun", "an OCI container runtime with Mesos ContainerInfo conversion");
  out +=
      ".SH SYNOPSIS\n.B mcrun\n[global options] COMMAND [options] [arguments]\n.SH DESCRIPTION\n";
  out += roff_paragraphs(overview());
  out += ".SH COMMANDS\n";
  for (const Verb* v : all_verbs())
    out += ".TP\n.B " + roff(v->name) + "\n" + roff(v->summary) + "; see\n.BR mcrun\\-" +
           roff(v->name) + " (8).\n";
  out += ".SH GLOBAL OPTIONS\n" + roff_flags(global_flags());
  out +=
      ".SH FILES\n.TP\n.I /run/mcrun/ID\nthe state of container ID (the default --root; mode "
      "0700)\n";
  out +=
      ".SH EXIT STATUS\n0 on success, 1 on an error (printed as \"mcrun: CONTEXT: REASON\"); "
      "\\fBrun\\fR exits with the container's status.\n";
  out += ".SH SEE ALSO\n.BR runc (8),\n.BR podman (1),\n.BR containerd (8)\n";
  return out;
}

std::string bash_completion() {
  std::string verbs, cases;
  for (const Verb* v : all_verbs()) {
    verbs += " " + v->name;
    cases += "    " + v->name + ") words=\"" + words_of(with_help(v->flags)) + "\" ;;\n";
  }
  std::string value_flags;
  for (const auto& f : global_flags())
    if (f.takes_value) value_flags += (value_flags.empty() ? "" : "|") + std::string("--") + f.name;
  return "# bash completion for mcrun (generated by 'mcrun help --bash-completion')\n"
         "_mcrun() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} verb= words i\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    case ${COMP_WORDS[i]} in\n"
         "      " +
         value_flags +
         ") ((i++)) ;;\n"
         "      -*) ;;\n"
         "      *) verb=${COMP_WORDS[i]}; break ;;\n"
         "    esac\n"
         "  done\n"
         "  case $verb in\n"
         "    '') words=\"" +
         verbs + words_of(global_flags()) + "\" ;;\n" + cases +
         "  esac\n"
         "  # Container ids for the verbs that take one.\n"
         "  case $verb in\n"
         "    start|state|kill|delete|ps|pause|resume|update|events|exec)\n"
         "      [[ $cur != -* ]] && words=\"$words $(mcrun list -q 2>/dev/null)\" ;;\n"
         "  esac\n"
         "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
         "}\n"
         "complete -o default -F _mcrun mcrun\n";
}

const Verb& help_verb() {
  static const Verb v{"help",
                      "describe mcrun or one of its commands (text, man page or bash completion)",
                      "help [--man] [--bash-completion] [COMMAND]",
                      {{"man", {}, false, "print the man page (roff) instead"},
                       {"bash-completion", {}, false, "print the bash completion script"}},
                      run};
  return v;
}

}  // namespace mcrun::cli
