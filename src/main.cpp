// env: a declarative environment manager. Everything happens in cli/.
#include "cli/main.h"

int main(int argc, char** argv) { return env::cli::main(argc, argv); }
