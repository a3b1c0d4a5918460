// The manual, in the three forms a user meets it: `mcrun --help` /
// `mcrun VERB --help` / `mcrun help [VERB]` (text), the man pages mcrun(8)
// and mcrun-VERB(8) (roff, generated at build time with `mcrun help --man`),
// and bash completion (`mcrun help --bash-completion`). One source: the
// verb table (usage, summary, flags) and manual.cpp's prose.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/cli/args.hpp"

namespace mcrun::cli {

// The verb table and the global flags (main.cpp).
const std::vector<const Verb*>& all_verbs();
const std::vector<FlagSpec>& global_flags();
const Verb* find_verb(std::string_view name);

// manual.cpp: a verb's description ("" if none) and the program's overview.
std::string_view verb_description(std::string_view verb);
std::string_view overview();

std::string main_help_text();
std::string verb_help_text(const Verb& verb);
std::string man_page(const Verb* verb);  // nullptr: mcrun(8)
std::string bash_completion();

// `mcrun help [--man] [--bash-completion] [VERB]`.
const Verb& help_verb();

}  // namespace mcrun::cli
