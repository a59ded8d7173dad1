// `ipaudit rollup [--rebuild DAY]...`: RollupWriter::update for every day with interval files,
// or RollupWriter::rebuild for the days named.
#include "cli/rollup_command.hpp"

#include <boost/program_options.hpp>
#include <chrono>
#include <filesystem>
#include <map>

#include "cli/option_values.hpp"
#include "report/rollup.hpp"
#include "report/summary_report.hpp"
#include "report/time_spec.hpp"
#include "store/interval_reader.hpp"

namespace ipaudit::cli {

namespace po = boost::program_options;
namespace rp = ipaudit::report;

const char* const kRollupHelp = R"(    rollup  ipaudit rollup [-d DATA_DIR] [--rebuild DAY]... [--day DAY]... [--ports FILE]
            Daily rollups (DATA/rollups/YYYY-MM-DD.db, local days) hold what the reports need
            over days. ipauditd merges each interval into its day as it writes it; this
            command merges what it missed (a crash, a full disk, files copied in) and is what
            the hourly cron job runs. Without options every day with interval files is
            brought up to date; merging a file twice changes nothing.
            Then the rollups of every complete week (Monday to Sunday) and month with
            data are built or refreshed from the daily ones (DATA/rollups/FIRST_LAST.db):
            a weekly or monthly summary reads one file instead of 7 or 31.
            --day DAY          only this local day (YYYY-MM-DD, today, yesterday)
            --week DAY         build the rollup of the Monday week holding DAY
            --month DAY        build the rollup of the month holding DAY
            --rebuild DAY      build the day anew from its interval files (after editing
                               ports.conf, or to check: the result equals the incremental one)
            --ports FILE       port labels, as for report (rollups record which they used;
                               reports do not use a rollup built with other labels)
            -d, --data-dir DIR data directory (default /var/lib/ipaudit)
)";

namespace {

std::int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Whether the span's file is missing or older than one of its daily rollups.
bool is_stale(const std::filesystem::path& data_dir, const rp::LocalDay& first, const rp::LocalDay& last) {
    std::error_code ec;
    const auto span_time = std::filesystem::last_write_time(rp::rollup_path(data_dir, rp::span_of(first, last)), ec);
    if (ec) return true;
    for (std::int64_t at = first.from_us; at < last.to_us;) {
        const rp::LocalDay day = rp::local_day_of(at);
        at = day.to_us;
        std::error_code day_ec;
        const auto t = std::filesystem::last_write_time(rp::rollup_path(data_dir, day), day_ec);
        if (!day_ec && t > span_time) return true;
    }
    return false;
}

std::string describe(const rp::RollupWriter::DayResult& r) {
    std::string line = r.day.name + ": ";
    if (r.rebuilt) {
        line += "rebuilt from " + std::to_string(r.merged) + " interval file(s)";
    } else if (r.merged == 0) {
        line += "up to date (" + std::to_string(r.already) + " interval file(s))";
    } else {
        line += "merged " + std::to_string(r.merged) + " interval file(s), " + std::to_string(r.already) + " already held";
    }
    return line;
}

}  // namespace

