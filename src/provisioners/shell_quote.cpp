#include "provisioners/shell_quote.h"

namespace env::provisioners {

std::string shell_quote(std::string_view s) {
    auto safe = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-' || c == '.' || c == '/' || c == ',' || c == ':' ||
               c == '+' || c == '@' || c == '%';
    };
    bool bare = !s.empty();
    for (char c : s) bare = bare && safe(c);
    // A leading '-' is harmless to sh itself; only words that look like options to the
    // command matter, and quoting does not change that, so it is left bare too.
    if (bare) return std::string(s);
    std::string q = "'";
    for (char c : s) {
        if (c == '\'')
            q += "'\\''";
        else
            q += c;
    }
    return q + "'";
}

std::string shell_join(const std::vector<std::string>& words) {
    std::string s;
    for (auto& w : words) s += (s.empty() ? "" : " ") + shell_quote(w);
    return s;
}

}  // namespace env::provisioners
