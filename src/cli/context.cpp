#include "cli/context.h"

namespace env::cli {

Result<core::Project*> Context::project() {
    if (!project_) {
        auto p = core::Project::open(global.file);
        if (!p) return std::unexpected(p.error());
        project_ = std::make_unique<core::Project>(std::move(*p));
    }
    return project_.get();
}

}  // namespace env::cli
