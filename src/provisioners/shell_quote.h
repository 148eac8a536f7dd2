#pragma once
// Quoting for POSIX sh command lines built here and run on the guest.
#include <string>
#include <string_view>
#include <vector>

namespace env::provisioners {

// One sh word that the shell reads back as exactly `s`: left bare when it holds only safe
// characters, otherwise single-quoted with each ' written as '\''.
std::string shell_quote(std::string_view s);
// The words quoted and joined by spaces.
std::string shell_join(const std::vector<std::string>& words);

}  // namespace env::provisioners
