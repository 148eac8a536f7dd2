#pragma once
// Box versions and version constraints with Vagrant's semantics, which are RubyGems'
// (Gem::Version, Gem::Requirement): "1.0" == "1.0.0", a letter makes a prerelease
// ("1.0.a" < "1.0"), and "~> 1.2" means ">= 1.2, < 2.0" while "~> 1.2.3" means
// ">= 1.2.3, < 1.3".
#include <compare>
#include <string>
#include <variant>
#include <vector>

#include "util/error.h"

namespace env::box {

class Version {
public:
    static Result<Version> parse(const std::string& text);

    const std::string& str() const { return text_; }
    bool prerelease() const;
    // Gem::Version#bump: drop trailing letters, drop the last segment, increment the new last.
    Version bump() const;

    std::strong_ordering operator<=>(const Version& o) const;
    bool operator==(const Version& o) const { return (*this <=> o) == 0; }

private:
    using Segment = std::variant<long long, std::string>;
    std::string text_;
    std::vector<Segment> segs_;
};

class VersionConstraint {
public:
    // "", ">= 1.2, < 2", "~> 1.0", "= 1.0", "1.0" (means "= 1.0"). Commas separate clauses;
    // every clause must hold. An empty constraint matches every version.
    static Result<VersionConstraint> parse(const std::string& text);

    bool matches(const Version& v) const;
    bool empty() const { return clauses_.empty(); }
    const std::string& str() const { return text_; }

private:
    enum class Op { Eq, Ne, Gt, Ge, Lt, Le, Pessimistic };
    struct Clause {
        Op op;
        Version v;
    };
    std::string text_;
    std::vector<Clause> clauses_;
};

}  // namespace env::box
