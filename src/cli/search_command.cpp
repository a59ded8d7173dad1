// `ipaudit search`: options validated one by one into a SearchFilter, then run and written out.
#include "cli/search_command.hpp"
#include "cli/option_values.hpp"
#include "cli/sensor_options.hpp"

#include <boost/program_options.hpp>
#include <filesystem>
#include <optional>

#include "report/search.hpp"
#include "report/search_output.hpp"

namespace ipaudit::cli {

namespace po = boost::program_options;
namespace rp = ipaudit::report;

const char* const kSearchHelp = R"(    search  Sessions matching every given filter, from the interval files of a period, as
            aligned text (default), CSV or JSON. Rows are in interval order, then by first
            packet time; each row is seen from the local side (where neither side is local,
            side A): interval_start local_ip remote_ip proto local_port remote_port bytes_in
            bytes_out packets_in packets_out first_time last_time first_talker last_talker.
            bytes_in is what the local side received; talkers are L(ocal) or R(emote), and the
            last talker is - for a one-way session (no answer). Times are local (TZ).

            -d, --data-dir [NAME=]DIR
                                    data directory (default /var/lib/ipaudit); repeat it
                                    for several sensors: their rows in turn, with a
                                    'sensor' column first, under one line limit
            --sensor NAME,..        only these of the sensors
            --from T, --to T        the period [from, to); default the last 24 hours. T is
                                    YYYY-MM-DD (a whole day: --from D --to D is day D),
                                    'YYYY-MM-DD HH:MM[:SS]', -Nd, -Nh, -Nm (before now),
                                    today, yesterday or now. Sessions count by their own
                                    first and last packet times, not by file.
            --ip IP[/LEN]           either side is this address or in this block
            --ip2 IP[/LEN]          ... and the other side is this one
            --local-port P,..       local port in the list (ranges: 8000-8099)
            --remote-port P,..      remote port in the list
            --proto P               any, tcp, udp, icmp (v4 and v6), icmp6 or 0..255
            --min-bytes N           session bytes (both ways) at least N; --max-bytes at most
                                    N; suffixes k, m, g, t are powers of 1024 (64k = 65536)
            --first-talker W        local or remote sent first (a SYN decides for TCP)
            --last-talker W         local or remote sent last (never a one-way session)
            --limit N               rows shown at most (default 100, capped at 100000)
            --every N               show every N-th match (the 1st, N+1st, ...)
            --format F              text, csv (RFC 4180, exact integers) or json
            Notes (skipped foreign or corrupt files, the line limit) go to stderr, or into
            "notes" and "limited" of the JSON.
)";

namespace {

struct Parsed {
    DataSources sources;
    rp::SearchFilter filter;
    rp::OutputFormat format = rp::OutputFormat::kText;
};

Parsed parse_options(const po::variables_map& vm, std::int64_t now_us) {
    Parsed p;
    p.sources = data_sources(vm, {}, "/var/lib/ipaudit");
    try {
        p.filter.period = rp::parse_period(get(vm, "from"), get(vm, "to"), now_us);
    } catch (const rp::TimeSpecError& e) {
        throw UsageError(e.what());
    }
    rp::SearchFilter& f = p.filter;
    with_option(vm, "ip", [&](const std::string& v) { f.ip = rp::parse_ip_range(v); });
    with_option(vm, "ip2", [&](const std::string& v) { f.ip2 = rp::parse_ip_range(v); });
    with_option(vm, "local-port", [&](const std::string& v) { f.local_ports = rp::parse_port_list(v); });
    with_option(vm, "remote-port", [&](const std::string& v) { f.remote_ports = rp::parse_port_list(v); });
    with_option(vm, "proto", [&](const std::string& v) { f.protocols = rp::parse_protocol(v); });
    with_option(vm, "min-bytes", [&](const std::string& v) { f.min_bytes = rp::parse_size(v); });
    with_option(vm, "max-bytes", [&](const std::string& v) { f.max_bytes = rp::parse_size(v); });
    with_option(vm, "first-talker", [&](const std::string& v) { f.first_talker = rp::parse_talker(v); });
    with_option(vm, "last-talker", [&](const std::string& v) { f.last_talker = rp::parse_talker(v); });
    with_option(vm, "limit", [&](const std::string& v) { f.limit = rp::parse_count(v, 1, 1'000'000'000'000); });
    with_option(vm, "every", [&](const std::string& v) { f.every = rp::parse_count(v, 1, rp::kMaxEvery); });
    with_option(vm, "format", [&](const std::string& v) { p.format = rp::parse_output_format(v); });
    if (f.min_bytes && f.max_bytes && *f.min_bytes > *f.max_bytes)
        throw UsageError("--min-bytes " + std::to_string(*f.min_bytes) + " is more than --max-bytes " +
                         std::to_string(*f.max_bytes));
    return p;
}

po::options_description search_options() {
    po::options_description desc("search options");
    auto text = [] { return po::value<std::string>(); };
    desc.add_options()
        ("help,h", "this help")
        ("data-dir,d", po::value<std::vector<std::string>>())
        ("sensor", text())
        ("from", text())
        ("to", text())
        ("ip", text())
        ("ip2", text())
        ("local-port", text())
        ("remote-port", text())
        ("proto", text())
        ("min-bytes", text())
        ("max-bytes", text())
        ("first-talker", text())
        ("last-talker", text())
        ("limit", text())
        ("every", text())
        ("format", text());
    return desc;
}

}  // namespace

