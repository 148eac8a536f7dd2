#pragma once

namespace env::cli {

// The whole CLI: coreutils passthrough, parsing, dispatch, error reporting, exit status.
int main(int argc, char** argv);

}  // namespace env::cli
