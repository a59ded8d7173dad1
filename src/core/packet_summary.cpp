// Stable names of decode outcomes and notes.
#include "core/packet_summary.hpp"

namespace ipaudit {

std::string_view outcome_name(DecodeOutcome outcome) noexcept {
    switch (outcome) {
        case DecodeOutcome::kIp: return "ip";
        case DecodeOutcome::kNonIp: return "non_ip";
        case DecodeOutcome::kUnsupportedLinkType: return "unsupported_link_type";
        case DecodeOutcome::kTruncatedLink: return "truncated_link";
        case DecodeOutcome::kTruncatedIp: return "truncated_ip";
        case DecodeOutcome::kBadIpVersion: return "bad_ip_version";
        case DecodeOutcome::kBadIpHeaderLength: return "bad_ip_header_length";
        case DecodeOutcome::kBadIpTotalLength: return "bad_ip_total_length";
        case DecodeOutcome::kBadTimestamp: return "bad_timestamp";
        case DecodeOutcome::kCount: break;
    }
    return "unknown";
}

std::string_view note_name(DecodeNote note) noexcept {
    switch (note) {
        case DecodeNote::kFragment: return "fragment";
        case DecodeNote::kFragmentUnmatched: return "fragment_unmatched";
        case DecodeNote::kTransportTruncated: return "transport_truncated";
        case DecodeNote::kSnaplenTruncated: return "snaplen_truncated";
        case DecodeNote::kIpOptions: return "ip_options";
        case DecodeNote::kLengthFromFrame: return "length_from_frame";
        case DecodeNote::kCount: break;
    }
    return "unknown";
}

}  // namespace ipaudit
