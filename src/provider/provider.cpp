#include "provider/provider.h"

namespace env::provider {

const char* to_string(MachineState s) {
    switch (s) {
        case MachineState::NotCreated: return "not created";
        case MachineState::Running: return "running";
        case MachineState::Stopped: return "stopped";
        case MachineState::Crashed: return "crashed";
        case MachineState::Paused: return "paused";
    }
    return "unknown";
}

}  // namespace env::provider
