// `ipaudit report`: options validated into report options, the report run and written out.
#include "cli/report_command.hpp"
#include "cli/option_values.hpp"
#include "cli/sensor_options.hpp"

#include <boost/program_options.hpp>
#include <filesystem>
#include <optional>

#include "core/ip_address.hpp"
#include "report/host_report.hpp"
#include "report/port_labels.hpp"
#include "report/report_output.hpp"
#include "report/report_queries.hpp"
#include "report/report_settings.hpp"
#include "report/search_filter.hpp"
#include "report/summary_html.hpp"
#include "report/summary_report.hpp"

namespace ipaudit::cli {

namespace po = boost::program_options;
namespace rp = ipaudit::report;

const char* const kReportHelp = R"(    report  ipaudit report {pairs|scanners|servers|traffic|host|summary} [options]: one report
            over the interval files of a period, as aligned text (default), CSV or JSON, with
            exact integers and IPs as text. Sessions count by their own packet times.
              pairs     busiest (local, remote) pairs by total bytes (section 'pair'), then the
                        busiest local hosts ('local_host') and remote hosts ('remote_host')
              scanners  outgoing (local) and incoming (remote) scanners: distinct targets
                        (host, port) never answered or only rejected (no packet back, or only
                        RST without payload), hosts, ports, top ports, source-port spread
              servers   per service or risk port of ports.conf, the local hosts that answered
                        as servers (role 'server'; not in --expected: flagged UNEXPECTED),
                        then the local clients of the service (role 'client')
              traffic   bytes in/out/other/total, packets, sessions by protocol and service,
                        with shares and a TOTAL row
              host      one IP (--ip, required): totals in/out (as local or remote side),
                        per day and week, top peers, services used (as client) and offered
                        (as server, the servers rule), per-interval series, and its
                        findings: its rows of the scanners and servers reports; sections
                        'total', 'day', 'week', 'peer', 'used', 'offered', 'interval',
                        'scanner', 'server'
              summary   a week or month: totals with shares, each day, busiest pairs, local
                        and remote hosts (top 100), services, scanners, and servers new since
                        the previous period (at most --top: unexpected ones first, then by
                        bytes; a note gives the count); sections 'period', 'total', 'day', 'pair',
                        'local_host', 'remote_host', 'service', 'scanner', 'new_server';
                        --format html: one self-contained HTML page for mail

            -c, --config FILE       settings from an ipaudit.conf (default /etc/ipaudit/ipaudit.conf
                                    when it exists): data-dir, ports, min-targets,
                                    expected-servers; the options below override them; a bad
                                    line stops with FILE:LINE (exit 2)
            -d, --data-dir [NAME=]DIR
                                    data directory (default /var/lib/ipaudit); repeat it
                                    for several sensors (NAME defaults to DIR's last
                                    component): rows are ranked across them, with a
                                    'sensor' column first ('sensor-dir = NAME=DIR'
                                    lines of the config file do the same)
            --sensor NAME,..        only these of the sensors
            --from T, --to T        the period [from, to); default the last 24 hours (forms
                                    as for search)
            --top N                 rows per table at most (default 20, 0..10000; 0 = 10000)
            --format F              text, csv or json
            --ports FILE            port labels (default /etc/ipaudit/ports.conf when it
                                    exists, else the built-in copy of conf/ports.conf)
            --min-targets N         scanners: unanswered targets to be listed (default 50)
            --expected H:P,..       servers: expected servers, e.g. 10.1.1.25:25,[2001:db8::1]:443
                                    (the host report's findings use min-targets and
                                    expected-servers of the config file)
            --ip IP                 host: the IPv4 or IPv6 address (required)
            --period week|month     summary: the local week or calendar month holding --from
                                    (default week; without --from the last complete one);
                                    not with --to. --to without --period: any period.
            --week-start DAY        summary: monday (default) or sunday
            (summary also takes --min-targets and --expected; --top defaults to 100;
            --format also html)
)";

