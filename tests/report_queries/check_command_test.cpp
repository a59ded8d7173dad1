// `ipaudit check` (the real binary) over installations made right and wrong: each problem is a
// FAIL line with its fix and exit status 1; a sound one says ok and exits 0.
#include <gtest/gtest.h>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include "tests/report/report_test_helpers.hpp"

namespace ipaudit::report {
namespace {

namespace fs = std::filesystem;
using report_test::RunResult;
using report_test::TempDir;

std::string me() {
    const passwd* pw = getpwuid(geteuid());
    return pw ? pw->pw_name : "root";
}

class CheckCommand : public ::testing::Test {
protected:
    void SetUp() override {
        report_test::import_scenario(data(), "sample", {}, report_test::kSampleLocalNets);
        fs::permissions(data(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
        // The sample's intervals are from 2026-11-02: make them look just written.
        for (const fs::path& f : report_test::all_db_files(data())) fs::last_write_time(f, fs::file_time_type::clock::now());
    }
    fs::path data() const { return dir_.path() / "data"; }
    fs::path conf(const std::string& text) const {
        const fs::path p = dir_.path() / "ipaudit.conf";
        std::ofstream(p) << text;
        return p;
    }
    RunResult check(std::vector<std::string> extra = {}, const std::string& web_user = me()) const {
        std::vector<std::string> argv = {IPAUDIT_BIN, "check", "-c", conf("data-dir = " + data().string() + "\n").string(),
                                         "--user", me(), "--web-user", web_user};
        argv.insert(argv.end(), extra.begin(), extra.end());
        return report_test::run(argv);
    }
    TempDir dir_;
};

TEST_F(CheckCommand, ASoundInstallationIsOk) {
    const RunResult r = check();
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("ok       config file"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("/intervals writable by " + me()), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("/rollups readable by " + me()), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("nothing in " + data().string() + " is world-writable"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("MiB free of"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("last interval file 20261102-1030.db written"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
}

TEST_F(CheckCommand, WorldWritableDataFails) {
    const fs::path f = report_test::all_db_files(data()).front();
    fs::permissions(f, fs::perms::others_write, fs::perm_options::add);
    const RunResult r = check();
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_NE(r.out.find("FAIL     1 world-writable path(s) in the data, first " + f.string()), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("fix: chmod -R o-w " + data().string()), std::string::npos) << r.out;
}

TEST_F(CheckCommand, ABadConfigLineIsNamed) {
    const fs::path bad = conf("data-dir = " + data().string() + "\nbogus = 1\n");
    const RunResult r = report_test::run({IPAUDIT_BIN, "check", "-c", bad.string(), "--user", me(), "--web-user", me()});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("FAIL     config: " + bad.string() + ":2: unrecognised option 'bogus'"), std::string::npos) << r.out;
}

TEST_F(CheckCommand, AMissingDataDirectoryOrSensorFails) {
    RunResult r = check({"-d", (dir_.path() / "nowhere").string()});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("FAIL     data directory " + (dir_.path() / "nowhere").string() + " does not exist"),
              std::string::npos) << r.out;
    EXPECT_NE(r.out.find("fix: install -d"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("MiB free"), std::string::npos) << "no disk check without a directory:\n" << r.out;

    const fs::path c = conf("data-dir = " + data().string() + "\nsensor-dir = lab=" + (dir_.path() / "lab").string() + "\n");
    r = report_test::run({IPAUDIT_BIN, "check", "-c", c.string(), "--user", me(), "--web-user", me()});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("sensor lab:\nFAIL     data directory " + (dir_.path() / "lab").string()), std::string::npos) << r.out;
}

TEST_F(CheckCommand, AWebUserWhoCannotReadFails) {
    const passwd* nobody = getpwnam("nobody");
    if (nobody == nullptr || nobody->pw_uid == geteuid()) GTEST_SKIP() << "needs a user 'nobody' other than us";
    const RunResult r = check({}, "nobody");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("/intervals not readable by nobody (the web pages): " + data().string() + " (no search permission)"),
              std::string::npos) << r.out;
    EXPECT_NE(r.out.find("fix: chmod -R g+rX " + data().string() + " and adduser nobody "), std::string::npos) << r.out;
}

TEST_F(CheckCommand, AnOldLastIntervalIsAWarning) {
    for (const fs::path& f : report_test::all_db_files(data()))
        fs::last_write_time(f, fs::file_time_type::clock::now() - std::chrono::hours(5));
    const RunResult r = check();
    EXPECT_EQ(r.status, 0) << "a warning is not a failure:\n" << r.out;
    EXPECT_NE(r.out.find("WARNING  last interval file 20261102-1030.db written 5 h ago (interval 1800 s)"),
              std::string::npos) << r.out;
    EXPECT_NE(r.out.find("ipaudit check: ok, "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ipaudit::report
