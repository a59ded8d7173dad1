// `ipaudit rollup [--rebuild DAY]...`: RollupWriter::update for every day with interval files,
// or RollupWriter::rebuild for the days named.
#include "cli/rollup_command.hpp"

#include <boost/program_options.hpp>
#include <filesystem>

#include "cli/option_values.hpp"
#include "report/rollup.hpp"
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
            --day DAY          only this local day (YYYY-MM-DD, today, yesterday)
            --rebuild DAY      build the day anew from its interval files (after editing
                               ports.conf, or to check: the result equals the incremental one)
            --ports FILE       port labels, as for report (rollups record which they used;
                               reports do not use a rollup built with other labels)
            -d, --data-dir DIR data directory (default /var/lib/ipaudit)
)";

namespace {

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
        "ports", po::value<std::string>());
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(desc).run(), vm);
    } catch (const po::error& e) {
        err << "ipaudit rollup: " << e.what() << '\n';
        return kExitUsage;
    }
    if (vm.count("help")) {
        out << "usage: ipaudit rollup [options]\n\n" << kRollupHelp;
        return kExitOk;
    }
    const std::filesystem::path data_dir = get(vm, "data-dir").value_or("/var/lib/ipaudit");
    const auto days_of = [&](const char* option, std::vector<rp::LocalDay>& days) {
        if (!vm.count(option)) return true;
        const std::int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
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
    std::vector<rp::LocalDay> rebuild_days, update_days;
    if (!days_of("rebuild", rebuild_days) || !days_of("day", update_days)) return kExitUsage;
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
    if (rebuild_days.empty() && update_days.empty()) update_days = writer.days_with_intervals();
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
    return rc;
}

}  // namespace ipaudit::cli