namespace {

po::options_description report_options() {
    po::options_description desc("report options");
    auto text = [] { return po::value<std::string>(); };
    desc.add_options()("help,h", "this help")("config,c", text())("data-dir,d", po::value<std::vector<std::string>>())(
        "sensor", text())("from", text())("to", text())(
        "top", text())("format", text())("ports", text())("min-targets", text())("expected", text())("ip", text())(
        "period", text())("week-start", text());
    return desc;
}

// `ipaudit report summary`: text/csv/json from its table, or the HTML mail page.
int summary_output(const rp::IntervalCatalog& catalog, const rp::PortLabels& labels, rp::SummaryOptions options,
                   std::optional<rp::OutputFormat> format, std::ostream& out, std::ostream& err, const std::string& prefix) {
    rp::SummaryReport r = rp::summary_report(catalog, labels, options);
    if (!catalog.data_span()) r.notes.push_back("no interval files under " + (catalog.data_dir() / "intervals").string());
    if (format) rp::write_summary(*format, out, rp::summary_table(r, labels), r);
    else rp::write_summary_html(out, r, labels);
    out.flush();
    if (format != rp::OutputFormat::kJson)
        for (const auto& note : r.notes) err << prefix << "note: " << note << '\n';
    return kExitOk;
}

// What a table report needs besides its data: the options of one run.
struct ReportRequest {
    rp::Period period;
    std::size_t top = rp::kDefaultTop;
    std::int64_t min_targets = rp::kDefaultMinTargets;
    std::vector<rp::ExpectedServer> expected;
    std::optional<IpAddress> host_ip;  // host report
};

// The table of report `name` (not summary) over one data directory; its notes appended.
rp::ReportTable table_report(const std::string& name, const rp::IntervalCatalog& catalog, const rp::PortLabels& labels,
                             const ReportRequest& q, rp::Notes& notes) {
    const auto keep = [&notes](rp::Notes& own) { notes.insert(notes.end(), own.begin(), own.end()); };
    if (name == "pairs") {
        auto r = rp::pairs_report(catalog, {q.period, q.top});
        keep(r.notes);
        return rp::pairs_table(r);
    }
    if (name == "scanners") {
        rp::ScannerOptions o;
        o.period = q.period;
        o.top = q.top;
        o.min_targets = q.min_targets;
        auto r = rp::scanners_report(catalog, o);
        keep(r.notes);
        return rp::scanners_table(r, labels);
    }
    if (name == "servers") {
        rp::ServerOptions o;
        o.period = q.period;
        o.top = q.top;
        o.expected = q.expected;
        auto r = rp::servers_report(catalog, labels, o);
        keep(r.notes);
        return rp::servers_table(r);
    }
    if (name == "host") {
        auto r = rp::host_report(catalog, labels,
                                 rp::HostOptions{*q.host_ip, q.period, q.top, rp::HostFindingOptions{q.min_targets, q.expected}});
        keep(r.notes);
        return rp::host_table(r);
    }
    auto r = rp::traffic_report(catalog, labels, {q.period, q.top});
    keep(r.notes);
    return rp::traffic_table(r);
}

}  // namespace

