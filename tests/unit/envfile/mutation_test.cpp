// Damaged Envfiles never crash the loader or escape as exceptions: every mutation of the
// haproxy lab either loads or gives Invalid problems, each "PATH:LINE:COL: message" with a
// position inside the file.
#include <catch2/catch.hpp>

#include <random>
#include <sstream>

#include "envfile/load.h"
#include "util/sys.h"

using namespace env;

namespace {

// The characters that matter to YAML and to placeholders.
const std::string interesting = ":{}[]-$%&*!|>'\"#,0123456789 \n\tab.@/";

std::string mutate(std::string text, std::mt19937& rng) {
    int edits = 1 + int(rng() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
        size_t pos = rng() % text.size();
        switch (rng() % 4) {
            case 0:
                text.erase(pos, 1 + rng() % 4);
                break;
            case 1:
                text.insert(pos, 1, interesting[rng() % interesting.size()]);
                break;
            case 2:
                text[pos] = interesting[rng() % interesting.size()];
                break;
            case 3: {  // duplicate a line
                size_t start = text.rfind('\n', pos);
                start = start == std::string::npos ? 0 : start + 1;
                size_t end = text.find('\n', pos);
                if (end == std::string::npos) end = text.size();
                text.insert(start, text.substr(start, end - start) + "\n");
                break;
            }
        }
    }
    return text;
}

}  // namespace

TEST_CASE("mutated Envfiles load or report positioned problems, never crash", "[envfile]") {
    const std::string path = std::string(ENV_SOURCE_DIR) + "/examples/haproxy-lab/Envfile";
    auto original = sys::read_file(path);
    REQUIRE(original);
    std::mt19937 rng(20261123);  // fixed: a failure must be reproducible
    int loaded = 0, rejected = 0;
    for (int i = 0; i < 1000; ++i) {
        std::string text = mutate(*original, rng);
        auto r = envfile::load_string(text, path);
        if (r) {
            ++loaded;
            continue;
        }
        ++rejected;
        int lines = 1;
        for (char c : text) lines += c == '\n';
        INFO("mutation " << i << ":\n" << text << "\nerror:\n" << r.error().message());
        REQUIRE(r.error().kind() == ErrorKind::Invalid);
        std::istringstream in(r.error().message());
        std::string line;
        while (std::getline(in, line)) {
            REQUIRE(line.starts_with(path + ":"));
            int l = 0, c = 0;
            REQUIRE(std::sscanf(line.c_str() + path.size(), ":%d:%d:", &l, &c) == 2);
            CHECK(l >= 1);
            CHECK(l <= lines);
            CHECK(c >= 1);
        }
    }
    // Both outcomes happen: the mutations are neither all harmless nor all fatal.
    CHECK(loaded > 0);
    CHECK(rejected > 0);
}
