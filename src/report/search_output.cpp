// Text, CSV and JSON writers for search rows.
#include "report/search_output.hpp"

#include <algorithm>

#include "report/escape.hpp"
#include "report/search_filter.hpp"

namespace ipaudit::report {

namespace {


std::string talker_text(char t) { return std::string(1, t); }

// The fields as text, after the sensor's name when there is a sensor column; `for_people` picks
// protocol names and minute-precision intervals.
std::vector<std::string> fields(const SearchRow& r, bool for_people, const std::string* sensor) {
    std::vector<std::string> f;
    f.reserve(15);
    if (sensor) f.push_back(*sensor);
    const std::int64_t interval_us = r.interval_start_us;
    for (std::string& field : std::array<std::string, 14>{for_people ? format_local_minute(interval_us) : format_local_time(interval_us),
            r.local_ip.to_string(),
            r.remote_ip.to_string(),
            for_people ? protocol_name(r.proto) : std::to_string(r.proto),
            std::to_string(r.local_port),
            std::to_string(r.remote_port),
            std::to_string(r.bytes_in),
            std::to_string(r.bytes_out),
            std::to_string(r.packets_in),
            std::to_string(r.packets_out),
            format_local_time(r.first_us),
            format_local_time(r.last_us),
            talker_text(r.first_talker),
            talker_text(r.last_talker)})
        f.push_back(std::move(field));
    return f;
}

// Columns right-aligned in text: the numbers.
constexpr std::array<bool, 14> kRightAligned = {false, false, false, false, true, true, true,
                                                true,  true,  true,  false, false, false, false};

std::string span_text(const std::optional<DataSpan>& data) {
    if (!data) return "no interval files in the data directory";
    return "data available from " + format_local_minute(data->first_start_us) + " to " +
           format_local_minute(data->last_start_us) + " (interval starts)";
}

}  // namespace

std::string protocol_name(int proto) {
    switch (proto) {
        case 1: return "icmp";
        case 6: return "tcp";
        case 17: return "udp";
        case 58: return "icmp6";
        default: return std::to_string(proto);
    }
}

OutputFormat parse_output_format(std::string_view text) {
    if (text == "text") return OutputFormat::kText;
    if (text == "csv") return OutputFormat::kCsv;
    if (text == "json") return OutputFormat::kJson;
    throw FilterError("bad format " + quote_input(text) + ": expected text, csv or json");
}

SearchWriter::SearchWriter(OutputFormat format, std::ostream& out, SearchContext context)
    : format_(format), out_(&out), context_(context) {
    if (context_.sensor_column) columns_.push_back("sensor");
    columns_.insert(columns_.end(), kSearchColumns.begin(), kSearchColumns.end());
    text_width_.assign(columns_.size(), 0);
    begin();
}

void SearchWriter::begin() {
    if (format_ == OutputFormat::kCsv) {
        for (std::size_t i = 0; i < columns_.size(); ++i) *out_ << (i ? "," : "") << columns_[i];
        *out_ << '\n';
    } else if (format_ == OutputFormat::kJson) {
        *out_ << "{\"rows\":[";
    }
}

void SearchWriter::row(const SearchRow& r) {
    const std::string* sensor = context_.sensor_column ? &sensor_ : nullptr;
    const std::size_t first = sensor ? 1 : 0;  // index of interval_start
    switch (format_) {
        case OutputFormat::kText: {
            const auto f = fields(r, true, sensor);
            std::string joined;
            for (std::size_t i = 0; i < f.size(); ++i) {
                text_width_[i] = std::max(text_width_[i], f[i].size());
                joined += (i ? "\t" : "") + f[i];
            }
            text_rows_.push_back(std::move(joined));
            break;
        }
        case OutputFormat::kCsv: {
            const auto f = fields(r, false, sensor);
            for (std::size_t i = 0; i < f.size(); ++i) *out_ << (i ? "," : "") << csv_field(f[i]);
            *out_ << '\n';
            break;
        }
        case OutputFormat::kJson: {
            const auto f = fields(r, false, sensor);
            *out_ << (first_row_ ? "\n" : ",\n") << '{';
            for (std::size_t i = 0; i < f.size(); ++i) {
                const bool number = i >= first + 3 && i <= first + 9;  // proto .. packets_out
                *out_ << (i ? "," : "") << '"' << columns_[i] << "\":" << (number ? f[i] : json_string(f[i]));
            }
            // Exact times for programs; the text times above are local and to the second.
            *out_ << ",\"interval_start_us\":" << r.interval_start_us << ",\"first_us\":" << r.first_us
                  << ",\"last_us\":" << r.last_us << '}';
            break;
        }
    }
    first_row_ = false;
}

void SearchWriter::finish(const SearchSummary& summary) {
    const std::string period_text =
        format_local_time(context_.period.from_us) + " to " + format_local_time(context_.period.to_us);
    if (format_ == OutputFormat::kJson) {
        *out_ << (first_row_ ? "" : "\n") << "],\"limited\":" << (summary.limited ? "true" : "false") << ",\"notes\":[";
        for (std::size_t i = 0; i < summary.notes.size(); ++i) *out_ << (i ? "," : "") << json_string(summary.notes[i]);
        *out_ << "],\"limit\":" << summary.limit << ",\"period\":{\"from\":" << json_string(format_local_time(context_.period.from_us))
              << ",\"to\":" << json_string(format_local_time(context_.period.to_us))
              << ",\"from_us\":" << context_.period.from_us << ",\"to_us\":" << context_.period.to_us << "},\"data_available\":";
        if (context_.data) {
            *out_ << "{\"first_interval\":" << json_string(format_local_time(context_.data->first_start_us))
                  << ",\"last_interval\":" << json_string(format_local_time(context_.data->last_start_us)) << '}';
        } else {
            *out_ << "null";
        }
        *out_ << "}\n";
        return;
    }
    if (format_ != OutputFormat::kText) return;

    std::vector<std::size_t> width = text_width_;
    for (std::size_t i = 0; i < width.size(); ++i) width[i] = std::max(width[i], columns_[i].size());
    const std::size_t first = context_.sensor_column ? 1 : 0;
    const auto line = [&](const std::vector<std::string_view>& cells) {
        std::string s;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            const std::string pad(width[i] - cells[i].size(), ' ');
            if (i) s += "  ";
            const bool right = i >= first && kRightAligned[i - first];
            s += right ? pad + std::string(cells[i]) : std::string(cells[i]) + (i + 1 < cells.size() ? pad : "");
        }
        *out_ << s << '\n';
    };
    line(columns_);
    std::vector<std::string_view> cells(columns_.size());
    for (const std::string& joined : text_rows_) {
        std::string_view rest = joined;
        for (auto& cell : cells) {
            const std::size_t tab = rest.find('\t');
            cell = rest.substr(0, tab);
            rest = tab == std::string_view::npos ? std::string_view() : rest.substr(tab + 1);
        }
        line(cells);
    }
    *out_ << (summary.rows == 0 ? std::string("no sessions match") : std::to_string(summary.rows) + (summary.rows == 1 ? " session" : " sessions"))
          << ", " << period_text << "; " << span_text(context_.data) << '\n';
    if (summary.limited)
        *out_ << "line limit reached: only the first " << summary.limit
              << " rows are shown; more sessions match (raise the limit or narrow the search)\n";
}

}  // namespace ipaudit::report