int report_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, std::int64_t now_us) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        out << "usage: ipaudit report {pairs|scanners|servers|traffic|host|summary} [options]\n\n" << kReportHelp;
        return args.empty() ? kExitUsage : kExitOk;
    }
    const std::string name = args[0];
    if (name != "pairs" && name != "scanners" && name != "servers" && name != "traffic" && name != "host" &&
        name != "summary") {
        err << "ipaudit report: unknown report '" << rp::quote_input(name)
            << "' (pairs, scanners, servers, traffic, host or summary)\n";
        return kExitUsage;
    }
    const std::string prefix = "ipaudit report " + name + ": ";
    DataSources sources;
    rp::Period period;
    std::size_t top = rp::kDefaultTop;
    rp::OutputFormat format = rp::OutputFormat::kText;
    std::optional<std::string> ports_file;
    std::int64_t min_targets = rp::kDefaultMinTargets;
    std::vector<rp::ExpectedServer> expected;
    std::optional<IpAddress> host_ip;
    bool html = false;  // summary --format html
    rp::ReportSettings settings;
    try {
        po::variables_map vm;
        const po::positional_options_description none;
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        po::store(po::command_line_parser(rest).options(report_options()).positional(none).run(), vm);
        if (vm.count("help")) {
            out << "usage: ipaudit report {pairs|scanners|servers|traffic|host|summary} [options]\n\n" << kReportHelp;
            return kExitOk;
        }
        std::optional<std::filesystem::path> config_file;
        if (const auto c = get(vm, "config")) {
            if (c->empty()) throw UsageError("--config: empty");
            config_file = *c;
        }
        try {
            settings = rp::read_report_settings(config_file);
        } catch (const rp::SettingsError& e) {
            throw UsageError(e.what());
        }
        min_targets = settings.min_targets;
        expected = settings.expected;
        sources = data_sources(vm, settings.sensors, settings.data_dir);
        if (name == "summary" && sources.sensors.size() > 1)
            throw UsageError("the summary covers one sensor at a time: pick one with --sensor NAME");
        if (name == "summary") {
            std::optional<rp::SummaryKind> kind;
            rp::WeekStart week_start = rp::WeekStart::kMonday;
            with_option(vm, "period", [&](const std::string& v) { kind = rp::parse_summary_kind(v); });
            with_option(vm, "week-start", [&](const std::string& v) { week_start = rp::parse_week_start(v); });
            if (kind && vm.count("to"))
                throw UsageError("--to: not with --period (the week or month is the one holding --from)");
            if (!vm.count("top")) top = rp::kSummaryTop;
            try {
                const auto k = kind.value_or(rp::SummaryKind::kWeek);
                period = rp::resolve_summary_period(kind, get(vm, "from"), get(vm, "to"), week_start,
                                                    rp::last_complete_period(k, now_us, week_start).from_us, now_us);
            } catch (const rp::TimeSpecError& e) {
                throw UsageError(e.what());
            }
        } else {
            try {
                period = rp::parse_period(get(vm, "from"), get(vm, "to"), now_us);
            } catch (const rp::TimeSpecError& e) {
                throw UsageError(e.what());
            }
        }
        with_option(vm, "top", [&](const std::string& v) {
            top = static_cast<std::size_t>(rp::parse_count(v, 0, static_cast<std::int64_t>(rp::kMaxTop)));
        });
        with_option(vm, "format", [&](const std::string& v) {
            if (v == "html" && name != "summary") throw UsageError("--format html: only for the summary report");
            html = v == "html";
            if (!html) format = rp::parse_output_format(v);
        });
        with_option(vm, "min-targets", [&](const std::string& v) { min_targets = rp::parse_count(v, 1, 1'000'000'000); });
        with_option(vm, "expected", [&](const std::string& v) { expected = rp::parse_expected_servers(v); });
        if (const auto p = get(vm, "ports")) {
            if (p->empty()) throw UsageError("--ports: empty");
            ports_file = *p;
        }
        const auto only = [&](const char* option, const char* report) {
            if (vm.count(option) && name != report)
                throw UsageError(std::string("--") + option + ": only for the " + report + " report");
        };
        if (name != "summary") {
            only("min-targets", "scanners");
            only("expected", "servers");
        }
        only("ip", "host");
        only("period", "summary");
        only("week-start", "summary");
        if (name == "host") {
            const auto ip = get(vm, "ip");
            if (!ip) throw UsageError("--ip: required for the host report (an IPv4 or IPv6 address)");
            host_ip = IpAddress::parse(*ip);
            if (!host_ip)
                throw UsageError("--ip: " + rp::quote_input(*ip) + " is not an IPv4 or IPv6 address");
        }
    } catch (const po::error& e) {
        err << prefix << usage_message(e, args) << " (see ipaudit report --help)\n";
        return kExitUsage;
    } catch (const UsageError& e) {
        err << prefix << e.what() << '\n';
        return kExitUsage;
    }

    rp::PortLabels labels;
    try {
        labels = ports_file ? rp::PortLabels::configured(std::filesystem::path(*ports_file))
                            : rp::settings_port_labels(settings);  // `ports` of the config file, else the default
    } catch (const rp::PortLabelsError& e) {
        err << prefix << "--ports: " << e.what() << '\n';
        return kExitFailure;
    } catch (const rp::SettingsError& e) {
        err << prefix << e.what() << '\n';
        return kExitFailure;
    }
    if (const std::string missing = missing_data_dir(sources); !missing.empty()) {
        err << prefix << missing << '\n';
        return kExitFailure;
    }
    if (name == "summary")
        return summary_output(rp::IntervalCatalog(sources.sensors.front().data_dir), labels,
                              {period, top, min_targets, expected},
                              html ? std::nullopt : std::optional<rp::OutputFormat>(format), out, err, prefix);
    // One sensor's table of the report, its notes appended to `notes`.
    const auto run_one = [&](const std::filesystem::path& data_dir, rp::Notes& notes) {
        const rp::IntervalCatalog catalog(data_dir);
        rp::ReportTable table;
        table = table_report(name, catalog, labels, {period, top, min_targets, expected, host_ip}, notes);
        if (!catalog.data_span()) notes.push_back("no interval files under " + (data_dir / "intervals").string());
        return table;
    };
    rp::ReportTable table;
    rp::Notes notes;
    if (!sources.labelled) {
        table = run_one(sources.sensors.front().data_dir, notes);
    } else {
        std::vector<rp::SensorTable> tables;
        for (const rp::Sensor& sensor : sources.sensors) {
            rp::Notes own;
            tables.push_back({sensor.name, run_one(sensor.data_dir, own)});
            for (auto& note : own) notes.push_back("sensor " + sensor.name + ": " + note);
        }
        table = rp::merge_sensor_tables(std::move(tables), top);
    }
    rp::write_report(format, out, table, period, notes);
    out.flush();
    if (format != rp::OutputFormat::kJson)
        for (const auto& note : notes) err << prefix << "note: " << note << '\n';
    return kExitOk;
}

}  // namespace ipaudit::cli
