// Search results as text (aligned columns), CSV or JSON, written as the rows arrive.
#pragma once

#include <array>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "report/interval_catalog.hpp"
#include "report/search.hpp"

namespace ipaudit::report {

enum class OutputFormat { kText, kCsv, kJson };

// text, csv or json. Throws FilterError.
[[nodiscard]] OutputFormat parse_output_format(std::string_view text);

// The 14 columns of DESIGN.md's search, in order (the CSV header and the JSON keys).
inline constexpr std::array<std::string_view, 14> kSearchColumns = {
    "interval_start", "local_ip", "remote_ip", "proto", "local_port", "remote_port", "bytes_in",
    "bytes_out", "packets_in", "packets_out", "first_time", "last_time", "first_talker", "last_talker"};

// What the search ran over, for the header and trailer.
struct SearchContext {
    Period period;
    std::optional<DataSpan> data;  // "data available from ... to ..."
    bool sensor_column = false;    // several sensors: a `sensor` column first (set_sensor())
};

// Writes one search's output to `out`. CSV and JSON stream each row as it comes; text buffers
// the rows (at most kMaxLimit) to align its columns. Times are local time (TZ honoured).
//   text: header line, rows, then one summary line and, when limited, the limit notice.
//   csv:  header row, then one row per session (RFC 4180 quoting; exact integers).
//   json: {"rows":[...],"limited":bool,"notes":[...],"period":{...},"data_available":{...}|null}
// Notes go into the JSON; for text and CSV the caller shows them (on stderr).
class SearchWriter {
public:
    SearchWriter(OutputFormat format, std::ostream& out, SearchContext context);
    // The sensor the next rows come from (with SearchContext::sensor_column).
    void set_sensor(std::string name) { sensor_ = std::move(name); }
    void row(const SearchRow& r);
    void finish(const SearchSummary& summary);

private:
    void begin();

    OutputFormat format_;
    std::ostream* out_;
    SearchContext context_;
    bool first_row_ = true;
    std::string sensor_;
    std::vector<std::string_view> columns_;  // kSearchColumns, after "sensor" when there is one
    // Text rows, cells joined by '\t' (no cell holds one): one allocation per row.
    std::vector<std::string> text_rows_;
    std::vector<std::size_t> text_width_;
};

// Short protocol names for people: tcp, udp, icmp, icmp6, else the number.
[[nodiscard]] std::string protocol_name(int proto);

}  // namespace ipaudit::report