int rollup_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    po::options_description desc("rollup options");
    desc.add_options()("help,h", "this help")("data-dir,d", po::value<std::string>())(
        "rebuild", po::value<std::vector<std::string>>())("day", po::value<std::vector<std::string>>())(
        "ports", po::value<std::string>())("week", po::value<std::vector<std::string>>())(
        "month", po::value<std::vector<std::string>>());
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(desc).run(), vm);
    } catch (const po::error& e) {
        err << "ipaudit rollup: " << usage_message(e, args) << '\n';
        return kExitUsage;
    }
    if (vm.count("help")) {
        out << "usage: ipaudit rollup [options]\n\n" << kRollupHelp;
        return kExitOk;
    }
    const std::filesystem::path data_dir = get(vm, "data-dir").value_or("/var/lib/ipaudit");
    const auto days_of = [&](const char* option, std::vector<rp::LocalDay>& days) {
        if (!vm.count(option)) return true;
        const std::int64_t now = now_us();
        for (const std::string& text : vm[option].as<std::vector<std::string>>()) {
            try {
                days.push_back(rp::local_day_of(rp::parse_time(text, rp::Bound::kFrom, now)));
            } catch (const rp::TimeSpecError& e) {
                err << "ipaudit rollup: --" << option << ": " << e.what() << '\n';
                return false;
            }
        }
        return true;
    };
    std::vector<rp::LocalDay> rebuild_days, update_days, week_days, month_days;
    if (!days_of("rebuild", rebuild_days) || !days_of("day", update_days) || !days_of("week", week_days) ||
        !days_of("month", month_days))
        return kExitUsage;
    const bool everything = rebuild_days.empty() && update_days.empty() && week_days.empty() && month_days.empty();
    rp::PortLabels labels;
    try {
        const auto ports = get(vm, "ports");
        labels = rp::PortLabels::configured(ports ? std::optional<std::filesystem::path>(*ports) : std::nullopt);
    } catch (const rp::PortLabelsError& e) {
        err << "ipaudit rollup: --ports: " << e.what() << '\n';
        return kExitFailure;
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(data_dir, ec)) {
        err << "ipaudit rollup: data directory " << data_dir.string() << ": "
            << (ec ? ec.message() : std::string("no such directory")) << '\n';
        return kExitFailure;
    }
    rp::RollupWriter writer(data_dir, std::move(labels));
    if (everything) update_days = writer.days_with_intervals();
    int rc = kExitOk;
    const auto run = [&](const rp::LocalDay& day, bool rebuild) {
        try {
            const auto result = rebuild ? writer.rebuild(day) : writer.update(day);
            for (const std::string& note : result.notes) err << "ipaudit rollup: " << day.name << ": " << note << '\n';
            out << describe(result) << '\n';
        } catch (const std::exception& e) {  // RollupError, or an interval file that went bad
            err << "ipaudit rollup: " << day.name << ": " << e.what() << '\n';
            rc = kExitFailure;
        }
    };
    for (const rp::LocalDay& day : rebuild_days) run(day, true);
    for (const rp::LocalDay& day : update_days) run(day, false);

    // Spans: the weeks and months asked for; with no option, every complete one with data whose
    // file is missing or older than one of its days.
    const auto span_days = [](rp::SummaryKind kind, const rp::LocalDay& day) {
        const rp::Period p = rp::summary_period(kind, day.from_us);
        return std::make_pair(rp::local_day_of(p.from_us), rp::local_day_of(p.to_us - 1));
    };
    std::map<std::string, std::pair<rp::LocalDay, rp::LocalDay>> spans;
    for (const auto& d : week_days) spans.emplace(span_days(rp::SummaryKind::kWeek, d).first.name + "w", span_days(rp::SummaryKind::kWeek, d));
    for (const auto& d : month_days) spans.emplace(span_days(rp::SummaryKind::kMonth, d).first.name + "m", span_days(rp::SummaryKind::kMonth, d));
    if (everything) {
        const rp::LocalDay today = rp::local_day_of(now_us());
        for (const rp::LocalDay& d : update_days)
            for (const auto kind : {rp::SummaryKind::kWeek, rp::SummaryKind::kMonth}) {
                const auto span = span_days(kind, d);
                if (span.second.to_us > today.from_us) continue;  // not complete yet
                if (is_stale(data_dir, span.first, span.second))
                    spans.emplace(span.first.name + (kind == rp::SummaryKind::kWeek ? "w" : "m"), span);
            }
    }
    for (const auto& [key, span] : spans) {
        try {
            const auto result = writer.build_span(span.first, span.second);
            for (const std::string& note : result.notes) err << "ipaudit rollup: " << result.day.name << ": " << note << '\n';
            if (result.merged == 0) continue;  // no data in that week or month: no file
            out << result.day.name << ": built from " << result.merged << " daily rollup(s)\n";
        } catch (const std::exception& e) {
            err << "ipaudit rollup: " << span.first.name << "_" << span.second.name << ": " << e.what() << '\n';
            rc = kExitFailure;
        }
    }
    return rc;
}

}  // namespace ipaudit::cli
