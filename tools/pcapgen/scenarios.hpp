// The pcapgen scenario table: name, link type, and the function that writes the capture.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "tools/pcapgen/generator.hpp"

namespace ipaudit::pcapgen {

struct Scenario {
    std::string_view name;
    std::string_view summary;
    std::uint16_t linktype = pb::dlt::ethernet;
    std::uint32_t snaplen = 65535;
    std::optional<pb::CaptureFormat> forced_format{};
    void (*run)(const Options&, pb::CaptureWriter&) = nullptr;
};

std::span<const Scenario> scenarios();

// Implemented in scenario_sample.cpp, scenario_bench.cpp and scenarios_golden.cpp.
void run_sample(const Options& opt, pb::CaptureWriter& out);
void run_bench(const Options& opt, pb::CaptureWriter& out);
void run_eth_basic(const Options& opt, pb::CaptureWriter& out);
void run_vlan_qinq(const Options& opt, pb::CaptureWriter& out);
void run_sll(const Options& opt, pb::CaptureWriter& out);
void run_sll2(const Options& opt, pb::CaptureWriter& out);
void run_null(const Options& opt, pb::CaptureWriter& out);
void run_loop(const Options& opt, pb::CaptureWriter& out);
void run_raw(const Options& opt, pb::CaptureWriter& out);
void run_pppoe(const Options& opt, pb::CaptureWriter& out);
void run_ipv4_options(const Options& opt, pb::CaptureWriter& out);
void run_fragments(const Options& opt, pb::CaptureWriter& out);
void run_ipv6_ext(const Options& opt, pb::CaptureWriter& out);
void run_icmp(const Options& opt, pb::CaptureWriter& out);
void run_talkers(const Options& opt, pb::CaptureWriter& out);
void run_rotation(const Options& opt, pb::CaptureWriter& out);
void run_malformed(const Options& opt, pb::CaptureWriter& out);
void run_pcapng_unknown_block(const Options& opt, pb::CaptureWriter& out);

}  // namespace ipaudit::pcapgen