int search_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, std::int64_t now_us) {
    Parsed p;
    try {
        po::variables_map vm;
        const po::positional_options_description none;  // every argument is an option
        po::store(po::command_line_parser(args).options(search_options()).positional(none).run(), vm);
        if (vm.count("help")) {
            out << "usage: ipaudit search [options]\n\n" << kSearchHelp;
            return kExitOk;
        }
        p = parse_options(vm, now_us);
    } catch (const po::error& e) {
        err << "ipaudit search: " << usage_message(e, args) << " (see ipaudit search --help)\n";
        return kExitUsage;
    } catch (const UsageError& e) {
        err << "ipaudit search: " << e.what() << '\n';
        return kExitUsage;
    }

    std::vector<rp::IntervalCatalog> catalogs;
    rp::SearchContext context{p.filter.period, std::nullopt, p.sources.labelled};
    if (const std::string missing = missing_data_dir(p.sources); !missing.empty()) {
        err << "ipaudit search: " << missing << '\n';
        return kExitFailure;
    }
    for (const rp::Sensor& sensor : p.sources.sensors) {
        catalogs.emplace_back(sensor.data_dir);
        if (const auto span = catalogs.back().data_span()) {  // the union of the sensors' spans
            if (!context.data) context.data = span;
            context.data->first_start_us = std::min(context.data->first_start_us, span->first_start_us);
            context.data->last_start_us = std::max(context.data->last_start_us, span->last_start_us);
        }
    }
    rp::SearchWriter writer(p.format, out, context);
    rp::SearchSummary summary;
    try {
        // The sensors in turn under one line limit: each gets what the earlier ones left.
        for (std::size_t i = 0; i < catalogs.size() && !summary.limited; ++i) {
            const rp::Sensor& sensor = p.sources.sensors[i];
            const std::string label = sensor.name.empty() ? "" : "sensor " + sensor.name + ": ";
            rp::SearchFilter filter = p.filter;
            rp::SearchSummary part;
            if (i > 0 && summary.rows >= summary.limit) {
                // The limit is used up: one more matching row here only means "limited".
                filter.limit = 1;
                part = rp::run_search(catalogs[i], filter, [](const rp::SearchRow&) {});
                summary.limited = part.rows > 0;
                break;
            }
            filter.limit = i == 0 ? p.filter.limit : summary.limit - summary.rows;
            writer.set_sensor(sensor.name);
            part = rp::run_search(catalogs[i], filter, [&writer](const rp::SearchRow& row) { writer.row(row); });
            if (i == 0) summary.limit = part.limit;
            summary.rows += part.rows;
            summary.limited = part.limited;
            for (auto& note : part.notes) summary.notes.push_back(label + note);
            if (!catalogs[i].data_span())
                summary.notes.push_back(label + "no interval files under " + (sensor.data_dir / "intervals").string());
        }
    } catch (const rp::FilterError& e) {
        err << "ipaudit search: " << e.what() << '\n';
        return kExitUsage;
    }
    writer.finish(summary);
    out.flush();
    if (p.format != rp::OutputFormat::kJson) {
        for (const auto& note : summary.notes) err << "ipaudit search: note: " << note << '\n';
        if (summary.limited && p.format == rp::OutputFormat::kCsv)
            err << "ipaudit search: note: line limit reached: only the first " << summary.limit
                << " rows are shown; more sessions match\n";
    }
    return kExitOk;
}

}  // namespace ipaudit::cli
