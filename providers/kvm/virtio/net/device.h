#pragma once
// virtio-net (virtio 1.2 §5.1): queue 0 receives, queue 1 transmits, one MAC per NIC,
// frames to and from a NetBackend. No offloads are offered (no CSUM, GSO or MRG_RXBUF):
// the guest then posts receive buffers of a whole frame each and checksums itself, which
// is what libslirp and a tap expect anyway. Each frame carries the 12-byte
// virtio_net_hdr (§5.1.6); receive writes a zero header with num_buffers = 1.
#include <memory>
#include <vector>

#include "providers/kvm/virtio/device_base.h"
#include "providers/kvm/virtio/net/backend.h"
#include "providers/kvm/virtio/net/mac_address.h"

namespace env::kvm::virtio {

inline constexpr uint64_t kNetFMtu = 1ull << 3;
inline constexpr uint64_t kNetFMac = 1ull << 5;
inline constexpr uint64_t kNetFStatus = 1ull << 16;
inline constexpr unsigned kNetHdrSize = 12;
// The largest frame either way: a 1500-byte MTU plus Ethernet and VLAN headers, with room
// for a 9000-byte jumbo MTU on a bridged tap.
inline constexpr unsigned kNetMaxFrame = 9018;

class NetDevice : public DeviceBase {
public:
    static constexpr uint16_t kQueueSize = 256;
    NetDevice(std::unique_ptr<NetBackend> backend, MacAddress mac, uint16_t mtu = 1500)
        : DeviceBase("net", {kQueueSize, kQueueSize}),
          backend_(std::move(backend)),
          mac_(mac),
          mtu_(mtu) {}
    ~NetDevice() override;

    DeviceId id() const override { return DeviceId::Net; }
    uint64_t features() const override;
    unsigned config_size() const override { return 12; }
    void read_config(unsigned offset, std::span<uint8_t> data) const override;
    Result<> activate(Activation a) override;
    void queue_notify(uint16_t queue) override;
    void reset() override;

    struct Counters {
        uint64_t rx_frames = 0, tx_frames = 0, rx_dropped = 0, tx_dropped = 0;
    };
    const Counters& counters() const { return counters_; }

private:
    bool deliver(std::span<const uint8_t> frame);
    void transmit();

    std::unique_ptr<NetBackend> backend_;
    MacAddress mac_;
    uint16_t mtu_;
    bool started_ = false;
    Counters counters_;
    DescriptorChain rx_chain_, tx_chain_;
    std::vector<uint8_t> tx_frame_;
};

}  // namespace env::kvm::virtio
